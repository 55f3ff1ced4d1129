//! Loyalty program ("Program lojalnościowy", seed 004): every movement of a customer's points,
//! for every caller (the admin pages now; the customer's area and the API later).
//!
//! Invariants, per customer, after every committed transaction:
//! - the balance is never negative (a CHECK in the database, and debits are guarded updates);
//! - balance == the sum of the ledger; the ledger is append-only;
//! - each award happens once per (customer, award key): an order's points (`order:ID`), the
//!   newsletter sign-up (`newsletter`, once ever), an approved review (`review:ID`); each
//!   reversal once (`cancel:ID`, `refund:LOT`);
//! - an order earns [`order_points`] once, on what was paid; a partial refund and a
//!   cancellation bring what it has earned down to the same proportion of the money kept
//!   ([`settle_order`]);
//! - a manual change writes one history line and sends nothing to the customer.
//!
//! Points held by a pending exchange order are already out of the balance (a `hold` entry);
//! rejecting gives them back (`release`), accepting writes a `redeem` line of zero points and
//! creates the order for the reward.
//!
//! Lock order: order row → points account → reward row, in every function.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::{Connection, QueryResult};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Deserialize;

use crate::db::loyalty::{self as q, EntryRow, ExchangeRow, NewEntry, ReviewRow, RewardRow};
use crate::db::orders::{LineRow, OrderRow};
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::segments::Seen;
use crate::domain::types::FieldError;

/// The most points one operation may move, and the largest award a setting may give.
pub const MAX_POINTS: i64 = 10_000_000;
const MAX_REASON: usize = 200;
const MAX_REVIEW: usize = 2000;
const MAX_KEY: usize = 100;

/// The statuses at which purchase points can be granted, in the order an order reaches them.
pub const EARN_STATUSES: [&str; 3] = ["paid", "shipped", "delivered"];

