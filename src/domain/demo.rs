//! Demo data: a small, believable store (customers with Spanish, Polish and English names,
//! addresses, products and orders) so every page has something to show. Goes through the same
//! inserts as the real code and refuses to run on a database that already has customers.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::QueryResult;

use crate::db::store::{self, NewAddress, NewProduct};
use crate::db::{DbConn, write_tx};
use crate::domain::customers::{self, Contact};
use crate::domain::orders::LineInput;
use crate::i18n::Lang;

struct DemoCustomer {
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    lang: &'static str,
    registered: bool,
    newsletter: bool,
    street: &'static str,
    postal: &'static str,
    city: &'static str,
    region: &'static str,
    country: &'static str,
}

// A table row in function form keeps the data below readable, one customer per line.
#[allow(clippy::too_many_arguments)]
const fn c(
    name: &'static str,
    email: &'static str,
    phone: &'static str,
    lang: &'static str,
    registered: bool,
    street: &'static str,
    postal: &'static str,
    city: &'static str,
    region: &'static str,
    country: &'static str,
) -> DemoCustomer {
    DemoCustomer {
        name,
        email,
        phone,
        lang,
        registered,
        newsletter: registered,
        street,
        postal,
        city,
        region,
        country,
    }
}

const CUSTOMERS: &[DemoCustomer] = &[
    c(
        "Lucía Fernández Ruiz",
        "lucia.fernandez@example.es",
        "+34 612 345 678",
        "es",
        true,
        "Calle de Alcalá 42, 3º B",
        "28014",
        "Madrid",
        "Madrid",
        "ES",
    ),
    c(
        "Javier Martínez López",
        "javier.martinez@example.es",
        "+34 655 120 443",
        "es",
        true,
        "Passeig de Gràcia 88",
        "08008",
        "Barcelona",
        "Barcelona",
        "ES",
    ),
    c(
        "María José Ortega",
        "mj.ortega@example.es",
        "+34 699 001 212",
        "es",
        false,
        "Avenida de la Constitución 7",
        "41004",
        "Sevilla",
        "Sevilla",
        "ES",
    ),
    c(
        "Carmen Delgado Núñez",
        "carmen.delgado@example.es",
        "+34 620 778 901",
        "es",
        true,
        "Calle Colón 15",
        "46004",
        "Valencia",
        "Valencia",
        "ES",
    ),
    c(
        "Alejandro Gómez Peña",
        "alejandro.gomez@example.mx",
        "+52 55 1234 5678",
        "es",
        false,
        "Av. Reforma 222",
        "06600",
        "Ciudad de México",
        "CDMX",
        "MX",
    ),
    c(
        "Zofia Wójcik",
        "zofia.wojcik@example.pl",
        "+48 601 234 567",
        "pl",
        true,
        "ul. Marszałkowska 104/12",
        "00-017",
        "Warszawa",
        "mazowieckie",
        "PL",
    ),
    c(
        "Krzysztof Nowak",
        "k.nowak@example.pl",
        "+48 512 998 120",
        "pl",
        true,
        "ul. Floriańska 22",
        "31-021",
        "Kraków",
        "małopolskie",
        "PL",
    ),
    c(
        "Agnieszka Kowalczyk",
        "agnieszka.k@example.pl",
        "+48 698 300 411",
        "pl",
        false,
        "ul. Piotrkowska 150",
        "90-063",
        "Łódź",
        "łódzkie",
        "PL",
    ),
    c(
        "Łukasz Zieliński",
        "lukasz.zielinski@example.pl",
        "+48 505 111 222",
        "pl",
        true,
        "ul. Długa 45",
        "80-827",
        "Gdańsk",
        "pomorskie",
        "PL",
    ),
    c(
        "Małgorzata Szymańska",
        "m.szymanska@example.pl",
        "+48 733 456 789",
        "pl",
        false,
        "ul. Świdnicka 8",
        "50-066",
        "Wrocław",
        "dolnośląskie",
        "PL",
    ),
    c(
        "Emily Carter",
        "emily.carter@example.co.uk",
        "+44 20 7946 0018",
        "en",
        true,
        "14 Camden High Street",
        "NW1 0JH",
        "London",
        "Greater London",
        "GB",
    ),
    c(
        "James O'Connor",
        "james.oconnor@example.ie",
        "+353 1 555 0192",
        "en",
        false,
        "27 Grafton Street",
        "D02 VK65",
        "Dublin",
        "Leinster",
        "IE",
    ),
    c(
        "Olivia Bennett",
        "olivia.bennett@example.com",
        "+1 415 555 0134",
        "en",
        true,
        "2200 Mission Street",
        "94110",
        "San Francisco",
        "CA",
        "US",
    ),
    c(
        "Pablo Herrera Vidal",
        "pablo.herrera@example.es",
        "+34 634 555 876",
        "es",
        true,
        "Gran Vía 31",
        "48001",
        "Bilbao",
        "Bizkaia",
        "ES",
    ),
    c(
        "Anna Lewandowska",
        "anna.lewandowska@example.pl",
        "+48 604 777 333",
        "pl",
        true,
        "ul. Półwiejska 32",
        "61-888",
        "Poznań",
        "wielkopolskie",
        "PL",
    ),
    c(
        "Sofía Castillo Romero",
        "sofia.castillo@example.es",
        "+34 677 432 190",
        "es",
        false,
        "Calle Mayor 3",
        "50001",
        "Zaragoza",
        "Zaragoza",
        "ES",
    ),
];

