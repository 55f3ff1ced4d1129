//! Orders, their lines and status history: rows and queries.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::DbConn;
use super::schema::{customers, order_lines, order_status_history, orders, staff};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub status: String,
    pub payment_method: String,
    pub currency: String,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub total_cents: i64,
    pub placed_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// What store credit paid of the total (net of reversals).
    pub credit_paid_cents: i64,
    /// What has been refunded from the order into store credit.
    pub credit_refunded_cents: i64,
    /// An order on account: when its invoice falls due, and when it was paid.
    pub due_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    /// Loyalty points paid at checkout, and what they were worth: the total is what is
    /// left after them (`total = subtotal + shipping - points_discount`).
    pub points_used: i64,
    pub points_discount_cents: i64,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = order_lines)]
pub struct LineRow {
    pub id: i64,
    pub order_id: i64,
    pub product_id: Option<i64>,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
}

/// A status change with the name of the staff member who made it (none: the system).
#[derive(Debug, Clone, Queryable)]
pub struct HistoryRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub created_at: NaiveDateTime,
    pub staff_name: Option<String>,
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OrderRow>> {
    orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

pub fn lines(conn: &mut DbConn, order_id: i64) -> QueryResult<Vec<LineRow>> {
    order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .order(order_lines::id.asc())
        .select(LineRow::as_select())
        .load(conn)
}

/// The lines of a customer's orders placed at or after the order (`placed_at`, `id`) in the
/// (placed_at, id) order: the lines of the newest orders in one cacheable statement.
pub fn lines_since(
    conn: &mut DbConn,
    customer_id: i64,
    placed_at: NaiveDateTime,
    id: i64,
) -> QueryResult<Vec<LineRow>> {
    order_lines::table
        .inner_join(orders::table)
        .filter(orders::customer_id.eq(customer_id))
        .filter(
            orders::placed_at
                .gt(placed_at)
                .or(orders::placed_at.eq(placed_at).and(orders::id.ge(id))),
        )
        .order((order_lines::order_id.asc(), order_lines::id.asc()))
        .select(LineRow::as_select())
        .load(conn)
}

pub fn history(conn: &mut DbConn, order_id: i64) -> QueryResult<Vec<HistoryRow>> {
    order_status_history::table
        .left_join(staff::table)
        .filter(order_status_history::order_id.eq(order_id))
        .order(order_status_history::id.asc())
        .select((
            order_status_history::from_status,
            order_status_history::to_status,
            order_status_history::created_at,
            staff::name.nullable(),
        ))
        .load(conn)
}

pub fn set_status(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(orders::table.find(id))
        .set((orders::status.eq(status), orders::updated_at.eq(now)))
        .execute(conn)
}

pub fn insert_history(
    conn: &mut DbConn,
    order_id: i64,
    from: Option<&str>,
    to: &str,
    staff_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(order_status_history::table)
        .values((
            order_status_history::order_id.eq(order_id),
            order_status_history::from_status.eq(from),
            order_status_history::to_status.eq(to),
            order_status_history::staff_id.eq(staff_id),
            order_status_history::created_at.eq(now),
        ))
        .execute(conn)
}

/// The orders of one customer, newest first.
pub fn for_customer(conn: &mut DbConn, customer_id: i64, limit: i64) -> QueryResult<Vec<OrderRow>> {
    orders::table
        .filter(orders::customer_id.eq(customer_id))
        .order((orders::placed_at.desc(), orders::id.desc()))
        .limit(limit)
        .select(OrderRow::as_select())
        .load(conn)
}

/// The figures kept on the customer row, computed from the orders.
#[derive(Debug, Clone, QueryableByName)]
pub struct ListFigures {
    #[diesel(sql_type = BigInt)]
    pub order_count: i64,
    #[diesel(sql_type = BigInt)]
    pub spent_cents: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_order_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_order_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_status: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_payment_method: Option<String>,
}

/// Order count (every order), amount spent in `currency` (cancelled orders excluded), first
/// and last order and the last order's status and payment method.
pub fn figures_for_list(
    conn: &mut DbConn,
    customer_id: i64,
    currency: &str,
) -> QueryResult<ListFigures> {
    // SUM of BIGINT is NUMERIC to diesel; the CASTs keep i64 on both backends. Placeholders
    // appear in numeric order and once each: SQLite numbers `$n` by first appearance.
    diesel::sql_query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS order_count, \
         CAST(COALESCE(SUM(CASE WHEN status <> 'cancelled' AND currency = $1 THEN total_cents ELSE 0 END), 0) AS BIGINT) AS spent_cents, \
         MIN(placed_at) AS first_order_at, MAX(placed_at) AS last_order_at, \
         (SELECT o2.status FROM orders o2 WHERE o2.customer_id = $2 ORDER BY o2.placed_at DESC, o2.id DESC LIMIT 1) AS last_status, \
         (SELECT o3.payment_method FROM orders o3 WHERE o3.customer_id = $3 ORDER BY o3.placed_at DESC, o3.id DESC LIMIT 1) AS last_payment_method \
         FROM orders WHERE customer_id = $4",
    )
    .bind::<Text, _>(currency)
    .bind::<BigInt, _>(customer_id)
    .bind::<BigInt, _>(customer_id)
    .bind::<BigInt, _>(customer_id)
    .get_result(conn)
}

