//! B2B credit options (seed 002 "Ver opciones de crédito" → "Agregar opción"): a customer may
//! buy on account up to a credit limit, paying each invoice within the payment terms.
//!
//! Invariants:
//! - one option per customer and currency;
//! - the outstanding balance is the unpaid part of the customer's orders on account that are
//!   not cancelled and not settled, in the option's currency;
//! - an order on account is placed only when an active option exists, the outstanding balance
//!   plus the order stays within the limit and, when the option says so, no invoice is
//!   overdue. The check runs under the option's row lock in the order's transaction, so two
//!   orders placed at once can never pass the limit together.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::Deserialize;

use crate::db::groups::{self as q, CreditOptionRow, OpenInvoice, OptionFields};
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::customers::FormErrors;
use crate::domain::types::Cents;

pub use crate::db::groups::ON_ACCOUNT;

#[derive(Debug, thiserror::Error)]
pub enum OptionError {
    #[error("invalid input")]
    Invalid(FormErrors),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Why an order on account was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountRefusal {
    #[error("no active credit option")]
    NoOption,
    #[error("credit limit exceeded")]
    OverLimit {
        outstanding: i64,
        order: i64,
        limit: i64,
        currency: String,
    },
    #[error("overdue invoices")]
    Overdue { count: usize },
}

/// The option form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OptionInput {
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub limit: String,
    #[serde(default)]
    pub terms_days: String,
    /// Checkboxes: present when ticked.
    #[serde(default)]
    pub block_overdue: Option<String>,
    #[serde(default)]
    pub active: Option<String>,
}

struct Valid {
    currency: String,
    limit: i64,
    terms_days: i32,
    block_overdue: bool,
    active: bool,
}

/// The longest payment terms accepted, in days.
pub const MAX_TERMS_DAYS: i32 = 365;

fn validate(input: &OptionInput) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::new();
    let currency = input.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(("currency", "error-currency-invalid"));
    }
    let limit = if input.limit.trim().starts_with('-') {
        errors.push(("limit", "error-amount-negative"));
        0
    } else {
        Cents::parse(&input.limit)
            .map_err(|e| errors.push(("limit", e)))
            .map(|c| c.0)
            .unwrap_or_default()
    };
    let terms_days = match input.terms_days.trim().parse::<i32>() {
        Ok(d) if (0..=MAX_TERMS_DAYS).contains(&d) => d,
        _ if input.terms_days.trim().is_empty() => {
            errors.push(("terms_days", "error-required"));
            0
        }
        _ => {
            errors.push(("terms_days", "error-terms-days"));
            0
        }
    };
    if errors.is_empty() {
        Ok(Valid {
            currency,
            limit,
            terms_days,
            block_overdue: input.block_overdue.is_some(),
            active: input.active.is_some(),
        })
    } else {
        Err(errors)
    }
}

fn snapshot(o: &CreditOptionRow) -> Option<String> {
    serde_json::to_string(&serde_json::json!({
        "currency": o.currency, "limit_cents": o.limit_cents, "terms_days": o.terms_days,
        "block_overdue": o.block_overdue, "active": o.active,
    }))
    .ok()
}

fn live_customer(conn: &mut DbConn, customer_id: i64) -> Result<(), OptionError> {
    match crate::db::customers::CustomerRow::find(conn, customer_id)? {
        Some(c) if c.anonymized_at.is_none() => Ok(()),
        _ => Err(OptionError::NotFound),
    }
}

/// "Agregar opción" → form → "Agregar". Returns the option's id.
pub fn add(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    input: &OptionInput,
) -> Result<i64, OptionError> {
    let v = validate(input).map_err(OptionError::Invalid)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        live_customer(conn, customer_id)?;
        if CreditOptionRow::currency_taken(conn, customer_id, &v.currency, None)? {
            return Err(OptionError::Invalid(vec![(
                "currency",
                "error-credit-option-exists",
            )]));
        }
        let fields = fields(&v);
        let id = CreditOptionRow::insert(conn, customer_id, &fields, now)?;
        let after = CreditOptionRow::find(conn, customer_id, id)?.ok_or(OptionError::NotFound)?;
        audit::record(
            conn,
            Some(actor),
            "customer.credit-option.add",
            "customer",
            Some(customer_id),
            None,
            snapshot(&after),
            now,
        )?;
        Ok(id)
    })
}

