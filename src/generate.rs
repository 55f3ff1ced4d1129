//! `clientela generate`: fills a database with a large synthetic store — customers with
//! Spanish, Polish and English names, their addresses, a small catalogue and orders — for
//! scale tests and benchmarks (`clientela bench`).
//!
//! Invariants:
//! - deterministic: the same `--seed`, counts and `--until` give the same rows (every value
//!   comes from a small counter-based generator keyed by (seed, customer index), so the data
//!   of a customer does not depend on batch sizes or on the order of the work);
//! - exactly `--customers` customers and `--orders` orders are added;
//! - afterwards every customer row's list columns (`search_text`, `city`, `country` and the
//!   order figures) hold what the application itself would have computed: the figures are
//!   recomputed in SQL from the inserted orders, per batch, with the same definition as
//!   `db::orders::figures_for_list`;
//! - never mixes with an existing store unless asked (`--force`);
//! - meant for a store nobody is using meanwhile: ids are given explicitly (so orders can name
//!   their customer without reading ids back), and each batch holds the write lock (SQLite)
//!   for a second or two.
//!
//! Speed: rows go in as multi-row `INSERT … VALUES` statements of a few thousand rows, each
//! batch of customers (with everything that belongs to them) in one transaction. The SQL is
//! built as text with literals — only integers, whole-second timestamps and strings quoted by
//! [`push_text`] — because it is portable across both backends, has no bound-variable limit
//! (SQLite allows 32766 per statement) and skips per-value binding on tens of millions of
//! values.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::db::schema::products;
use crate::db::{self, Backend, DbConn};
use crate::domain::customers::search_text;

/// The default last day of the generated history. A fixed date rather than "today" so that
/// the same seed gives the same data on any day; pass `--until` to move the history.
pub const DEFAULT_UNTIL: &str = "2026-11-23";

/// Customers (with their addresses, orders, lines and history) per transaction.
const CUSTOMERS_PER_BATCH: u64 = 10_000;
/// Rows per `INSERT` statement: a few hundred kilobytes of SQL, cheap to parse.
const ROWS_PER_STATEMENT: usize = 5_000;
/// How often progress is printed at most.
const PROGRESS_EVERY: StdDuration = StdDuration::from_secs(2);
/// How far back customers were created.
const HISTORY_DAYS: i64 = 3 * 365;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub customers: u64,
    pub orders: u64,
    pub seed: u64,
    /// Add to a database that already has customers.
    pub force: bool,
    /// The history ends at 00:00 UTC of this day.
    pub until: NaiveDate,
}

/// What was generated and how long it took.
#[derive(Debug, Clone)]
pub struct Summary {
    pub backend: Backend,
    pub customers: u64,
    pub addresses: u64,
    pub orders: u64,
    pub order_lines: u64,
    pub load: StdDuration,
    /// The statistics step that followed the load, and its duration.
    pub analyze_command: &'static str,
    pub analyze: StdDuration,
}

/// Generates the store described by `opts` into the database at `database_url` (running
/// migrations first), printing progress to stderr.
pub fn run(database_url: &str, opts: &Options) -> Result<Summary> {
    if opts.orders > 0 && opts.customers == 0 {
        bail!("orders need customers: pass --customers greater than 0");
    }
    let pool = db::connect(database_url, 1)?;
    let mut conn = pool.get()?;
    let conn: &mut DbConn = &mut conn;
    let backend = db::backend_of(conn);

    let existing = crate::db::store::customer_count(conn)?;
    if existing > 0 && !opts.force {
        bail!(
            "the database already has {existing} customers; generated data is only added to an \
             empty store (pass --force to add it anyway)"
        );
    }
    let currency = crate::domain::settings::store_currency(conn)?;

    match backend {
        // A bulk load of synthetic data, not money: a power cut mid-load loses at most the
        // data being generated, which a rerun recreates. So this connection skips fsync and
        // gets a 1 GiB page cache. It belongs to this function's own pool, closed when `run`
        // returns: no connection of the application ever runs with these settings.
        Backend::Sqlite => conn.batch_execute(
            "PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY;",
        )?,
        // Same reasoning: commits of this session do not wait for the WAL flush.
        Backend::Postgres => conn.batch_execute("SET synchronous_commit = off")?,
    }

    let started = Instant::now();
    let product_ids = insert_catalogue(conn)?;
    let first_customer_id = next_id(conn, "customers")?;
    let first_order_id = next_id(conn, "orders")?;
    let counts = orders_per_customer(opts.seed, opts.customers, opts.orders);
    let anchor = opts.until.and_hms_opt(0, 0, 0).unwrap_or_default();

    let mut progress = Progress::new(opts.customers, opts.orders);
    let mut totals = Totals::default();
    let mut next_order_id = first_order_id;
    let mut batch_start = 0u64;
    while batch_start < opts.customers {
        let batch_end = (batch_start + CUSTOMERS_PER_BATCH).min(opts.customers);
        let ctx = BatchContext {
            seed: opts.seed,
            anchor,
            first_customer_id,
            products: &product_ids,
            counts: &counts,
        };
        let done = db::write_tx(conn, |conn| -> Result<Totals> {
            let done = insert_batch(
                conn,
                &ctx,
                batch_start..batch_end,
                next_order_id,
                &mut progress,
            )?;
            refresh_figures(
                conn,
                &currency,
                first_customer_id + to_i64(batch_start)?,
                first_customer_id + to_i64(batch_end)? - 1,
            )?;
            Ok(done)
        })
        .with_context(|| format!("batch of customers {batch_start}..{batch_end}"))?;
        next_order_id += to_i64(done.orders)?;
        totals.add(&done);
        batch_start = batch_end;
    }
    progress.finish(&totals);

    if backend == Backend::Postgres {
        // Ids were given explicitly; move the identity sequences past them so the
        // application's own inserts do not collide.
        conn.batch_execute(
            "SELECT setval(pg_get_serial_sequence('customers', 'id'), \
               (SELECT COALESCE(MAX(id), 0) + 1 FROM customers), false); \
             SELECT setval(pg_get_serial_sequence('orders', 'id'), \
               (SELECT COALESCE(MAX(id), 0) + 1 FROM orders), false);",
        )?;
    }
    let load = started.elapsed();

    // Fresh statistics for the planner. On PostgreSQL also VACUUM: it marks the new pages
    // all-visible, which index-only scans (the list's counts) need; autovacuum would do it
    // later, at an unpredictable moment in a benchmark.
    let analyze_sql = match backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE",
    };
    eprintln!("generate: running {analyze_sql}…");
    let analyze_started = Instant::now();
    conn.batch_execute(analyze_sql)?;
    let analyze = analyze_started.elapsed();
    if backend == Backend::Sqlite {
        // Fold the load's write-ahead log into the database file so the server does not start
        // with gigabytes of WAL to read through.
        conn.batch_execute("PRAGMA wal_checkpoint(TRUNCATE)")?;
    }
    Ok(Summary {
        backend,
        customers: totals.customers,
        addresses: totals.addresses,
        orders: totals.orders,
        order_lines: totals.order_lines,
        load,
        analyze_command: analyze_sql,
        analyze,
    })
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).context("count out of range")
}

