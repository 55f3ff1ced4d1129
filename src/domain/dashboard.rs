//! The dashboard's figures, read in one go.

use chrono::{Duration, NaiveDateTime};
use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::store::{self, CurrencyTotal, RecentOrder};

#[derive(Debug, Clone)]
pub struct Figures {
    pub customers: i64,
    pub registered: i64,
    pub guests: i64,
    pub new_customers_30d: i64,
    pub orders: i64,
    pub orders_30d: i64,
    pub revenue: Vec<CurrencyTotal>,
    pub by_status: Vec<(String, i64)>,
    pub recent: Vec<RecentOrder>,
}

pub fn figures(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Figures> {
    let since = now - Duration::days(30);
    let customers = store::customer_count(conn)?;
    let registered = store::registered_customer_count(conn)?;
    Ok(Figures {
        customers,
        registered,
        guests: customers - registered,
        new_customers_30d: store::customers_created_since(conn, since)?,
        orders: store::order_count(conn)?,
        orders_30d: store::orders_placed_since(conn, since)?,
        revenue: store::revenue_by_currency(conn)?,
        by_status: store::orders_by_status(conn)?,
        recent: store::recent_orders(conn, 8)?,
    })
}
