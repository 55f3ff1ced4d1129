//! Shared test harness: the real application on a free port with a fresh database of the
//! backend named by `CLIENTELA_TEST_BACKEND` (sqlite by default; postgres needs
//! `CLIENTELA_TEST_PG_URL`, an admin URL of a throwaway server, set by scripts/test.sh).
#![allow(dead_code)]

use std::time::Duration;

use clientela::config::Config;
use clientela::db::{DbConn, Pool};
use clientela::domain::staff::{self, NewStaffInput, Role};
use clientela::startup::Application;
use diesel::Connection;
use diesel::RunQueryDsl;
use rand::distr::{Alphanumeric, SampleString};

pub const OWNER_EMAIL: &str = "owner@example.com";
pub const PASSWORD: &str = "correct horse battery staple";

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

pub fn backend() -> String {
    std::env::var("CLIENTELA_TEST_BACKEND").unwrap_or_else(|_| "sqlite".to_owned())
}

/// A fresh, empty database URL for one test.
pub fn fresh_database_url() -> (String, Option<tempfile::TempDir>) {
    match backend().as_str() {
        "postgres" => {
            let admin = std::env::var("CLIENTELA_TEST_PG_URL").expect(
                "CLIENTELA_TEST_BACKEND=postgres needs CLIENTELA_TEST_PG_URL (run scripts/test.sh)",
            );
            let name = format!(
                "clientela_test_{}",
                Alphanumeric
                    .sample_string(&mut rand::rng(), 12)
                    .to_lowercase()
            );
            let mut conn = diesel::PgConnection::establish(&admin)
                .expect("connect to the test PostgreSQL server");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .expect("create the test database");
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b)
                .expect("admin URL has a database");
            (format!("{base}/{name}"), None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("test.db");
            (path.to_string_lossy().into_owned(), Some(dir))
        }
    }
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        host: "127.0.0.1".parse().unwrap(),
        port: 0,
        workers: 2,
        db_pool_size: 4,
        login_lock: Duration::from_secs(2),
        ..Config::default()
    }
}

pub struct TestApp {
    pub address: String,
    pub pool: Pool,
    pub config: Config,
    pub setup_token: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// Starts the application with a fresh database; `tweak` adjusts the settings first.
    pub async fn spawn_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
        let (url, dir) = fresh_database_url();
        let mut config = test_config(url);
        tweak(&mut config);
        let app = Application::build(config.clone())
            .await
            .expect("application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let pool = app.pool();
        let setup_token = app.setup_token.clone();
        actix_web::rt::spawn(app.run());
        TestApp {
            address,
            pool,
            config,
            setup_token,
            _dir: dir,
        }
    }

    /// A second app server of the same store: its own process state and port, the same
    /// database (the first keeps owning the temporary directory).
    pub async fn beside(&self) -> TestApp {
        let app = Application::build(self.config.clone())
            .await
            .expect("second application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let pool = app.pool();
        actix_web::rt::spawn(app.run());
        TestApp {
            address,
            pool,
            config: self.config.clone(),
            setup_token: None,
            _dir: None,
        }
    }

    pub fn conn(&self) -> r2d2::PooledConnection<clientela::db::Manager> {
        self.pool.get().expect("a pooled connection")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Creates the owner through the domain (as the setup page does).
    pub fn create_owner(&self) -> i64 {
        self.create_owner_with(OWNER_EMAIL, "Olga Owner")
    }

    pub fn create_owner_with(&self, email: &str, name: &str) -> i64 {
        let mut conn = self.conn();
        staff::create_first_owner(
            &mut conn,
            &NewStaffInput {
                name: name.into(),
                email: email.into(),
                password: PASSWORD.into(),
                password_confirm: PASSWORD.into(),
                role: String::new(),
            },
        )
        .expect("owner created")
    }

    /// Creates a staff member of `role` on behalf of `actor`; returns the id.
    pub fn create_staff(&self, actor: i64, email: &str, role: Role) -> i64 {
        let mut conn = self.conn();
        staff::create(
            &mut conn,
            actor,
            &NewStaffInput {
                name: format!("Staff {}", role.code()),
                email: email.into(),
                password: PASSWORD.into(),
                password_confirm: PASSWORD.into(),
                role: role.code().into(),
            },
        )
        .expect("staff created")
    }

    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConn) -> T) -> T {
        let mut conn = self.conn();
        f(&mut conn)
    }
}