/// The id after the largest one in `table` (1 for an empty table). Generated rows get explicit
/// ids from here so orders can name their customer and lines their order without reading ids
/// back.
fn next_id(conn: &mut DbConn, table: &str) -> Result<i64> {
    #[derive(QueryableByName)]
    struct Next {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        next: i64,
    }
    // `table` is one of two constants of this module, never input.
    let row: Next = diesel::sql_query(format!(
        "SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) AS next FROM {table}"
    ))
    .get_result(conn)?;
    Ok(row.next)
}

// ---------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------

/// SplitMix64: tiny, fast and fully specified here, so the data does not change when a
/// dependency changes its generator.
#[derive(Debug, Clone)]
struct Rng(u64);

/// Independent streams of one seed: which counts customers get, and everything else.
const STREAM_COUNTS: u64 = 1;
const STREAM_CUSTOMER: u64 = 2;

impl Rng {
    /// The generator for one customer (`index`) in one stream of a seed.
    fn stream(seed: u64, stream: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        let base = r.next_u64();
        let mut r = Rng(base ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next_u64();
        r
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// True `per_mille` times in a thousand.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Like `pick`, biased towards the front of the list (the first names of a list are the
    /// common ones), so a few surnames are frequent like in real customer bases.
    fn pick_common<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let n = items.len() as u64;
        let i = self.below(n).min(self.below(n));
        &items[i as usize]
    }

    fn digits(&mut self, out: &mut String, n: usize) {
        for _ in 0..n {
            out.push(char::from(b'0' + self.below(10) as u8));
        }
    }
}

/// How many orders each customer gets: a skewed spread (30% none, 40% one or two, 25% repeat
/// buyers with 3–15, 4.5% with 16–49, 0.5% with 50–200), scaled so the total is exactly
/// `orders`. Scaling by cumulative rounding keeps customers with no orders at none.
fn orders_per_customer(seed: u64, customers: u64, orders: u64) -> Vec<u32> {
    let raw: Vec<u64> = (0..customers)
        .map(|i| {
            let mut r = Rng::stream(seed, STREAM_COUNTS, i);
            match r.below(1000) {
                0..300 => 0,
                300..700 => 1 + r.below(2),
                700..950 => 3 + r.below(13),
                950..995 => 16 + r.below(34),
                _ => 50 + r.below(151),
            }
        })
        .collect();
    let raw_total: u64 = raw.iter().sum();
    // A handful of customers may all draw "no orders": then spread the orders evenly.
    let (raw, raw_total) = if raw_total == 0 {
        (vec![1; raw.len()], customers)
    } else {
        (raw, raw_total)
    };
    let scale = |cum: u64| -> u64 {
        (u128::from(cum) * u128::from(orders) / u128::from(raw_total.max(1))) as u64
    };
    let mut cum = 0u64;
    raw.iter()
        .map(|r| {
            let before = scale(cum);
            cum += r;
            u32::try_from(scale(cum) - before).unwrap_or(u32::MAX)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Names, places and products
// ---------------------------------------------------------------------------------------

const ES_FIRST_F: &[&str] = &[
    "Lucía", "María", "Carmen", "Sofía", "Martina", "Paula", "Julia", "Elena", "Ana", "Laura",
    "Marta", "Alba", "Noelia", "Cristina", "Isabel", "Pilar", "Rocío", "Beatriz", "Irene", "Nerea",
];
const ES_FIRST_M: &[&str] = &[
    "Javier",
    "Alejandro",
    "Pablo",
    "Daniel",
    "Hugo",
    "Álvaro",
    "Diego",
    "Adrián",
    "Sergio",
    "Carlos",
    "Manuel",
    "David",
    "Jorge",
    "Raúl",
    "Iván",
    "Miguel",
    "Antonio",
    "Francisco",
    "Rubén",
    "Andrés",
];
const ES_LAST: &[&str] = &[
    "García",
    "Fernández",
    "González",
    "Rodríguez",
    "López",
    "Martínez",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Castillo",
    "Ortega",
    "Delgado",
    "Núñez",
    "Herrera",
    "Vidal",
    "Peña",
    "Castro",
    "Iglesias",
    "Medina",
];
const PL_FIRST_F: &[&str] = &[
    "Zofia",
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Magdalena",
    "Joanna",
    "Aleksandra",
    "Monika",
    "Natalia",
    "Julia",
    "Karolina",
    "Dorota",
    "Beata",
    "Marta",
    "Alicja",
    "Hanna",
];
const PL_FIRST_M: &[&str] = &[
    "Krzysztof",
    "Piotr",
    "Andrzej",
    "Tomasz",
    "Paweł",
    "Michał",
    "Marcin",
    "Jakub",
    "Łukasz",
    "Adam",
    "Marek",
    "Grzegorz",
    "Mateusz",
    "Wojciech",
    "Kamil",
    "Jan",
    "Szymon",
    "Bartosz",
    "Dariusz",
    "Rafał",
];
/// Polish surnames: (masculine, feminine) forms.
const PL_LAST: &[(&str, &str)] = &[
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kowalczyk", "Kowalczyk"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
    ("Nowakowski", "Nowakowska"),
    ("Pawłowski", "Pawłowska"),
    ("Michalski", "Michalska"),
    ("Król", "Król"),
    ("Wieczorek", "Wieczorek"),
    ("Jabłoński", "Jabłońska"),
    ("Wróbel", "Wróbel"),
];
const EN_FIRST_F: &[&str] = &[
    "Emily",
    "Olivia",
    "Sophie",
    "Charlotte",
    "Amelia",
    "Jessica",
    "Grace",
    "Hannah",
    "Chloe",
    "Lucy",
    "Emma",
    "Sarah",
    "Rachel",
    "Megan",
    "Laura",
    "Isabella",
    "Ava",
    "Mia",
    "Ella",
    "Ruby",
];
const EN_FIRST_M: &[&str] = &[
    "James", "Oliver", "Jack", "Harry", "George", "Thomas", "William", "Daniel", "Michael",
    "David", "Samuel", "Joseph", "Matthew", "Benjamin", "Ethan", "Liam", "Noah", "Ryan", "Connor",
    "Patrick",
];
const EN_LAST: &[&str] = &[
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards",
    "Green", "Hall", "Wood", "Harris", "Clarke", "Carter", "Bennett", "Murphy", "O'Connor",
    "Kelly", "Walsh", "Byrne", "Miller", "Davis", "Anderson", "Moore", "Jackson", "Martin", "Lee",
    "Clark", "Lewis", "Young",
];

/// How a country writes postal codes; the city's prefix starts the code.
#[derive(Debug, Clone, Copy)]
enum Postal {
    /// Five digits: the prefix, then digits.
    Digits5,
    /// Polish `NN-NNN`.
    Polish,
    /// British outward code (the prefix), then `9AA`.
    British,
    /// Irish routing key (the prefix), then four characters.
    Irish,
}

struct Country {
    code: &'static str,
    /// The phone number's pattern; each `#` becomes a digit.
    phone: &'static str,
    postal: Postal,
    /// City, region, postal prefix.
    cities: &'static [(&'static str, &'static str, &'static str)],
    streets: &'static [&'static str],
    /// Whether the house number follows the street (`Calle Mayor 3`) or leads (`3 High St`).
    number_after: bool,
}

const ES_STREETS: &[&str] = &[
    "Calle Mayor",
    "Calle de Alcalá",
    "Gran Vía",
    "Avenida de la Constitución",
    "Calle Colón",
    "Paseo de la Castellana",
    "Calle Real",
    "Avenida de América",
    "Calle San Vicente",
    "Calle del Carmen",
    "Calle Serrano",
    "Rambla de Catalunya",
];
const PL_STREETS: &[&str] = &[
    "ul. Marszałkowska",
    "ul. Floriańska",
    "ul. Piotrkowska",
    "ul. Długa",
    "ul. Świdnicka",
    "ul. Półwiejska",
    "ul. Mickiewicza",
    "ul. Słowackiego",
    "ul. Kościuszki",
    "ul. Sienkiewicza",
    "ul. Polna",
    "ul. Leśna",
];
const EN_STREETS: &[&str] = &[
    "High Street",
    "Station Road",
    "Church Lane",
    "Main Street",
    "Park Avenue",
    "Mission Street",
    "Grafton Street",
    "Victoria Road",
    "Mill Lane",
    "King Street",
    "Oak Avenue",
    "Elm Street",
];

const SPAIN: Country = Country {
    code: "ES",
    phone: "+34 6## ### ###",
    postal: Postal::Digits5,
    cities: &[
        ("Madrid", "Madrid", "28"),
        ("Barcelona", "Barcelona", "08"),
        ("Valencia", "Valencia", "46"),
        ("Sevilla", "Sevilla", "41"),
        ("Zaragoza", "Zaragoza", "50"),
        ("Málaga", "Málaga", "29"),
        ("Bilbao", "Bizkaia", "48"),
        ("Murcia", "Murcia", "30"),
        ("Palma", "Illes Balears", "07"),
        ("Valladolid", "Valladolid", "47"),
        ("Alicante", "Alicante", "03"),
        ("Córdoba", "Córdoba", "14"),
        ("Granada", "Granada", "18"),
        ("Vigo", "Pontevedra", "36"),
        ("Gijón", "Asturias", "33"),
    ],
    streets: ES_STREETS,
    number_after: true,
};
const MEXICO: Country = Country {
    code: "MX",
    phone: "+52 55 #### ####",
    postal: Postal::Digits5,
    cities: &[
        ("Ciudad de México", "CDMX", "06"),
        ("Guadalajara", "Jalisco", "44"),
        ("Monterrey", "Nuevo León", "64"),
        ("Puebla", "Puebla", "72"),
    ],
    streets: ES_STREETS,
    number_after: true,
};
const POLAND: Country = Country {
    code: "PL",
    phone: "+48 5## ### ###",
    postal: Postal::Polish,
    cities: &[
        ("Warszawa", "mazowieckie", "0"),
        ("Kraków", "małopolskie", "3"),
        ("Łódź", "łódzkie", "9"),
        ("Wrocław", "dolnośląskie", "5"),
        ("Poznań", "wielkopolskie", "6"),
        ("Gdańsk", "pomorskie", "8"),
        ("Szczecin", "zachodniopomorskie", "7"),
        ("Lublin", "lubelskie", "2"),
        ("Katowice", "śląskie", "4"),
        ("Białystok", "podlaskie", "1"),
    ],
    streets: PL_STREETS,
    number_after: true,
};
const BRITAIN: Country = Country {
    code: "GB",
    phone: "+44 7### ######",
    postal: Postal::British,
    cities: &[
        ("London", "Greater London", "NW1"),
        ("London", "Greater London", "SE1"),
        ("Manchester", "Greater Manchester", "M14"),
        ("Birmingham", "West Midlands", "B5"),
        ("Leeds", "West Yorkshire", "LS6"),
        ("Bristol", "Bristol", "BS8"),
        ("Edinburgh", "Scotland", "EH3"),
        ("Glasgow", "Scotland", "G12"),
    ],
    streets: EN_STREETS,
    number_after: false,
};
const IRELAND: Country = Country {
    code: "IE",
    phone: "+353 8# ### ####",
    postal: Postal::Irish,
    cities: &[
        ("Dublin", "Leinster", "D02"),
        ("Cork", "Munster", "T12"),
        ("Galway", "Connacht", "H91"),
        ("Limerick", "Munster", "V94"),
    ],
    streets: EN_STREETS,
    number_after: false,
};
const USA: Country = Country {
    code: "US",
    phone: "+1 415 555 0###",
    postal: Postal::Digits5,
    cities: &[
        ("New York", "NY", "100"),
        ("San Francisco", "CA", "941"),
        ("Boston", "MA", "021"),
        ("Chicago", "IL", "606"),
        ("Seattle", "WA", "981"),
        ("Austin", "TX", "787"),
    ],
    streets: EN_STREETS,
    number_after: false,
};

/// The catalogue: SKU, name, price in cents (EUR). SKUs start with `GEN-` so a second run
/// (`--force`) finds and reuses them.
const PRODUCTS: &[(&str, &str, i64)] = &[
    ("GEN-CAM-LIN", "Camisa de lino blanca", 4990),
    ("GEN-ZAP-PIEL", "Zapatillas de piel", 8950),
    ("GEN-BOL-TOTE", "Bolso tote de algodón", 2495),
    ("GEN-ACE-OLIVA", "Aceite de oliva virgen extra 500 ml", 1275),
    ("GEN-JAB-NAT", "Jabón natural de lavanda", 650),
    ("GEN-VEL-SOJA", "Vela de soja con aroma a higo", 1890),
    ("GEN-MANTA-LANA", "Manta de lana merino", 12900),
    ("GEN-TAZA-CER", "Taza de cerámica esmaltada", 1450),
    ("GEN-KUB-CER", "Kubek ceramiczny", 1899),
    ("GEN-SZAL-WEL", "Szal wełniany", 5900),
    ("GEN-MIOD-LIP", "Miód lipowy 400 g", 1590),
    ("GEN-KOC-BAW", "Koc bawełniany", 8900),
    ("GEN-TORBA-LEN", "Torba lniana", 3450),
    ("GEN-HERB-ZIO", "Herbata ziołowa", 990),
    ("GEN-MUG-ENAMEL", "Enamel camping mug", 1450),
    ("GEN-NOTE-A5", "A5 dotted notebook", 1200),
    ("GEN-PEN-BRASS", "Brass ballpoint pen", 3200),
    ("GEN-TEA-EARL", "Earl Grey loose tea 250 g", 1150),
    ("GEN-SCARF-CASH", "Cashmere scarf", 11900),
    ("GEN-SOCKS-WOOL", "Wool hiking socks", 1990),
    ("GEN-CANDLE-CED", "Cedar candle", 2400),
    ("GEN-APRON-LIN", "Linen apron", 3900),
    ("GEN-BOARD-OAK", "Oak cutting board", 4500),
    ("GEN-GIFT-25", "Gift card 25 EUR", 2500),
];

/// A catalogue product as orders use it: id, SKU, name, price in cents.
type Product = (i64, &'static str, &'static str, i64);

/// Removes accents and anything that is not a letter or digit (for e-mail local parts).
fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'á' | 'à' | 'ą' | 'ä' => 'a',
            'é' | 'è' | 'ę' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ö' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' | 'ń' => 'n',
            'ł' => 'l',
            'ś' => 's',
            'ć' => 'c',
            'ź' | 'ż' => 'z',
            c if c.is_ascii_alphanumeric() => c,
            _ => continue,
        };
        out.push(mapped);
    }
    out
}

