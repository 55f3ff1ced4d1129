//! Customers, addresses, products and orders: the inserts the demo data needs and the figures
//! of the dashboard. The customer module (issue "Customers and orders") grows this.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConn;
use super::schema::{addresses, customers, order_lines, orders, products};

#[derive(Debug, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer<'a> {
    pub full_name: &'a str,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub language: &'a str,
    pub registered: bool,
    pub newsletter: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Written with the row, so the search index is filled once, not filled and redone.
    pub search_text: &'a str,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = addresses)]
pub struct NewAddress<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub full_name: &'a str,
    pub line1: &'a str,
    pub line2: Option<&'a str>,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub region: Option<&'a str>,
    pub country: &'a str,
    pub phone: Option<&'a str>,
    pub is_default: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = products)]
pub struct NewProduct<'a> {
    pub sku: &'a str,
    pub name: &'a str,
    pub price_cents: i64,
    pub currency: &'a str,
    pub active: bool,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = orders)]
pub struct NewOrder<'a> {
    pub number: &'a str,
    pub customer_id: i64,
    pub status: &'a str,
    pub payment_method: &'a str,
    pub currency: &'a str,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub total_cents: i64,
    pub placed_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = order_lines)]
pub struct NewOrderLine<'a> {
    pub order_id: i64,
    pub product_id: Option<i64>,
    pub sku: &'a str,
    pub name: &'a str,
    pub quantity: i32,
    pub unit_price_cents: i64,
    pub line_total_cents: i64,
}

pub fn insert_customer(conn: &mut DbConn, c: &NewCustomer<'_>) -> QueryResult<i64> {
    diesel::insert_into(customers::table)
        .values(c)
        .returning(customers::id)
        .get_result(conn)
}

pub fn insert_address(conn: &mut DbConn, a: &NewAddress<'_>) -> QueryResult<i64> {
    diesel::insert_into(addresses::table)
        .values(a)
        .returning(addresses::id)
        .get_result(conn)
}

pub fn insert_product(conn: &mut DbConn, p: &NewProduct<'_>) -> QueryResult<i64> {
    diesel::insert_into(products::table)
        .values(p)
        .returning(products::id)
        .get_result(conn)
}

pub fn insert_order(conn: &mut DbConn, o: &NewOrder<'_>) -> QueryResult<i64> {
    diesel::insert_into(orders::table)
        .values(o)
        .returning(orders::id)
        .get_result(conn)
}

pub fn insert_order_line(conn: &mut DbConn, l: &NewOrderLine<'_>) -> QueryResult<usize> {
    diesel::insert_into(order_lines::table)
        .values(l)
        .execute(conn)
}

pub fn customer_count(conn: &mut DbConn) -> QueryResult<i64> {
    customers::table.count().get_result(conn)
}

pub fn registered_customer_count(conn: &mut DbConn) -> QueryResult<i64> {
    customers::table
        .filter(customers::registered.eq(true))
        .count()
        .get_result(conn)
}

