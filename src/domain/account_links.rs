//! What a customer proves by opening a link we e-mailed them: a password reset (which also
//! lets a customer the merchant registered set their first password), the confirmation of
//! their e-mail after sign-up, and a change of e-mail. Confirming an e-mail moves the orders
//! of earlier guest checkouts with that e-mail to the account.
//!
//! Invariants:
//! - a link is used once and never after it expires (a guarded update wins once);
//! - only a hash of the token is stored; the mail carries the token;
//! - asking for a reset says the same whether or not the e-mail has an account;
//! - a customer's e-mail changes only when the new address's link is opened, and never to an
//!   e-mail another registered customer has;
//! - guest orders move only to a confirmed account, with their loyalty points;
//! - a new password or e-mail ends every storefront session of the customer.

use chrono::{Duration, NaiveDateTime, Utc};
use sha2::{Digest, Sha256};

use crate::auth::password;
use crate::db::customers::CustomerRow;
use crate::db::sessions::SessionRow;
use crate::db::{DbConn, accounts, write_tx};
use crate::domain::accounts::AccountError;
use crate::domain::audit;
use crate::domain::mail::{self, Message};
use crate::domain::types::{Email, NewPassword};
use crate::i18n::Lang;

pub const RESET: &str = "password_reset";
pub const CONFIRM: &str = "confirm_email";
pub const CHANGE: &str = "change_email";

/// How long a reset link works.
pub const RESET_TTL_HOURS: i64 = 1;
/// How long a confirmation or change link works.
pub const CONFIRM_TTL_HOURS: i64 = 48;
/// A second link of the same kind within this time is not sent (a double click, a bored
/// attacker filling someone's mailbox).
const RESEND_GAP_SECONDS: i64 = 60;

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn lang_of(code: &str) -> Lang {
    Lang::from_code(code).unwrap_or(Lang::Es)
}

/// Issues a link of `purpose` for a customer and queues its mail; `false` when one was sent
/// a moment ago. Call inside a write transaction.
#[allow(clippy::too_many_arguments)]
fn issue(
    conn: &mut DbConn,
    customer_id: i64,
    purpose: &'static str,
    to: &str,
    name: &str,
    lang: Lang,
    base_url: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    if let Some(at) = accounts::latest_token_at(conn, customer_id, purpose)?
        && now - at < Duration::seconds(RESEND_GAP_SECONDS)
    {
        return Ok(false);
    }
    // A new link replaces the older ones of its kind.
    accounts::revoke_tokens(conn, customer_id, purpose, now)?;
    let token = crate::auth::random_token();
    let (ttl, path, key) = match purpose {
        RESET => (
            RESET_TTL_HOURS,
            "/shop/password/reset/",
            "mail-password-reset",
        ),
        CHANGE => (CONFIRM_TTL_HOURS, "/shop/confirm/", "mail-email-change"),
        _ => (CONFIRM_TTL_HOURS, "/shop/confirm/", "mail-email-confirm"),
    };
    accounts::insert_token(
        conn,
        &hash(&token),
        customer_id,
        purpose,
        to,
        now,
        now + Duration::hours(ttl),
    )?;
    let link = format!("{base_url}{path}{token}");
    mail::enqueue(
        conn,
        &Message::localized(
            match purpose {
                RESET => "mail.password_reset",
                CHANGE => "mail.email_change",
                _ => "mail.email_confirm",
            },
            key,
            lang,
            to,
            Some(customer_id),
            &[
                ("name", name.into()),
                ("link", link.into()),
                ("hours", ttl.into()),
            ],
        ),
    )?;
    Ok(true)
}

/// "Forgot your password?": e-mails a reset link when the e-mail belongs to a registered
/// customer (with an account, or created by the merchant and never signed in). Says nothing
/// either way to the caller's page.
pub fn request_reset(conn: &mut DbConn, email: &str, base_url: &str) -> Result<(), AccountError> {
    let Ok(email) = Email::parse(email) else {
        return Ok(());
    };
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        if let Some((id, name, lang, _)) = accounts::registered_by_email(conn, email.as_str())? {
            issue(
                conn,
                id,
                RESET,
                email.as_str(),
                &name,
                lang_of(&lang),
                base_url,
                now,
            )?;
        }
        Ok(())
    })
}

