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
    #[error("invalid input")]
    Invalid(crate::domain::customers::FormErrors),
    /// An order on account the customer's credit option does not allow.
    #[error("refused: {0}")]
    Refused(crate::domain::credit_options::AccountRefusal),
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
    place_paying_points(
        conn,
        number,
        customer_id,
        status,
        payment_method,
        currency,
        shipping_cents,
        PointsPaid::default(),
        lines,
        placed_at,
    )
}

/// Loyalty points paying part of an order, and what they are worth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PointsPaid {
    pub points: i64,
    pub cents: i64,
}

/// [`place`], with part of the order paid with points: the order's total is what is left
/// (`subtotal + shipping - points.cents`, never below zero). Taking the points from the
/// customer's balance is the caller's ([`crate::domain::loyalty::spend_on_order`]).
#[allow(clippy::too_many_arguments)]
pub fn place_paying_points(
    conn: &mut DbConn,
    number: &str,
    customer_id: i64,
    status: &str,
    payment_method: &str,
    currency: &str,
    shipping_cents: i64,
    points: PointsPaid,
    lines: &[LineInput],
    placed_at: NaiveDateTime,
) -> QueryResult<i64> {
    let subtotal: i64 = lines
        .iter()
        .map(|l| l.unit_price_cents * i64::from(l.quantity))
        .sum();
    let discount = points.cents.clamp(0, subtotal + shipping_cents);
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
            total_cents: subtotal + shipping_cents - discount,
            placed_at,
            updated_at: placed_at,
        },
    )?;
    if points.points > 0 {
        crate::db::store::set_points_paid(conn, order_id, points.points, discount)?;
    }
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
    transition(conn, Some(actor), order_id, status)
}

/// [`change_status`] by a staff member, or by the store itself (`None`: a checkout paid in
/// full with store credit becomes paid).
pub(crate) fn transition(
    conn: &mut DbConn,
    actor: Option<i64>,
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
            // Store credit and points spent on the order go back to the customer.
            crate::domain::credit::reverse_order(conn, actor, order_id)?;
            crate::domain::loyalty::return_spent(conn, actor, order_id)?;
        }
        // Points: granted once the order reaches the configured status, taken back once when
        // it is cancelled.
        let reverse_key = format!("cancel:{order_id}");
        crate::domain::loyalty::settle_order(
            conn,
            actor,
            order_id,
            (status == "cancelled").then_some(reverse_key.as_str()),
        )?;
        q::insert_history(conn, order_id, Some(&order.status), status, actor, now)?;
        refresh_customer_figures(conn, order.customer_id)?;
        // The customer and the staff recipients hear of it, in this same transaction.
        crate::domain::notifications::on_status_change(conn, &order, &order.status, status)?;
        audit::record(
            conn,
            actor,
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

/// The payment methods of an order placed in the panel.
pub const PANEL_PAYMENT_METHODS: [&str; 3] = [
    "bank_transfer",
    "cash_on_delivery",
    crate::domain::credit_options::ON_ACCOUNT,
];

/// The most units of a product one line may carry.
pub const MAX_QUANTITY: i64 = 10_000;

/// The new-order form as typed: parallel lists of products and quantities (rows left empty
/// are skipped), the payment method and the shipping cost.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OrderInput {
    #[serde(default)]
    pub product: Vec<String>,
    #[serde(default)]
    pub quantity: Vec<String>,
    #[serde(default)]
    pub payment_method: String,
    #[serde(default)]
    pub shipping: String,
}

/// A validated order request: (product id, quantity) lines, payment method, shipping.
#[derive(Debug, Clone)]
pub struct OrderRequest {
    pub lines: Vec<(i64, i64)>,
    pub payment_method: &'static str,
    pub shipping_cents: i64,
}

/// Reads the form; every problem comes back at once, keyed by field.
pub fn parse_order(
    input: &OrderInput,
) -> Result<OrderRequest, crate::domain::customers::FormErrors> {
    let mut errors = crate::domain::customers::FormErrors::new();
    let mut lines = Vec::new();
    for (i, product) in input.product.iter().enumerate() {
        let product = product.trim();
        let qty = input.quantity.get(i).map_or("", |q| q.trim());
        if product.is_empty() {
            continue;
        }
        let Ok(product) = product.parse::<i64>() else {
            errors.push(("lines", "error-product-unknown"));
            continue;
        };
        match qty.parse::<i64>() {
            Ok(n) if (1..=MAX_QUANTITY).contains(&n) => lines.push((product, n)),
            _ => errors.push(("lines", "error-quantity")),
        }
    }
    if lines.is_empty() && errors.is_empty() {
        errors.push(("lines", "error-order-empty"));
    }
    let payment_method = PANEL_PAYMENT_METHODS
        .iter()
        .copied()
        .find(|m| *m == input.payment_method.trim());
    if payment_method.is_none() {
        errors.push(("payment_method", "error-payment-method"));
    }
    let shipping = input.shipping.trim();
    let shipping_cents = if shipping.is_empty() {
        0
    } else if shipping.starts_with('-') {
        errors.push(("shipping", "error-amount-negative"));
        0
    } else {
        crate::domain::types::Cents::parse(shipping)
            .map_err(|e| errors.push(("shipping", e)))
            .map(|c| c.0)
            .unwrap_or_default()
    };
    match payment_method {
        Some(payment_method) if errors.is_empty() => Ok(OrderRequest {
            lines,
            payment_method,
            shipping_cents,
        }),
        _ => Err(errors),
    }
}

