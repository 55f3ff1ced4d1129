//! The database goes away and comes back (reliability item "graceful behaviour under
//! faults"): /readyz flips to 503 and back to 200 without restarting the server, and the
//! signed-in session goes on afterwards. On PostgreSQL the test's own database is closed to
//! connections and its sessions ended, which is what a database restart looks like to the app.

use std::time::{Duration, Instant};

use clientela::db::Backend;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};

/// Runs SQL on the server's maintenance database (never on the app's own).
fn admin(sql: &str) {
    let url = std::env::var("CLIENTELA_TEST_PG_URL").expect("CLIENTELA_TEST_PG_URL");
    let mut conn = PgConnection::establish(&url).unwrap();
    conn.batch_execute(sql).unwrap();
}

/// As a load balancer asks: no cookie, so no session to load.
async fn readyz(app: &TestApp) -> StatusCode {
    reqwest::get(app.url("/readyz")).await.unwrap().status()
}

#[actix_web::test]
async fn a_database_that_goes_away_gives_503_and_the_server_recovers_when_it_returns() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    assert_eq!(readyz(&app).await, StatusCode::OK);
    assert_eq!(c.get("/customers").await.status, StatusCode::OK);
    if Backend::from_url(&app.config.database_url) != Backend::Postgres {
        // An embedded SQLite file cannot go away under an open server in a way worth
        // simulating here; the server above answered ready.
        return;
    }
    let name = app
        .config
        .database_url
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    admin(&format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; \
         SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid();"
    ));

    assert_eq!(readyz(&app).await, StatusCode::SERVICE_UNAVAILABLE);
    // Still down a moment later: readiness does not flap while the database is away.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(readyz(&app).await, StatusCode::SERVICE_UNAVAILABLE);

    // The signed-in user gets the translated page, neither a bare 500 nor the sign-in page
    // (the session could not be read, which is not the same as having none) nor a CSRF refusal.
    let page = c.get("/customers").await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(
        page.body.contains("No disponible temporalmente"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<html"), "{}", page.body);
    let post = c
        .post(
            "/customers",
            &[("full_name", "Durante el corte"), ("language", "es")],
        )
        .await;
    assert_eq!(
        post.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        post.body
    );
    let polish = Client::with_language(&app, "pl").get("/login").await;
    assert_eq!(polish.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        polish.body.contains("Chwilowo niedostępne"),
        "{}",
        polish.body
    );
    // Liveness does not depend on the database.
    let live = reqwest::get(app.url("/healthz")).await.unwrap().status();
    assert_eq!(live, StatusCode::OK);

    admin(&format!(
        "ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true;"
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while readyz(&app).await != StatusCode::OK {
        assert!(Instant::now() < deadline, "/readyz did not come back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The same session goes on: it lives in the database, which kept it, and nothing the
    // outage answered wrote an empty session over it.
    let back = c.get("/customers").await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(!back.body.contains("Durante el corte"));
    let created = c
        .post(
            "/customers",
            &[("full_name", "Tras el corte"), ("language", "es")],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
}
