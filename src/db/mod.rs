//! The database layer: one connection type for both backends, the pool, migrations and
//! the write-transaction rule.
//!
//! Invariants:
//! - every pooled SQLite connection runs with WAL, `synchronous=FULL`, `busy_timeout=5000`
//!   and `foreign_keys=ON` (set in [`Manager::connect`]);
//! - every write goes through [`write_tx`], which is `BEGIN IMMEDIATE` on SQLite so two writers
//!   never both read-then-write the same rows, and a plain transaction on PostgreSQL (where
//!   debits use row locks or guarded updates).

pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod credit;
pub mod customer_list;
pub mod customers;
pub mod groups;
pub mod imports;
pub mod loyalty;
pub mod orders;
pub mod outbox;
pub mod overview;
pub mod schema;
pub mod segments;
pub mod sessions;
pub mod settings;
pub mod staff;
pub mod store;
pub mod throttle;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};
use std::time::Duration;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The pragmas every SQLite connection gets. `synchronous=FULL` because money must survive a
/// power cut; `busy_timeout` so a writer waits for the lock instead of failing; reads through
/// a memory map (up to 16 GiB, pages shared with the OS cache) instead of copying every page
/// into each connection's own cache, which is what a list page of a million rows spends its
/// time on.
pub const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
     PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA mmap_size = 17179869184; \
     PRAGMA cache_size = -16384;";

/// A connection to either backend; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

/// Which backend a `DATABASE_URL` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `postgres://` and `postgresql://` pick PostgreSQL; anything else is a SQLite path,
    /// with an optional `sqlite://` prefix.
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The SQLite file path in a URL, without any `sqlite://` prefix.
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://").unwrap_or(url)
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConn = r2d2::PooledConnection<Manager>;

/// An r2d2 manager that opens the backend the URL names (diesel's own manager would try each
/// backend in turn, and SQLite accepts any string as a file name).
#[derive(Debug, Clone)]
pub struct Manager {
    url: String,
    backend: Backend,
}

impl Manager {
    pub fn new(url: &str) -> Self {
        Manager {
            url: url.to_owned(),
            backend: Backend::from_url(url),
        }
    }

    fn connect(&self) -> Result<DbConn, DbError> {
        match self.backend {
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(sqlite_path(&self.url))?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConn::Sqlite(conn))
            }
            Backend::Postgres => Ok(DbConn::Pg(PgConnection::establish(&self.url)?)),
        }
    }
}

/// Failure to open or check a connection.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("database query failed: {0}")]
    Query(#[from] diesel::result::Error),
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConn;
    type Error = DbError;

    fn connect(&self) -> Result<DbConn, DbError> {
        Manager::connect(self)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), DbError> {
        conn.batch_execute("SELECT 1")?;
        Ok(())
    }

    /// A connection left inside a transaction (a panic mid-transaction) is thrown away rather
    /// than handed to the next request.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        match conn {
            DbConn::Sqlite(c) => transaction_depth(c) != 0,
            DbConn::Pg(c) => transaction_depth(c) != 0,
        }
    }
}

fn transaction_depth<C>(conn: &mut C) -> u32
where
    C: Connection<TransactionManager = AnsiTransactionManager>,
{
    match AnsiTransactionManager::transaction_manager_status_mut(conn).transaction_depth() {
        Ok(Some(depth)) => depth.get(),
        Ok(None) => 0,
        Err(_) => u32::MAX,
    }
}

/// Builds the pool and runs the embedded migrations of the URL's backend.
pub fn connect(url: &str, max_size: u32) -> anyhow::Result<Pool> {
    let manager = Manager::new(url);
    // A checkout test costs a query per request. It only finds something on PostgreSQL (a
    // server restart or a dropped link); a SQLite connection is a file and stays valid.
    let test_on_check_out = manager.backend == Backend::Postgres;
    let pool = r2d2::Pool::builder()
        .max_size(max_size)
        .test_on_check_out(test_on_check_out)
        // Open connections as load asks for them, not all at start: many app servers (or
        // tests) share one PostgreSQL and its connection limit.
        .min_idle(Some(max_size.min(2)))
        .connection_timeout(Duration::from_secs(10))
        .build(manager)?;
    let mut conn = pool.get()?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// Applies every pending migration of the connection's backend.
pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Pg(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("migrations failed: {e}"))
}

/// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite, so the write lock is taken
/// before anything is read; a plain transaction on PostgreSQL. Rolls back when `f` fails.
/// Nested calls inside `f` (e.g. `conn.transaction`, or another domain step that itself
/// calls `write_tx`) become savepoints of the outer transaction: a checkout can place an order
/// and spend store credit as one unit, each step keeping its own rules.
pub fn write_tx<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    if let DbConn::Sqlite(c) = conn {
        let depth = AnsiTransactionManager::transaction_manager_status_mut(c)
            .transaction_depth()
            .map_err(E::from)?;
        if depth.is_some() {
            // Already inside this process's one writer: a savepoint, never the mutex again.
            return conn.transaction(f);
        }
    }
    // Writers of this process queue on a mutex before they take SQLite's write lock: a
    // writer that finds the lock taken otherwise sleeps in SQLite's busy handler (1 ms, 2 ms,
    // … up to 100 ms a try), which under many writers gives seconds of tail latency. Other
    // processes still meet `busy_timeout`.
    let _writer = match conn {
        DbConn::Sqlite(c) => {
            let guard = SQLITE_WRITER
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            guard
        }
        DbConn::Pg(_) => return conn.transaction(f),
    };
    let result = f(conn);
    if let DbConn::Sqlite(c) = conn {
        match result {
            Ok(value) => {
                AnsiTransactionManager::commit_transaction(c)?;
                Ok(value)
            }
            Err(e) => {
                // The original error matters more than a failed rollback; a connection left
                // in a transaction is discarded by the pool (`has_broken`).
                let _ = AnsiTransactionManager::rollback_transaction(c);
                Err(e)
            }
        }
    } else {
        result
    }
}

/// The backend of a live connection.
/// The one SQLite writer of this process at a time (see [`write_tx`]).
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub fn backend_of(conn: &DbConn) -> Backend {
    match conn {
        DbConn::Sqlite(_) => Backend::Sqlite,
        DbConn::Pg(_) => Backend::Postgres,
    }
}
