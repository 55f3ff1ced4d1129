//! Store credit ("Créditos de tienda", seed 000): every movement of a customer's credit, for
//! every caller (the admin pages now; checkout and the API later). 1 credit = 1 unit of the
//! store's currency; amounts are integer minor units.
//!
//! Invariants, per customer and currency, after every committed transaction:
//! - the balance is never negative (a CHECK in the database, and debits are guarded updates);
//! - balance == the sum of the ledger == the sum of what is left in the lots;
//! - the ledger is append-only: a void or an expiry is a new entry, never an edit or a delete;
//! - a spend is idempotent per (customer, idempotency key) and reversed at most once.
//!
//! Every function takes its own write transaction (`BEGIN IMMEDIATE` on SQLite; on PostgreSQL
//! the guarded update of the account row is the lock that orders concurrent movements), except
//! [`reverse_order`], which runs inside the order's status change.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::Deserialize;

use crate::db::credit::{self as q, EntryRow, LotRow, NewEntry, NewLot, ReasonRow};
use crate::db::customers::CustomerRow;
use crate::db::orders::OrderRow;
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::segments::Seen;
use crate::domain::types::{Cents, FieldError};

/// The most one grant, spend or refund may move: 1,000,000 units of currency.
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000;
const MAX_NOTE: usize = 500;
const MAX_REASON: usize = 60;
const MAX_KEY: usize = 100;

#[derive(Debug, thiserror::Error)]
pub enum CreditError {
    /// Form fields that were refused: (field, message key).
    #[error("invalid input")]
    Invalid(Vec<(&'static str, FieldError)>),
    /// Not enough credit for the amount asked.
    #[error("insufficient store credit")]
    Insufficient,
    /// Store credit is switched off as a payment method.
    #[error("store credit is disabled")]
    Disabled,
    /// The order cannot take this movement; the key of the message says why.
    #[error("refused for this order: {0}")]
    Order(FieldError),
    /// The idempotency key was used before for another movement.
    #[error("idempotency key reused")]
    KeyReused,
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl CreditError {
    /// The message key shown to the person who asked.
    pub fn message(&self) -> FieldError {
        match self {
            CreditError::Invalid(errors) => errors.first().map_or("credit-error-invalid", |e| e.1),
            CreditError::Insufficient => "credit-error-insufficient",
            CreditError::Disabled => "credit-error-disabled",
            CreditError::Order(key) => key,
            CreditError::KeyReused => "credit-error-key-reused",
            CreditError::NotFound => "credit-error-not-found",
            CreditError::Db(_) => "credit-error-server",
        }
    }
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

const KEY_ENABLED: &str = "credit.enabled";
const KEY_EXPIRY_DAYS: &str = "credit.default_expiry_days";

/// Store credit settings ("Configurar créditos de tienda").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Whether customers (and staff, on their behalf) can pay with store credit.
    pub enabled: bool,
    /// The expiry a new grant gets unless the form says otherwise; `None`: no expiry.
    pub default_expiry_days: Option<u32>,
}

pub fn settings(conn: &mut DbConn) -> QueryResult<Settings> {
    Ok(Settings {
        enabled: crate::db::settings::get(conn, KEY_ENABLED)?.as_deref() == Some("1"),
        default_expiry_days: crate::db::settings::get(conn, KEY_EXPIRY_DAYS)?
            .and_then(|d| d.parse().ok()),
    })
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsInput {
    #[serde(default)]
    pub enabled: Option<String>,
    /// Empty: no expiry.
    #[serde(default)]
    pub expiry_days: String,
}

pub fn save_settings(
    conn: &mut DbConn,
    actor: i64,
    input: &SettingsInput,
) -> Result<Settings, CreditError> {
    let days = match input.expiry_days.trim() {
        "" => None,
        d => match d.parse::<u32>() {
            Ok(n) if (1..=3650).contains(&n) => Some(n),
            _ => {
                return Err(CreditError::Invalid(vec![(
                    "expiry_days",
                    "credit-error-expiry-days",
                )]));
            }
        },
    };
    let new = Settings {
        enabled: input.enabled.is_some(),
        default_expiry_days: days,
    };
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = settings(conn)?;
        crate::db::settings::set(conn, KEY_ENABLED, if new.enabled { "1" } else { "0" })?;
        match new.default_expiry_days {
            Some(d) => crate::db::settings::set(conn, KEY_EXPIRY_DAYS, &d.to_string())?,
            None => {
                crate::db::settings::delete(conn, KEY_EXPIRY_DAYS)?;
            }
        }
        audit::record(
            conn,
            Some(actor),
            "credit.settings",
            "settings",
            None,
            Some(format!("{before:?}")),
            Some(format!("{new:?}")),
            now,
        )?;
        Ok(new.clone())
    })
}

/// Adds a reason to the managed list; names are unique whatever their case.
pub fn add_reason(conn: &mut DbConn, actor: i64, name: &str) -> Result<i64, CreditError> {
    let name = name.trim();
    let refuse = |key| Err(CreditError::Invalid(vec![("reason_name", key)]));
    if name.is_empty() {
        return refuse("error-required");
    }
    if name.chars().count() > MAX_REASON {
        return refuse("error-too-long");
    }
    if name.chars().any(char::is_control) {
        return refuse("error-invalid-characters");
    }
    let key = name.to_lowercase();
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        if ReasonRow::name_taken(conn, &key)? {
            return refuse("credit-error-reason-taken");
        }
        let id = ReasonRow::insert(conn, name, &key, now)?;
        audit::record(
            conn,
            Some(actor),
            "credit.reason.add",
            "credit_reason",
            Some(id),
            None,
            Some(name.to_owned()),
            now,
        )?;
        Ok(id)
    })
}

