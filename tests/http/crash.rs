//! Crash safety (reliability item "crash"): the real binary serves a load of store-credit
//! grants and spends and is killed with SIGKILL at a random moment, 20 times, restarted each
//! time on the same database. After every kill the database passes the integrity check and
//! the ledger invariants, every write the client saw acknowledged is in the ledger, every
//! refused spend left nothing, and nothing is in the ledger that was never sent. Prints the
//! counts. The session survives the restarts too (it lives in the database).

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clientela::db::Backend;
use clientela::db::credit::EntryRow;
use clientela::domain::integrity;
use rand::Rng;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::credit::{enable_credit, grant, reason_id};
use crate::customers::{customer, order};

const KILLS: usize = 20;
const WRITERS: usize = 8;
const CUSTOMERS: usize = 4;

/// The binary on the test's database; returns it and the address it listens on.
fn start(app: &TestApp) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clientela"))
        .env("DATABASE_URL", &app.config.database_url)
        .env("CLIENTELA_HOST", "127.0.0.1")
        .env("CLIENTELA_PORT", "0")
        .env("CLIENTELA_DB_POOL_SIZE", "8")
        .env("RUST_LOG", "info")
        .env("CLIENTELA_LOG_FORMAT", "json")
        .env(
            "CLIENTELA_MAIL_DIR",
            std::env::temp_dir().join("clientela-crash-mail"),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    while Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(100)) {
            if let Some(rest) = line.split("listening on http://").nth(1) {
                let address: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == ':')
                    .collect();
                // Keep draining the pipes so the child never blocks on a full one.
                std::thread::spawn(move || while rx.recv().is_ok() {});
                return (child, format!("http://{address}"));
            }
            seen.push(line);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start; it logged:\n{}", seen.join("\n"));
}