#[derive(Debug, thiserror::Error)]
pub enum LoyaltyError {
    /// Form fields that were refused: (field, message key).
    #[error("invalid input")]
    Invalid(Vec<(&'static str, FieldError)>),
    /// Not enough points for the subtraction or the exchange.
    #[error("insufficient points")]
    Insufficient,
    /// The program is switched off.
    #[error("loyalty program is disabled")]
    Disabled,
    /// The reward is out of stock or not offered.
    #[error("reward unavailable")]
    Unavailable,
    /// The exchange order or review was decided already.
    #[error("already decided")]
    Decided,
    /// The operation id was used before for another movement.
    #[error("idempotency key reused")]
    KeyReused,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl LoyaltyError {
    /// For callers that run a loyalty step inside their own transaction (placing an order,
    /// a refund, a newsletter consent): awards never refuse, so anything but a database error
    /// is a broken invariant and the whole transaction is undone.
    pub fn into_db(self) -> diesel::result::Error {
        match self {
            LoyaltyError::Db(e) => e,
            _ => diesel::result::Error::RollbackTransaction,
        }
    }

    /// The message key shown to the person who asked.
    pub fn message(&self) -> FieldError {
        match self {
            LoyaltyError::Invalid(errors) => {
                errors.first().map_or("loyalty-error-invalid", |e| e.1)
            }
            LoyaltyError::Insufficient => "loyalty-error-insufficient",
            LoyaltyError::Disabled => "loyalty-error-disabled",
            LoyaltyError::Unavailable => "loyalty-error-unavailable",
            LoyaltyError::Decided => "loyalty-error-decided",
            LoyaltyError::KeyReused => "loyalty-error-key-reused",
            LoyaltyError::NotFound => "loyalty-error-not-found",
            LoyaltyError::Db(_) => "loyalty-error-server",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

const KEY_ENABLED: &str = "loyalty.enabled";
const KEY_RATE: &str = "loyalty.points_per_unit_x100";
const KEY_SELECTED: &str = "loyalty.selected_products_only";
const KEY_NEWSLETTER: &str = "loyalty.newsletter_points";
const KEY_REVIEW: &str = "loyalty.review_points";
const KEY_STATUS: &str = "loyalty.earn_status";
const KEY_EXPIRY: &str = "loyalty.expiry_days";
const KEY_POINT_VALUE: &str = "loyalty.point_value_cents";
/// The most one point may be worth at checkout (100.00).
const MAX_POINT_VALUE_CENTS: i64 = 10_000;

/// The program's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub enabled: bool,
    /// Points per unit of currency paid, in hundredths (150 = 1.5 points per unit).
    pub rate_x100: i64,
    /// Only the products in `products` earn; otherwise every product does.
    pub selected_only: bool,
    pub products: Vec<i64>,
    pub newsletter_points: i64,
    pub review_points: i64,
    /// The status at (or past) which an order's points are granted.
    pub earn_status: String,
    /// Points expire after this many days without earning; `None`: never.
    pub expiry_days: Option<u32>,
    /// What one point pays at the storefront checkout, in cents; `None`: points are only
    /// exchanged for rewards.
    pub point_value_cents: Option<i64>,
}

impl Settings {
    /// Whether a customer may pay part of an order with points at checkout.
    pub fn pays_at_checkout(&self) -> Option<i64> {
        self.point_value_cents.filter(|_| self.enabled)
    }
}

fn int_setting(conn: &mut DbConn, key: &str, default: i64) -> QueryResult<i64> {
    Ok(crate::db::settings::get(conn, key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(default))
}

pub fn settings(conn: &mut DbConn) -> QueryResult<Settings> {
    let status = crate::db::settings::get(conn, KEY_STATUS)?
        .filter(|s| EARN_STATUSES.contains(&s.as_str()))
        .unwrap_or_else(|| "delivered".to_owned());
    Ok(Settings {
        enabled: crate::db::settings::get(conn, KEY_ENABLED)?.as_deref() == Some("1"),
        rate_x100: int_setting(conn, KEY_RATE, 100)?,
        selected_only: crate::db::settings::get(conn, KEY_SELECTED)?.as_deref() == Some("1"),
        products: q::eligible_products(conn)?,
        newsletter_points: int_setting(conn, KEY_NEWSLETTER, 0)?,
        review_points: int_setting(conn, KEY_REVIEW, 0)?,
        earn_status: status,
        expiry_days: crate::db::settings::get(conn, KEY_EXPIRY)?.and_then(|d| d.parse().ok()),
        point_value_cents: crate::db::settings::get(conn, KEY_POINT_VALUE)?
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| (1..=MAX_POINT_VALUE_CENTS).contains(v)),
    })
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsInput {
    #[serde(default)]
    pub enabled: Option<String>,
    /// Points per unit of currency, up to two decimals ("1", "0.5").
    #[serde(default)]
    pub rate: String,
    /// "all" or "selected".
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub newsletter_points: String,
    #[serde(default)]
    pub review_points: String,
    #[serde(default)]
    pub earn_status: String,
    /// Empty: points never expire.
    #[serde(default)]
    pub expiry_days: String,
    /// What one point pays at checkout ("0,01"); empty: points only buy rewards.
    #[serde(default)]
    pub point_value: String,
}

/// Parses a number of points typed in a form: digits only, 1 to [`MAX_POINTS`].
pub fn parse_points(input: &str) -> Result<i64, FieldError> {
    let s = input.trim();
    if s.is_empty() {
        return Err("error-required");
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("loyalty-error-points-whole");
    }
    match s.parse::<i64>() {
        Ok(0) => Err("loyalty-error-points-positive"),
        Ok(n) if n <= MAX_POINTS => Ok(n),
        _ => Err("loyalty-error-points-too-many"),
    }
}

/// An award setting: empty or 0 means no award.
fn parse_award(input: &str) -> Result<i64, FieldError> {
    match input.trim() {
        "" | "0" => Ok(0),
        s => parse_points(s),
    }
}

/// Points per unit of currency, 0 to 1000 with up to two decimals, as hundredths.
fn parse_rate(input: &str) -> Result<i64, FieldError> {
    let s = input.trim().replace(',', ".");
    let valid = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|b| *b == b'.').count() <= 1;
    let d: Decimal = match (valid, s.parse::<Decimal>()) {
        (true, Ok(d)) => d,
        _ => return Err("loyalty-error-rate"),
    };
    if d.scale() > 2 || d > Decimal::from(1000) {
        return Err("loyalty-error-rate");
    }
    (d * Decimal::from(100))
        .to_i64()
        .ok_or("loyalty-error-rate")
}

pub fn save_settings(
    conn: &mut DbConn,
    actor: i64,
    input: &SettingsInput,
) -> Result<Settings, LoyaltyError> {
    let mut errors = Vec::new();
    let rate = parse_rate(&input.rate)
        .map_err(|e| errors.push(("rate", e)))
        .unwrap_or(0);
    let newsletter = parse_award(&input.newsletter_points)
        .map_err(|e| errors.push(("newsletter_points", e)))
        .unwrap_or(0);
    let review = parse_award(&input.review_points)
        .map_err(|e| errors.push(("review_points", e)))
        .unwrap_or(0);
    if !EARN_STATUSES.contains(&input.earn_status.as_str()) {
        errors.push(("earn_status", "loyalty-error-status"));
    }
    let expiry = match input.expiry_days.trim() {
        "" => None,
        d => match d.parse::<u32>() {
            Ok(n) if (1..=3650).contains(&n) => Some(n),
            _ => {
                errors.push(("expiry_days", "credit-error-expiry-days"));
                None
            }
        },
    };
    let point_value = match input.point_value.trim() {
        "" => None,
        typed => match crate::domain::types::Cents::parse(typed) {
            Ok(c) if c.0 <= 0 => {
                errors.push(("point_value", "credit-error-amount-positive"));
                None
            }
            Ok(c) if c.0 > MAX_POINT_VALUE_CENTS => {
                errors.push(("point_value", "error-amount-too-large"));
                None
            }
            Ok(c) => Some(c.0),
            Err(e) => {
                errors.push(("point_value", e));
                None
            }
        },
    };
    let selected_only = input.scope == "selected";
    let mut products: Vec<i64> = Vec::new();
    for p in &input.products {
        match p.trim().parse::<i64>() {
            Ok(id) if !products.contains(&id) => products.push(id),
            Ok(_) => {}
            Err(_) => errors.push(("products", "loyalty-error-products")),
        }
    }
    products.sort_unstable();
    if selected_only && products.is_empty() {
        errors.push(("products", "loyalty-error-products-none"));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let known: Vec<i64> = q::active_products(conn)?.into_iter().map(|p| p.0).collect();
        if products.iter().any(|p| !known.contains(p)) {
            errors.push(("products", "loyalty-error-products"));
        }
        if !errors.is_empty() {
            return Err(LoyaltyError::Invalid(errors.clone()));
        }
        let before = settings(conn)?;
        let set = crate::db::settings::set;
        set(
            conn,
            KEY_ENABLED,
            if input.enabled.is_some() { "1" } else { "0" },
        )?;
        set(conn, KEY_RATE, &rate.to_string())?;
        set(conn, KEY_SELECTED, if selected_only { "1" } else { "0" })?;
        set(conn, KEY_NEWSLETTER, &newsletter.to_string())?;
        set(conn, KEY_REVIEW, &review.to_string())?;
        set(conn, KEY_STATUS, &input.earn_status)?;
        match expiry {
            Some(d) => set(conn, KEY_EXPIRY, &d.to_string())?,
            None => {
                crate::db::settings::delete(conn, KEY_EXPIRY)?;
            }
        }
        match point_value {
            Some(v) => set(conn, KEY_POINT_VALUE, &v.to_string())?,
            None => {
                crate::db::settings::delete(conn, KEY_POINT_VALUE)?;
            }
        }
        q::set_eligible_products(conn, &products)?;
        let after = settings(conn)?;
        audit::record(
            conn,
            Some(actor),
            "loyalty.settings",
            "settings",
            None,
            Some(format!("{before:?}")),
            Some(format!("{after:?}")),
            now,
        )?;
        Ok(after)
    })
}

/// The rate as a form shows it ("1.5").
pub fn rate_text(rate_x100: i64) -> String {
    (Decimal::from(rate_x100) / Decimal::from(100))
        .normalize()
        .to_string()
}

// ---------------------------------------------------------------------------------------
// The one place a balance moves
// ---------------------------------------------------------------------------------------

struct Movement<'a> {
    customer_id: i64,
    kind: &'a str,
    points: i64,
    order_id: Option<i64>,
    review_id: Option<i64>,
    exchange_id: Option<i64>,
    reason: Option<&'a str>,
    key: Option<&'a str>,
    actor: Option<i64>,
    now: NaiveDateTime,
}

impl<'a> Movement<'a> {
    fn new(customer_id: i64, kind: &'a str, points: i64, now: NaiveDateTime) -> Self {
        Movement {
            customer_id,
            kind,
            points,
            order_id: None,
            review_id: None,
            exchange_id: None,
            reason: None,
            key: None,
            actor: None,
            now,
        }
    }
}

/// Whether a kind of movement is an award (raises the lifetime total, restarts expiry).
fn is_award(kind: &str) -> bool {
    kind.starts_with("earn_") || kind == "manual_add"
}

/// Moves the balance and writes the ledger line with the balance after it, the customer's
/// list figure and the audit entry. A debit the balance cannot cover is refused. Returns the
/// entry and the balance after it. Call inside a write transaction.
fn post(conn: &mut DbConn, m: &Movement<'_>) -> Result<(i64, i64), LoyaltyError> {
    q::lock_account(conn, m.customer_id, m.now)?;
    if !q::add(conn, m.customer_id, m.points, is_award(m.kind), m.now)? {
        return Err(LoyaltyError::Insufficient);
    }
    let balance = q::balance(conn, m.customer_id)?;
    let entry = EntryRow::insert(
        conn,
        &NewEntry {
            customer_id: m.customer_id,
            kind: m.kind,
            points: m.points,
            balance_after: balance,
            order_id: m.order_id,
            review_id: m.review_id,
            exchange_id: m.exchange_id,
            reason: m.reason,
            award_key: m.key,
            actor_staff_id: m.actor,
            created_at: m.now,
        },
    )?;
    if m.points != 0 {
        let seen = Seen::before(conn, m.customer_id)?;
        q::set_customer_points(conn, m.customer_id, balance)?;
        seen.settle(conn)?;
    }
    audit::record(
        conn,
        m.actor,
        &format!("loyalty.{}", m.kind),
        "customer",
        Some(m.customer_id),
        None,
        Some(format!("{} {}; balance {}", m.kind, m.points, balance)),
        m.now,
    )?;
    Ok((entry, balance))
}

/// A write refused by a unique key: another transaction committed the same movement first
/// (PostgreSQL; SQLite's writers are serialized before they read).
fn lost_race(e: &LoyaltyError) -> bool {
    matches!(
        e,
        LoyaltyError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

fn valid_key(key: &str) -> Result<Option<&str>, LoyaltyError> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(None);
    }
    if key.len() > MAX_KEY
        || !key.bytes().all(|b| b.is_ascii_graphic())
        || key.contains(':')
        || key == "newsletter"
    {
        // ':' is kept for the keys the domain makes itself ('order:12'), and 'newsletter' is
        // one of them: a manual change under it would block the newsletter award for good.
        return Err(LoyaltyError::Invalid(vec![(
            "idempotency_key",
            "credit-error-key",
        )]));
    }
    Ok(Some(key))
}

fn live_customer(conn: &mut DbConn, id: i64) -> Result<(), LoyaltyError> {
    crate::db::customers::CustomerRow::find(conn, id)?
        .filter(|c| c.anonymized_at.is_none())
        .map(|_| ())
        .ok_or(LoyaltyError::NotFound)
}

/// An award or reversal keyed so it happens once; `None` when it had happened already.
fn once(conn: &mut DbConn, m: &Movement<'_>) -> Result<Option<i64>, LoyaltyError> {
    if let Some(key) = m.key
        && EntryRow::by_key(conn, m.customer_id, key)?.is_some()
    {
        return Ok(None);
    }
    // A savepoint, so a concurrent winner's unique key (PostgreSQL) only undoes this entry.
    match conn.transaction(|conn| post(conn, m)) {
        Ok((entry, _)) => Ok(Some(entry)),
        Err(e) if lost_race(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------
// "Zarządzaj punktami": manual add and subtract
// ---------------------------------------------------------------------------------------

/// The manual change form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AdjustInput {
    #[serde(default)]
    pub points: String,
    /// "add" or "subtract".
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub reason: String,
    /// The form's operation id: a form sent twice changes the balance once.
    #[serde(default)]
    pub idempotency_key: String,
}

/// What a manual change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjusted {
    pub entry_id: i64,
    pub balance_after: i64,
    /// The same operation id had been used for this very change: nothing new happened.
    pub replayed: bool,
}

/// Adds or subtracts points by hand, with a reason; subtracting more than the balance is
/// refused. Writes one history line; sends nothing to the customer.
pub fn adjust(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    input: &AdjustInput,
) -> Result<Adjusted, LoyaltyError> {
    let mut errors = Vec::new();
    let points = parse_points(&input.points)
        .map_err(|e| errors.push(("points", e)))
        .unwrap_or(0);
    let sign = match input.direction.as_str() {
        "add" => 1,
        "subtract" => -1,
        _ => {
            errors.push(("direction", "loyalty-error-direction"));
            0
        }
    };
    let reason = input.reason.trim();
    if reason.is_empty() {
        errors.push(("reason", "error-required"));
    } else if reason.chars().count() > MAX_REASON {
        errors.push(("reason", "error-too-long"));
    } else if reason.chars().any(char::is_control) {
        errors.push(("reason", "error-invalid-characters"));
    }
    let key = valid_key(&input.idempotency_key)?;
    if !errors.is_empty() {
        return Err(LoyaltyError::Invalid(errors));
    }
    let kind = if sign > 0 {
        "manual_add"
    } else {
        "manual_subtract"
    };
    let delta = sign * points;
    let replay = |conn: &mut DbConn| -> Result<Option<Adjusted>, LoyaltyError> {
        let Some(key) = key else { return Ok(None) };
        match EntryRow::by_key(conn, customer_id, key)? {
            None => Ok(None),
            Some(e) if e.kind == kind && e.points == delta => Ok(Some(Adjusted {
                entry_id: e.id,
                balance_after: e.balance_after,
                replayed: true,
            })),
            Some(_) => Err(LoyaltyError::KeyReused),
        }
    };
    let now = Utc::now().naive_utc();
    let result = write_tx(conn, |conn| {
        live_customer(conn, customer_id)?;
        // Under the account lock, so a concurrent replay of the same form is seen.
        q::lock_account(conn, customer_id, now)?;
        if let Some(done) = replay(conn)? {
            return Ok(done);
        }
        let (entry_id, balance_after) = post(
            conn,
            &Movement {
                reason: Some(reason),
                key,
                actor: Some(actor),
                ..Movement::new(customer_id, kind, delta, now)
            },
        )?;
        Ok(Adjusted {
            entry_id,
            balance_after,
            replayed: false,
        })
    });
    match result {
        Err(e) if lost_race(&e) => replay(conn)?.ok_or(e),
        other => other,
    }
}

// ---------------------------------------------------------------------------------------
// Paying with points at checkout
// ---------------------------------------------------------------------------------------

/// Pays part of a new order with `points`: takes them from the balance, refused
/// ([`LoyaltyError::Insufficient`]) when it cannot cover them. One history line, keyed on the
/// order. Call inside the checkout's write transaction.
pub fn spend_on_order(
    conn: &mut DbConn,
    customer_id: i64,
    order_id: i64,
    points: i64,
    now: NaiveDateTime,
) -> Result<(), LoyaltyError> {
    if points <= 0 {
        return Ok(());
    }
    let key = format!("spend:{order_id}");
    post(
        conn,
        &Movement {
            order_id: Some(order_id),
            key: Some(&key),
            ..Movement::new(customer_id, "spend", -points, now)
        },
    )?;
    Ok(())
}

/// Gives back, once, the points an order was paid with when it is cancelled. Call inside the
/// status change's write transaction.
pub fn return_spent(
    conn: &mut DbConn,
    actor: Option<i64>,
    order_id: i64,
) -> Result<(), LoyaltyError> {
    let Some(order) = crate::db::orders::find(conn, order_id)? else {
        return Err(LoyaltyError::NotFound);
    };
    if order.points_used <= 0 {
        return Ok(());
    }
    let key = format!("unspend:{order_id}");
    once(
        conn,
        &Movement {
            order_id: Some(order_id),
            key: Some(&key),
            actor,
            ..Movement::new(
                order.customer_id,
                "unspend",
                order.points_used,
                Utc::now().naive_utc(),
            )
        },
    )?;
    Ok(())
}

/// Moves a guest record's whole points balance to the account its orders moved to: one
/// history line on each side, so both ledgers still add up. Call inside a write transaction.
/// Returns the points moved.
pub fn merge_balance(
    conn: &mut DbConn,
    from: i64,
    to: i64,
    now: NaiveDateTime,
) -> Result<i64, LoyaltyError> {
    q::lock_account(conn, from, now)?;
    let points = q::balance(conn, from)?;
    if points <= 0 {
        return Ok(0);
    }
    post(conn, &Movement::new(from, "merge_out", -points, now))?;
    post(conn, &Movement::new(to, "merge_in", points, now))?;
    Ok(points)
}

// ---------------------------------------------------------------------------------------
// Earning on orders
// ---------------------------------------------------------------------------------------

/// Whether an order in `status` has reached the status at which points are granted.
pub fn reached(status: &str, earn_status: &str) -> bool {
    let rank = |s: &str| EARN_STATUSES.iter().position(|e| *e == s);
    matches!((rank(status), rank(earn_status)), (Some(a), Some(b)) if a >= b)
}

/// What an order is worth in points now: the eligible products' share of what was actually
/// paid — not shipping, not the part paid with store credit or with points, not what was
/// refunded — times the rate, rounded down. A cancelled order, or one paid entirely
/// otherwise, is worth nothing.
pub fn order_points(order: &OrderRow, lines: &[LineRow], s: &Settings) -> i64 {
    if order.status == "cancelled" || order.total_cents <= 0 {
        return 0;
    }
    let eligible: i64 = lines
        .iter()
        .filter(|l| {
            !s.selected_only
                || l.product_id
                    .is_some_and(|p| s.products.binary_search(&p).is_ok())
        })
        .map(|l| l.line_total_cents)
        .sum();
    let paid = (order.total_cents - order.credit_paid_cents - order.credit_refunded_cents).max(0);
    // What the lines and shipping came to before points paid part of it.
    let gross = order.total_cents + order.points_discount_cents;
    // i128: cents × cents × rate stays far inside it.
    let base = i128::from(eligible) * i128::from(paid) / i128::from(gross);
    let points = base * i128::from(s.rate_x100) / 10_000;
    i64::try_from(points)
        .unwrap_or(i64::MAX)
        .clamp(0, MAX_POINTS)
}

/// Brings what an order has earned towards what it is worth: grants its points once it has
/// reached the configured status, takes back on a cancellation or refund (`reverse_key`).
///
/// The award is computed on the order as paid, before any refund; refunds made before it are
/// taken back at once in the same transaction (key `refund:before:ID`), so an award always
/// stands for the whole paid amount and every later take-back is the same proportion of money:
/// the order is worth `earned × (paid − refunded) / paid` points (0 once cancelled), whatever
/// the settings are now. A take-back never drives the balance below zero: what the customer
/// has spent already is not recovered (the shortfall is written in the line's reason). Call
/// inside the order's write transaction; `reverse_key` is `cancel:ID` or `refund:LOT`.
pub fn settle_order(
    conn: &mut DbConn,
    actor: Option<i64>,
    order_id: i64,
    reverse_key: Option<&str>,
) -> Result<(), LoyaltyError> {
    let Some(order) = crate::db::orders::find(conn, order_id)? else {
        return Err(LoyaltyError::NotFound);
    };
    let earned_key = format!("order:{order_id}");
    let has_earned = EntryRow::for_order(conn, order_id)?
        .iter()
        .any(|e| e.award_key.as_deref() == Some(earned_key.as_str()));
    let now = Utc::now().naive_utc();
    let before_key;
    let reverse_key = if has_earned {
        reverse_key
    } else {
        let s = settings(conn)?;
        if !s.enabled || !reached(&order.status, &s.earn_status) {
            return Ok(());
        }
        let lines = crate::db::orders::lines(conn, order_id)?;
        let as_paid = OrderRow {
            credit_refunded_cents: 0,
            ..order.clone()
        };
        let points = order_points(&as_paid, &lines, &s);
        if points == 0 {
            return Ok(());
        }
        if once(
            conn,
            &Movement {
                order_id: Some(order_id),
                key: Some(&earned_key),
                actor,
                ..Movement::new(order.customer_id, "earn_order", points, now)
            },
        )?
        .is_none()
            || order.credit_refunded_cents == 0
        {
            return Ok(());
        }
        before_key = format!("refund:before:{order_id}");
        Some(before_key.as_str())
    };
    let Some(key) = reverse_key else {
        return Ok(());
    };
    let entries = EntryRow::for_order(conn, order_id)?;
    // What the order earned and lost; points spent on it ('spend', 'unspend') are apart.
    let net: i64 = entries
        .iter()
        .filter(|e| e.kind == "earn_order" || e.kind == "reversal")
        .map(|e| e.points)
        .sum();
    let earned: i64 = entries
        .iter()
        .filter(|e| e.kind == "earn_order")
        .map(|e| e.points)
        .sum();
    let paid = order.total_cents - order.credit_paid_cents;
    let kept = (paid - order.credit_refunded_cents).max(0);
    let now_worth = if order.status == "cancelled" || paid <= 0 {
        0
    } else {
        i64::try_from(i128::from(earned) * i128::from(kept) / i128::from(paid)).unwrap_or(0)
    };
    let owed = net - now_worth;
    if owed <= 0 {
        return Ok(());
    }
    let balance = q::balance(conn, order.customer_id)?;
    let take = owed.min(balance);
    if take == 0 {
        return Ok(());
    }
    let shortfall = (take < owed).then(|| format!("-{}", owed - take));
    once(
        conn,
        &Movement {
            order_id: Some(order_id),
            key: Some(key),
            reason: shortfall.as_deref(),
            actor,
            ..Movement::new(order.customer_id, "reversal", -take, now)
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Newsletter and reviews
// ---------------------------------------------------------------------------------------

/// Grants the newsletter award once per customer, ever, when the program gives one. Call
/// inside the write transaction that records the consent.
pub fn award_newsletter(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
) -> Result<(), LoyaltyError> {
    let s = settings(conn)?;
    if !s.enabled || s.newsletter_points == 0 {
        return Ok(());
    }
    once(
        conn,
        &Movement {
            key: Some("newsletter"),
            actor,
            ..Movement::new(
                customer_id,
                "earn_newsletter",
                s.newsletter_points,
                Utc::now().naive_utc(),
            )
        },
    )?;
    Ok(())
}

/// A product review as staff record it for a customer (the customer's area will send its own).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReviewInput {
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub rating: String,
    #[serde(default)]
    pub body: String,
}

/// Records a review, pending approval; returns its id.
pub fn add_review(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
    input: &ReviewInput,
) -> Result<i64, LoyaltyError> {
    let mut errors = Vec::new();
    let product = input.product.trim().parse::<i64>().ok();
    let rating = match input.rating.trim().parse::<i32>() {
        Ok(r) if (1..=5).contains(&r) => r,
        _ => {
            errors.push(("rating", "loyalty-error-rating"));
            0
        }
    };
    let body = input.body.trim();
    if body.is_empty() {
        errors.push(("body", "error-required"));
    } else if body.chars().count() > MAX_REVIEW {
        errors.push(("body", "error-too-long"));
    } else if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        errors.push(("body", "error-invalid-characters"));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let known = q::active_products(conn)?;
        let product = product.filter(|p| known.iter().any(|k| k.0 == *p));
        if product.is_none() {
            errors.push(("product", "loyalty-error-product"));
        }
        let (Some(product), true) = (product, errors.is_empty()) else {
            return Err(LoyaltyError::Invalid(errors.clone()));
        };
        live_customer(conn, customer_id)?;
        let id = ReviewRow::insert(conn, customer_id, product, rating, body, actor, now)?;
        audit::record(
            conn,
            actor,
            "review.add",
            "customer",
            Some(customer_id),
            None,
            Some(format!("review {id}: product {product}, rating {rating}")),
            now,
        )?;
        Ok(id)
    })
}

/// Approves or rejects a pending review; approving grants the review award once.
pub fn decide_review(
    conn: &mut DbConn,
    actor: i64,
    review_id: i64,
    approve: bool,
) -> Result<(), LoyaltyError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let review = ReviewRow::find(conn, review_id)?.ok_or(LoyaltyError::NotFound)?;
        let status = if approve { "approved" } else { "rejected" };
        if !ReviewRow::decide(conn, review_id, status, actor, now)? {
            return Err(LoyaltyError::Decided);
        }
        audit::record(
            conn,
            Some(actor),
            &format!("review.{status}"),
            "customer",
            Some(review.customer_id),
            None,
            Some(format!("review {review_id}")),
            now,
        )?;
        let s = settings(conn)?;
        if approve && s.enabled && s.review_points > 0 {
            let key = format!("review:{review_id}");
            once(
                conn,
                &Movement {
                    review_id: Some(review_id),
                    key: Some(&key),
                    actor: Some(actor),
                    ..Movement::new(review.customer_id, "earn_review", s.review_points, now)
                },
            )?;
        }
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Rewards catalogue
// ---------------------------------------------------------------------------------------

/// A reward as the catalogue form types it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RewardInput {
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub stock: String,
    #[serde(default)]
    pub active: Option<String>,
}

fn parse_stock(input: &str) -> Result<i64, FieldError> {
    let s = input.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err("loyalty-error-stock");
    }
    s.parse::<i64>()
        .ok()
        .filter(|n| *n <= 1_000_000)
        .ok_or("loyalty-error-stock")
}

/// Offers a product for points; one reward per product.
pub fn add_reward(conn: &mut DbConn, actor: i64, input: &RewardInput) -> Result<i64, LoyaltyError> {
    let mut errors = Vec::new();
    let points = parse_points(&input.points)
        .map_err(|e| errors.push(("points", e)))
        .unwrap_or(0);
    let stock = parse_stock(&input.stock)
        .map_err(|e| errors.push(("stock", e)))
        .unwrap_or(0);
    let product = input.product.trim().parse::<i64>().ok();
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let known = q::active_products(conn)?;
        match product.filter(|p| known.iter().any(|k| k.0 == *p)) {
            None => errors.push(("product", "loyalty-error-product")),
            Some(p) if RewardRow::for_product(conn, p)?.is_some() => {
                errors.push(("product", "loyalty-error-reward-exists"));
            }
            Some(_) => {}
        }
        let (Some(product), true) = (product, errors.is_empty()) else {
            return Err(LoyaltyError::Invalid(errors.clone()));
        };
        let id = RewardRow::insert(conn, product, points, stock, now)?;
        audit::record(
            conn,
            Some(actor),
            "loyalty.reward.add",
            "loyalty_reward",
            Some(id),
            None,
            Some(format!("product {product}: {points} points, stock {stock}")),
            now,
        )?;
        Ok(id)
    })
}