fn insert_catalogue(conn: &mut DbConn) -> Result<Vec<Product>> {
    let mut sql =
        String::from("INSERT INTO products (sku, name, price_cents, currency, active) VALUES ");
    for (i, (sku, name, price)) in PRODUCTS.iter().enumerate() {
        if i > 0 {
            sql.push(',');
        }
        sql.push('(');
        push_text(&mut sql, sku);
        sql.push(',');
        push_text(&mut sql, name);
        let _ = write!(sql, ",{price},'EUR',TRUE)");
    }
    // A second run (`--force`) reuses the catalogue of the first.
    sql.push_str(" ON CONFLICT (sku) DO NOTHING");
    conn.batch_execute(&sql)?;
    let skus: Vec<&str> = PRODUCTS.iter().map(|p| p.0).collect();
    let ids: Vec<(i64, String)> = products::table
        .filter(products::sku.eq_any(&skus))
        .select((products::id, products::sku))
        .load(conn)?;
    PRODUCTS
        .iter()
        .map(|(sku, name, price)| {
            let id = ids
                .iter()
                .find(|(_, s)| s == sku)
                .map(|(id, _)| *id)
                .with_context(|| format!("product {sku} missing after insert"))?;
            Ok((id, *sku, *name, *price))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// SQL text
// ---------------------------------------------------------------------------------------

/// A SQL string literal: single quotes doubled. Both backends read backslashes literally
/// (PostgreSQL with `standard_conforming_strings`, the default since 9.1).
fn push_text(sql: &mut String, s: &str) {
    sql.push('\'');
    for c in s.chars() {
        if c == '\'' {
            sql.push('\'');
        }
        sql.push(c);
    }
    sql.push('\'');
}

fn push_opt_text(sql: &mut String, s: Option<&str>) {
    match s {
        Some(s) => push_text(sql, s),
        None => sql.push_str("NULL"),
    }
}

/// A timestamp literal in the form diesel writes on SQLite (`YYYY-MM-DD HH:MM:SS`, no
/// fraction for whole seconds), so text comparisons of keyset cursors order it correctly.
fn push_time(sql: &mut String, t: NaiveDateTime) {
    let _ = write!(
        sql,
        "'{:04}-{:02}-{:02} {:02}:{:02}:{:02}'",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
}

fn push_bool(sql: &mut String, b: bool) {
    sql.push_str(if b { "TRUE" } else { "FALSE" });
}

/// A multi-row `INSERT` being built; sent once it holds about [`ROWS_PER_STATEMENT`] rows.
struct Insert {
    head: &'static str,
    sql: String,
    rows: usize,
}

impl Insert {
    fn new(head: &'static str) -> Insert {
        Insert {
            head,
            sql: String::with_capacity(1 << 20),
            rows: 0,
        }
    }

    /// The buffer to write one row's values into, after its opening parenthesis; the caller
    /// closes it.
    fn row(&mut self) -> &mut String {
        if self.rows == 0 {
            self.sql.clear();
            self.sql.push_str(self.head);
            self.sql.push_str(" VALUES (");
        } else {
            self.sql.push_str(",(");
        }
        self.rows += 1;
        &mut self.sql
    }

    fn flush(&mut self, conn: &mut DbConn) -> Result<()> {
        if self.rows > 0 {
            conn.batch_execute(&self.sql)
                .with_context(|| format!("{} ({} rows)", self.head, self.rows))?;
            self.rows = 0;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------
// One batch
// ---------------------------------------------------------------------------------------

struct BatchContext<'a> {
    seed: u64,
    anchor: NaiveDateTime,
    first_customer_id: i64,
    products: &'a [Product],
    counts: &'a [u32],
}

#[derive(Debug, Default, Clone)]
struct Totals {
    customers: u64,
    addresses: u64,
    orders: u64,
    order_lines: u64,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.customers += o.customers;
        self.addresses += o.addresses;
        self.orders += o.orders;
        self.order_lines += o.order_lines;
    }
}

/// The statuses an order of this age is in: recent orders are still moving, old ones
/// delivered or cancelled.
fn status_for(r: &mut Rng, age: Duration) -> &'static str {
    let roll = r.below(100);
    if age < Duration::days(2) {
        match roll {
            0..60 => "pending",
            60..92 => "paid",
            _ => "cancelled",
        }
    } else if age < Duration::days(8) {
        match roll {
            0..25 => "paid",
            25..90 => "shipped",
            _ => "cancelled",
        }
    } else if roll < 91 {
        "delivered"
    } else {
        "cancelled"
    }
}

fn payment_for(r: &mut Rng) -> &'static str {
    match r.below(100) {
        0..55 => "card",
        55..80 => "bank_transfer",
        _ => "cash_on_delivery",
    }
}

/// Inserts customers `range` (indexes of this run) with their addresses, orders, lines and
/// status history; order ids start at `first_order_id`.
fn insert_batch(
    conn: &mut DbConn,
    ctx: &BatchContext<'_>,
    range: std::ops::Range<u64>,
    first_order_id: i64,
    progress: &mut Progress,
) -> Result<Totals> {
    let mut customers = Insert::new(
        "INSERT INTO customers (id, full_name, email, phone, language, registered, newsletter, \
         created_at, updated_at, city, country, search_text)",
    );
    let mut addresses = Insert::new(
        "INSERT INTO addresses (customer_id, kind, full_name, line1, line2, postal_code, city, \
         region, country, phone, is_default, created_at)",
    );
    let mut orders = Insert::new(
        "INSERT INTO orders (id, number, customer_id, status, payment_method, currency, \
         subtotal_cents, shipping_cents, total_cents, placed_at, updated_at)",
    );
    let mut lines = Insert::new(
        "INSERT INTO order_lines (order_id, product_id, sku, name, quantity, unit_price_cents, \
         line_total_cents)",
    );
    let mut history =
        Insert::new("INSERT INTO order_status_history (order_id, to_status, created_at)");

    let mut done = Totals::default();
    let mut order_id = first_order_id;
    let total = ctx.counts.len() as u64;
    let span_secs = HISTORY_DAYS * 86_400;
    let start = ctx.anchor - Duration::days(HISTORY_DAYS);
    let mut placed: Vec<i64> = Vec::new();
    let mut order_lines: Vec<(Product, i64)> = Vec::new();

    for index in range {
        let mut r = Rng::stream(ctx.seed, STREAM_CUSTOMER, index);
        let id = ctx.first_customer_id + to_i64(index)?;

        // Who: the origin picks the name lists, the language and the country.
        let female = r.chance(520);
        let (full_name, surname_for_email, lang, country) = match r.below(100) {
            0..45 => {
                let first = r.pick(if female { ES_FIRST_F } else { ES_FIRST_M });
                let last = r.pick_common(ES_LAST);
                let name = if r.chance(700) {
                    format!("{first} {last} {}", r.pick_common(ES_LAST))
                } else {
                    format!("{first} {last}")
                };
                let country = if r.chance(850) { &SPAIN } else { &MEXICO };
                (name, format!("{first}.{last}"), "es", country)
            }
            45..75 => {
                let first = r.pick(if female { PL_FIRST_F } else { PL_FIRST_M });
                let (m, f) = r.pick_common(PL_LAST);
                let last = if female { f } else { m };
                (
                    format!("{first} {last}"),
                    format!("{first}.{last}"),
                    "pl",
                    &POLAND,
                )
            }
            _ => {
                let first = r.pick(if female { EN_FIRST_F } else { EN_FIRST_M });
                let last = r.pick_common(EN_LAST);
                let country = match r.below(10) {
                    0..6 => &BRITAIN,
                    6..8 => &IRELAND,
                    _ => &USA,
                };
                (
                    format!("{first} {last}"),
                    format!("{first}.{last}"),
                    "en",
                    country,
                )
            }
        };
        let registered = r.chance(600);
        let newsletter = if registered {
            r.chance(550)
        } else {
            r.chance(150)
        };
        // The customer id makes the e-mail unique (registered e-mails must be).
        let email = (registered || r.chance(900)).then(|| {
            let domain = ["example.com", "example.org", "example.net"][r.below(3) as usize];
            let local: String = surname_for_email
                .split('.')
                .map(ascii_fold)
                .collect::<Vec<_>>()
                .join(".");
            format!("{local}.{id}@{domain}")
        });
        let phone = (registered || r.chance(750)).then(|| {
            let mut p = String::with_capacity(country.phone.len());
            for c in country.phone.chars() {
                if c == '#' {
                    r.digits(&mut p, 1);
                } else {
                    p.push(c);
                }
            }
            p
        });

        // Where.
        let (city, region, prefix) = *r.pick(country.cities);
        let mut postal = String::from(prefix);
        match country.postal {
            Postal::Digits5 => r.digits(&mut postal, 5usize.saturating_sub(prefix.len())),
            Postal::Polish => {
                r.digits(&mut postal, 1);
                postal.push('-');
                r.digits(&mut postal, 3);
            }
            Postal::British => {
                postal.push(' ');
                r.digits(&mut postal, 1);
                for _ in 0..2 {
                    postal.push(char::from(b'A' + r.below(26) as u8));
                }
            }
            Postal::Irish => {
                postal.push(' ');
                postal.push(char::from(b'A' + r.below(26) as u8));
                r.digits(&mut postal, 3);
            }
        }
        let street = r.pick(country.streets);
        let number = 1 + r.below(180);
        let line1 = if country.number_after {
            format!("{street} {number}")
        } else {
            format!("{number} {street}")
        };
        // Flat or floor: how each country writes it (Polish flats go after the number).
        let line2 = match country.code {
            "ES" | "MX" => r.chance(450).then(|| {
                format!(
                    "{}º {}",
                    1 + r.below(8),
                    char::from(b'A' + r.below(4) as u8)
                )
            }),
            "GB" | "IE" => r.chance(300).then(|| format!("Flat {}", 1 + r.below(30))),
            "US" => r.chance(300).then(|| format!("Apt {}", 1 + r.below(40))),
            _ => None,
        };
        let line1 = if country.code == "PL" && r.chance(600) {
            format!("{line1}/{}", 1 + r.below(60))
        } else {
            line1
        };

        // When: ids grow with time and the store grows — later months bring more customers
        // (density triples over the three years): t = span · x(3 − x)/2 for x = index/total.
        let x_num = u128::from(index);
        let n = u128::from(total.max(1));
        let offset = (span_secs as u128 * x_num * (3 * n - x_num) / (2 * n * n)) as i64;
        let jitter = r.below(3_600) as i64;
        let created = start + Duration::seconds((offset + jitter).min(span_secs - 3_600));

        let search = search_text(&full_name, email.as_deref(), phone.as_deref(), Some(city));
        {
            let sql = customers.row();
            let _ = write!(sql, "{id},");
            push_text(sql, &full_name);
            sql.push(',');
            push_opt_text(sql, email.as_deref());
            sql.push(',');
            push_opt_text(sql, phone.as_deref());
            let _ = write!(sql, ",'{lang}',");
            push_bool(sql, registered);
            sql.push(',');
            push_bool(sql, newsletter);
            sql.push(',');
            push_time(sql, created);
            sql.push(',');
            push_time(sql, created);
            sql.push(',');
            push_text(sql, city);
            let _ = write!(sql, ",'{}',", country.code);
            push_text(sql, &search);
            sql.push(')');
        }
        done.customers += 1;

        // Billing is the shipping address for most; some bill to another street.
        let billing_line1 = if r.chance(150) {
            format!("{} {}", r.pick(country.streets), 1 + r.below(180))
        } else {
            line1.clone()
        };
        for (kind, l1) in [("shipping", &line1), ("billing", &billing_line1)] {
            {
                let sql = addresses.row();
                let _ = write!(sql, "{id},'{kind}',");
                push_text(sql, &full_name);
                sql.push(',');
                push_text(sql, l1);
                sql.push(',');
                push_opt_text(sql, line2.as_deref());
                sql.push(',');
                push_text(sql, &postal);
                sql.push(',');
                push_text(sql, city);
                sql.push(',');
                push_text(sql, region);
                let _ = write!(sql, ",'{}',", country.code);
                push_opt_text(sql, phone.as_deref());
                sql.push_str(",TRUE,");
                push_time(sql, created);
                sql.push(')');
            }
            done.addresses += 1;
        }

        // Orders: spread between sign-up and the end of the history, oldest first.
        let count = ctx.counts.get(index as usize).copied().unwrap_or(0);
        let window = ((ctx.anchor - created).num_seconds() - 60).max(1);
        placed.clear();
        placed.extend((0..count).map(|_| r.below(window as u64) as i64));
        placed.sort_unstable();
        for offset in &placed {
            let at = created + Duration::seconds(60 + offset);
            let status = status_for(&mut r, ctx.anchor - at);
            let payment = payment_for(&mut r);
            let n_lines = match r.below(100) {
                0..45 => 1,
                45..75 => 2,
                75..90 => 3,
                _ => 4,
            };
            order_lines.clear();
            for _ in 0..n_lines {
                let product = *r.pick(ctx.products);
                let qty: i64 = if r.chance(800) {
                    1
                } else {
                    2 + r.below(3) as i64
                };
                order_lines.push((product, qty));
            }
            let subtotal: i64 = order_lines.iter().map(|((_, _, _, p), q)| p * q).sum();
            let shipping = if subtotal >= 5000 { 0 } else { 495 };
            {
                let sql = orders.row();
                let _ = write!(
                    sql,
                    "{order_id},'G{order_id:07}',{id},'{status}','{payment}','EUR',\
                     {subtotal},{shipping},{},",
                    subtotal + shipping
                );
                push_time(sql, at);
                sql.push(',');
                push_time(sql, at);
                sql.push(')');
            }
            for ((product_id, sku, name, price), qty) in &order_lines {
                let sql = lines.row();
                let _ = write!(sql, "{order_id},{product_id},");
                push_text(sql, sku);
                sql.push(',');
                push_text(sql, name);
                let _ = write!(sql, ",{qty},{price},{})", price * qty);
                done.order_lines += 1;
            }
            {
                let sql = history.row();
                let _ = write!(sql, "{order_id},'{status}',");
                push_time(sql, at);
                sql.push(')');
            }
            order_id += 1;
            done.orders += 1;
        }
        // Send the statements once one is full, all of them, parents before children: the
        // foreign keys are checked at the end of each statement.
        let tables = [
            &mut customers,
            &mut addresses,
            &mut orders,
            &mut lines,
            &mut history,
        ];
        if tables.iter().any(|t| t.rows >= ROWS_PER_STATEMENT) {
            for t in tables {
                t.flush(conn)?;
            }
        }
        progress.tick(done.customers, done.orders);
    }
    customers.flush(conn)?;
    addresses.flush(conn)?;
    orders.flush(conn)?;
    lines.flush(conn)?;
    history.flush(conn)?;
    progress.commit(&done);
    Ok(done)
}

/// Sets the list figures of customers `lo..=hi` from their orders, in one statement: the
/// same definition as `db::orders::figures_for_list` (every order counts; spent is the
/// non-cancelled orders in the store currency; the last order is the latest by placing time,
/// then id). Customers without orders keep the defaults they were inserted with.
fn refresh_figures(conn: &mut DbConn, currency: &str, lo: i64, hi: i64) -> Result<()> {
    diesel::sql_query(format!(
        "UPDATE customers SET order_count = f.n, spent_cents = f.spent, \
           first_order_at = f.first_at, last_order_at = f.last_at, \
           last_order_status = (SELECT o.status FROM orders o WHERE o.customer_id = customers.id \
             ORDER BY o.placed_at DESC, o.id DESC LIMIT 1), \
           last_payment_method = (SELECT o.payment_method FROM orders o \
             WHERE o.customer_id = customers.id ORDER BY o.placed_at DESC, o.id DESC LIMIT 1) \
         FROM (SELECT customer_id, CAST(COUNT(*) AS BIGINT) AS n, \
           CAST(COALESCE(SUM(CASE WHEN status <> 'cancelled' AND currency = $1 \
             THEN total_cents ELSE 0 END), 0) AS BIGINT) AS spent, \
           MIN(placed_at) AS first_at, MAX(placed_at) AS last_at \
           FROM orders WHERE customer_id BETWEEN {lo} AND {hi} GROUP BY customer_id) AS f \
         WHERE customers.id = f.customer_id"
    ))
    .bind::<Text, _>(currency)
    .execute(conn)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Progress
// ---------------------------------------------------------------------------------------

struct Progress {
    customers_total: u64,
    orders_total: u64,
    /// Committed before the current batch.
    customers_before: u64,
    orders_before: u64,
    started: Instant,
    last_print: Instant,
}

impl Progress {
    fn new(customers_total: u64, orders_total: u64) -> Progress {
        let now = Instant::now();
        Progress {
            customers_total,
            orders_total,
            customers_before: 0,
            orders_before: 0,
            started: now,
            last_print: now,
        }
    }

    /// Called often: prints at most every [`PROGRESS_EVERY`].
    fn tick(&mut self, batch_customers: u64, batch_orders: u64) {
        if self.last_print.elapsed() < PROGRESS_EVERY {
            return;
        }
        self.last_print = Instant::now();
        self.print(
            self.customers_before + batch_customers,
            self.orders_before + batch_orders,
        );
    }

    fn commit(&mut self, batch: &Totals) {
        self.customers_before += batch.customers;
        self.orders_before += batch.orders;
    }

    fn print(&self, customers: u64, orders: u64) {
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let fraction = if self.customers_total == 0 {
            1.0
        } else {
            customers as f64 / self.customers_total as f64
        };
        let eta = if fraction > 0.0 {
            format!(", ~{:.0} s left", secs / fraction - secs)
        } else {
            String::new()
        };
        eprintln!(
            "generate: customers {customers}/{} ({:.1}%), orders {orders}/{}, \
             {:.0} customers/s, {:.0} orders/s, {secs:.0} s{eta}",
            self.customers_total,
            fraction * 100.0,
            self.orders_total,
            customers as f64 / secs,
            orders as f64 / secs,
        );
        let _ = std::io::stderr().flush();
    }

    fn finish(&self, totals: &Totals) {
        self.print(totals.customers, totals.orders);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_counts_add_up_and_are_skewed() {
        let counts = orders_per_customer(7, 10_000, 50_000);
        assert_eq!(counts.iter().map(|&c| u64::from(c)).sum::<u64>(), 50_000);
        let none = counts.iter().filter(|&&c| c == 0).count();
        let many = counts.iter().filter(|&&c| c >= 50).count();
        assert!((2_000..4_000).contains(&none), "{none} without orders");
        assert!(many >= 10, "{many} with 50+ orders");
        assert_eq!(counts, orders_per_customer(7, 10_000, 50_000));
    }

    #[test]
    fn literals_are_quoted() {
        let mut s = String::new();
        push_text(&mut s, "O'Connor");
        assert_eq!(s, "'O''Connor'");
        assert_eq!(ascii_fold("Łukasz Dąbrowski"), "lukaszdabrowski");
    }
}
