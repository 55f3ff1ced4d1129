//! Two app servers of one store on one database (reliability item "stateless app servers"):
//! a client that alternates between them, as a load balancer without sticky sessions would
//! send it. A sign-in on one server is a sign-in on the other, a sign-out on one ends the
//! session on both (even for a copy of the cookie), failed sign-ins are counted across both,
//! and a storm of store-credit spends split across both spends exactly what there was.
//! Written for PostgreSQL, the scale-out database; it runs on SQLite too (two servers on one
//! file), where it proves the same.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clientela::domain::credit;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

use crate::client::Client;
use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};
use crate::credit::{count_kind, enable_credit, entries, grant};
use crate::customers::{customer, order};

/// The session cookie a response set, as `name=value` for a `Cookie` header.
fn session_cookie(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("clientela="))
        .and_then(|v| v.split(';').next())
        .expect("the sign-in set the session cookie")
        .to_owned()
}

/// A request with exactly this cookie and nothing else: a copy of the cookie replayed.
async fn replay(app: &TestApp, cookie: &str, path: &str) -> StatusCode {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap()
        .status()
}

#[actix_web::test]
async fn a_session_begun_on_one_server_is_live_on_the_other_and_a_sign_out_on_either_ends_it_on_both()
 {
    let a = TestApp::spawn().await;
    let b = a.beside().await;
    assert_ne!(a.address, b.address);
    a.create_owner();

    let on_a = Client::new(&a);
    let signed = on_a.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let cookie = session_cookie(&signed.headers);
    let on_b = on_a.on(&b);

    // Signed in on both, and B's pages name the staff member A signed in.
    let page = on_b.get("/customers").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.assert_contains("Olga Owner");
    assert_eq!(on_a.get("/customers").await.status, StatusCode::OK);
    // A form rendered by A is accepted by B (the CSRF token is in the shared session).
    let created = on_b
        .post(
            "/customers",
            &[("full_name", "Cliente de B"), ("language", "es")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(replay(&a, &cookie, "/customers").await, StatusCode::OK);
    assert_eq!(replay(&b, &cookie, "/customers").await, StatusCode::OK);

    // Sign out on B: the session is gone on A as well, for the browser and for a copy of
    // its cookie.
    let out = on_b.post("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    for app in [&a, &b] {
        assert_eq!(
            replay(app, &cookie, "/customers").await,
            StatusCode::SEE_OTHER
        );
        let p = on_a.on(app).get("/customers").await;
        assert_eq!(
            p.status,
            StatusCode::SEE_OTHER,
            "still signed in on {}",
            app.address
        );
    }

    // And the other way round: signed in through B, signed out through A.
    let again = on_b.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let cookie = session_cookie(&again.headers);
    assert_eq!(replay(&a, &cookie, "/customers").await, StatusCode::OK);
    on_a.get("/customers").await;
    assert_eq!(
        on_a.post("/logout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        replay(&b, &cookie, "/customers").await,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn failed_sign_ins_spread_over_two_servers_are_counted_together() {
    let a = TestApp::spawn().await;
    let b = a.beside().await;
    a.create_owner();
    let attacker = Client::new(&a);
    attacker.get("/login").await;
    // Five failures from one address lock that address out of the account; alternate them.
    for i in 0..5 {
        let server = if i % 2 == 0 { &a } else { &b };
        let p = attacker
            .on(server)
            .post(
                "/login",
                &[("email", OWNER_EMAIL), ("password", "guess guess guess")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    for server in [&a, &b] {
        let p = attacker
            .on(server)
            .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
            .await;
        assert_eq!(
            p.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            server.address
        );
        p.assert_contains("Demasiados intentos");
    }
}

#[actix_web::test]
async fn a_thousand_spends_split_over_two_servers_spend_exactly_the_balance() {
    const REQUESTS: usize = 1_000;
    const IN_FLIGHT: usize = 32;
    let a = TestApp::spawn().await;
    let b = a.beside().await;
    let owner = a.create_owner();
    let id = customer(&a, "Cliente Dos Servidores", "two@example.es", true);
    grant(&a, owner, id, "100");
    enable_credit(&a, owner);
    let oid = order(&a, id, "9101", 1_000_000, "pending", 0);

    // Half the browsers sign in on each server; every browser then alternates between them.
    let mut clients = Vec::with_capacity(IN_FLIGHT);
    for i in 0..IN_FLIGHT {
        let home = if i % 2 == 0 { &a } else { &b };
        let c = Client::signed_in(home, OWNER_EMAIL).await;
        clients.push((c.on(&a), c.on(&b)));
    }
    let next = Arc::new(AtomicUsize::new(0));
    let path = Arc::new(format!("/orders/{oid}/credit"));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(IN_FLIGHT);
    for (to_a, to_b) in clients {
        let (next, path) = (Arc::clone(&next), Arc::clone(&path));
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= REQUESTS {
                    break;
                }
                let (c, server) = if i % 2 == 0 {
                    (&to_a, 'A')
                } else {
                    (&to_b, 'B')
                };
                let key = format!("two-{i:04}");
                let p = c
                    .post(&path, &[("amount", "1"), ("idempotency_key", &key)])
                    .await;
                answers.push((server, p.status, p.body));
            }
            answers
        }));
    }
    let mut answers = Vec::with_capacity(REQUESTS);
    for t in tasks {
        answers.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();

    let insufficient = |s: &StatusCode, b: &str| {
        *s == StatusCode::UNPROCESSABLE_ENTITY && b.contains("Saldo de crédito insuficiente")
    };
    let count = |server: char, ok: bool| {
        answers
            .iter()
            .filter(|(s, st, b)| {
                *s == server
                    && if ok {
                        *st == StatusCode::SEE_OTHER
                    } else {
                        insufficient(st, b)
                    }
            })
            .count()
    };
    let (ok_a, ok_b) = (count('A', true), count('B', true));
    let (refused_a, refused_b) = (count('A', false), count('B', false));
    let others: Vec<_> = answers
        .iter()
        .filter(|(_, s, b)| *s != StatusCode::SEE_OTHER && !insufficient(s, b))
        .collect();
    let spends = count_kind(&a, id, "spend");
    let (bal, ledger, lots) = a.with_conn(|conn| credit::sums(conn, id)).unwrap();
    println!(
        "two-server spend storm on {}: {} requests, {IN_FLIGHT} in flight; server A {ok_a} × 303 \
         and {refused_a} × 422, server B {ok_b} × 303 and {refused_b} × 422, {} others; \
         {spends} spend entries; balance {bal}, ledger {ledger}, lots {lots}; {:.2?} \
         ({:.0} requests/s)",
        crate::common::backend(),
        answers.len(),
        others.len(),
        elapsed,
        answers.len() as f64 / elapsed.as_secs_f64()
    );
    for (server, s, b) in others.iter().take(3) {
        println!(
            "unexpected answer from {server} {s}: {}",
            &b[..b.len().min(2000)]
        );
    }
    assert_eq!(answers.len(), REQUESTS);
    assert!(others.is_empty(), "{} unexpected answers", others.len());
    assert_eq!(ok_a + ok_b, 100, "exactly 100 spends of 1,00 succeed");
    assert!(
        ok_a > 0 && ok_b > 0,
        "both servers spent: A {ok_a}, B {ok_b}"
    );
    assert_eq!(refused_a + refused_b, 900);
    assert_eq!((bal, ledger, lots), (0, 0, 0), "balance == ledger == lots");
    assert_eq!(spends, 100);
    assert!(entries(&a, id).iter().all(|e| e.balance_after_cents >= 0));
    let backend = clientela::db::Backend::from_url(&a.config.database_url);
    let report = a
        .with_conn(|conn| clientela::domain::integrity::check(conn, backend))
        .unwrap();
    assert!(report.ok(), "{:?}", report.findings);
}

#[actix_web::test]
async fn four_mail_workers_claiming_at_once_take_each_message_exactly_once() {
    use clientela::db::outbox;
    const MESSAGES: usize = 300;
    let app = TestApp::spawn_with(|c| c.db_pool_size = 8).await;
    let now = chrono::Utc::now().naive_utc();
    app.with_conn(|c| {
        for i in 0..MESSAGES {
            let to = format!("r{i}@example.es");
            outbox::insert(c, "order_status", &to, "Asunto", "Cuerpo", None, now).unwrap();
        }
    });
    // Four workers (as on four servers), each with its own connection, claiming small batches
    // as fast as they can until nothing is left.
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let mut mine = Vec::new();
                loop {
                    let now = chrono::Utc::now().naive_utc();
                    let until = now + chrono::Duration::minutes(5);
                    let rows = outbox::claim_due(&mut conn, now, until, 7).unwrap();
                    if rows.is_empty() {
                        return mine;
                    }
                    mine.extend(rows.into_iter().map(|r| r.id));
                }
            })
        })
        .collect();
    let claims: Vec<Vec<i64>> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    let mut all: Vec<i64> = claims.iter().flatten().copied().collect();
    let per_worker: Vec<usize> = claims.iter().map(Vec::len).collect();
    println!(
        "outbox claims on {}: {per_worker:?}",
        crate::common::backend()
    );
    all.sort_unstable();
    let before = all.len();
    all.dedup();
    assert_eq!(before, all.len(), "a message was claimed by two workers");
    assert_eq!(all.len(), MESSAGES, "every message was claimed");
}