/// Shows or hides a reason in the grant form; entries that used it keep it.
pub fn set_reason_active(
    conn: &mut DbConn,
    actor: i64,
    id: i64,
    active: bool,
) -> Result<(), CreditError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        ReasonRow::find(conn, id)?.ok_or(CreditError::NotFound)?;
        ReasonRow::set_active(conn, id, active)?;
        audit::record(
            conn,
            Some(actor),
            if active {
                "credit.reason.enable"
            } else {
                "credit.reason.disable"
            },
            "credit_reason",
            Some(id),
            None,
            None,
            now,
        )?;
        Ok(())
    })
}

// ---------------------------------------------------------------------------------------
// Movements
// ---------------------------------------------------------------------------------------

/// An amount typed in a form: more than zero, at most [`MAX_AMOUNT_CENTS`].
pub fn parse_amount(input: &str) -> Result<Cents, FieldError> {
    let c = Cents::parse(input)?;
    if c.0 <= 0 {
        return Err("credit-error-amount-positive");
    }
    if c.0 > MAX_AMOUNT_CENTS {
        return Err("error-amount-too-large");
    }
    Ok(c)
}

/// An operation id as a form or an API client sends it: 1 to 100 visible ASCII characters.
fn valid_key(key: &str) -> Result<&str, CreditError> {
    let key = key.trim();
    if key.is_empty() || key.len() > MAX_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(CreditError::Invalid(vec![(
            "idempotency_key",
            "credit-error-key",
        )]));
    }
    Ok(key)
}

/// An optional operation id: empty means none.
fn optional_key(key: &str) -> Result<Option<&str>, CreditError> {
    if key.trim().is_empty() {
        Ok(None)
    } else {
        valid_key(key).map(Some)
    }
}

/// The lot an earlier grant or refund with this operation id created: the answer a replay
/// gets. The same id used for another kind of movement is refused.
fn replayed_lot(
    conn: &mut DbConn,
    customer_id: i64,
    key: Option<&str>,
    kind: &str,
) -> Result<Option<i64>, CreditError> {
    let Some(key) = key else { return Ok(None) };
    match EntryRow::by_key(conn, customer_id, key)? {
        None => Ok(None),
        Some(e) if e.kind == kind => Ok(e.lot_id),
        Some(_) => Err(CreditError::KeyReused),
    }
}

/// A write refused by the unique operation id: another transaction committed the same
/// movement first (PostgreSQL; SQLite's writers are serialized before they read).
fn lost_race(e: &CreditError) -> bool {
    matches!(
        e,
        CreditError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _
        ))
    )
}

/// The grant form ("Agregar crédito") as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GrantInput {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub reason: String,
    /// YYYY-MM-DD; empty: no expiry.
    #[serde(default)]
    pub expires_on: String,
    #[serde(default)]
    pub note: String,
    /// The form's operation id: a form sent twice grants once. Empty: no replay protection
    /// (callers that are not forms).
    #[serde(default)]
    pub idempotency_key: String,
}