/// A customer's figures in one currency.
#[derive(Debug, Clone, QueryableByName)]
pub struct CurrencyFigures {
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
    #[diesel(sql_type = BigInt)]
    pub spent_cents: i64,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub first_order_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_order_at: Option<NaiveDateTime>,
}

/// Per-currency figures of a customer's orders that were not cancelled, computed live. Added
/// up here from one cacheable statement (a raw aggregate would be prepared on every card view).
pub fn figures_by_currency(
    conn: &mut DbConn,
    customer_id: i64,
) -> QueryResult<Vec<CurrencyFigures>> {
    let rows: Vec<(String, i64, NaiveDateTime)> = orders::table
        .filter(orders::customer_id.eq(customer_id))
        .filter(orders::status.ne("cancelled"))
        .select((orders::currency, orders::total_cents, orders::placed_at))
        .load(conn)?;
    let mut out: Vec<CurrencyFigures> = Vec::new();
    for (currency, total, at) in rows {
        match out.iter_mut().find(|f| f.currency == currency) {
            Some(f) => {
                f.orders += 1;
                f.spent_cents += total;
                f.first_order_at = f.first_order_at.min(Some(at));
                f.last_order_at = f.last_order_at.max(Some(at));
            }
            None => out.push(CurrencyFigures {
                currency,
                orders: 1,
                spent_cents: total,
                first_order_at: Some(at),
                last_order_at: Some(at),
            }),
        }
    }
    out.sort_by(|a, b| a.currency.cmp(&b.currency));
    Ok(out)
}

/// The order list's filters.
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub search: Option<String>,
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// An order as the order list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct OrderListRow {
    pub id: i64,
    pub number: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_anonymized: Option<NaiveDateTime>,
    pub status: String,
    pub payment_method: String,
    pub currency: String,
    pub total_cents: i64,
    pub placed_at: NaiveDateTime,
}

/// Newest first, cut by (placed_at, id) keyset: `before` is the last row of the previous page.
pub fn list(
    conn: &mut DbConn,
    f: &OrderFilter,
    before: Option<(NaiveDateTime, i64)>,
    limit: i64,
) -> QueryResult<(Vec<OrderListRow>, bool)> {
    let mut q = orders::table.inner_join(customers::table).into_boxed();
    if let Some(s) = &f.search {
        let pattern = format!(
            "%{}%",
            s.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q = q.filter(
            orders::number
                .like(pattern.clone())
                .escape('\\')
                .or(customers::search_text.like(pattern).escape('\\')),
        );
    }
    if let Some(st) = &f.status {
        q = q.filter(orders::status.eq(st.clone()));
    }
    if let Some(c) = f.customer_id {
        q = q.filter(orders::customer_id.eq(c));
    }
    if let Some(d) = f.from {
        q = q.filter(orders::placed_at.ge(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(orders::placed_at.lt(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some((t, id)) = before {
        q = q.filter(
            orders::placed_at
                .lt(t)
                .or(orders::placed_at.eq(t).and(orders::id.lt(id))),
        );
    }
    let mut rows: Vec<OrderListRow> = q
        .order((orders::placed_at.desc(), orders::id.desc()))
        .limit(limit + 1)
        .select((
            orders::id,
            orders::number,
            orders::customer_id,
            customers::full_name,
            customers::anonymized_at,
            orders::status,
            orders::payment_method,
            orders::currency,
            orders::total_cents,
            orders::placed_at,
        ))
        .load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// Orders for the API, newest first (by id), after the cursor `after` (an id).
pub fn api_page(
    conn: &mut DbConn,
    customer_id: Option<i64>,
    status: Option<&str>,
    after: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<OrderRow>> {
    let mut q = orders::table
        .select(OrderRow::as_select())
        .order(orders::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(c) = customer_id {
        q = q.filter(orders::customer_id.eq(c));
    }
    if let Some(s) = status {
        q = q.filter(orders::status.eq(s));
    }
    if let Some(a) = after {
        q = q.filter(orders::id.lt(a));
    }
    q.load(conn)
}
