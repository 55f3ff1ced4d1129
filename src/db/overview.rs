//! The customers overview's queries: the top spenders, how many customers ordered once or
//! more, and per month the customers created and the new and returning buyers.
//!
//! Months are grouped in SQL with the backend's own month expression (SQLite `strftime`,
//! PostgreSQL `to_char`), both giving `YYYY-MM` text, so a large store is not read row by row.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::schema::customers;
use super::{Backend, DbConn, backend_of};

/// A customer among the top spenders.
#[derive(Debug, Clone, Queryable)]
pub struct TopCustomer {
    pub id: i64,
    pub full_name: String,
    pub order_count: i64,
    /// Spent in the store currency, cancelled orders excluded (the figure kept on the row).
    pub spent_cents: i64,
}

/// The `limit` customers who spent most, most first (ties: newest id first), leaving out
/// anonymized customers and those who spent nothing. Walks the `customers(spent_cents, id)`
/// index backwards.
pub fn top_spenders(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<TopCustomer>> {
    customers::table
        .filter(customers::anonymized_at.is_null())
        .filter(customers::spent_cents.gt(0))
        .order((customers::spent_cents.desc(), customers::id.desc()))
        .limit(limit)
        .select((
            customers::id,
            customers::full_name,
            customers::order_count,
            customers::spent_cents,
        ))
        .load(conn)
}

/// Customers with at least `n` orders (any status, as the order count on the row and the
/// list's "repeat buyers" filter count them). Uses the `customers(order_count, id)` index.
pub fn customers_with_orders(conn: &mut DbConn, n: i64) -> QueryResult<i64> {
    customers::table
        .filter(customers::order_count.ge(n))
        .count()
        .get_result(conn)
}

/// The `YYYY-MM` month of a timestamp column, in the connection's SQL dialect. Only ever
/// called with column names written in this module.
fn month_of(backend: Backend, column: &str) -> String {
    match backend {
        Backend::Sqlite => format!("strftime('%Y-%m', {column})"),
        Backend::Postgres => format!("to_char({column}, 'YYYY-MM')"),
    }
}

/// A count for one month (`YYYY-MM`).
#[derive(Debug, Clone, QueryableByName)]
pub struct MonthCount {
    #[diesel(sql_type = Text)]
    pub month: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// Customers created per month in `[from, to)`, months without any left out.
pub fn customers_created_by_month(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<MonthCount>> {
    let month = month_of(backend_of(conn), "created_at");
    diesel::sql_query(format!(
        "SELECT {month} AS month, CAST(COUNT(*) AS BIGINT) AS count FROM customers \
         WHERE created_at >= $1 AND created_at < $2 GROUP BY {month} ORDER BY {month}"
    ))
    .bind::<Timestamp, _>(from)
    .bind::<Timestamp, _>(to)
    .load(conn)
}

/// New and returning buyers of one month (`YYYY-MM`).
#[derive(Debug, Clone, QueryableByName)]
pub struct BuyerMonth {
    #[diesel(sql_type = Text)]
    pub month: String,
    /// Customers whose first order was placed in this month.
    #[diesel(sql_type = BigInt)]
    pub new_buyers: i64,
    /// Customers who ordered in this month and had first ordered in an earlier one.
    #[diesel(sql_type = BigInt)]
    pub returning_buyers: i64,
}

/// Per month in `[from, to)`, the customers who placed an order (any status), split by whether
/// it was the month of their first order. Each customer counts once per month however many
/// orders they placed in it; months without orders are left out.
pub fn buyers_by_month(
    conn: &mut DbConn,
    from: NaiveDateTime,
    to: NaiveDateTime,
) -> QueryResult<Vec<BuyerMonth>> {
    let backend = backend_of(conn);
    let order_month = month_of(backend, "placed_at");
    let first_month = month_of(backend, "c.first_order_at");
    diesel::sql_query(format!(
        "SELECT m.month AS month, \
         CAST(COALESCE(SUM(CASE WHEN {first_month} = m.month THEN 1 ELSE 0 END), 0) AS BIGINT) \
           AS new_buyers, \
         CAST(COALESCE(SUM(CASE WHEN {first_month} < m.month THEN 1 ELSE 0 END), 0) AS BIGINT) \
           AS returning_buyers \
         FROM (SELECT DISTINCT customer_id, {order_month} AS month FROM orders \
               WHERE placed_at >= $1 AND placed_at < $2) m \
         JOIN customers c ON c.id = m.customer_id \
         GROUP BY m.month ORDER BY m.month"
    ))
    .bind::<Timestamp, _>(from)
    .bind::<Timestamp, _>(to)
    .load(conn)
}