struct Movement<'a> {
    customer_id: i64,
    currency: &'a str,
    kind: &'a str,
    amount: i64,
    lot_id: Option<i64>,
    order_id: Option<i64>,
    reverses_id: Option<i64>,
    key: Option<&'a str>,
    actor: Option<i64>,
    now: NaiveDateTime,
}

/// Moves the balance and writes the ledger entry with the balance after it, the customer's
/// list figure and the audit entry. A debit the balance cannot cover is refused.
fn post(conn: &mut DbConn, m: &Movement<'_>) -> Result<i64, CreditError> {
    if m.amount > 0 {
        q::credit(conn, m.customer_id, m.currency, m.amount, m.now)?;
    } else if !q::debit(conn, m.customer_id, m.currency, -m.amount, m.now)? {
        return Err(CreditError::Insufficient);
    }
    let balance = q::balance(conn, m.customer_id, m.currency)?;
    let entry = EntryRow::insert(
        conn,
        &NewEntry {
            customer_id: m.customer_id,
            currency: m.currency,
            kind: m.kind,
            amount_cents: m.amount,
            balance_after_cents: balance,
            lot_id: m.lot_id,
            order_id: m.order_id,
            reverses_id: m.reverses_id,
            idempotency_key: m.key,
            actor_staff_id: m.actor,
            created_at: m.now,
        },
    )?;
    if m.currency == crate::domain::settings::store_currency(conn)? {
        let seen = Seen::before(conn, m.customer_id)?;
        q::set_customer_balance(conn, m.customer_id, balance)?;
        seen.settle(conn)?;
    }
    audit::record(
        conn,
        m.actor,
        &format!("credit.{}", m.kind),
        "customer",
        Some(m.customer_id),
        None,
        Some(format!(
            "{} {} {}; balance {}",
            m.kind, m.amount, m.currency, balance
        )),
        m.now,
    )?;
    Ok(entry)
}

fn live_customer(conn: &mut DbConn, id: i64) -> Result<CustomerRow, CreditError> {
    CustomerRow::find(conn, id)?
        .filter(|c| c.anonymized_at.is_none())
        .ok_or(CreditError::NotFound)
}

/// Grants credit to a customer (a new lot); returns the lot id.
pub fn grant(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    input: &GrantInput,
) -> Result<i64, CreditError> {
    let mut errors = Vec::new();
    let amount = parse_amount(&input.amount)
        .map_err(|e| errors.push(("amount", e)))
        .ok();
    let reason_id = input.reason.trim().parse::<i64>().ok();
    let today = Utc::now().date_naive();
    let expires = match input.expires_on.trim() {
        "" => None,
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) if d > today => d.and_hms_opt(0, 0, 0),
            Ok(_) => {
                errors.push(("expires_on", "credit-error-expiry-past"));
                None
            }
            Err(_) => {
                errors.push(("expires_on", "filter-error-date"));
                None
            }
        },
    };
    let key = optional_key(&input.idempotency_key)?;
    let note = input.note.trim();
    if note.chars().count() > MAX_NOTE {
        errors.push(("note", "error-too-long"));
    }
    if note
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r')
    {
        errors.push(("note", "error-invalid-characters"));
    }
    let now = Utc::now().naive_utc();
    let result = write_tx(conn, |conn| {
        if let Some(lot) = replayed_lot(conn, customer_id, key, "grant")? {
            return Ok(lot);
        }
        let reason = match reason_id {
            Some(id) => ReasonRow::find(conn, id)?.filter(|r| r.active),
            None => None,
        };
        if reason.is_none() {
            errors.push(("reason", "credit-error-reason"));
        }
        let (Some(amount), Some(reason), true) = (amount, reason, errors.is_empty()) else {
            return Err(CreditError::Invalid(errors.clone()));
        };
        live_customer(conn, customer_id)?;
        let currency = crate::domain::settings::store_currency(conn)?;
        let lot = LotRow::insert(
            conn,
            &NewLot {
                customer_id,
                currency: &currency,
                amount_cents: amount.0,
                remaining_cents: amount.0,
                reason_id: reason.id,
                note: (!note.is_empty()).then_some(note),
                expires_at: expires,
                order_id: None,
                granted_by: Some(actor),
                created_at: now,
            },
        )?;
        post(
            conn,
            &Movement {
                customer_id,
                currency: &currency,
                kind: "grant",
                amount: amount.0,
                lot_id: Some(lot),
                order_id: None,
                reverses_id: None,
                key,
                actor: Some(actor),
                now,
            },
        )?;
        Ok(lot)
    });
    match result {
        Err(e) if lost_race(&e) => replayed_lot(conn, customer_id, key, "grant")?.ok_or(e),
        other => other,
    }
}

