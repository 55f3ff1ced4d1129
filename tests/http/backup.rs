//! `backup`, `restore` and `check`: a consistent copy of a live SQLite store taken while it
//! writes, a restore that refuses a database in use or a copy that fails its checks, and checks
//! that name a broken ledger (both backends).

use chrono::Utc;
use clientela::db::credit::ReasonRow;
use clientela::db::{Backend, DbConn};
use clientela::domain::credit::{self, GrantInput};
use clientela::domain::customers::{self, Contact};
use clientela::domain::integrity::{self, Report};
use clientela::domain::loyalty::{self, AdjustInput};
use clientela::i18n::Lang;
use clientela::ops;
use diesel::connection::SimpleConnection;

use crate::common::TestApp;

fn customer(conn: &mut DbConn, email: &str) -> i64 {
    customers::insert(
        conn,
        &Contact {
            full_name: "Ana García".into(),
            email: Some(email.into()),
            phone: None,
            language: Lang::Es,
            registered: true,
            newsletter: false,
        },
        Utc::now().naive_utc(),
    )
    .unwrap()
}

fn grant(conn: &mut DbConn, actor: i64, customer_id: i64, amount: &str) {
    let reason = ReasonRow::all(conn)
        .unwrap()
        .into_iter()
        .find(|r| r.code.as_deref() == Some("compensation"))
        .unwrap()
        .id
        .to_string();
    credit::grant(
        conn,
        actor,
        customer_id,
        &GrantInput {
            amount: amount.into(),
            reason,
            expires_on: String::new(),
            note: String::new(),
            idempotency_key: String::new(),
        },
    )
    .unwrap();
}

fn backend(app: &TestApp) -> Backend {
    Backend::from_url(&app.config.database_url)
}

fn failing(report: &Report) -> Vec<(&'static str, i64)> {
    report
        .findings
        .iter()
        .filter(|f| !f.ok())
        .map(|f| (f.name, f.violations))
        .collect()
}

#[actix_web::test]
async fn check_passes_a_store_with_credit_and_points_and_names_each_broken_ledger() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let b = backend(&app);
    let (ana, jan) = app.with_conn(|conn| {
        let ana = customer(conn, "ana@example.es");
        let jan = customer(conn, "jan@example.pl");
        grant(conn, owner, ana, "25.50");
        grant(conn, owner, jan, "10");
        loyalty::adjust(
            conn,
            owner,
            ana,
            &AdjustInput {
                points: "40".into(),
                direction: "add".into(),
                reason: "Regalo".into(),
                idempotency_key: String::new(),
            },
        )
        .unwrap();
        (ana, jan)
    });
    let report = app.with_conn(|c| integrity::check(c, b)).unwrap();
    assert!(report.ok(), "{:?}", failing(&report));
    assert_eq!(report.customers, 2);
    assert_eq!(report.credit_entries, 2);
    assert_eq!(report.loyalty_entries, 1);
    if b == Backend::Sqlite {
        assert_eq!(report.findings[0].detail.as_deref(), Some("ok"));
    }

    // Break the ledgers behind the domain's back: each check names what broke.
    app.with_conn(|c| {
        c.batch_execute(&format!(
            "UPDATE credit_accounts SET balance_cents = balance_cents + 1 WHERE customer_id = {ana}; \
             UPDATE loyalty_accounts SET balance = balance + 5 WHERE customer_id = {ana}; \
             UPDATE customers SET credit_cents = 0 WHERE id = {jan};"
        ))
    })
    .unwrap();
    let report = app.with_conn(|c| integrity::check(c, b)).unwrap();
    assert!(!report.ok());
    let broken = failing(&report);
    // Ana's account no longer matches her ledger, her lots or her copied figure; Jan's copied
    // figure no longer matches his account.
    for expected in [
        ("credit balance == sum of its ledger", 1),
        ("credit balance == what is left in its lots", 1),
        ("customer credit figure == its store-currency account", 2),
        ("points balance == sum of its ledger", 1),
        ("customer points figure == its account", 1),
    ] {
        assert!(broken.contains(&expected), "{expected:?} not in {broken:?}");
    }
    assert_eq!(broken.len(), 5, "{broken:?}");
}

#[actix_web::test]
async fn a_backup_taken_while_credit_is_granted_is_consistent_restores_and_passes_check() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    if backend(&app) == Backend::Postgres {
        let e = ops::backup(&app.config.database_url, &copy).unwrap_err();
        assert!(e.to_string().contains("pg_dump"), "{e}");
        assert!(!copy.exists());
        return;
    }
    let ana = app.with_conn(|c| customer(c, "ana@example.es"));
    // A writer grants credit while the backup is taken.
    let pool = app.pool.clone();
    let writer = std::thread::spawn(move || {
        let mut conn = pool.get().unwrap();
        for _ in 0..300 {
            grant(&mut conn, owner, ana, "1.25");
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    let summary = ops::backup(&app.config.database_url, &copy).unwrap();
    writer.join().unwrap();
    assert!(summary.report.ok(), "{:?}", failing(&summary.report));
    assert!(summary.bytes > 0);
    let copied = summary.report.credit_entries;
    assert!((0..=300).contains(&copied), "{copied}");

    // A second backup to the same file is refused: nothing is overwritten.
    let again = ops::backup(&app.config.database_url, &copy).unwrap_err();
    assert!(again.to_string().contains("exists already"), "{again}");

    // Restored into a fresh place, the copy is whole and passes check.
    let restored = dir.path().join("restored.db");
    let url = restored.to_str().unwrap().to_owned();
    let report = ops::restore(&url, &copy).unwrap();
    assert!(report.ok());
    let pool = clientela::db::connect(&url, 1).unwrap();
    let mut conn = pool.get().unwrap();
    let report = integrity::check(&mut conn, Backend::Sqlite).unwrap();
    assert!(report.ok(), "{:?}", failing(&report));
    assert_eq!(report.credit_entries, copied);
    assert_eq!(report.customers, 1);
}

#[actix_web::test]
async fn restore_refuses_a_database_a_server_uses_and_a_copy_that_fails_its_checks() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    if backend(&app) == Backend::Postgres {
        let e = ops::restore(&app.config.database_url, std::path::Path::new("x.db")).unwrap_err();
        assert!(e.to_string().contains("pg_restore"), "{e}");
        return;
    }
    app.with_conn(|c| {
        let ana = customer(c, "ana@example.es");
        grant(c, owner, ana, "5");
    });
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    ops::backup(&app.config.database_url, &copy).unwrap();

    // The test server holds its database: restoring over it is refused.
    let e = ops::restore(&app.config.database_url, &copy).unwrap_err();
    assert!(e.to_string().contains("in use"), "{e}");
    let report = app
        .with_conn(|c| integrity::check(c, Backend::Sqlite))
        .unwrap();
    assert_eq!(report.customers, 1);

    // A copy whose ledger was tampered with is refused and the target left as it was.
    {
        let pool = clientela::db::connect(copy.to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        conn.batch_execute("UPDATE credit_accounts SET balance_cents = balance_cents + 100")
            .unwrap();
    }
    let target = dir.path().join("target.db");
    let e = ops::restore(target.to_str().unwrap(), &copy).unwrap_err();
    assert!(e.to_string().contains("fails its checks"), "{e}");
    assert!(!target.exists());
}