pub fn customers_created_since(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<i64> {
    customers::table
        .filter(customers::created_at.ge(since))
        .count()
        .get_result(conn)
}

pub fn order_count(conn: &mut DbConn) -> QueryResult<i64> {
    orders::table.count().get_result(conn)
}

pub fn orders_placed_since(conn: &mut DbConn, since: NaiveDateTime) -> QueryResult<i64> {
    orders::table
        .filter(orders::placed_at.ge(since))
        .count()
        .get_result(conn)
}

/// Revenue of one currency: the sum of order totals and the number of orders.
#[derive(Debug, Clone, QueryableByName)]
pub struct CurrencyTotal {
    #[diesel(sql_type = Text)]
    pub currency: String,
    #[diesel(sql_type = BigInt)]
    pub total_cents: i64,
    #[diesel(sql_type = BigInt)]
    pub orders: i64,
}

/// Order totals per currency (never summed across currencies), excluding cancelled orders.
pub fn revenue_by_currency(conn: &mut DbConn) -> QueryResult<Vec<CurrencyTotal>> {
    // SUM of BIGINT is NUMERIC to diesel; the CAST keeps it an i64 on both backends.
    diesel::sql_query(
        "SELECT currency, CAST(COALESCE(SUM(total_cents), 0) AS BIGINT) AS total_cents, \
         CAST(COUNT(*) AS BIGINT) AS orders FROM orders WHERE status <> 'cancelled' \
         GROUP BY currency ORDER BY currency",
    )
    .load(conn)
}

pub fn orders_by_status(conn: &mut DbConn) -> QueryResult<Vec<(String, i64)>> {
    orders::table
        .group_by(orders::status)
        .select((orders::status, count_star()))
        .order(orders::status)
        .load(conn)
}

/// An order as the dashboard lists it.
#[derive(Debug, Clone, Queryable)]
pub struct RecentOrder {
    pub id: i64,
    pub customer_id: i64,
    pub number: String,
    pub customer_name: String,
    pub status: String,
    pub currency: String,
    pub total_cents: i64,
    pub placed_at: NaiveDateTime,
}

pub fn recent_orders(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<RecentOrder>> {
    orders::table
        .inner_join(customers::table)
        .order((orders::placed_at.desc(), orders::id.desc()))
        .limit(limit)
        .select((
            orders::id,
            orders::customer_id,
            orders::number,
            customers::full_name,
            orders::status,
            orders::currency,
            orders::total_cents,
            orders::placed_at,
        ))
        .load(conn)
}

pub fn clear_default_address(
    conn: &mut DbConn,
    customer_id: i64,
    kind: &str,
) -> QueryResult<usize> {
    diesel::update(
        addresses::table
            .filter(addresses::customer_id.eq(customer_id))
            .filter(addresses::kind.eq(kind)),
    )
    .set(addresses::is_default.eq(false))
    .execute(conn)
}

pub fn set_default_address(
    conn: &mut DbConn,
    customer_id: i64,
    address_id: i64,
) -> QueryResult<usize> {
    diesel::update(
        addresses::table
            .filter(addresses::customer_id.eq(customer_id))
            .filter(addresses::id.eq(address_id)),
    )
    .set(addresses::is_default.eq(true))
    .execute(conn)
}

/// The editable fields of an address.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = addresses, treat_none_as_null = true)]
pub struct AddressChanges<'a> {
    pub kind: &'a str,
    pub full_name: &'a str,
    pub line1: &'a str,
    pub line2: Option<&'a str>,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub region: Option<&'a str>,
    pub country: &'a str,
    pub phone: Option<&'a str>,
    pub is_default: bool,
}

pub fn update_address(
    conn: &mut DbConn,
    customer_id: i64,
    address_id: i64,
    changes: &AddressChanges<'_>,
) -> QueryResult<usize> {
    diesel::update(
        addresses::table
            .filter(addresses::customer_id.eq(customer_id))
            .filter(addresses::id.eq(address_id)),
    )
    .set(changes)
    .execute(conn)
}

pub fn delete_address(conn: &mut DbConn, customer_id: i64, address_id: i64) -> QueryResult<usize> {
    diesel::delete(
        addresses::table
            .filter(addresses::customer_id.eq(customer_id))
            .filter(addresses::id.eq(address_id)),
    )
    .execute(conn)
}

/// The order a checkout form placed, by the form's one-time key:
/// (order id, customer id, credit paid, total).
pub fn order_by_checkout_key(
    conn: &mut DbConn,
    key: &str,
) -> QueryResult<Option<(i64, i64, i64, i64)>> {
    orders::table
        .filter(orders::checkout_key.eq(key))
        .select((
            orders::id,
            orders::customer_id,
            orders::credit_paid_cents,
            orders::total_cents,
        ))
        .first(conn)
        .optional()
}

/// Marks an order as placed by a checkout form (unique: a second order with the key fails).
pub fn set_checkout_key(conn: &mut DbConn, order_id: i64, key: &str) -> QueryResult<usize> {
    diesel::update(orders::table.find(order_id))
        .set(orders::checkout_key.eq(key))
        .execute(conn)
}

/// Records the points an order was partly paid with, and their worth.
pub fn set_points_paid(
    conn: &mut DbConn,
    order_id: i64,
    points: i64,
    cents: i64,
) -> QueryResult<usize> {
    diesel::update(orders::table.find(order_id))
        .set((
            orders::points_used.eq(points),
            orders::points_discount_cents.eq(cents),
        ))
        .execute(conn)
}