/// Changes a reward's points, stock or whether it is offered; pending exchange orders keep
/// the points they were placed for.
pub fn update_reward(
    conn: &mut DbConn,
    actor: i64,
    id: i64,
    input: &RewardInput,
) -> Result<(), LoyaltyError> {
    let mut errors = Vec::new();
    let points = parse_points(&input.points)
        .map_err(|e| errors.push(("points", e)))
        .unwrap_or(0);
    let stock = parse_stock(&input.stock)
        .map_err(|e| errors.push(("stock", e)))
        .unwrap_or(0);
    if !errors.is_empty() {
        return Err(LoyaltyError::Invalid(errors));
    }
    let active = input.active.is_some();
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let (before, ..) = RewardRow::find(conn, id)?.ok_or(LoyaltyError::NotFound)?;
        RewardRow::update(conn, id, points, stock, active)?;
        audit::record(
            conn,
            Some(actor),
            "loyalty.reward.update",
            "loyalty_reward",
            Some(id),
            Some(format!(
                "{} points, stock {}, active {}",
                before.points, before.stock, before.active
            )),
            Some(format!("{points} points, stock {stock}, active {active}")),
            now,
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Exchange orders
// ---------------------------------------------------------------------------------------

/// Places an exchange order for a reward on a customer's behalf (staff now; the customer's
/// area later): the points are held at once and one unit of stock is kept. Idempotent per
/// (customer, `key`). Returns the exchange order.
pub fn place_exchange(
    conn: &mut DbConn,
    actor: Option<i64>,
    customer_id: i64,
    reward_input: &str,
    key: &str,
) -> Result<i64, LoyaltyError> {
    let reward_id = reward_input
        .trim()
        .parse::<i64>()
        .map_err(|_| LoyaltyError::Invalid(vec![("reward", "loyalty-error-reward")]))?;
    let key = valid_key(key)?;
    let replay = |conn: &mut DbConn| -> Result<Option<i64>, LoyaltyError> {
        let Some(key) = key else { return Ok(None) };
        match ExchangeRow::by_key(conn, customer_id, key)? {
            Some(x) if x.reward_id == reward_id => Ok(Some(x.id)),
            Some(_) => Err(LoyaltyError::KeyReused),
            None => Ok(None),
        }
    };
    let now = Utc::now().naive_utc();
    let result =
        write_tx(conn, |conn| {
            live_customer(conn, customer_id)?;
            q::lock_account(conn, customer_id, now)?;
            if let Some(done) = replay(conn)? {
                return Ok(done);
            }
            if !settings(conn)?.enabled {
                return Err(LoyaltyError::Disabled);
            }
            let (reward, ..) = RewardRow::find(conn, reward_id)?.ok_or(LoyaltyError::Invalid(
                vec![("reward", "loyalty-error-reward")],
            ))?;
            if !reward.active {
                return Err(LoyaltyError::Unavailable);
            }
            let exchange =
                ExchangeRow::insert(conn, customer_id, reward.id, reward.points, key, actor, now)?;
            post(
                conn,
                &Movement {
                    exchange_id: Some(exchange),
                    actor,
                    ..Movement::new(customer_id, "hold", -reward.points, now)
                },
            )?;
            if !RewardRow::take_one(conn, reward.id)? {
                return Err(LoyaltyError::Unavailable);
            }
            Ok(exchange)
        });
    match result {
        Err(e) if lost_race(&e) => replay(conn)?.ok_or(e),
        other => other,
    }
}

/// Accepts a pending exchange order: the held points are spent (a `redeem` line) and a real
/// order for the reward product is created, paid with points. Returns the order.
pub fn accept_exchange(conn: &mut DbConn, actor: i64, id: i64) -> Result<i64, LoyaltyError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let x = ExchangeRow::find(conn, id)?.ok_or(LoyaltyError::NotFound)?;
        q::lock_account(conn, x.customer_id, now)?;
        let (reward, name, sku, _price, currency) =
            RewardRow::find(conn, x.reward_id)?.ok_or(LoyaltyError::NotFound)?;
        // The guarded update decides the race between two staff members: one wins.
        if !ExchangeRow::decide(conn, id, "accepted", actor, None, now)? {
            return Err(LoyaltyError::Decided);
        }
        let order = crate::domain::orders::place(
            conn,
            &format!("PKT-{id}"),
            x.customer_id,
            "paid",
            "points",
            &currency,
            0,
            &[crate::domain::orders::LineInput {
                product_id: Some(reward.product_id),
                sku,
                name,
                quantity: 1,
                unit_price_cents: 0,
            }],
            now,
        )?;
        ExchangeRow::set_order(conn, id, order)?;
        post(
            conn,
            &Movement {
                exchange_id: Some(id),
                order_id: Some(order),
                actor: Some(actor),
                ..Movement::new(x.customer_id, "redeem", 0, now)
            },
        )?;
        Ok(order)
    })
}