/// Queues the confirmation mail of a new account. Call inside the sign-up transaction.
pub fn send_confirmation(
    conn: &mut DbConn,
    customer_id: i64,
    base_url: &str,
) -> diesel::QueryResult<bool> {
    let Some(c) = CustomerRow::find(conn, customer_id)? else {
        return Ok(false);
    };
    let Some(email) = c.email.clone() else {
        return Ok(false);
    };
    issue(
        conn,
        customer_id,
        CONFIRM,
        &email,
        &c.full_name,
        lang_of(&c.language),
        base_url,
        Utc::now().naive_utc(),
    )
}

/// "Send the link again" from the customer's area; `false` when the e-mail is already
/// confirmed or a link went out a moment ago.
pub fn resend_confirmation(
    conn: &mut DbConn,
    customer_id: i64,
    base_url: &str,
) -> Result<bool, AccountError> {
    write_tx(conn, |conn| {
        if accounts::email_confirmed(conn, customer_id)? {
            return Ok(false);
        }
        Ok(send_confirmation(conn, customer_id, base_url)?)
    })
}

/// What a link is, while it still works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveLink {
    pub customer_id: i64,
    pub purpose: String,
    pub email: String,
}

/// The link behind a token, if it still works (pages show their form only then).
pub fn live_link(
    conn: &mut DbConn,
    token: &str,
    purposes: &[&str],
) -> diesel::QueryResult<Option<LiveLink>> {
    Ok(
        accounts::live_token(conn, &hash(token), purposes, Utc::now().naive_utc())?.map(
            |(customer_id, purpose, email)| LiveLink {
                customer_id,
                purpose,
                email,
            },
        ),
    )
}

/// Why a link did nothing.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// Unknown, used or expired.
    #[error("link no longer works")]
    Gone,
    #[error("invalid input")]
    Invalid(crate::domain::customers::FormErrors),
    #[error(transparent)]
    Account(#[from] AccountError),
}

impl From<diesel::result::Error> for LinkError {
    fn from(e: diesel::result::Error) -> Self {
        LinkError::Account(AccountError::Db(e))
    }
}

/// Sets a new password through a reset link; returns the customer. A customer the merchant
/// registered gets their account here. Opening the link proved the e-mail, so it is
/// confirmed (and earlier guest orders move in).
pub fn reset_password(conn: &mut DbConn, token: &str, new: &str) -> Result<i64, LinkError> {
    let pw = NewPassword::parse(new).map_err(|e| LinkError::Invalid(vec![("password", e)]))?;
    let hashed = password::hash(pw.expose()).map_err(AccountError::Other)?;
    let now = Utc::now().naive_utc();
    let th = hash(token);
    write_tx(conn, |conn| {
        let Some((id, _, email)) = accounts::live_token(conn, &th, &[RESET], now)? else {
            return Err(LinkError::Gone);
        };
        let current = CustomerRow::find(conn, id)?;
        let live = current
            .as_ref()
            .is_some_and(|c| c.registered && c.anonymized_at.is_none());
        if !live || current.and_then(|c| c.email).as_deref() != Some(email.as_str()) {
            // The customer was deleted or their e-mail changed since: the link is stale.
            return Err(LinkError::Gone);
        }
        if !accounts::use_token(conn, &th, now)? {
            return Err(LinkError::Gone);
        }
        if accounts::exists(conn, id)? {
            accounts::set_password(conn, id, &hashed, now)?;
        } else {
            accounts::insert(conn, id, &hashed, now)?;
        }
        accounts::revoke_tokens(conn, id, RESET, now)?;
        SessionRow::delete_for_customer(conn, id)?;
        audit::record(
            conn,
            None,
            "customer.password_reset",
            "customer",
            Some(id),
            None,
            None,
            now,
        )?;
        confirm_and_link(conn, id, &email, now)?;
        Ok(id)
    })
}

/// What opening a confirmation link did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Confirmed {
    pub customer_id: i64,
    /// The link changed the customer's e-mail (their sessions were ended).
    pub email_changed: bool,
    /// Guest orders that moved to the account.
    pub orders_linked: usize,
}

