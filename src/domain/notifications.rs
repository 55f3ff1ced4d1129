//! Order e-mails (seed 001 "Notificaciones"): the customer hears of each status change of
//! their order, for the statuses the store switched on, in the customer's language; staff
//! recipients ("Notificaciones internas por pedido realizado", "Cambiar correo
//! destinatario") get one e-mail per status change, in the store's language.
//!
//! Invariants: messages are queued by [`on_status_change`] inside the status change's own
//! transaction, so a change that rolls back sends nothing and a committed one is never lost
//! (see `domain::mail`); nothing here runs on manual points changes (seed 004).

use chrono::Utc;
use serde::Deserialize;

use crate::db::customers::CustomerRow;
use crate::db::orders::OrderRow;
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::customers::FormErrors;
use crate::domain::mail::{self, Message};
use crate::domain::orders::STATUSES;
use crate::domain::types::Email;
use crate::i18n::Lang;
use crate::i18n::format::format_money;

const KEY_CUSTOMER: &str = "notifications.customer_statuses";
const KEY_INTERNAL: &str = "notifications.internal_recipients";
/// The most internal recipients.
pub const MAX_RECIPIENTS: usize = 10;

/// The statuses that e-mail the customer when nothing was chosen yet: every change after
/// the order was placed.
const DEFAULT_CUSTOMER: [&str; 4] = ["paid", "shipped", "delivered", "cancelled"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// A change to one of these e-mails the customer.
    pub customer_statuses: Vec<String>,
    /// Staff addresses told of every status change.
    pub internal_recipients: Vec<String>,
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn settings(conn: &mut DbConn) -> diesel::QueryResult<Settings> {
    let customer_statuses = match crate::db::settings::get(conn, KEY_CUSTOMER)? {
        Some(v) => list(&v)
            .into_iter()
            .filter(|s| STATUSES.contains(&s.as_str()))
            .collect(),
        None => DEFAULT_CUSTOMER.iter().map(|s| (*s).to_owned()).collect(),
    };
    let internal_recipients = crate::db::settings::get(conn, KEY_INTERNAL)?
        .map(|v| list(&v))
        .unwrap_or_default();
    Ok(Settings {
        customer_statuses,
        internal_recipients,
    })
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsInput {
    /// Ticked statuses (repeated field).
    #[serde(default)]
    pub statuses: Vec<String>,
    /// Recipients, one per line or separated by commas or semicolons.
    #[serde(default)]
    pub recipients: String,
}

#[derive(Debug, thiserror::Error)]
pub enum NotificationsError {
    #[error("invalid input")]
    Invalid(FormErrors),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Saves which statuses e-mail the customer and who gets the internal e-mails; audited.
pub fn save_settings(
    conn: &mut DbConn,
    actor: i64,
    input: &SettingsInput,
) -> Result<Settings, NotificationsError> {
    let mut errors = FormErrors::new();
    let mut statuses: Vec<String> = Vec::new();
    for s in &input.statuses {
        match STATUSES.iter().find(|k| **k == s.trim()) {
            Some(k) if !statuses.iter().any(|x| x == k) => statuses.push((*k).to_owned()),
            Some(_) => {}
            None => errors.push(("statuses", "notifications-error-status")),
        }
    }
    // Kept in the order of the status list, whatever order the form sent.
    statuses.sort_by_key(|s| STATUSES.iter().position(|k| k == s));
    let mut recipients: Vec<String> = Vec::new();
    for part in input
        .recipients
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        match Email::parse(part) {
            Ok(e) if !recipients.iter().any(|r| r == e.as_str()) => {
                recipients.push(e.as_str().to_owned());
            }
            Ok(_) => {}
            Err(_) => {
                errors.push(("recipients", "notifications-error-recipient"));
                break;
            }
        }
    }
    if recipients.len() > MAX_RECIPIENTS {
        errors.push(("recipients", "notifications-error-too-many"));
    }
    if !errors.is_empty() {
        return Err(NotificationsError::Invalid(errors));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = settings(conn)?;
        crate::db::settings::set(conn, KEY_CUSTOMER, &statuses.join(","))?;
        crate::db::settings::set(conn, KEY_INTERNAL, &recipients.join(","))?;
        let after = settings(conn)?;
        audit::record(
            conn,
            Some(actor),
            "settings.notifications",
            "settings",
            None,
            Some(format!("{before:?}")),
            Some(format!("{after:?}")),
            now,
        )?;
        Ok(after)
    })
}

/// Queues the e-mails of an order's status change: to the customer when the store e-mails
/// that status and the customer has an address, and one to each internal recipient. Call
/// inside the status change's transaction.
pub fn on_status_change(
    conn: &mut DbConn,
    order: &OrderRow,
    from: &str,
    to: &str,
) -> diesel::QueryResult<()> {
    let s = settings(conn)?;
    let customer = CustomerRow::find(conn, order.customer_id)?;
    let customer_name = customer
        .as_ref()
        .map_or_else(String::new, |c| c.full_name.clone());
    if s.customer_statuses.iter().any(|x| x == to)
        && let Some(c) = customer
            .as_ref()
            .filter(|c| c.anonymized_at.is_none() && c.email.is_some())
    {
        let lang = Lang::from_code(&c.language).unwrap_or(Lang::Es);
        let email = c.email.clone().unwrap_or_default();
        mail::enqueue(
            conn,
            &Message::localized(
                "mail.order_status",
                "mail-order-status",
                lang,
                &email,
                Some(c.id),
                &[
                    ("name", c.full_name.clone().into()),
                    ("number", order.number.clone().into()),
                    ("status", lang.t(&format!("order-status-{to}")).into()),
                    (
                        "total",
                        format_money(order.total_cents, &order.currency, lang).into(),
                    ),
                ],
            ),
        )?;
    }
    if !s.internal_recipients.is_empty() {
        let lang = crate::domain::settings::default_lang(conn)?;
        for r in &s.internal_recipients {
            mail::enqueue(
                conn,
                &Message::localized(
                    "mail.order_status_internal",
                    "mail-order-internal",
                    lang,
                    r,
                    None,
                    &[
                        ("name", customer_name.clone().into()),
                        ("number", order.number.clone().into()),
                        ("from", lang.t(&format!("order-status-{from}")).into()),
                        ("status", lang.t(&format!("order-status-{to}")).into()),
                        (
                            "total",
                            format_money(order.total_cents, &order.currency, lang).into(),
                        ),
                    ],
                ),
            )?;
        }
    }
    Ok(())
}