/// Rejects a pending exchange order: the held points go back and the stock unit returns.
pub fn reject_exchange(conn: &mut DbConn, actor: i64, id: i64) -> Result<(), LoyaltyError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let x = ExchangeRow::find(conn, id)?.ok_or(LoyaltyError::NotFound)?;
        q::lock_account(conn, x.customer_id, now)?;
        if !ExchangeRow::decide(conn, id, "rejected", actor, None, now)? {
            return Err(LoyaltyError::Decided);
        }
        post(
            conn,
            &Movement {
                exchange_id: Some(id),
                actor: Some(actor),
                ..Movement::new(x.customer_id, "release", x.points, now)
            },
        )?;
        RewardRow::give_back_one(conn, x.reward_id)?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Expiry
// ---------------------------------------------------------------------------------------

/// Expires the points of customers who have not earned for the configured number of days
/// (up to 500 accounts per call); returns how many accounts expired.
pub fn expire_due(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, LoyaltyError> {
    write_tx(conn, |conn| {
        let Some(days) = settings(conn)?.expiry_days else {
            return Ok(0);
        };
        let before = now - Duration::days(i64::from(days));
        let mut expired = 0;
        for customer_id in q::expiring(conn, before, 500)? {
            q::lock_account(conn, customer_id, now)?;
            let balance = q::balance(conn, customer_id)?;
            if balance > 0 {
                post(conn, &Movement::new(customer_id, "expiry", -balance, now))?;
                expired += 1;
            }
        }
        Ok(expired)
    })
}

// ---------------------------------------------------------------------------------------
// Demo data
// ---------------------------------------------------------------------------------------

/// Switches the program on for the demo store (1 point per unit of currency on delivered
/// orders, 50 for the newsletter, 20 per approved review) and offers the first three products
/// as rewards. Call inside the demo's write transaction, before its orders are placed.
pub fn seed_demo(conn: &mut DbConn, products: &[i64], now: NaiveDateTime) -> QueryResult<()> {
    let set = crate::db::settings::set;
    set(conn, KEY_ENABLED, "1")?;
    set(conn, KEY_RATE, "100")?;
    set(conn, KEY_SELECTED, "0")?;
    set(conn, KEY_NEWSLETTER, "50")?;
    set(conn, KEY_REVIEW, "20")?;
    set(conn, KEY_STATUS, "delivered")?;
    for (i, product) in products.iter().take(3).enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        RewardRow::insert(conn, *product, 150 + 100 * i, 5 + i, now)?;
    }
    Ok(())
}