/// Opens a confirmation or e-mail change link.
pub fn confirm(conn: &mut DbConn, token: &str) -> Result<Confirmed, LinkError> {
    let now = Utc::now().naive_utc();
    let th = hash(token);
    write_tx(conn, |conn| {
        let Some((id, purpose, email)) = accounts::live_token(conn, &th, &[CONFIRM, CHANGE], now)?
        else {
            return Err(LinkError::Gone);
        };
        let Some(c) = CustomerRow::find(conn, id)?.filter(|c| c.anonymized_at.is_none()) else {
            return Err(LinkError::Gone);
        };
        let changing = purpose == CHANGE;
        if !changing && c.email.as_deref() != Some(email.as_str()) {
            return Err(LinkError::Gone);
        }
        if changing && CustomerRow::registered_email_taken(conn, &email, Some(id))? {
            return Err(LinkError::Invalid(vec![(
                "email",
                "error-account-email-taken",
            )]));
        }
        if !accounts::use_token(conn, &th, now)? {
            return Err(LinkError::Gone);
        }
        if changing {
            accounts::set_email(conn, id, &email, now)?;
            accounts::revoke_tokens(conn, id, RESET, now)?;
            accounts::revoke_tokens(conn, id, CONFIRM, now)?;
            SessionRow::delete_for_customer(conn, id)?;
            audit::record(
                conn,
                None,
                "customer.email_changed",
                "customer",
                Some(id),
                c.email.clone(),
                Some(email.clone()),
                now,
            )?;
        }
        let orders_linked = confirm_and_link(conn, id, &email, now)?;
        Ok(Confirmed {
            customer_id: id,
            email_changed: changing,
            orders_linked,
        })
    })
}

/// Marks the account's e-mail confirmed and moves to it the orders, addresses and points of
/// live guest records with that e-mail (which are then removed when nothing else refers to
/// them). Returns the orders moved. Call inside a write transaction.
fn confirm_and_link(
    conn: &mut DbConn,
    id: i64,
    email: &str,
    now: NaiveDateTime,
) -> Result<usize, LinkError> {
    accounts::mark_email_confirmed(conn, id, now)?;
    let mut moved = 0;
    for guest in accounts::guests_by_email(conn, email)? {
        accounts::lock_customer(conn, guest)?;
        let n = accounts::move_orders_and_addresses(conn, guest, id)?;
        crate::domain::loyalty::merge_balance(conn, guest, id, now)
            .map_err(|e| LinkError::from(e.into_db()))?;
        crate::domain::orders::refresh_customer_figures(conn, guest)?;
        crate::domain::orders::refresh_customer_figures(conn, id)?;
        audit::record(
            conn,
            None,
            "customer.guest_linked",
            "customer",
            Some(id),
            Some(format!("guest #{guest}")),
            Some(format!("{n} orders")),
            now,
        )?;
        moved += n;
    }
    Ok(moved)
}

/// Asks to change the signed-in customer's e-mail: checks their password, then e-mails a
/// link to the new address (and a notice to the old one). Nothing changes until the link is
/// opened.
pub fn request_email_change(
    conn: &mut DbConn,
    customer_id: i64,
    new_email: &str,
    current_password: &str,
    base_url: &str,
) -> Result<(), LinkError> {
    let mut errors = Vec::new();
    let email = Email::parse(new_email)
        .map_err(|e| errors.push(("new_email", e)))
        .ok();
    let hash_now = accounts::password_hash(conn, customer_id)?;
    let ok = password::verify(
        current_password,
        hash_now.as_deref().unwrap_or(password::DUMMY_HASH),
    );
    if !ok || hash_now.is_none() {
        errors.push(("current_password", "shop-error-password-wrong"));
    }
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(LinkError::Invalid(errors));
    };
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let Some(c) = CustomerRow::find(conn, customer_id)? else {
            return Err(LinkError::Gone);
        };
        if c.email.as_deref() == Some(email.as_str()) {
            return Err(LinkError::Invalid(vec![(
                "new_email",
                "shop-error-email-same",
            )]));
        }
        if CustomerRow::registered_email_taken(conn, email.as_str(), Some(customer_id))? {
            return Err(LinkError::Invalid(vec![(
                "new_email",
                "error-account-email-taken",
            )]));
        }
        let lang = lang_of(&c.language);
        let sent = issue(
            conn,
            customer_id,
            CHANGE,
            email.as_str(),
            &c.full_name,
            lang,
            base_url,
            now,
        )?;
        if sent && let Some(old) = &c.email {
            mail::enqueue(
                conn,
                &Message::localized(
                    "mail.email_change_notice",
                    "mail-email-change-notice",
                    lang,
                    old,
                    Some(customer_id),
                    &[
                        ("name", c.full_name.clone().into()),
                        ("email", email.as_str().into()),
                    ],
                ),
            )?;
        }
        Ok(())
    })
}
