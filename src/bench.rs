//! `clientela bench`: measures the customer pages over real HTTP against the real server,
//! started in this process on a free port with the configured database.
//!
//! For each scenario C client threads each hold one keep-alive connection and send GETs back
//! to back (closed loop) for the warm-up and then the measured duration. Every figure printed
//! is measured: requests/s is the number of answers completed in the measured window divided
//! by its actual length; latencies run from writing the request to reading the whole answer.
//! An answer other than 200 counts as an error, as does a request that got no answer.
//!
//! The client is a minimal HTTP/1.1 implementation over `std::net::TcpStream` (GET and one
//! form POST for signing in), so benchmarking adds no dependency. The client shares the
//! machine's CPUs with the server: on a small machine the figures are a lower bound for the
//! server alone.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use diesel::prelude::*;
use rand::distr::{Alphanumeric, SampleString};

use crate::config::Config;
use crate::db::schema::customers;
use crate::db::staff::StaffRow;
use crate::db::{self, Backend, DbConn};
use crate::domain::staff::{self, NewStaffInput, Role, StaffError};
use crate::startup::Application;

/// The account the benchmark signs in with. Its password is random per run (and reset on
/// reuse), so the account never carries a known password.
pub const BENCH_EMAIL: &str = "bench@example.com";

/// The goals the figures are compared with.
const TARGET_P99: Duration = Duration::from_millis(50);
const TARGET_CARD_RPS: f64 = 3000.0;

#[derive(Debug, Clone)]
pub struct Options {
    pub connections: usize,
    pub duration: Duration,
    pub warmup: Duration,
    /// Only the scenarios whose label contains this text.
    pub only: Option<String>,
}

/// One page to measure.
#[derive(Debug, Clone)]
struct Scenario {
    label: String,
    path: String,
    /// Whether the card's throughput target applies.
    card: bool,
    /// A form to POST (the session's CSRF token is added), instead of a GET.
    form: Option<String>,
    /// The status a correct answer has (200 for pages, 303 for a form that was accepted).
    expect: u16,
}

/// What one scenario measured.
#[derive(Debug, Clone)]
struct Measured {
    requests: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
    max: Duration,
    non_200: u64,
    failed: u64,
    /// Average body size of the counted answers, in bytes.
    body_bytes: f64,
}