/// The demo's newsletter award for a customer who signed up.
pub fn seed_demo_newsletter(conn: &mut DbConn, customer_id: i64) -> QueryResult<()> {
    award_newsletter(conn, None, customer_id).map_err(LoyaltyError::into_db)
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

pub fn balance(conn: &mut DbConn, customer_id: i64) -> QueryResult<i64> {
    q::balance(conn, customer_id)
}

/// The two sums that must agree for a customer: (balance, ledger sum).
pub fn sums(conn: &mut DbConn, customer_id: i64) -> QueryResult<(i64, i64)> {
    Ok((
        q::balance(conn, customer_id)?,
        EntryRow::ledger_sum(conn, customer_id)?,
    ))
}

/// Points earned (awards and manual additions) and redeemed (accepted exchange orders) per
/// month, for the `months` months ending with the current one: (month, earned, redeemed).
pub fn monthly(
    conn: &mut DbConn,
    today: chrono::NaiveDate,
    months: u32,
) -> QueryResult<Vec<(crate::domain::overview::YearMonth, i64, i64)>> {
    use chrono::Datelike;
    let first = (0..months.saturating_sub(1)).fold(today.with_day(1).unwrap_or(today), |d, _| {
        (d - Duration::days(1)).with_day(1).unwrap_or(d)
    });
    let from = first.and_time(chrono::NaiveTime::MIN);
    // The first day of the next month. Not `NaiveDateTime::MAX`: SQLite compares timestamps
    // as text, and "+262142-…" sorts before every real date.
    let month_start = today.with_day(1).unwrap_or(today);
    let to = (month_start + Duration::days(32))
        .with_day(1)
        .unwrap_or(month_start)
        .and_time(chrono::NaiveTime::MIN);
    use crate::domain::overview::YearMonth;
    let mut out: Vec<(YearMonth, i64, i64)> = Vec::new();
    let mut d = first;
    for _ in 0..months {
        out.push((YearMonth::of(d.and_time(chrono::NaiveTime::MIN)), 0, 0));
        d = (d + Duration::days(32)).with_day(1).unwrap_or(d);
    }
    let slot = |out: &mut Vec<(YearMonth, i64, i64)>, at: NaiveDateTime| {
        let m = YearMonth::of(at);
        out.iter().position(|(k, ..)| *k == m)
    };
    for (at, _, points) in EntryRow::movements_between(conn, from, to)? {
        if let Some(i) = slot(&mut out, at) {
            out[i].1 += points;
        }
    }
    for (at, points) in ExchangeRow::redeemed_between(conn, from, to)? {
        if let Some(i) = at.and_then(|at| slot(&mut out, at)) {
            out[i].2 += points;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_typed_in_a_form_are_whole_positive_and_bounded() {
        assert_eq!(parse_points("250"), Ok(250));
        assert_eq!(parse_points(" 7 "), Ok(7));
        for bad in [
            "",
            "0",
            "-5",
            "1.5",
            "1,5",
            "abc",
            "١٢",
            "99999999999999999999",
        ] {
            assert!(parse_points(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(
            parse_points("10000001"),
            Err("loyalty-error-points-too-many")
        );
    }

    #[test]
    fn the_rate_takes_up_to_two_decimals() {
        assert_eq!(parse_rate("1"), Ok(100));
        assert_eq!(parse_rate("0,5"), Ok(50));
        assert_eq!(parse_rate("2.25"), Ok(225));
        for bad in ["", "-1", "1.234", "x", "1001", "1.2.3"] {
            assert!(parse_rate(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(rate_text(150), "1.5");
    }

    #[test]
    fn only_statuses_at_or_past_the_configured_one_earn() {
        assert!(reached("paid", "paid"));
        assert!(reached("delivered", "paid"));
        assert!(!reached("paid", "delivered"));
        assert!(!reached("pending", "paid"));
        assert!(!reached("cancelled", "paid"));
    }

    fn order(total: i64, shipping: i64, credit: i64, refunded: i64) -> OrderRow {
        let now = chrono::DateTime::UNIX_EPOCH.naive_utc();
        OrderRow {
            id: 1,
            number: "1".into(),
            customer_id: 1,
            status: "delivered".into(),
            payment_method: "card".into(),
            currency: "EUR".into(),
            subtotal_cents: total - shipping,
            shipping_cents: shipping,
            total_cents: total,
            placed_at: now,
            updated_at: now,
            credit_paid_cents: credit,
            credit_refunded_cents: refunded,
            due_at: None,
            settled_at: None,
            points_used: 0,
            points_discount_cents: 0,
        }
    }

    fn line(product: i64, total: i64) -> LineRow {
        LineRow {
            id: product,
            order_id: 1,
            product_id: Some(product),
            sku: String::new(),
            name: String::new(),
            quantity: 1,
            unit_price_cents: total,
            line_total_cents: total,
        }
    }

    fn program(selected: Option<Vec<i64>>) -> Settings {
        Settings {
            enabled: true,
            rate_x100: 100,
            selected_only: selected.is_some(),
            products: selected.unwrap_or_default(),
            newsletter_points: 0,
            review_points: 0,
            earn_status: "paid".into(),
            expiry_days: None,
            point_value_cents: None,
        }
    }

    #[test]
    fn an_order_earns_on_what_was_paid_for_eligible_products_only() {
        // 80.00 + 20.00 of goods, 5.00 shipping: 100 points, never on shipping.
        let lines = [line(1, 8000), line(2, 2000)];
        assert_eq!(
            order_points(&order(10500, 500, 0, 0), &lines, &program(None)),
            100
        );
        // Only product 1 earns.
        assert_eq!(
            order_points(&order(10500, 500, 0, 0), &lines, &program(Some(vec![1]))),
            80
        );
        // Half the order paid with store credit: half the points.
        assert_eq!(
            order_points(&order(10000, 0, 5000, 0), &lines, &program(None)),
            50
        );
        // A refund of a quarter: three quarters of the points.
        assert_eq!(
            order_points(&order(10000, 0, 0, 2500), &lines, &program(None)),
            75
        );
        // 40.00 of the 100.00 paid with points: points on the 60.00 of money only.
        let with_points = OrderRow {
            points_used: 4000,
            points_discount_cents: 4000,
            ..order(6000, 0, 0, 0)
        };
        assert_eq!(order_points(&with_points, &lines, &program(None)), 60);
        // Cancelled, or paid entirely with points (total 0): nothing.
        let mut cancelled = order(10000, 0, 0, 0);
        cancelled.status = "cancelled".into();
        assert_eq!(order_points(&cancelled, &lines, &program(None)), 0);
        assert_eq!(
            order_points(&order(0, 0, 0, 0), &[line(1, 0)], &program(None)),
            0
        );
    }

    #[test]
    fn points_are_rounded_down_at_the_rate() {
        let lines = [line(1, 999)];
        let mut s = program(None);
        assert_eq!(order_points(&order(999, 0, 0, 0), &lines, &s), 9);
        s.rate_x100 = 150;
        assert_eq!(order_points(&order(999, 0, 0, 0), &lines, &s), 14);
    }
}
