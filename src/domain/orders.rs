//! Orders: placing one, changing its status (the one place later capabilities hook
//! notifications and points onto), and the customer figures they feed.
//!
//! Invariant: a customer's list figures (order count, amount spent in the store currency,
//! first and last order, last status and payment method) are recomputed in the same
//! transaction as every order change, so they are always current.

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::customers::CustomerRow;
use crate::db::orders::{self as q, OrderRow};
use crate::db::store::{NewOrder, NewOrderLine};
use crate::domain::audit;

/// The statuses an order moves through; `cancelled` orders count as placed but not as spent.
pub const STATUSES: [&str; 5] = ["pending", "paid", "shipped", "delivered", "cancelled"];

pub fn is_status(s: &str) -> bool {
    STATUSES.contains(&s)
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("not found")]
    NotFound,
    #[error("invalid status")]
    InvalidStatus,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Credit(#[from] crate::domain::credit::CreditError),
    #[error(transparent)]
    Loyalty(#[from] crate::domain::loyalty::LoyaltyError),
}

/// Recomputes the figures kept on the customer row from the customer's orders.
pub fn refresh_customer_figures(conn: &mut DbConn, customer_id: i64) -> QueryResult<()> {
    let seen = crate::domain::segments::Seen::before(conn, customer_id)?;
    let currency = crate::domain::settings::store_currency(conn)?;
    let f = q::figures_for_list(conn, customer_id, &currency)?;
    CustomerRow::set_figures(
        conn,
        customer_id,
        f.order_count,
        f.spent_cents,
        f.first_order_at,
        f.last_order_at,
        f.last_status.as_deref(),
        f.last_payment_method.as_deref(),
    )?;
    seen.settle(conn)
}

/// A line of a new order.
#[derive(Debug, Clone)]
pub struct LineInput {
    pub product_id: Option<i64>,
    pub sku: String,
    pub name: String,
    pub quantity: i32,
    pub unit_price_cents: i64,
}

/// Places an order with its lines, its first status entry, fresh customer figures and, when it
/// is placed at the status that earns, its loyalty points. Call inside a write transaction.
#[allow(clippy::too_many_arguments)]
pub fn place(
    conn: &mut DbConn,
    number: &str,
    customer_id: i64,
    status: &str,
    payment_method: &str,
    currency: &str,
    shipping_cents: i64,
    lines: &[LineInput],
    placed_at: NaiveDateTime,
) -> QueryResult<i64> {
    let subtotal: i64 = lines
        .iter()
        .map(|l| l.unit_price_cents * i64::from(l.quantity))
        .sum();
    let order_id = crate::db::store::insert_order(
        conn,
        &NewOrder {
            number,
            customer_id,
            status,
            payment_method,
            currency,
            subtotal_cents: subtotal,
            shipping_cents,
            total_cents: subtotal + shipping_cents,
            placed_at,
            updated_at: placed_at,
        },
    )?;
    for l in lines {
        crate::db::store::insert_order_line(
            conn,
            &NewOrderLine {
                order_id,
                product_id: l.product_id,
                sku: &l.sku,
                name: &l.name,
                quantity: l.quantity,
                unit_price_cents: l.unit_price_cents,
                line_total_cents: l.unit_price_cents * i64::from(l.quantity),
            },
        )?;
    }
    q::insert_history(conn, order_id, None, status, None, placed_at)?;
    refresh_customer_figures(conn, customer_id)?;
    crate::domain::loyalty::settle_order(conn, None, order_id, None)
        .map_err(crate::domain::loyalty::LoyaltyError::into_db)?;
    Ok(order_id)
}

/// Moves an order to another status, with a history entry, an audit entry and fresh customer
/// figures. Setting the status it already has changes nothing.
pub fn change_status(
    conn: &mut DbConn,
    actor: i64,
    order_id: i64,
    status: &str,
) -> Result<(), OrderError> {
    if !is_status(status) {
        return Err(OrderError::InvalidStatus);
    }
    let now = Utc::now().naive_utc();
    crate::db::write_tx(conn, |conn| {
        // Read under the order's row lock (PostgreSQL): two staff setting the same status at
        // once record one change, the second sees it done.
        if !crate::db::credit::lock_order(conn, order_id)? {
            return Err(OrderError::NotFound);
        }
        let order: OrderRow = q::find(conn, order_id)?.ok_or(OrderError::NotFound)?;
        if order.status == status {
            return Ok(());
        }
        q::set_status(conn, order_id, status, now)?;
        if status == "cancelled" {
            // Store credit spent on the order goes back to the customer.
            crate::domain::credit::reverse_order(conn, Some(actor), order_id)?;
        }
        // Points: granted once the order reaches the configured status, taken back once when
        // it is cancelled.
        let reverse_key = format!("cancel:{order_id}");
        crate::domain::loyalty::settle_order(
            conn,
            Some(actor),
            order_id,
            (status == "cancelled").then_some(reverse_key.as_str()),
        )?;
        q::insert_history(
            conn,
            order_id,
            Some(&order.status),
            status,
            Some(actor),
            now,
        )?;
        refresh_customer_figures(conn, order.customer_id)?;
        audit::record(
            conn,
            Some(actor),
            "order.status",
            "order",
            Some(order_id),
            Some(order.status.clone()),
            Some(status.to_owned()),
            now,
        )?;
        Ok(())
    })
}
