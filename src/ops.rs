//! Backups of an embedded SQLite store: `backup` copies a live database consistently while the
//! server serves, `restore` puts a copy back only where no server uses it. (PostgreSQL is
//! backed up with its own tools, pg_dump and pg_restore; see the README.)
//!
//! Invariants:
//! - a backup is one read transaction's view (`VACUUM INTO`): every committed write before it
//!   started and none after, never half of one;
//! - a server holds a shared lock on `<database>.lock` for as long as it runs; restore takes it
//!   exclusively, so it never replaces a database a server has open;
//! - restore checks the copy first (integrity and ledgers) and swaps it in by a rename, so the
//!   target is either the old database or the whole copy.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use diesel::RunQueryDsl;
use diesel::sql_types::Text;

use crate::db::{self, Backend};
use crate::domain::integrity;

/// The lock file of a SQLite database path.
fn lock_path(db_path: &Path) -> PathBuf {
    let mut s = db_path.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// The file a SQLite URL names; `None` for PostgreSQL and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    if Backend::from_url(url) != Backend::Sqlite {
        return None;
    }
    let path = db::sqlite_path(url);
    if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

/// Held by a running server: while it lives, `restore` refuses this database.
#[derive(Debug)]
pub struct InUse {
    _file: File,
}

/// Takes the shared "in use" lock of a SQLite database (none for PostgreSQL). Several
/// processes may hold it at once; it is released when the process ends, however it ends.
pub fn hold_in_use(url: &str) -> Result<Option<InUse>> {
    let Some(path) = sqlite_file(url) else {
        return Ok(None);
    };
    let lock = lock_path(&path);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .with_context(|| format!("opening {}", lock.display()))?;
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(InUse { _file: file })),
        Err(std::fs::TryLockError::WouldBlock) => {
            bail!(
                "{} is being restored; start the server when that has finished",
                path.display()
            )
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", lock.display()))
        }
    }
}

/// What a backup did.
#[derive(Debug, Clone)]
pub struct BackupSummary {
    pub bytes: u64,
    pub took: Duration,
    pub report: integrity::Report,
}

/// Copies the live database `url` to `to` (which must not exist), then checks the copy.
pub fn backup(url: &str, to: &Path) -> Result<BackupSummary> {
    if sqlite_file(url).is_none() {
        bail!(
            "backup copies an embedded SQLite database; back up PostgreSQL with pg_dump \
             (see the README)"
        );
    }
    if to.exists() {
        bail!("{} exists already; choose a new file", to.display());
    }
    let target = to
        .to_str()
        .context("the backup path is not valid UTF-8")?
        .to_owned();
    let started = Instant::now();
    let pool = db::connect(url, 1)?;
    let mut conn = pool.get()?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(&target)
        .execute(&mut conn)
        .with_context(|| format!("copying into {}", to.display()))?;
    drop(conn);
    let took = started.elapsed();
    let report = check_file(to)?;
    let bytes = std::fs::metadata(to)?.len();
    Ok(BackupSummary {
        bytes,
        took,
        report,
    })
}

/// Runs `check` on a SQLite file without migrating or otherwise changing it.
fn check_file(path: &Path) -> Result<integrity::Report> {
    use diesel::Connection;
    let url = path.to_str().context("path is not valid UTF-8")?;
    let mut conn = db::DbConn::Sqlite(diesel::sqlite::SqliteConnection::establish(url)?);
    Ok(integrity::check(&mut conn, Backend::Sqlite)?)
}

/// Puts the backup `from` in place of the database `url`, if no server uses it and the copy
/// passes its checks. Returns the copy's check report.
pub fn restore(url: &str, from: &Path) -> Result<integrity::Report> {
    let Some(target) = sqlite_file(url) else {
        bail!("restore replaces an embedded SQLite database; restore PostgreSQL with pg_restore");
    };
    if !from.is_file() {
        bail!("{} is not a file", from.display());
    }
    let lock = lock_path(&target);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock)
        .with_context(|| format!("opening {}", lock.display()))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "{} is in use by a running Clientela server; stop it before restoring",
            target.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("locking {}", lock.display()));
        }
    }
    // The copy is checked where it will be swapped in from (same directory: the rename is
    // atomic), never over the live file.
    let staged = target.with_extension("restoring");
    std::fs::copy(from, &staged)
        .with_context(|| format!("copying {} next to the database", from.display()))?;
    let report = match check_file(&staged) {
        Ok(r) if r.ok() => r,
        Ok(r) => {
            std::fs::remove_file(&staged).ok();
            let broken: Vec<&str> = r
                .findings
                .iter()
                .filter(|f| !f.ok())
                .map(|f| f.name)
                .collect();
            bail!(
                "the backup fails its checks ({}); nothing was restored",
                broken.join(", ")
            );
        }
        Err(e) => {
            std::fs::remove_file(&staged).ok();
            return Err(e.context("the backup is not a readable database; nothing was restored"));
        }
    };
    // The old database's write-ahead log belongs to the old file and must not be replayed onto
    // the copy. It is emptied into the old file first, so removing it loses nothing even if
    // the restore stops right here.
    if target.exists() {
        use diesel::Connection;
        let path = target.to_str().context("path is not valid UTF-8")?;
        let mut old = diesel::sqlite::SqliteConnection::establish(path)?;
        diesel::connection::SimpleConnection::batch_execute(
            &mut old,
            "PRAGMA wal_checkpoint(TRUNCATE)",
        )?;
    }
    for ext in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(ext);
        let side = PathBuf::from(side);
        if side.exists() {
            std::fs::remove_file(&side).with_context(|| format!("removing {}", side.display()))?;
        }
    }
    std::fs::rename(&staged, &target)
        .with_context(|| format!("putting the copy in place of {}", target.display()))?;
    drop(file);
    Ok(report)
}

/// Prints a check report; the exit status says whether everything held.
pub fn print_report(report: &integrity::Report) {
    println!(
        "{} customers, {} store-credit entries, {} points entries",
        report.customers, report.credit_entries, report.loyalty_entries
    );
    for f in &report.findings {
        let state = if f.ok() { "ok  " } else { "FAIL" };
        match &f.detail {
            Some(d) if !f.ok() => println!("{state} {} ({} found): {d}", f.name, f.violations),
            _ if !f.ok() => println!("{state} {} ({} found)", f.name, f.violations),
            _ => println!("{state} {}", f.name),
        }
    }
}