/// Runs every scenario and prints the table to stdout.
pub fn run(config: Config, opts: &Options) -> Result<()> {
    if opts.connections == 0 || opts.duration.is_zero() {
        bail!("--connections and --duration must be greater than 0");
    }
    let backend = Backend::from_url(&config.database_url);
    let pool = db::connect(&config.database_url, 2)?;
    let mut conn = pool.get()?;
    let conn: &mut DbConn = &mut conn;
    let customer_count = crate::db::store::customer_count(conn)?;
    let order_count = crate::db::store::order_count(conn)?;
    if customer_count == 0 {
        bail!("the database has no customers; fill it first (clientela generate)");
    }
    let password = Alphanumeric.sample_string(&mut rand::rng(), 32);
    ensure_bench_staff(conn, &password)?;
    let surname = common_surname(conn)?;
    let (card_id, card_orders) = customer_near_50_orders(conn)?;
    ensure_bench_segment(conn)?;
    drop(pool);

    let reason_id = crate::db::credit::ReasonRow::all(conn)?
        .first()
        .map(|r| r.id)
        .context("no store credit reason")?;
    let (credit_id, grant_id) = credit_customers(conn, card_id, reason_id)?;
    let mut scenarios = scenarios(
        &surname,
        card_id,
        card_orders,
        reason_id,
        credit_id,
        grant_id,
    );
    if let Some(only) = &opts.only {
        scenarios.retain(|s| s.label.contains(only.as_str()));
    }

    // The server as configured, but on a free loopback port and plain HTTP (the client does
    // not speak TLS, so the cookie is the plain `clientela`). Unless a pool size is set
    // explicitly, the pool gets a connection for each client plus a few for the session
    // store's own queries, so clients never queue for a connection.
    let mut server_config = config.clone();
    server_config.host = Ipv4Addr::LOCALHOST.into();
    server_config.port = 0;
    server_config.secure_cookies = false;
    if std::env::var_os("CLIENTELA_DB_POOL_SIZE").is_none() {
        let wanted_pool = u32::try_from(opts.connections + 4).unwrap_or(u32::MAX);
        server_config.db_pool_size = server_config.db_pool_size.max(wanted_pool);
    }
    let workers = server_config.workers;
    let pool_size = server_config.db_pool_size;
    let port = start_server(server_config)?;
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));

    let cookie = sign_in(addr, &password)?;
    let csrf = csrf_token(addr, &cookie)?;

    println!(
        "clientela bench: {} ({}), {} customers, {} orders",
        backend.name(),
        database_label(&config.database_url),
        customer_count,
        order_count
    );
    println!(
        "{} connections, {} s measured after {} s warm-up per scenario; server: {} workers, \
         pool {}; {} build",
        opts.connections,
        opts.duration.as_secs_f64(),
        opts.warmup.as_secs_f64(),
        workers,
        pool_size,
        if cfg!(debug_assertions) {
            "DEBUG (figures not representative)"
        } else {
            "release"
        }
    );
    if let Some(load) = load_average() {
        // The client runs on the same machine; anything else busy skews the figures.
        println!("load average before the run: {load}");
    }
    println!(
        "targets: p99 < {} ms; customer card >= {} req/s",
        TARGET_P99.as_millis(),
        TARGET_CARD_RPS
    );
    println!();
    for s in &scenarios {
        println!(
            "  {:<44} {} {}",
            s.label,
            if s.form.is_some() { "POST" } else { "GET" },
            s.path
        );
    }
    println!();
    println!(
        "{:<44} {:>9} {:>8} {:>8} {:>8} {:>9} {:>7} {:>6} {:>6}  targets",
        "scenario", "req/s", "p50 ms", "p99 ms", "max ms", "requests", "non-200", "failed", "KiB"
    );
    for s in &scenarios {
        let request = match &s.form {
            None => get_request(port, &s.path, &cookie),
            Some(form) => {
                post_request(port, &s.path, &cookie, &format!("{form}&csrf_token={csrf}"))
            }
        };
        // One answer first: a page that does not answer 200 at all is reported at once.
        let mut probe = Conn::open(addr)?;
        let status = probe.send(&request)?.status;
        drop(probe);
        if status != s.expect {
            eprintln!("bench: {} answered {status} before measuring", s.path);
        }
        let m = measure(addr, Arc::from(request), s.expect, opts)?;
        println!(
            "{:<44} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>9} {:>7} {:>6} {:>6.1}  {}",
            s.label,
            m.rps,
            ms(m.p50),
            ms(m.p99),
            ms(m.max),
            m.requests,
            m.non_200,
            m.failed,
            m.body_bytes / 1024.0,
            verdict(&m, s.card)
        );
    }
    Ok(())
}

