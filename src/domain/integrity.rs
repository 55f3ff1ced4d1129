//! `clientela check`: the database's own integrity checks and the ledger invariants, on any
//! database (a live one, a backup, a restored copy).
//!
//! What must hold (see [`crate::domain::credit`] and [`crate::domain::loyalty`]):
//! - every store-credit balance == the sum of its ledger == what is left in its lots;
//! - every points balance == the sum of its ledger;
//! - no balance, lot or copied figure is negative, and no lot has more left than it gave;
//! - the figures copied onto the customer row (credit in the store currency, points) equal
//!   the accounts they copy.

use diesel::QueryableByName;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::db::{Backend, DbConn};

/// One check and what it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub name: &'static str,
    /// Rows that break it (0: it holds).
    pub violations: i64,
    /// What the database said, for its own checks ("ok" when fine).
    pub detail: Option<String>,
}

impl Finding {
    pub fn ok(&self) -> bool {
        self.violations == 0
    }
}

/// Every check, in order.
#[derive(Debug, Clone)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub customers: i64,
    pub credit_entries: i64,
    pub loyalty_entries: i64,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.findings.iter().all(Finding::ok)
    }
}

/// (name, a query counting the rows that break the invariant as `n`). Constant SQL, valid on
/// both backends.
const LEDGER_CHECKS: &[(&str, &str)] = &[
    (
        "credit balance == sum of its ledger",
        "SELECT COUNT(*) AS n FROM credit_accounts a WHERE a.balance_cents <> COALESCE(( \
         SELECT SUM(e.amount_cents) FROM credit_entries e \
         WHERE e.customer_id = a.customer_id AND e.currency = a.currency), 0)",
    ),
    (
        "credit balance == what is left in its lots",
        "SELECT COUNT(*) AS n FROM credit_accounts a WHERE a.balance_cents <> COALESCE(( \
         SELECT SUM(l.remaining_cents) FROM credit_lots l \
         WHERE l.customer_id = a.customer_id AND l.currency = a.currency), 0)",
    ),
    (
        "credit ledger entries belong to an account",
        "SELECT COUNT(*) AS n FROM (SELECT customer_id, currency FROM credit_entries \
         GROUP BY customer_id, currency) g WHERE NOT EXISTS (SELECT 1 FROM credit_accounts a \
         WHERE a.customer_id = g.customer_id AND a.currency = g.currency)",
    ),
    (
        "no negative credit balance",
        "SELECT COUNT(*) AS n FROM credit_accounts WHERE balance_cents < 0",
    ),
    (
        "no lot below zero or above what it gave",
        "SELECT COUNT(*) AS n FROM credit_lots \
         WHERE remaining_cents < 0 OR remaining_cents > amount_cents",
    ),
    (
        "customer credit figure == its store-currency account",
        "SELECT COUNT(*) AS n FROM customers c WHERE c.credit_cents <> COALESCE(( \
         SELECT a.balance_cents FROM credit_accounts a WHERE a.customer_id = c.id AND \
         a.currency = COALESCE((SELECT s.value FROM settings s WHERE s.key = 'store_currency'), \
         'EUR')), 0)",
    ),
    (
        "points balance == sum of its ledger",
        "SELECT COUNT(*) AS n FROM loyalty_accounts a WHERE a.balance <> COALESCE(( \
         SELECT SUM(e.points) FROM loyalty_entries e WHERE e.customer_id = a.customer_id), 0)",
    ),
    (
        "points ledger entries belong to an account",
        "SELECT COUNT(*) AS n FROM (SELECT customer_id FROM loyalty_entries \
         GROUP BY customer_id) g WHERE NOT EXISTS (SELECT 1 FROM loyalty_accounts a \
         WHERE a.customer_id = g.customer_id)",
    ),
    (
        "no negative points balance",
        "SELECT COUNT(*) AS n FROM loyalty_accounts WHERE balance < 0",
    ),
    (
        "customer points figure == its account",
        "SELECT COUNT(*) AS n FROM customers c WHERE c.points <> COALESCE(( \
         SELECT a.balance FROM loyalty_accounts a WHERE a.customer_id = c.id), 0)",
    ),
];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Line {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

fn count(conn: &mut DbConn, sql: &str) -> QueryResult<i64> {
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// Runs every check; a read-only pass over the whole database.
pub fn check(conn: &mut DbConn, backend: Backend) -> QueryResult<Report> {
    let mut findings = Vec::new();
    if backend == Backend::Sqlite {
        let lines: Vec<Line> = diesel::sql_query("PRAGMA integrity_check").load(conn)?;
        let text: Vec<String> = lines.into_iter().map(|l| l.integrity_check).collect();
        let fine = text.len() == 1 && text[0] == "ok";
        findings.push(Finding {
            name: "SQLite integrity_check",
            violations: if fine {
                0
            } else {
                i64::try_from(text.len()).unwrap_or(i64::MAX)
            },
            detail: Some(text.join("; ")),
        });
        let broken = count(conn, "SELECT COUNT(*) AS n FROM pragma_foreign_key_check")?;
        findings.push(Finding {
            name: "SQLite foreign_key_check",
            violations: broken,
            detail: None,
        });
    }
    for (name, sql) in LEDGER_CHECKS {
        findings.push(Finding {
            name,
            violations: count(conn, sql)?,
            detail: None,
        });
    }
    Ok(Report {
        findings,
        customers: count(conn, "SELECT COUNT(*) AS n FROM customers")?,
        credit_entries: count(conn, "SELECT COUNT(*) AS n FROM credit_entries")?,
        loyalty_entries: count(conn, "SELECT COUNT(*) AS n FROM loyalty_entries")?,
    })
}