/// Prices every line for the customer with the one pricing rule; all lines must be active
/// products of one currency.
pub fn price_lines(
    conn: &mut DbConn,
    customer_id: i64,
    lines: &[(i64, i64)],
) -> Result<Vec<crate::domain::pricing::Quote>, OrderError> {
    use crate::domain::pricing::{self, QuoteError};
    let terms = pricing::terms_of(conn, customer_id).map_err(|e| match e {
        QuoteError::Db(e) => OrderError::Db(e),
        _ => OrderError::NotFound,
    })?;
    let mut quotes: Vec<pricing::Quote> = Vec::with_capacity(lines.len());
    for (product, quantity) in lines {
        let quote =
            pricing::quote_with(conn, &terms, *product, *quantity).map_err(|e| match e {
                QuoteError::Db(e) => OrderError::Db(e),
                QuoteError::TooLarge => OrderError::Invalid(vec![("lines", "error-quantity")]),
                _ => OrderError::Invalid(vec![("lines", "error-product-unknown")]),
            })?;
        if !quote.product.active {
            return Err(OrderError::Invalid(vec![(
                "lines",
                "error-product-unknown",
            )]));
        }
        if quotes
            .first()
            .is_some_and(|q| q.product.currency != quote.product.currency)
        {
            return Err(OrderError::Invalid(vec![(
                "lines",
                "error-order-currencies",
            )]));
        }
        quotes.push(quote);
    }
    Ok(quotes)
}

/// The order lines of priced quotes: each at the unit price the pricing rule gave (quantities
/// are validated to at most [`MAX_QUANTITY`], so they fit the column).
pub fn line_inputs(quotes: &[crate::domain::pricing::Quote]) -> Vec<LineInput> {
    quotes
        .iter()
        .map(|q| LineInput {
            product_id: Some(q.product.id),
            sku: q.product.sku.clone(),
            name: q.product.name.clone(),
            quantity: i32::try_from(q.breakdown.quantity).unwrap_or(i32::MAX),
            unit_price_cents: q.breakdown.unit_cents,
        })
        .collect()
}

/// The total of priced lines plus shipping; `None` if it would not fit in 64 bits.
pub fn total_of(quotes: &[crate::domain::pricing::Quote], shipping_cents: i64) -> Option<i64> {
    quotes.iter().try_fold(shipping_cents, |sum, q| {
        sum.checked_add(q.breakdown.line_cents)
    })
}

/// Places an order for a customer from the panel: each line priced by the pricing rule, the
/// order pending, its number from the panel's sequence (`A000001`…). An order on account is
/// refused unless the customer's credit option allows it (decided under its lock), and gets
/// the due date of its invoice.
pub fn create(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    req: &OrderRequest,
) -> Result<i64, OrderError> {
    let now = Utc::now().naive_utc();
    crate::db::write_tx(conn, |conn| {
        match crate::db::customers::CustomerRow::find(conn, customer_id)? {
            Some(c) if c.anonymized_at.is_none() => {}
            _ => return Err(OrderError::NotFound),
        }
        let quotes = price_lines(conn, customer_id, &req.lines)?;
        let currency = quotes
            .first()
            .map(|q| q.product.currency.clone())
            .ok_or(OrderError::Invalid(vec![("lines", "error-order-empty")]))?;
        let total = total_of(&quotes, req.shipping_cents)
            .ok_or(OrderError::Invalid(vec![("lines", "error-quantity")]))?;
        let due = if req.payment_method == crate::domain::credit_options::ON_ACCOUNT {
            match crate::domain::credit_options::authorize(
                conn,
                customer_id,
                &currency,
                total,
                now,
            )? {
                Ok(due) => Some(due),
                Err(refusal) => return Err(OrderError::Refused(refusal)),
            }
        } else {
            None
        };
        let number = format!("A{:06}", crate::db::groups::next_order_number(conn)?);
        let lines = line_inputs(&quotes);
        let order_id = place(
            conn,
            &number,
            customer_id,
            "pending",
            req.payment_method,
            &currency,
            req.shipping_cents,
            &lines,
            now,
        )?;
        if let Some(due) = due {
            crate::db::groups::set_due(conn, order_id, due)?;
        }
        audit::record(
            conn,
            Some(actor),
            "order.create",
            "order",
            Some(order_id),
            None,
            Some(format!("{number}: {total} {currency}")),
            now,
        )?;
        Ok(order_id)
    })
}