const PRODUCTS: &[(&str, &str, i64)] = &[
    ("CAM-LIN-01", "Camisa de lino blanca", 4990),
    ("ZAP-PIEL-38", "Zapatillas de piel", 8950),
    ("BOL-TOTE", "Bolso tote de algodón", 2495),
    ("KUB-CER-01", "Kubek ceramiczny", 1899),
    ("SZAL-WEL", "Szal wełniany", 5900),
    ("MUG-ENAMEL", "Enamel camping mug", 1450),
    ("NOTE-A5", "A5 dotted notebook", 1200),
    ("ACE-OLIVA-500", "Aceite de oliva virgen extra 500 ml", 1275),
];

const STATUSES: &[&str] = &[
    "pending",
    "paid",
    "shipped",
    "delivered",
    "delivered",
    "delivered",
    "cancelled",
];
const PAYMENTS: &[&str] = &["card", "bank_transfer", "cash_on_delivery", "card"];

/// Fills an empty store. Returns the number of customers and orders created, or `None` when
/// the store already has customers (demo data never mixes with real data).
pub fn seed(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Option<(usize, usize)>> {
    write_tx(conn, |conn| {
        if store::customer_count(conn)? > 0 {
            return Ok(None);
        }
        let mut product_ids = Vec::new();
        for (sku, name, price) in PRODUCTS {
            let id = store::insert_product(
                conn,
                &NewProduct {
                    sku,
                    name,
                    price_cents: *price,
                    currency: "EUR",
                    active: true,
                },
            )?;
            product_ids.push(id);
        }
        crate::domain::loyalty::seed_demo(conn, &product_ids, now)?;
        let mut orders = 0usize;
        let mut customer_ids = Vec::with_capacity(CUSTOMERS.len());
        for (i, d) in CUSTOMERS.iter().enumerate() {
            let created =
                now - Duration::days(400 - (i as i64) * 26) + Duration::minutes(i as i64 * 37);
            let customer_id = customers::insert(
                conn,
                &Contact {
                    full_name: d.name.to_owned(),
                    email: Some(d.email.to_owned()),
                    phone: Some(d.phone.to_owned()),
                    language: Lang::from_code(d.lang).unwrap_or(Lang::Es),
                    registered: d.registered,
                    newsletter: d.newsletter,
                },
                created,
            )?;
            for (kind, default) in [("shipping", true), ("billing", true)] {
                store::insert_address(
                    conn,
                    &NewAddress {
                        customer_id,
                        kind,
                        full_name: d.name,
                        line1: d.street,
                        line2: None,
                        postal_code: d.postal,
                        city: d.city,
                        region: Some(d.region),
                        country: d.country,
                        phone: Some(d.phone),
                        is_default: default,
                        created_at: created,
                    },
                )?;
            }
            customers::refresh_location(conn, customer_id)?;
            customer_ids.push(customer_id);
            if d.newsletter {
                crate::domain::loyalty::seed_demo_newsletter(conn, customer_id)?;
            }
            // A deterministic spread: some customers never ordered, some are repeat buyers.
            let count = (i * 7 + 3) % 6;
            for n in 0..count {
                orders += 1;
                let placed = created
                    + Duration::days(((n + 1) * (17 + i)) as i64 % 380)
                    + Duration::hours(n as i64 * 5);
                let placed = placed.min(now - Duration::hours((orders * 3) as i64));
                let mut subtotal = 0i64;
                let mut lines = Vec::new();
                for k in 0..(1 + (i + n) % 3) {
                    let p = (i * 3 + n * 5 + k) % PRODUCTS.len();
                    let qty = 1 + ((i + k) % 2) as i32;
                    let (sku, name, price) = PRODUCTS[p];
                    subtotal += price * i64::from(qty);
                    lines.push(LineInput {
                        product_id: Some(product_ids[p]),
                        sku: sku.to_owned(),
                        name: name.to_owned(),
                        quantity: qty,
                        unit_price_cents: price,
                    });
                }
                let shipping = if subtotal >= 5000 { 0 } else { 495 };
                crate::domain::orders::place(
                    conn,
                    &format!("{}", 1000 + orders),
                    customer_id,
                    STATUSES[(i + n) % STATUSES.len()],
                    PAYMENTS[(i + 2 * n) % PAYMENTS.len()],
                    "EUR",
                    shipping,
                    &lines,
                    placed,
                )?;
            }
        }
        seed_groups(conn, &customer_ids, &product_ids, now)?;
        Ok(Some((CUSTOMERS.len(), orders)))
    })
}

/// Groups as seed 003 describes them (wholesale buyers with prices of their own, retail
/// ones), a personal discount and one wholesale customer buying on account.
fn seed_groups(
    conn: &mut DbConn,
    customer_ids: &[i64],
    product_ids: &[i64],
    now: NaiveDateTime,
) -> QueryResult<()> {
    use crate::db::groups::{self, CreditOptionRow, GroupRow, OptionFields};
    let wholesale = GroupRow::insert(conn, "Mayoristas", "mayoristas", 1000, now)?;
    GroupRow::insert(conn, "Minoristas", "minoristas", 0, now)?;
    if let (Some(&product), Some((_, _, price))) = (product_ids.first(), PRODUCTS.first()) {
        groups::set_price(conn, wholesale, product, Some(price * 80 / 100))?;
    }
    let members: Vec<i64> = customer_ids.iter().copied().step_by(4).collect();
    groups::assign(conn, &members, Some(wholesale), now)?;
    if let Some(&buyer) = members.first() {
        CreditOptionRow::insert(
            conn,
            buyer,
            &OptionFields {
                currency: "EUR",
                limit_cents: 500_000,
                terms_days: 30,
                block_overdue: true,
                active: true,
            },
            now,
        )?;
    }
    if let Some(&c) = customer_ids.get(1) {
        groups::set_customer_pricing(conn, c, None, Some("percent"), 500)?;
    }
    Ok(())
}

/// `seed` at the current time.
pub fn seed_now(conn: &mut DbConn) -> QueryResult<Option<(usize, usize)>> {
    seed(conn, Utc::now().naive_utc())
}