fn fields(v: &Valid) -> OptionFields<'_> {
    OptionFields {
        currency: &v.currency,
        limit_cents: v.limit,
        terms_days: v.terms_days,
        block_overdue: v.block_overdue,
        active: v.active,
    }
}

/// "Guardar" on an existing option.
pub fn update(
    conn: &mut DbConn,
    actor: i64,
    customer_id: i64,
    id: i64,
    input: &OptionInput,
) -> Result<(), OptionError> {
    let v = validate(input).map_err(OptionError::Invalid)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        live_customer(conn, customer_id)?;
        let before = CreditOptionRow::find(conn, customer_id, id)?.ok_or(OptionError::NotFound)?;
        if CreditOptionRow::currency_taken(conn, customer_id, &v.currency, Some(id))? {
            return Err(OptionError::Invalid(vec![(
                "currency",
                "error-credit-option-exists",
            )]));
        }
        CreditOptionRow::update(conn, id, &fields(&v), now)?;
        let after = CreditOptionRow::find(conn, customer_id, id)?.ok_or(OptionError::NotFound)?;
        audit::record(
            conn,
            Some(actor),
            "customer.credit-option.update",
            "customer",
            Some(customer_id),
            snapshot(&before),
            snapshot(&after),
            now,
        )?;
        Ok(())
    })
}

/// An option with where the customer stands on it.
#[derive(Debug, Clone)]
pub struct Standing {
    pub option: CreditOptionRow,
    pub outstanding: i64,
    pub overdue: i64,
    pub overdue_count: usize,
    /// What is left to buy on account (never below zero).
    pub available: i64,
    pub invoices: Vec<OpenInvoice>,
}

fn standing_of(
    conn: &mut DbConn,
    option: CreditOptionRow,
    now: NaiveDateTime,
) -> QueryResult<Standing> {
    let invoices = q::open_invoices(conn, option.customer_id, &option.currency)?;
    let outstanding = invoices.iter().map(|i| i.owed_cents).sum::<i64>();
    let overdue_list: Vec<&OpenInvoice> = invoices
        .iter()
        .filter(|i| i.due_at.is_some_and(|d| d < now) && i.owed_cents > 0)
        .collect();
    let overdue = overdue_list.iter().map(|i| i.owed_cents).sum::<i64>();
    let overdue_count = overdue_list.len();
    Ok(Standing {
        available: (option.limit_cents - outstanding).max(0),
        outstanding,
        overdue,
        overdue_count,
        option,
        invoices,
    })
}

/// Every option of a customer with its outstanding and overdue amounts.
pub fn standings(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<Standing>> {
    let now = Utc::now().naive_utc();
    CreditOptionRow::for_customer(conn, customer_id)?
        .into_iter()
        .map(|o| standing_of(conn, o, now))
        .collect()
}

/// Decides an order on account of `total` in `currency`: the date its invoice falls due, or
/// why it is refused. Call inside the order's write transaction, before the order is
/// inserted: it takes the option's row lock.
pub fn authorize(
    conn: &mut DbConn,
    customer_id: i64,
    currency: &str,
    total: i64,
    now: NaiveDateTime,
) -> Result<Result<NaiveDateTime, AccountRefusal>, diesel::result::Error> {
    let Some(option) = CreditOptionRow::lock_for(conn, customer_id, currency)? else {
        return Ok(Err(AccountRefusal::NoOption));
    };
    if !option.active {
        return Ok(Err(AccountRefusal::NoOption));
    }
    let s = standing_of(conn, option, now)?;
    if s.option.block_overdue && s.overdue_count > 0 {
        return Ok(Err(AccountRefusal::Overdue {
            count: s.overdue_count,
        }));
    }
    if s.outstanding.saturating_add(total) > s.option.limit_cents {
        return Ok(Err(AccountRefusal::OverLimit {
            outstanding: s.outstanding,
            order: total,
            limit: s.option.limit_cents,
            currency: s.option.currency,
        }));
    }
    Ok(Ok(now + Duration::days(i64::from(s.option.terms_days))))
}

/// Records that the invoice of an order on account was paid.
pub fn settle(conn: &mut DbConn, actor: i64, order_id: i64) -> Result<(), OptionError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let order = crate::db::orders::find(conn, order_id)?.ok_or(OptionError::NotFound)?;
        if !q::settle(conn, order_id, now)? {
            return Err(OptionError::NotFound);
        }
        audit::record(
            conn,
            Some(actor),
            "order.settle",
            "order",
            Some(order_id),
            None,
            Some(order.number),
            now,
        )?;
        Ok(())
    })
}
