//! Many writers at once (reliability item "many writers"): 64 concurrent staff requests that
//! grant store credit through the panel for 30 s on SQLite (10 s on PostgreSQL). No request
//! may fail — no "database is locked" reaches anyone — every acknowledged grant is in the
//! ledger exactly once, and the invariants hold. Prints throughput and latency.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clientela::db::Backend;
use clientela::db::credit::ReasonRow;
use clientela::domain::integrity;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::customer;

const WRITERS: usize = 64;
const CUSTOMERS: usize = 8;

#[actix_web::test]
async fn sixty_four_concurrent_writers_never_see_a_locked_database_and_every_grant_is_kept_once() {
    let app = TestApp::spawn_with(|c| c.db_pool_size = 16).await;
    app.create_owner();
    let backend = Backend::from_url(&app.config.database_url);
    let seconds = if backend == Backend::Sqlite { 30 } else { 10 };
    let customers: Vec<i64> = (0..CUSTOMERS)
        .map(|i| {
            customer(
                &app,
                &format!("Writer {i}"),
                &format!("w{i}@example.com"),
                true,
            )
        })
        .collect();
    let reason = app
        .with_conn(ReasonRow::all)
        .unwrap()
        .into_iter()
        .find(|r| r.code.as_deref() == Some("compensation"))
        .unwrap()
        .id
        .to_string();
    let c = Arc::new(Client::signed_in(&app, OWNER_EMAIL).await);
    c.get(&format!("/customers/{}/credit", customers[0])).await;

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (c, reason, customers) = (c.clone(), reason.clone(), customers.clone());
            actix_web::rt::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = Vec::new();
                let mut i = w;
                while Instant::now() < deadline {
                    let id = customers[i % CUSTOMERS];
                    i += WRITERS;
                    let t = Instant::now();
                    let p = c
                        .post(
                            &format!("/customers/{id}/credit"),
                            &[("amount", "1.00"), ("reason", reason.as_str())],
                        )
                        .await;
                    latencies.push(t.elapsed());
                    if p.status != StatusCode::SEE_OTHER {
                        failures.push((p.status, p.body.chars().take(300).collect::<String>()));
                    }
                }
                (latencies, failures)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    for t in tasks {
        let (l, f) = t.await.unwrap();
        latencies.extend(l);
        failures.extend(f);
    }
    let took = started.elapsed();
    latencies.sort();
    let n = latencies.len();
    let pct = |p: usize| latencies[(n * p / 100).min(n - 1)];
    println!(
        "many writers on {}: {WRITERS} writers, {n} grants in {:.1} s = {:.0} writes/s; \
         p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {} failed",
        backend.name(),
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        pct(50).as_secs_f64() * 1000.0,
        pct(99).as_secs_f64() * 1000.0,
        latencies[n - 1].as_secs_f64() * 1000.0,
        failures.len(),
    );
    assert!(
        failures.is_empty(),
        "{} requests failed, first: {:?}",
        failures.len(),
        failures.first()
    );
    assert!(n >= WRITERS, "only {n} writes");

    // Every acknowledged grant is in the ledger once, and the ledgers agree.
    let report = app
        .with_conn(|conn| integrity::check(conn, backend))
        .unwrap();
    assert!(report.ok(), "{:?}", report.findings);
    assert_eq!(report.credit_entries, i64::try_from(n).unwrap());
    let total: i64 = customers
        .iter()
        .map(|id| {
            app.with_conn(|conn| clientela::domain::credit::balance(conn, *id))
                .unwrap()
        })
        .sum();
    assert_eq!(total, i64::try_from(n).unwrap() * 100);
}
