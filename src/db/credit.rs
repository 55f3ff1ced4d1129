//! Store credit tables: reasons, accounts (the balance per customer and currency), lots (what
//! was granted and what is left of it), the append-only ledger and the parts of each spend.
//! Only `domain::credit` writes here.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{
    credit_accounts, credit_entries, credit_lots, credit_reasons, credit_spend_parts, customers,
    orders, staff,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = credit_reasons)]
pub struct ReasonRow {
    pub id: i64,
    pub code: Option<String>,
    pub name: Option<String>,
    pub active: bool,
}

impl ReasonRow {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<ReasonRow>> {
        credit_reasons::table
            .order(credit_reasons::id.asc())
            .select(ReasonRow::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ReasonRow>> {
        credit_reasons::table
            .find(id)
            .select(ReasonRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn name_taken(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
        let n: i64 = credit_reasons::table
            .filter(credit_reasons::name_key.eq(key))
            .count()
            .get_result(conn)?;
        Ok(n > 0)
    }

    pub fn insert(
        conn: &mut DbConn,
        name: &str,
        key: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(credit_reasons::table)
            .values((
                credit_reasons::name.eq(Some(name)),
                credit_reasons::name_key.eq(Some(key)),
                credit_reasons::active.eq(true),
                credit_reasons::created_at.eq(now),
            ))
            .returning(credit_reasons::id)
            .get_result(conn)
    }

    pub fn set_active(conn: &mut DbConn, id: i64, active: bool) -> QueryResult<usize> {
        diesel::update(credit_reasons::table.find(id))
            .set(credit_reasons::active.eq(active))
            .execute(conn)
    }
}

/// The balance of a customer in a currency (0 when no account exists yet).
pub fn balance(conn: &mut DbConn, customer_id: i64, currency: &str) -> QueryResult<i64> {
    Ok(credit_accounts::table
        .find((customer_id, currency))
        .select(credit_accounts::balance_cents)
        .first(conn)
        .optional()?
        .unwrap_or(0))
}

/// Adds `delta` (> 0) to the balance, creating the account on first use. A concurrent first
/// use elsewhere makes the insert fail; the savepoint lets the update run instead.
pub fn credit(
    conn: &mut DbConn,
    customer_id: i64,
    currency: &str,
    delta: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let add = |conn: &mut DbConn| {
        diesel::update(credit_accounts::table.find((customer_id, currency)))
            .set((
                credit_accounts::balance_cents.eq(credit_accounts::balance_cents + delta),
                credit_accounts::updated_at.eq(now),
            ))
            .execute(conn)
    };
    if add(conn)? == 1 {
        return Ok(());
    }
    let inserted = conn.transaction(|conn| {
        diesel::insert_into(credit_accounts::table)
            .values((
                credit_accounts::customer_id.eq(customer_id),
                credit_accounts::currency.eq(currency),
                credit_accounts::balance_cents.eq(delta),
                credit_accounts::updated_at.eq(now),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => add(conn).map(|_| ()),
        Err(e) => Err(e),
    }
}

/// Takes `amount` (> 0) from the balance if it holds that much; false when it does not. The
/// guarded update is also the row lock that orders concurrent debits on PostgreSQL.
pub fn debit(
    conn: &mut DbConn,
    customer_id: i64,
    currency: &str,
    amount: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        credit_accounts::table
            .find((customer_id, currency))
            .filter(credit_accounts::balance_cents.ge(amount)),
    )
    .set((
        credit_accounts::balance_cents.eq(credit_accounts::balance_cents - amount),
        credit_accounts::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Locks the account row (PostgreSQL) by touching it; SQLite's write transaction already holds
/// the only write lock. Returns whether the account exists.
pub fn lock_account(
    conn: &mut DbConn,
    customer_id: i64,
    currency: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(credit_accounts::table.find((customer_id, currency)))
        .set(credit_accounts::updated_at.eq(now))
        .execute(conn)?;
    Ok(n == 1)
}

/// The store-currency balance copied onto the customer row (list filter).
pub fn set_customer_balance(conn: &mut DbConn, customer_id: i64, cents: i64) -> QueryResult<usize> {
    diesel::update(customers::table.find(customer_id))
        .set(customers::credit_cents.eq(cents))
        .execute(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = credit_lots)]
pub struct LotRow {
    pub id: i64,
    pub customer_id: i64,
    pub currency: String,
    pub amount_cents: i64,
    pub remaining_cents: i64,
    pub reason_id: i64,
    pub note: Option<String>,
    pub expires_at: Option<NaiveDateTime>,
    pub order_id: Option<i64>,
    pub granted_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub voided_at: Option<NaiveDateTime>,
    pub expired_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = credit_lots)]
pub struct NewLot<'a> {
    pub customer_id: i64,
    pub currency: &'a str,
    pub amount_cents: i64,
    pub remaining_cents: i64,
    pub reason_id: i64,
    pub note: Option<&'a str>,
    pub expires_at: Option<NaiveDateTime>,
    pub order_id: Option<i64>,
    pub granted_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl LotRow {
    pub fn insert(conn: &mut DbConn, lot: &NewLot<'_>) -> QueryResult<i64> {
        diesel::insert_into(credit_lots::table)
            .values(lot)
            .returning(credit_lots::id)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<LotRow>> {
        credit_lots::table
            .find(id)
            .select(LotRow::as_select())
            .first(conn)
            .optional()
    }

    /// The newest 200 lots of a customer, newest first.
    pub fn for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<LotRow>> {
        credit_lots::table
            .filter(credit_lots::customer_id.eq(customer_id))
            .order(credit_lots::id.desc())
            .limit(200)
            .select(LotRow::as_select())
            .load(conn)
    }

    /// Lots with something left, in the order a spend takes them: soonest expiry first (no
    /// expiry last), then oldest.
    pub fn spendable(
        conn: &mut DbConn,
        customer_id: i64,
        currency: &str,
    ) -> QueryResult<Vec<LotRow>> {
        let mut lots: Vec<LotRow> = credit_lots::table
            .filter(credit_lots::customer_id.eq(customer_id))
            .filter(credit_lots::currency.eq(currency))
            .filter(credit_lots::remaining_cents.gt(0))
            .order(credit_lots::id.asc())
            .select(LotRow::as_select())
            .load(conn)?;
        // NULLS LAST is not portable in diesel's multi-backend queries; sort here (few rows).
        lots.sort_by_key(|l| (l.expires_at.is_none(), l.expires_at, l.id));
        Ok(lots)
    }

    /// Lots of a customer (or of everyone) with something left whose expiry has passed.
    pub fn due(
        conn: &mut DbConn,
        customer_id: Option<i64>,
        now: NaiveDateTime,
        limit: i64,
    ) -> QueryResult<Vec<LotRow>> {
        let mut q = credit_lots::table
            .filter(credit_lots::remaining_cents.gt(0))
            .filter(credit_lots::expires_at.le(now))
            .into_boxed();
        if let Some(c) = customer_id {
            q = q.filter(credit_lots::customer_id.eq(c));
        }
        q.order(credit_lots::id.asc())
            .limit(limit)
            .select(LotRow::as_select())
            .load(conn)
    }

    /// Moves a lot's remaining amount by `delta`; the CHECK keeps it within 0..=amount.
    pub fn add_remaining(conn: &mut DbConn, id: i64, delta: i64) -> QueryResult<usize> {
        diesel::update(credit_lots::table.find(id))
            .set(credit_lots::remaining_cents.eq(credit_lots::remaining_cents + delta))
            .execute(conn)
    }

    /// Empties a lot that still holds exactly `remaining` (guarded against a concurrent change).
    pub fn empty(
        conn: &mut DbConn,
        id: i64,
        remaining: i64,
        voided: Option<NaiveDateTime>,
        expired: Option<NaiveDateTime>,
    ) -> QueryResult<bool> {
        let target = credit_lots::table
            .find(id)
            .filter(credit_lots::remaining_cents.eq(remaining));
        let n = match (voided, expired) {
            (Some(at), _) => diesel::update(target)
                .set((
                    credit_lots::remaining_cents.eq(0),
                    credit_lots::voided_at.eq(Some(at)),
                ))
                .execute(conn)?,
            (None, Some(at)) => diesel::update(target)
                .set((
                    credit_lots::remaining_cents.eq(0),
                    credit_lots::expired_at.eq(Some(at)),
                ))
                .execute(conn)?,
            (None, None) => diesel::update(target)
                .set(credit_lots::remaining_cents.eq(0))
                .execute(conn)?,
        };
        Ok(n == 1)
    }

    /// The sum of what is left in a customer's lots of a currency (equals the balance).
    pub fn remaining_sum(conn: &mut DbConn, customer_id: i64, currency: &str) -> QueryResult<i64> {
        customer_sum(
            conn,
            "credit_lots",
            "remaining_cents",
            customer_id,
            currency,
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = credit_entries)]
pub struct EntryRow {
    pub id: i64,
    pub customer_id: i64,
    pub currency: String,
    pub kind: String,
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub lot_id: Option<i64>,
    pub order_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub idempotency_key: Option<String>,
    pub actor_staff_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

/// A ledger entry with the acting staff member's name and the order's number.
pub type HistoryEntry = (EntryRow, Option<String>, Option<String>);

#[derive(Debug, Insertable)]
#[diesel(table_name = credit_entries)]
pub struct NewEntry<'a> {
    pub customer_id: i64,
    pub currency: &'a str,
    pub kind: &'a str,
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    pub lot_id: Option<i64>,
    pub order_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub idempotency_key: Option<&'a str>,
    pub actor_staff_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

impl EntryRow {
    pub fn insert(conn: &mut DbConn, e: &NewEntry<'_>) -> QueryResult<i64> {
        diesel::insert_into(credit_entries::table)
            .values(e)
            .returning(credit_entries::id)
            .get_result(conn)
    }

    pub fn by_key(conn: &mut DbConn, customer_id: i64, key: &str) -> QueryResult<Option<EntryRow>> {
        credit_entries::table
            .filter(credit_entries::customer_id.eq(customer_id))
            .filter(credit_entries::idempotency_key.eq(key))
            .select(EntryRow::as_select())
            .first(conn)
            .optional()
    }

    /// A customer's history, newest first, with the name of the staff member who acted and the
    /// number of the order it concerns.
    pub fn for_customer(
        conn: &mut DbConn,
        customer_id: i64,
        limit: i64,
    ) -> QueryResult<Vec<HistoryEntry>> {
        credit_entries::table
            .left_join(staff::table.on(staff::id.nullable().eq(credit_entries::actor_staff_id)))
            .left_join(orders::table.on(orders::id.nullable().eq(credit_entries::order_id)))
            .filter(credit_entries::customer_id.eq(customer_id))
            .order(credit_entries::id.desc())
            .limit(limit)
            .select((
                EntryRow::as_select(),
                staff::name.nullable(),
                orders::number.nullable(),
            ))
            .load(conn)
    }

    /// Spends on an order that no reversal has undone yet.
    pub fn open_spends(conn: &mut DbConn, order_id: i64) -> QueryResult<Vec<EntryRow>> {
        let reversed: Vec<Option<i64>> = credit_entries::table
            .filter(credit_entries::order_id.eq(order_id))
            .filter(credit_entries::reverses_id.is_not_null())
            .select(credit_entries::reverses_id)
            .load(conn)?;
        let reversed: Vec<i64> = reversed.into_iter().flatten().collect();
        let spends: Vec<EntryRow> = credit_entries::table
            .filter(credit_entries::order_id.eq(order_id))
            .filter(credit_entries::kind.eq("spend"))
            .order(credit_entries::id.asc())
            .select(EntryRow::as_select())
            .load(conn)?;
        Ok(spends
            .into_iter()
            .filter(|s| !reversed.contains(&s.id))
            .collect())
    }

    /// The sum of a customer's ledger in a currency (equals the balance).
    pub fn ledger_sum(conn: &mut DbConn, customer_id: i64, currency: &str) -> QueryResult<i64> {
        customer_sum(
            conn,
            "credit_entries",
            "amount_cents",
            customer_id,
            currency,
        )
    }

    /// Net movement per day up to `until` (exclusive) in a currency, oldest first: what the
    /// liability chart adds up. Summed by the database, one row a day.
    pub fn daily_totals(
        conn: &mut DbConn,
        currency: &str,
        until: NaiveDateTime,
    ) -> QueryResult<Vec<(chrono::NaiveDate, i64)>> {
        #[derive(QueryableByName)]
        struct Day {
            #[diesel(sql_type = diesel::sql_types::Text)]
            day: String,
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            total: i64,
        }
        let day = match super::backend_of(conn) {
            super::Backend::Sqlite => "date(created_at)",
            super::Backend::Postgres => "to_char(created_at, 'YYYY-MM-DD')",
        };
        let rows: Vec<Day> = diesel::sql_query(format!(
            "SELECT {day} AS day, CAST(SUM(amount_cents) AS BIGINT) AS total \
             FROM credit_entries WHERE currency = $1 AND created_at < $2 \
             GROUP BY {day} ORDER BY {day}"
        ))
        .bind::<diesel::sql_types::Text, _>(currency)
        .bind::<diesel::sql_types::Timestamp, _>(until)
        .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                chrono::NaiveDate::parse_from_str(&r.day, "%Y-%m-%d")
                    .ok()
                    .map(|d| (d, r.total))
            })
            .collect())
    }
}

pub fn insert_part(
    conn: &mut DbConn,
    entry_id: i64,
    lot_id: i64,
    amount: i64,
) -> QueryResult<usize> {
    diesel::insert_into(credit_spend_parts::table)
        .values((
            credit_spend_parts::entry_id.eq(entry_id),
            credit_spend_parts::lot_id.eq(lot_id),
            credit_spend_parts::amount_cents.eq(amount),
        ))
        .execute(conn)
}

pub fn parts_of(conn: &mut DbConn, entry_id: i64) -> QueryResult<Vec<(i64, i64)>> {
    credit_spend_parts::table
        .filter(credit_spend_parts::entry_id.eq(entry_id))
        .select((credit_spend_parts::lot_id, credit_spend_parts::amount_cents))
        .load(conn)
}

/// Takes the order row's lock (PostgreSQL) with an update that changes nothing.
pub fn lock_order(conn: &mut DbConn, order_id: i64) -> QueryResult<bool> {
    let n = diesel::update(orders::table.find(order_id))
        .set(orders::credit_paid_cents.eq(orders::credit_paid_cents))
        .execute(conn)?;
    Ok(n == 1)
}

/// Adds `delta` to what an order received from store credit, if the result stays within
/// 0..=its total. False when it would not (the guard is the concurrency rule).
pub fn add_order_credit_paid(conn: &mut DbConn, order_id: i64, delta: i64) -> QueryResult<bool> {
    let n = diesel::update(
        orders::table
            .find(order_id)
            .filter((orders::credit_paid_cents + delta).le(orders::total_cents))
            .filter((orders::credit_paid_cents + delta).ge(0)),
    )
    .set(orders::credit_paid_cents.eq(orders::credit_paid_cents + delta))
    .execute(conn)?;
    Ok(n == 1)
}

/// Adds `delta` to what has been refunded from an order into store credit, within its total.
pub fn add_order_refunded(conn: &mut DbConn, order_id: i64, delta: i64) -> QueryResult<bool> {
    let n = diesel::update(
        orders::table
            .find(order_id)
            .filter((orders::credit_refunded_cents + delta).le(orders::total_cents)),
    )
    .set(orders::credit_refunded_cents.eq(orders::credit_refunded_cents + delta))
    .execute(conn)?;
    Ok(n == 1)
}

/// Outstanding credit over all customers in a currency: the sum of account balances.
pub fn outstanding(conn: &mut DbConn, currency: &str) -> QueryResult<i64> {
    let row: Total = diesel::sql_query(
        "SELECT CAST(COALESCE(SUM(balance_cents), 0) AS BIGINT) AS total \
         FROM credit_accounts WHERE currency = $1",
    )
    .bind::<diesel::sql_types::Text, _>(currency)
    .get_result(conn)?;
    Ok(row.total)
}

#[derive(QueryableByName)]
struct Total {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    total: i64,
}

/// SUM of a money column of one customer and currency. SUM of BIGINT is NUMERIC to diesel;
/// the CAST keeps i64 on both backends. `table` and `column` are our own constants.
fn customer_sum(
    conn: &mut DbConn,
    table: &'static str,
    column: &'static str,
    customer_id: i64,
    currency: &str,
) -> QueryResult<i64> {
    let row: Total = diesel::sql_query(format!(
        "SELECT CAST(COALESCE(SUM({column}), 0) AS BIGINT) AS total FROM {table} \
         WHERE customer_id = $1 AND currency = $2"
    ))
    .bind::<diesel::sql_types::BigInt, _>(customer_id)
    .bind::<diesel::sql_types::Text, _>(currency)
    .get_result(conn)?;
    Ok(row.total)
}
