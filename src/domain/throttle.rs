//! Sign-in throttling, counted in the database so every app server shares the counters.
//!
//! Three counters per attempt: the client address (20 failures), the account from that address
//! (5 failures) and the account from anywhere (50 failures), each within a 15-minute window.
//! Reaching a limit refuses that key for the configured lock time. A success clears the
//! account counters, not the address one. Unknown accounts are counted like real ones, so the
//! answers never tell whether an e-mail exists.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::throttle::ThrottleRow;

const WINDOW_SECONDS: i64 = 15 * 60;

/// A counter key and the number of failures that locks it.
#[derive(Debug, Clone)]
pub struct Key {
    pub key: String,
    pub limit: i32,
    pub cleared_by_success: bool,
}

pub fn keys(email: &str, ip: &str) -> Vec<Key> {
    vec![
        Key {
            key: format!("ip:{ip}"),
            limit: 20,
            cleared_by_success: false,
        },
        Key {
            key: format!("pair:{email}|{ip}"),
            limit: 5,
            cleared_by_success: true,
        },
        Key {
            key: format!("acct:{email}"),
            limit: 50,
            cleared_by_success: true,
        },
    ]
}

pub fn is_locked(conn: &mut DbConn, keys: &[Key], now: NaiveDateTime) -> QueryResult<bool> {
    for k in keys {
        if let Some(row) = ThrottleRow::find(conn, &k.key)?
            && row.locked_until.is_some_and(|until| until > now)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn record_failure(
    conn: &mut DbConn,
    keys: &[Key],
    now: NaiveDateTime,
    lock: std::time::Duration,
) -> QueryResult<()> {
    let lock = chrono::Duration::from_std(lock).unwrap_or(chrono::Duration::minutes(15));
    for k in keys {
        let row = match ThrottleRow::find(conn, &k.key)? {
            Some(row)
                if (now - row.window_start).num_seconds() < WINDOW_SECONDS
                    && row.locked_until.is_none_or(|until| until > now) =>
            {
                ThrottleRow {
                    failures: row.failures.saturating_add(1),
                    ..row
                }
            }
            _ => ThrottleRow {
                key: k.key.clone(),
                failures: 1,
                window_start: now,
                locked_until: None,
            },
        };
        let locked_until = if row.failures >= k.limit {
            Some(now + lock)
        } else {
            row.locked_until
        };
        ThrottleRow::upsert(
            conn,
            &ThrottleRow {
                locked_until,
                ..row
            },
        )?;
    }
    Ok(())
}

pub fn record_success(conn: &mut DbConn, keys: &[Key]) -> QueryResult<()> {
    for k in keys.iter().filter(|k| k.cleared_by_success) {
        ThrottleRow::clear(conn, &k.key)?;
    }
    Ok(())
}