/// The 1, 5 and 15 minute load averages (Linux), to show whether the machine was busy.
fn load_average() -> Option<String> {
    let raw = std::fs::read_to_string("/proc/loadavg").ok()?;
    Some(raw.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn verdict(m: &Measured, card: bool) -> String {
    let mut misses = Vec::new();
    if m.p99 >= TARGET_P99 {
        misses.push("p99");
    }
    if card && m.rps < TARGET_CARD_RPS {
        misses.push("req/s");
    }
    if m.requests == 0 {
        misses.push("no answer");
    }
    let mut v = if misses.is_empty() {
        "ok".to_owned()
    } else {
        format!("MISS {}", misses.join(", "))
    };
    if m.non_200 + m.failed > 0 {
        v.push_str(" ERRORS");
    }
    v
}

/// The database for the header, without credentials: a SQLite path, or PostgreSQL's host,
/// port and database name.
fn database_label(database_url: &str) -> String {
    match Backend::from_url(database_url) {
        Backend::Sqlite => db::sqlite_path(database_url).to_owned(),
        Backend::Postgres => match url::Url::parse(database_url) {
            Ok(u) => format!(
                "{}:{}{}",
                u.host_str().unwrap_or("?"),
                u.port().unwrap_or(5432),
                u.path()
            ),
            Err(_) => "postgres".to_owned(),
        },
    }
}

fn scenarios(
    surname: &str,
    card_id: i64,
    card_orders: i64,
    reason_id: i64,
    credit_id: i64,
    grant_id: i64,
) -> Vec<Scenario> {
    let q: String = url::form_urlencoded::byte_serialize(surname.as_bytes()).collect();
    let s = |label: String, path: String, card: bool| Scenario {
        label,
        path,
        card,
        form: None,
        expect: 200,
    };
    vec![
        s("list: first page".into(), "/customers".into(), false),
        s(
            format!("list: search \"{surname}\""),
            format!("/customers?q={q}"),
            false,
        ),
        s(
            "list: registered, 1+ orders, by spent desc".into(),
            "/customers?type=registered&orders_min=1&sort=spent&dir=desc".into(),
            false,
        ),
        s("list: last page".into(), "/customers?last=1".into(), false),
        s(
            format!("customer card ({card_orders} orders)"),
            format!("/customers/{card_id}"),
            true,
        ),
        // The list view of a saved segment: the page with every segment tab's count, and
        // this segment's count as the view's total.
        s(
            "segment: list view with its count".into(),
            format!("/customers?{BENCH_SEGMENT_CRITERIA}"),
            false,
        ),
        // Store credit: the panel of a customer with a few credits, and granting 1.00 (a
        // durable write each) to another customer, so repeated runs do not grow the panel.
        s(
            "credit panel".into(),
            format!("/customers/{credit_id}/credit"),
            false,
        ),
        Scenario {
            label: "credit: grant 1,00 (POST, write)".into(),
            path: format!("/customers/{grant_id}/credit"),
            card: false,
            form: Some(format!(
                "amount=1&reason={reason_id}&expires_on=&note=bench"
            )),
            expect: 303,
        },
        // What the list page fetches after it is shown for a filter that is not a segment.
        s(
            format!("count after the page: search \"{surname}\""),
            format!("/customers/count?q={q}"),
            false,
        ),
    ]
}

// ---------------------------------------------------------------------------------------
// Preparation through the domain and the database
// ---------------------------------------------------------------------------------------

fn staff_error(e: StaffError) -> anyhow::Error {
    match e {
        StaffError::Invalid(errors) => anyhow::anyhow!("bench account refused: {errors:?}"),
        other => anyhow::anyhow!("bench account: {other}"),
    }
}

/// Makes sure the bench account exists, is active and has `password`: created through the
/// domain (the first owner on an empty store, else a manager created by an active owner), or
/// reused with its password replaced.
fn ensure_bench_staff(conn: &mut DbConn, password: &str) -> Result<()> {
    if let Some(row) = StaffRow::find_by_email(conn, BENCH_EMAIL)? {
        if !row.active {
            bail!("the bench account {BENCH_EMAIL} is disabled; enable it to benchmark");
        }
        let hash = crate::auth::password::hash(password)?;
        let now = Utc::now().naive_utc();
        db::write_tx(conn, |conn| -> Result<()> {
            StaffRow::set_password_hash(conn, row.id, &hash, now)?;
            crate::domain::audit::record(
                conn,
                Some(row.id),
                "staff.password",
                "staff",
                Some(row.id),
                None,
                None,
                now,
            )?;
            Ok(())
        })?;
        return Ok(());
    }
    let input = NewStaffInput {
        name: "Benchmark".to_owned(),
        email: BENCH_EMAIL.to_owned(),
        password: password.to_owned(),
        password_confirm: password.to_owned(),
        role: Role::Manager.code().to_owned(),
    };
    if staff::any_exists(conn)? {
        let owner = staff::list(conn)?
            .into_iter()
            .find(|s| s.role == Role::Owner && s.active)
            .context("no active owner account to create the bench account with")?;
        staff::create(conn, owner.id, &input).map_err(staff_error)?;
    } else {
        staff::create_first_owner(conn, &input).map_err(staff_error)?;
    }
    Ok(())
}

/// The criteria of the segment the benchmark measures (registered customers who spent 100 or
/// more), saved once under [`BENCH_SEGMENT`].
const BENCH_SEGMENT_CRITERIA: &str = "type=registered&spent_min=100";
const BENCH_SEGMENT: &str = "Benchmark";

/// Saves the benchmark's segment through the domain (which counts it once) unless it exists.
fn ensure_bench_segment(conn: &mut DbConn) -> Result<()> {
    let exists = crate::domain::segments::all(conn)?
        .iter()
        .any(|s| s.name == BENCH_SEGMENT);
    if !exists {
        let staff =
            StaffRow::find_by_email(conn, BENCH_EMAIL)?.context("the bench account is missing")?;
        let started = std::time::Instant::now();
        crate::domain::segments::create(conn, staff.id, BENCH_SEGMENT, BENCH_SEGMENT_CRITERIA)
            .map_err(|e| anyhow::anyhow!("saving the bench segment: {e}"))?;
        eprintln!(
            "bench: saved segment \"{BENCH_SEGMENT}\" (counted in {} ms)",
            started.elapsed().as_millis()
        );
    }
    Ok(())
}

/// The most frequent surname (any word after the first of a name) among the first customers,
/// lower-cased as search stores it.
fn common_surname(conn: &mut DbConn) -> Result<String> {
    let names: Vec<String> = customers::table
        .filter(customers::anonymized_at.is_null())
        .order(customers::id.asc())
        .select(customers::full_name)
        .limit(5000)
        .load(conn)?;
    let mut counts: HashMap<String, usize> = HashMap::new();
    for name in &names {
        for word in name.split_whitespace().skip(1) {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    counts
        .into_iter()
        // Highest count; ties go to the alphabetically first, so runs pick the same word.
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(word, _)| word)
        .context("no customer has a surname to search for")
}

/// The customer whose credit panel is measured (the card's customer, given three credits
/// through the domain if it has none) and the one the grants of the benchmark go to (the
/// lowest other id).
fn credit_customers(conn: &mut DbConn, card_id: i64, reason_id: i64) -> Result<(i64, i64)> {
    if crate::db::credit::LotRow::for_customer(conn, card_id)?.is_empty() {
        let staff =
            StaffRow::find_by_email(conn, BENCH_EMAIL)?.context("the bench account is missing")?;
        for amount in ["25", "10,50", "4,99"] {
            crate::domain::credit::grant(
                conn,
                staff.id,
                card_id,
                &crate::domain::credit::GrantInput {
                    amount: amount.to_owned(),
                    reason: reason_id.to_string(),
                    expires_on: String::new(),
                    note: "bench".to_owned(),
                    idempotency_key: String::new(),
                },
            )
            .map_err(|e| anyhow::anyhow!("granting the bench credit: {e}"))?;
        }
    }
    let grant_id: i64 = customers::table
        .filter(customers::id.ne(card_id))
        .filter(customers::anonymized_at.is_null())
        .order(customers::id.asc())
        .select(customers::id)
        .first(conn)?;
    Ok((card_id, grant_id))
}

/// The customer whose order count is closest to 50 (the lowest id among equals).
fn customer_near_50_orders(conn: &mut DbConn) -> Result<(i64, i64)> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        order_count: i64,
    }
    let row: Row = diesel::sql_query(
        "SELECT id, order_count FROM customers WHERE anonymized_at IS NULL \
         ORDER BY ABS(order_count - 50), id LIMIT 1",
    )
    .get_result(conn)?;
    Ok((row.id, row.order_count))
}

// ---------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------

/// Starts the application on its own thread (with its own actix system) and returns its port.
/// The server runs until the process ends.
fn start_server(config: Config) -> Result<u16> {
    let (tx, rx) = std::sync::mpsc::channel::<Result<u16>>();
    std::thread::Builder::new()
        .name("bench-server".to_owned())
        .spawn(move || {
            let result = actix_web::rt::System::new().block_on(async move {
                match Application::build(config).await {
                    Ok(app) => {
                        let _ = tx.send(Ok(app.port()));
                        app.run().await.map_err(anyhow::Error::from)
                    }
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        Ok(())
                    }
                }
            });
            if let Err(e) = result {
                eprintln!("bench: the server stopped: {e:#}");
            }
        })?;
    rx.recv_timeout(Duration::from_secs(60))
        .context("the server did not start within 60 s")?
}