async fn ready(address: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = reqwest::get(format!("{address}/readyz")).await
            && r.status() == StatusCode::OK
        {
            return;
        }
        assert!(Instant::now() < deadline, "{address} never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// What one writer sent and what it was told.
#[derive(Default)]
struct Outcome {
    sent: Vec<(i64, String)>,
    acknowledged: Vec<(i64, String)>,
    refused: Vec<(i64, String)>,
    unanswered: usize,
    unexpected: Vec<(StatusCode, String)>,
}

#[actix_web::test]
async fn a_server_killed_twenty_times_under_credit_load_loses_no_acknowledged_write_and_keeps_the_invariants()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    enable_credit(&app, owner);
    let backend = Backend::from_url(&app.config.database_url);
    let customers: Vec<(i64, i64)> = (0..CUSTOMERS)
        .map(|i| {
            let id = customer(
                &app,
                &format!("Crash {i}"),
                &format!("crash{i}@example.es"),
                true,
            );
            grant(&app, owner, id, "5");
            (
                id,
                order(&app, id, &format!("77{i:02}"), 100_000_000, "pending", 0),
            )
        })
        .collect();
    let reason = reason_id(&app, "compensation").to_string();

    let (mut child, address) = start(&app);
    ready(&address).await;
    let browser = Client::new(&app).at(&address);
    let signed = browser.sign_in(OWNER_EMAIL, crate::common::PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    browser.get("/customers").await;

    let mut totals = Outcome::default();
    let mut rng = rand::rng();
    let started = Instant::now();
    for round in 0..KILLS {
        if round > 0 {
            let (c, a) = start(&app);
            child = c;
            ready(&a).await;
            let here = browser.at(&a);
            // The same session, signed in before the first kill, still works.
            assert_eq!(here.get("/customers").await.status, StatusCode::OK);
            run_round(
                &here,
                &mut child,
                round,
                &customers,
                &reason,
                &mut rng,
                &mut totals,
            )
            .await;
        } else {
            run_round(
                &browser,
                &mut child,
                round,
                &customers,
                &reason,
                &mut rng,
                &mut totals,
            )
            .await;
        }

        // The server is dead: read the database as the next start will find it.
        let report = app.with_conn(|c| integrity::check(c, backend)).unwrap();
        assert!(
            report.ok(),
            "after kill {}: {:?}",
            round + 1,
            report.findings
        );
        let in_ledger = |customer: i64, key: &str| {
            app.with_conn(|c| EntryRow::by_key(c, customer, key))
                .unwrap()
                .is_some()
        };
        for (customer, key) in &totals.acknowledged {
            assert!(
                in_ledger(*customer, key),
                "acknowledged {key} lost after kill {}",
                round + 1
            );
        }
        for (customer, key) in &totals.refused {
            assert!(!in_ledger(*customer, key), "refused {key} left an entry");
        }
    }
    let elapsed = started.elapsed();

    // Nothing in the ledger that was never sent; whatever was in flight at a kill is either
    // there once or not at all (keys are unique per customer by construction).
    let sent: HashSet<(i64, String)> = totals.sent.iter().cloned().collect();
    let mut in_flight_kept = 0;
    for (customer, _) in &customers {
        let keyed: Vec<String> = app
            .with_conn(|c| EntryRow::for_customer(c, *customer, 1_000_000))
            .unwrap()
            .into_iter()
            .filter_map(|(e, _, _)| e.idempotency_key)
            .filter(|k| k.starts_with("crash-"))
            .collect();
        let unique: HashSet<&String> = keyed.iter().collect();
        assert_eq!(unique.len(), keyed.len(), "a key was applied twice");
        for k in &keyed {
            assert!(sent.contains(&(*customer, k.clone())), "{k} was never sent");
        }
        in_flight_kept += keyed.len();
    }
    let acked: HashSet<&(i64, String)> = totals.acknowledged.iter().collect();
    in_flight_kept -= acked.len();
    println!(
        "crash test on {}: {KILLS} kills -9 in {:.1?}; {} writes sent, {} acknowledged (all \
         present), {} refused as insufficient (none present), {} unanswered at a kill of which \
         {in_flight_kept} committed; integrity and invariants ok after every kill",
        crate::common::backend(),
        elapsed,
        totals.sent.len(),
        totals.acknowledged.len(),
        totals.refused.len(),
        totals.unanswered,
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        totals.unexpected.is_empty(),
        "unexpected answers: {:?}",
        totals.unexpected
    );
    assert!(
        totals.acknowledged.len() >= KILLS * 5,
        "too few writes acknowledged to mean anything: {}",
        totals.acknowledged.len()
    );
}

/// Writers grant and spend against the server until it is killed at a random moment.
async fn run_round(
    browser: &Client,
    child: &mut Child,
    round: usize,
    customers: &[(i64, i64)],
    reason: &str,
    rng: &mut impl Rng,
    totals: &mut Outcome,
) {
    let alive = Arc::new(AtomicBool::new(true));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (browser, alive) = (browser.clone(), Arc::clone(&alive));
            let (customers, reason) = (customers.to_vec(), reason.to_owned());
            tokio::spawn(async move {
                let mut out = Outcome::default();
                let mut n = 0usize;
                while alive.load(Ordering::SeqCst) {
                    let (customer, order) = customers[(w + n) % customers.len()];
                    let key = format!("crash-{round}-{w}-{n}");
                    let spend = n % 2 == 1;
                    n += 1;
                    out.sent.push((customer, key.clone()));
                    let answer = if spend {
                        browser
                            .try_post(
                                &format!("/orders/{order}/credit"),
                                &[("amount", "1"), ("idempotency_key", &key)],
                            )
                            .await
                    } else {
                        browser
                            .try_post(
                                &format!("/customers/{customer}/credit"),
                                &[
                                    ("amount", "1.00"),
                                    ("reason", &reason),
                                    ("idempotency_key", &key),
                                ],
                            )
                            .await
                    };
                    match answer {
                        Ok(p) if p.status == StatusCode::SEE_OTHER => {
                            out.acknowledged.push((customer, key));
                        }
                        Ok(p)
                            if spend
                                && p.status == StatusCode::UNPROCESSABLE_ENTITY
                                && p.body.contains("Saldo de crédito insuficiente") =>
                        {
                            out.refused.push((customer, key));
                        }
                        Ok(p) => out
                            .unexpected
                            .push((p.status, p.body.chars().take(300).collect())),
                        // Killed mid-request: the write may or may not have committed.
                        Err(_) => {
                            out.unanswered += 1;
                            break;
                        }
                    }
                }
                out
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(rng.random_range(150..900))).await;
    child.kill().unwrap();
    child.wait().unwrap();
    alive.store(false, Ordering::SeqCst);
    for t in tasks {
        let out = t.await.unwrap();
        totals.sent.extend(out.sent);
        totals.acknowledged.extend(out.acknowledged);
        totals.refused.extend(out.refused);
        totals.unanswered += out.unanswered;
        totals.unexpected.extend(out.unexpected);
    }
}