/// The expiry date a new grant is offered by default (settings), as YYYY-MM-DD.
pub fn default_expiry(s: &Settings, today: NaiveDate) -> String {
    s.default_expiry_days
        .map(|d| {
            (today + Duration::days(i64::from(d)))
                .format("%Y-%m-%d")
                .to_string()
        })
        .unwrap_or_default()
}

/// Voids what is left of a lot ("Eliminar crédito"); the lot and its history stay. Returns the
/// amount voided. A lot with nothing left cannot be voided.
pub fn void(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    lot_id: i64,
) -> Result<i64, CreditError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let found = LotRow::find(conn, lot_id)?
            .filter(|l| l.customer_id == customer_id)
            .ok_or(CreditError::NotFound)?;
        // Read it again under the account lock, so a spend committed meanwhile is seen.
        q::lock_account(conn, customer_id, &found.currency, now)?;
        let lot = LotRow::find(conn, lot_id)?.ok_or(CreditError::NotFound)?;
        if lot.remaining_cents == 0 {
            return Err(CreditError::Order("credit-error-nothing-left"));
        }
        if !take_lot(conn, &lot, "void", Some(actor), now)? {
            return Err(CreditError::Order("credit-error-nothing-left"));
        }
        Ok(lot.remaining_cents)
    })
}