// ---------------------------------------------------------------------------------------
// HTTP/1.1 client
// ---------------------------------------------------------------------------------------

/// An answer: status, the `name=value` of each Set-Cookie, and the body.
struct Reply {
    status: u16,
    cookies: Vec<String>,
    body: Vec<u8>,
    /// The server will close the connection after this answer.
    close: bool,
}

/// One keep-alive connection. Requests are sent one at a time, so the buffer never holds
/// more than the answer being read.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

const READ_CHUNK: usize = 64 * 1024;

impl Conn {
    fn open(addr: SocketAddr) -> io::Result<Conn> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_nodelay(true)?;
        // A stuck server fails the request instead of hanging the benchmark; a page this slow
        // has failed for its user anyway.
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Conn {
            stream,
            buf: Vec::with_capacity(READ_CHUNK),
        })
    }

    fn send(&mut self, request: &[u8]) -> io::Result<Reply> {
        self.stream.write_all(request)?;
        self.read_reply()
    }

    /// Reads more bytes into the buffer; the end of the stream is an error here because an
    /// answer is still incomplete.
    fn fill(&mut self) -> io::Result<()> {
        let mut chunk = [0u8; READ_CHUNK];
        let n = self.stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "connection closed mid-answer",
            ));
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }

    /// Makes sure the buffer holds at least `n` bytes.
    fn fill_to(&mut self, n: usize) -> io::Result<()> {
        while self.buf.len() < n {
            self.fill()?;
        }
        Ok(())
    }

    /// The index just past the next CRLF at or after `from`, reading as needed.
    fn line_end(&mut self, from: usize) -> io::Result<usize> {
        let mut searched = from;
        loop {
            if let Some(i) = find(&self.buf[searched..], b"\r\n") {
                return Ok(searched + i + 2);
            }
            searched = self.buf.len().saturating_sub(1).max(from);
            self.fill()?;
        }
    }

    fn read_reply(&mut self) -> io::Result<Reply> {
        let head_end = {
            let mut searched = 0;
            loop {
                if let Some(i) = find(&self.buf[searched..], b"\r\n\r\n") {
                    break searched + i + 4;
                }
                searched = self.buf.len().saturating_sub(3);
                self.fill()?;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad status line"))?;
        let (mut length, mut chunked, mut close, mut cookies) = (None, false, false, Vec::new());
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse::<usize>().ok(),
                "transfer-encoding" => chunked = value.to_ascii_lowercase().contains("chunked"),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                "set-cookie" => {
                    if let Some(pair) = value.split(';').next() {
                        cookies.push(pair.trim().to_owned());
                    }
                }
                _ => {}
            }
        }
        let body = if chunked {
            let mut body = Vec::new();
            let mut pos = head_end;
            loop {
                let size_end = self.line_end(pos)?;
                let size_line = String::from_utf8_lossy(&self.buf[pos..size_end - 2]).into_owned();
                let size_hex = size_line.split(';').next().unwrap_or("").trim();
                let size = usize::from_str_radix(size_hex, 16)
                    .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad chunk size"))?;
                if size == 0 {
                    // No trailers are expected: the last chunk ends with an empty line.
                    pos = self.line_end(size_end)?;
                    break;
                }
                self.fill_to(size_end + size + 2)?;
                body.extend_from_slice(&self.buf[size_end..size_end + size]);
                pos = size_end + size + 2;
            }
            self.buf.drain(..pos);
            body
        } else {
            let length = match (length, status) {
                (Some(n), _) => n,
                (None, 100..=199 | 204 | 304) => 0,
                (None, _) => {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "answer without length",
                    ));
                }
            };
            self.fill_to(head_end + length)?;
            let body = self.buf[head_end..head_end + length].to_vec();
            self.buf.drain(..head_end + length);
            body
        };
        Ok(Reply {
            status,
            cookies,
            body,
            close,
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn post_request(port: u16, path: &str, cookie: &str, form: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: clientela-bench\r\n\
         Cookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .into_bytes()
}

fn get_request(port: u16, path: &str, cookie: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: clientela-bench\r\n\
         Accept: text/html\r\nCookie: {cookie}\r\n\r\n"
    )
    .into_bytes()
}

/// The session cookie (`clientela=…`) among an answer's cookies.
fn session_cookie(reply: &Reply) -> Option<String> {
    reply
        .cookies
        .iter()
        .find(|c| c.starts_with("clientela="))
        .cloned()
}

/// The CSRF token of a signed-in session, read from a page's forms.
fn csrf_token(addr: SocketAddr, cookie: &str) -> Result<String> {
    let mut conn = Conn::open(addr)?;
    let page = conn.send(&get_request(addr.port(), "/customers", cookie))?;
    let html = String::from_utf8_lossy(&page.body);
    html.split_once("name=\"csrf_token\" value=\"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .context("no csrf_token on /customers")
}

/// Signs in as the bench account the way a browser does: the login page for a session and
/// its CSRF token, then the form. Returns the signed-in session cookie (`name=value`).
fn sign_in(addr: SocketAddr, password: &str) -> Result<String> {
    let port = addr.port();
    let mut conn = Conn::open(addr)?;
    let page = conn.send(
        format!("GET /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/html\r\n\r\n")
            .as_bytes(),
    )?;
    if page.status != 200 {
        bail!("GET /login answered {}", page.status);
    }
    let cookie = session_cookie(&page).context("GET /login set no session cookie")?;
    let html = String::from_utf8_lossy(&page.body);
    let marker = "name=\"csrf_token\" value=\"";
    let token = html
        .split_once(marker)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(token, _)| token.to_owned())
        .context("no csrf_token on the login page")?;
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("email", BENCH_EMAIL)
        .append_pair("password", password)
        .append_pair("csrf_token", &token)
        .append_pair("next", "/customers")
        .finish();
    let post = conn.send(
        format!(
            "POST /login HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )?;
    if post.status != 303 {
        bail!("signing in answered {} instead of 303", post.status);
    }
    // Signing in renews the session id; keep the old one if the answer did not set one.
    let cookie = session_cookie(&post).unwrap_or(cookie);
    let check = conn.send(&get_request(port, "/customers", &cookie))?;
    if check.status != 200 {
        bail!("signed in, but GET /customers answered {}", check.status);
    }
    Ok(cookie)
}

// ---------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------

/// What one client thread saw in the measured window.
#[derive(Default)]
struct ClientOutcome {
    /// Latency of each counted answer, in microseconds.
    latencies: Vec<u32>,
    non_200: u64,
    failed: u64,
    body_bytes: u64,
    /// When its last counted request finished.
    finished: Option<Instant>,
}

/// Sends `request` back to back on one keep-alive connection until `end`. A request counts
/// when it finishes at or after `measure_from` — also one started during the warm-up, so a
/// page slower than the warm-up is still measured — and the request in flight at `end` is
/// waited for and counted, so slow pages are never left out of the figures.
fn client(
    addr: SocketAddr,
    request: &[u8],
    expect: u16,
    measure_from: Instant,
    end: Instant,
) -> ClientOutcome {
    let mut out = ClientOutcome::default();
    let mut conn: Option<Conn> = None;
    loop {
        let started = Instant::now();
        if started >= end {
            break;
        }
        if conn.is_none() {
            match Conn::open(addr) {
                Ok(c) => conn = Some(c),
                Err(_) => {
                    if started >= measure_from {
                        out.failed += 1;
                        out.finished = Some(Instant::now());
                    }
                    // Do not spin on a server that refuses connections.
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            }
        }
        let Some(c) = conn.as_mut() else { continue };
        let result = c.send(request);
        let finished = Instant::now();
        let counted = finished >= measure_from;
        match result {
            Ok(reply) => {
                if counted {
                    let micros = finished.duration_since(started).as_micros();
                    out.latencies
                        .push(u32::try_from(micros).unwrap_or(u32::MAX));
                    if reply.status != expect {
                        out.non_200 += 1;
                    }
                    out.body_bytes += reply.body.len() as u64;
                    out.finished = Some(finished);
                }
                if reply.close {
                    conn = None;
                }
            }
            Err(_) => {
                if counted {
                    out.failed += 1;
                    out.finished = Some(finished);
                }
                conn = None;
            }
        }
    }
    out
}

/// Runs `opts.connections` clients on `request` and summarises what they measured.
fn measure(addr: SocketAddr, request: Arc<[u8]>, expect: u16, opts: &Options) -> Result<Measured> {
    let start = Instant::now();
    let measure_from = start + opts.warmup;
    let end = measure_from + opts.duration;
    let handles = (0..opts.connections)
        .map(|i| {
            let request = Arc::clone(&request);
            std::thread::Builder::new()
                .name(format!("bench-client-{i}"))
                .spawn(move || client(addr, &request, expect, measure_from, end))
        })
        .collect::<io::Result<Vec<_>>>()?;
    let mut latencies = Vec::new();
    let (mut non_200, mut failed, mut body_bytes) = (0, 0, 0u64);
    let mut finished = measure_from;
    for h in handles {
        let out = h
            .join()
            .map_err(|_| anyhow::anyhow!("a client thread panicked"))?;
        latencies.extend(out.latencies);
        non_200 += out.non_200;
        failed += out.failed;
        body_bytes += out.body_bytes;
        finished = finished.max(out.finished.unwrap_or(measure_from));
    }
    latencies.sort_unstable();
    // The window runs to the last counted answer: requests in flight at the end are waited
    // for, so it can be longer than the duration asked for, never shorter.
    let window = finished.duration_since(measure_from).max(opts.duration);
    let pct = |p: f64| -> Duration {
        if latencies.is_empty() {
            return Duration::ZERO;
        }
        // Nearest rank: the smallest value with at least p% of the answers at or below it.
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        let i = rank.clamp(1, latencies.len()) - 1;
        Duration::from_micros(u64::from(latencies[i]))
    };
    Ok(Measured {
        requests: latencies.len(),
        rps: latencies.len() as f64 / window.as_secs_f64(),
        p50: pct(50.0),
        p99: pct(99.0),
        max: latencies
            .last()
            .map_or(Duration::ZERO, |m| Duration::from_micros(u64::from(*m))),
        non_200,
        failed,
        body_bytes: body_bytes as f64 / latencies.len().max(1) as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_judged() {
        let m = Measured {
            requests: 10,
            rps: 2500.0,
            p50: Duration::from_millis(5),
            p99: Duration::from_millis(60),
            max: Duration::from_millis(70),
            non_200: 0,
            failed: 0,
            body_bytes: 0.0,
        };
        assert_eq!(verdict(&m, false), "MISS p99");
        assert_eq!(verdict(&m, true), "MISS p99, req/s");
    }
}
