//! What the storefront shows a shopper: the catalogue at the shopper's own prices, and a
//! signed-in customer's orders. Prices always come from `domain::pricing`, the one rule.

use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::orders::{HistoryRow, LineRow, OrderRow};
use crate::domain::pricing::{self, CustomerTerms, QuoteError};

/// A product as the catalogue lists it.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub currency: String,
    pub list_cents: i64,
    /// What this shopper pays for one unit: the list price for a guest.
    pub price_cents: i64,
}

/// Active products, priced for `customer` (a guest pays list prices).
pub fn catalogue(conn: &mut DbConn, customer: Option<i64>) -> Result<Vec<Item>, QuoteError> {
    let terms = match customer {
        Some(id) => pricing::terms_of(conn, id)?,
        None => CustomerTerms::default(),
    };
    crate::db::loyalty::active_products(conn)?
        .into_iter()
        .map(|(id, sku, name, list_cents, currency)| {
            let price_cents = pricing::quote_with(conn, &terms, id, 1)?
                .breakdown
                .unit_cents;
            Ok(Item {
                id,
                sku,
                name,
                currency,
                list_cents,
                price_cents,
            })
        })
        .collect()
}

/// An order as its customer sees it: the order, its lines, its status history.
pub type OwnOrder = (OrderRow, Vec<LineRow>, Vec<HistoryRow>);

/// The customer's orders, newest first.
pub fn orders_of(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<OrderRow>> {
    crate::db::orders::for_customer(conn, customer_id, 200)
}

/// One of the customer's own orders with its lines and status history; `None` for an order
/// that is not theirs (the storefront answers 404, never "forbidden", so ids reveal nothing).
pub fn own_order(
    conn: &mut DbConn,
    customer_id: i64,
    order_id: i64,
) -> QueryResult<Option<OwnOrder>> {
    match crate::db::orders::find(conn, order_id)? {
        Some(o) if o.customer_id == customer_id => {
            let lines = crate::db::orders::lines(conn, order_id)?;
            let history = crate::db::orders::history(conn, order_id)?;
            Ok(Some((o, lines, history)))
        }
        _ => Ok(None),
    }
}

/// A customer's points as their own area shows them.
#[derive(Debug, Clone)]
pub struct PointsView {
    /// Whether the loyalty program is on (off: nothing to earn or exchange).
    pub enabled: bool,
    pub balance: i64,
    pub held: i64,
    pub history: Vec<crate::db::loyalty::EntryRow>,
    /// Active rewards with stock: (reward, product name).
    pub rewards: Vec<(crate::db::loyalty::RewardRow, String)>,
    pub exchanges: Vec<crate::db::loyalty::ExchangeLine>,
}

pub fn points_view(conn: &mut DbConn, customer_id: i64) -> QueryResult<PointsView> {
    use crate::db::loyalty::{EntryRow, ExchangeRow, RewardRow};
    Ok(PointsView {
        enabled: crate::domain::loyalty::settings(conn)?.enabled,
        balance: crate::domain::loyalty::balance(conn, customer_id)?,
        held: ExchangeRow::held(conn, customer_id)?,
        history: EntryRow::for_customer(conn, customer_id, 100)?
            .into_iter()
            .map(|(e, _, _)| e)
            .collect(),
        rewards: RewardRow::all(conn)?
            .into_iter()
            .filter(|(r, ..)| r.active && r.stock > 0)
            .map(|(r, name, ..)| (r, name))
            .collect(),
        exchanges: ExchangeRow::list(conn, None, Some(customer_id), 50)?,
    })
}

/// A credit movement with the number of the order it concerns.
pub type CreditLine = (crate::db::credit::EntryRow, Option<String>);

/// A customer's store credit as their own area shows it: balance and movements (with the
/// order number each concerns; never the staff member's name).
pub fn credit_view(conn: &mut DbConn, customer_id: i64) -> QueryResult<(i64, Vec<CreditLine>)> {
    let balance = crate::domain::credit::balance(conn, customer_id)?;
    let history = crate::db::credit::EntryRow::for_customer(conn, customer_id, 100)?
        .into_iter()
        .map(|(e, _, number)| (e, number))
        .collect();
    Ok((balance, history))
}