/// Empties a lot by a void or an expiry entry; false when the lot changed since it was read
/// (another server expired it first), in which case nothing is written.
fn take_lot(
    conn: &mut DbConn,
    lot: &LotRow,
    kind: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<bool, CreditError> {
    let (voided, expired) = if kind == "void" {
        (Some(now), None)
    } else {
        (None, Some(now))
    };
    // The account first, as every movement takes it, then the lot: no lock cycle with a spend.
    q::lock_account(conn, lot.customer_id, &lot.currency, now)?;
    if !LotRow::empty(conn, lot.id, lot.remaining_cents, voided, expired)? {
        return Ok(false);
    }
    post(
        conn,
        &Movement {
            customer_id: lot.customer_id,
            currency: &lot.currency,
            kind,
            amount: -lot.remaining_cents,
            lot_id: Some(lot.id),
            order_id: None,
            reverses_id: None,
            key: None,
            actor,
            now,
        },
    )?;
    Ok(true)
}

/// Expires what is left of lots whose expiry has passed (one customer's, or up to `limit` of
/// everyone's); returns how many lots expired.
pub fn expire_due(
    conn: &mut DbConn,
    customer_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<usize, CreditError> {
    write_tx(conn, |conn| expire_in_tx(conn, customer_id, now))
}

fn expire_in_tx(
    conn: &mut DbConn,
    customer_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<usize, CreditError> {
    let mut expired = 0;
    for lot in LotRow::due(conn, customer_id, now, 500)? {
        if take_lot(conn, &lot, "expiry", None, now)? {
            expired += 1;
        }
    }
    Ok(expired)
}

/// What a spend did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spent {
    pub entry_id: i64,
    pub amount_cents: i64,
    pub balance_after_cents: i64,
    /// The same idempotency key had been used for this very spend: nothing new happened.
    pub replayed: bool,
}

/// Pays `amount` of an order with its customer's store credit (the amount chosen by the
/// payer; a part of the order is fine), soonest-expiring lots first. Idempotent: the same
/// `key` for the same customer gives the first answer again and moves nothing.
pub fn spend(
    conn: &mut DbConn,
    actor: Option<i64>,
    order_id: i64,
    amount: Cents,
    key: &str,
) -> Result<Spent, CreditError> {
    let key = valid_key(key)?;
    if amount.0 <= 0 || amount.0 > MAX_AMOUNT_CENTS {
        return Err(CreditError::Invalid(vec![(
            "amount",
            "credit-error-amount-positive",
        )]));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        // Locks in the order every movement takes them (order, then account), so concurrent
        // spends, refunds and cancellations queue instead of deadlocking. The order is read
        // under its lock, so a cancellation committed meanwhile is seen; once both are held
        // the replay check below sees every committed spend.
        if !q::lock_order(conn, order_id)? {
            return Err(CreditError::NotFound);
        }
        let order = crate::db::orders::find(conn, order_id)?.ok_or(CreditError::NotFound)?;
        q::lock_account(conn, order.customer_id, &order.currency, now)?;
        if let Some(done) = EntryRow::by_key(conn, order.customer_id, key)? {
            return if done.kind == "spend"
                && done.order_id == Some(order_id)
                && done.amount_cents == -amount.0
            {
                Ok(Spent {
                    entry_id: done.id,
                    amount_cents: amount.0,
                    balance_after_cents: done.balance_after_cents,
                    replayed: true,
                })
            } else {
                Err(CreditError::KeyReused)
            };
        }
        if !settings(conn)?.enabled {
            return Err(CreditError::Disabled);
        }
        if !can_pay(&order) {
            return Err(CreditError::Order("credit-error-order-not-payable"));
        }
        if order.currency != crate::domain::settings::store_currency(conn)? {
            return Err(CreditError::Order("credit-error-currency"));
        }
        // Lots past their expiry are expired first, so they are never spent.
        expire_in_tx(conn, Some(order.customer_id), now)?;
        if !q::add_order_credit_paid(conn, order_id, amount.0)? {
            return Err(CreditError::Order("credit-error-more-than-due"));
        }
        let entry = post(
            conn,
            &Movement {
                customer_id: order.customer_id,
                currency: &order.currency,
                kind: "spend",
                amount: -amount.0,
                lot_id: None,
                order_id: Some(order_id),
                reverses_id: None,
                key: Some(key),
                actor,
                now,
            },
        )?;
        let mut left = amount.0;
        for lot in LotRow::spendable(conn, order.customer_id, &order.currency)? {
            if left == 0 {
                break;
            }
            let take = left.min(lot.remaining_cents);
            LotRow::add_remaining(conn, lot.id, -take)?;
            q::insert_part(conn, entry, lot.id, take)?;
            left -= take;
        }
        if left != 0 {
            // The balance covered it but the lots did not: the invariant is broken; refuse
            // rather than write a ledger that does not add up.
            return Err(CreditError::Db(diesel::result::Error::RollbackTransaction));
        }
        Ok(Spent {
            entry_id: entry,
            amount_cents: amount.0,
            balance_after_cents: q::balance(conn, order.customer_id, &order.currency)?,
            replayed: false,
        })
    })
}

/// Gives back every spend on an order that has not been reversed (the order was cancelled):
/// to the lots it came from; a part whose lot has expired meanwhile expires again at once.
/// Call inside the order's write transaction. Returns the amount given back.
pub fn reverse_order(
    conn: &mut DbConn,
    actor: Option<i64>,
    order_id: i64,
) -> Result<i64, CreditError> {
    let now = Utc::now().naive_utc();
    let mut total = 0;
    for spend in EntryRow::open_spends(conn, order_id)? {
        let amount = -spend.amount_cents;
        if !q::add_order_credit_paid(conn, order_id, -amount)? {
            return Err(CreditError::Db(diesel::result::Error::RollbackTransaction));
        }
        for (lot_id, part) in q::parts_of(conn, spend.id)? {
            LotRow::add_remaining(conn, lot_id, part)?;
        }
        post(
            conn,
            &Movement {
                customer_id: spend.customer_id,
                currency: &spend.currency,
                kind: "reversal",
                amount,
                lot_id: None,
                order_id: Some(order_id),
                reverses_id: Some(spend.id),
                key: None,
                actor,
                now,
            },
        )?;
        total += amount;
    }
    if total > 0
        && let Some(order) = crate::db::orders::find(conn, order_id)?
    {
        expire_in_tx(conn, Some(order.customer_id), now)?;
    }
    Ok(total)
}

/// Refunds part of an order into store credit: a grant linked to the order, at most what has
/// not been refunded of its total yet. Returns the new lot.
/// `key` (the form's operation id, may be empty) makes a refund sent twice happen once.
pub fn refund(
    conn: &mut DbConn,
    actor: i64,
    order_id: i64,
    amount_input: &str,
    key: &str,
) -> Result<i64, CreditError> {
    let amount =
        parse_amount(amount_input).map_err(|e| CreditError::Invalid(vec![("amount", e)]))?;
    let key = optional_key(key)?;
    let now = Utc::now().naive_utc();
    let mut customer = None;
    let result = write_tx(conn, |conn| {
        // Read under the order's lock: a cancellation committed meanwhile is seen.
        if !q::lock_order(conn, order_id)? {
            return Err(CreditError::NotFound);
        }
        let order = crate::db::orders::find(conn, order_id)?.ok_or(CreditError::NotFound)?;
        customer = Some(order.customer_id);
        if let Some(lot) = replayed_lot(conn, order.customer_id, key, "refund")? {
            return Ok(lot);
        }
        if !can_refund(&order) {
            return Err(CreditError::Order("credit-error-order-not-refundable"));
        }
        live_customer(conn, order.customer_id)?;
        if !q::add_order_refunded(conn, order_id, amount.0)? {
            return Err(CreditError::Order("credit-error-more-than-refundable"));
        }
        let reason = ReasonRow::all(conn)?
            .into_iter()
            .find(|r| r.code.as_deref() == Some("return"))
            .ok_or(CreditError::NotFound)?;
        let lot = LotRow::insert(
            conn,
            &NewLot {
                customer_id: order.customer_id,
                currency: &order.currency,
                amount_cents: amount.0,
                remaining_cents: amount.0,
                reason_id: reason.id,
                note: None,
                expires_at: None,
                order_id: Some(order_id),
                granted_by: Some(actor),
                created_at: now,
            },
        )?;
        post(
            conn,
            &Movement {
                customer_id: order.customer_id,
                currency: &order.currency,
                kind: "refund",
                amount: amount.0,
                lot_id: Some(lot),
                order_id: Some(order_id),
                reverses_id: None,
                key,
                actor: Some(actor),
                now,
            },
        )?;
        // The points the order earned shrink with what it is worth after the refund, once.
        let reverse_key = format!("refund:{lot}");
        crate::domain::loyalty::settle_order(conn, Some(actor), order_id, Some(&reverse_key))
            .map_err(|e| CreditError::Db(e.into_db()))?;
        Ok(lot)
    });
    match (result, customer) {
        (Err(e), Some(c)) if lost_race(&e) => replayed_lot(conn, c, key, "refund")?.ok_or(e),
        (other, _) => other,
    }
}

/// Whether staff may pay an order with store credit: it is awaiting payment.
pub fn can_pay(order: &OrderRow) -> bool {
    order.status == "pending"
}

/// What is left to pay of an order with store credit.
pub fn due(order: &OrderRow) -> i64 {
    order.total_cents - order.credit_paid_cents
}

/// Whether an order can be refunded to store credit: paid and not cancelled.
pub fn can_refund(order: &OrderRow) -> bool {
    order.status != "pending" && order.status != "cancelled"
}

/// What can still be refunded of an order into store credit.
pub fn refundable(order: &OrderRow) -> i64 {
    order.total_cents - order.credit_refunded_cents
}

// ---------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------

/// A customer's balance in the store currency.
pub fn balance(conn: &mut DbConn, customer_id: i64) -> QueryResult<i64> {
    let currency = crate::domain::settings::store_currency(conn)?;
    q::balance(conn, customer_id, &currency)
}

/// The three sums that must agree for a customer: (balance, ledger sum, lots remaining).
pub fn sums(conn: &mut DbConn, customer_id: i64) -> QueryResult<(i64, i64, i64)> {
    let currency = crate::domain::settings::store_currency(conn)?;
    Ok((
        q::balance(conn, customer_id, &currency)?,
        EntryRow::ledger_sum(conn, customer_id, &currency)?,
        LotRow::remaining_sum(conn, customer_id, &currency)?,
    ))
}

/// Outstanding store credit at the end of each day from the first movement up to `until`
/// (inclusive), in the store currency: the liability over time.
pub fn liability_by_day(conn: &mut DbConn, until: NaiveDate) -> QueryResult<Vec<(NaiveDate, i64)>> {
    let currency = crate::domain::settings::store_currency(conn)?;
    let end = until
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(NaiveDateTime::MAX);
    let mut running = 0;
    Ok(EntryRow::daily_totals(conn, &currency, end)?
        .into_iter()
        .map(|(day, amount)| {
            running += amount;
            (day, running)
        })
        .collect())
}
