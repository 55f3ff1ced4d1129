//! Health endpoints, the database layer's promises, demo data.

use clientela::db::{self, DbConn};
use clientela::domain::demo;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text};
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};

#[actix_web::test]
async fn health_and_readiness_answer_when_the_database_is_reachable() {
    let app = TestApp::spawn().await;
    let c = Client::new(&app);
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
}

#[derive(diesel::QueryableByName)]
struct PragmaText {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[derive(diesel::QueryableByName)]
struct PragmaInt {
    #[diesel(sql_type = BigInt)]
    v: i64,
}

fn pragma_int(conn: &mut DbConn, name: &str, column: &str) -> i64 {
    diesel::sql_query(format!(
        "SELECT CAST({column} AS BIGINT) AS v FROM pragma_{name}"
    ))
    .get_result::<PragmaInt>(conn)
    .unwrap()
    .v
}

/// SQLite's guarantees hold on every pooled connection, whatever backend the suite targets.
#[test]
fn every_pooled_sqlite_connection_has_wal_full_sync_busy_timeout_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir.path().join("pragmas.db").to_string_lossy().into_owned();
    let pool = db::connect(&url, 4).unwrap();
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = pool.get().unwrap();
        let mode = diesel::sql_query("PRAGMA journal_mode")
            .get_result::<PragmaText>(&mut *conn)
            .unwrap();
        assert_eq!(mode.journal_mode, "wal");
        assert_eq!(
            pragma_int(&mut conn, "synchronous", "synchronous"),
            2,
            "FULL"
        );
        assert!(pragma_int(&mut conn, "busy_timeout", "timeout") >= 5000);
        assert_eq!(pragma_int(&mut conn, "foreign_keys", "foreign_keys"), 1);
        held.push(conn);
    }
}

#[test]
fn a_sqlite_write_transaction_takes_the_write_lock_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let url = dir
        .path()
        .join("immediate.db")
        .to_string_lossy()
        .into_owned();
    let pool = db::connect(&url, 2).unwrap();
    let mut a = pool.get().unwrap();
    let mut b = pool.get().unwrap();
    // Another connection that cannot wait: it must find the database locked while `a` is
    // inside write_tx even though `a` has only read so far.
    diesel::sql_query("PRAGMA busy_timeout = 0")
        .execute(&mut *b)
        .unwrap();
    let result: Result<(), diesel::result::Error> = db::write_tx(&mut a, |conn| {
        diesel::sql_query("SELECT 1").execute(conn)?;
        let other = diesel::sql_query("INSERT INTO settings (key, value) VALUES ('k', 'v')")
            .execute(&mut *b);
        assert!(other.is_err(), "a second writer must be locked out");
        Ok(())
    });
    result.unwrap();
}

#[actix_web::test]
async fn demo_data_fills_an_empty_store_once() {
    let app = TestApp::spawn().await;
    let first = app.with_conn(demo::seed_now).unwrap();
    let (customers, orders) = first.expect("an empty store gets demo data");
    assert!(
        customers >= 12 && orders >= 20,
        "{customers} customers, {orders} orders"
    );
    assert_eq!(app.with_conn(demo::seed_now).unwrap(), None, "never twice");
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c.get("/").await;
    p.assert_contains(&format!("data-stat=\"customers\">{customers}<"));
    p.assert_contains(&format!("data-stat=\"orders\">{orders}<"));
    p.assert_contains("\">#10");
    // The demo shows the seed 003 groups: wholesale buyers with a price of their own.
    let groups = c.get("/customers/groups").await;
    groups.assert_contains("Mayoristas");
    groups.assert_contains("Minoristas");
    let wholesale = app
        .with_conn(clientela::db::groups::GroupRow::all)
        .unwrap()
        .into_iter()
        .find(|g| g.name == "Mayoristas")
        .unwrap();
    let priced = app
        .with_conn(|conn| clientela::db::groups::prices(conn, wholesale.id))
        .unwrap();
    assert_eq!(priced.len(), 1, "one wholesale price");
}

#[actix_web::test]
async fn a_write_transaction_inside_another_is_a_savepoint_that_rolls_back_alone() {
    let app = TestApp::spawn().await;
    let outcome: Result<(), diesel::result::Error> = app.with_conn(|conn| {
        db::write_tx(conn, |conn| {
            db::settings::set(conn, "outer_step", "kept")?;
            let inner: Result<(), diesel::result::Error> = db::write_tx(conn, |conn| {
                db::settings::set(conn, "inner_step", "undone")?;
                Err(diesel::result::Error::RollbackTransaction)
            });
            assert!(inner.is_err(), "the inner step failed");
            db::write_tx(conn, |conn| db::settings::set(conn, "second_step", "kept"))
        })
    });
    outcome.unwrap();
    let read = |key: &'static str| app.with_conn(|conn| db::settings::get(conn, key)).unwrap();
    assert_eq!(read("outer_step").as_deref(), Some("kept"));
    assert_eq!(read("second_step").as_deref(), Some("kept"));
    assert_eq!(
        read("inner_step"),
        None,
        "only the failed savepoint was rolled back"
    );
    // The one-writer lock was released: another write goes through.
    app.with_conn(|conn| db::write_tx(conn, |conn| db::settings::set(conn, "after", "ok")))
        .unwrap();
}
