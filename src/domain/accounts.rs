//! Customer accounts in the storefront (seed 003 "Cuentas de clientes"): sign-up and
//! sign-in. A separate identity from staff: accounts live in `customer_accounts`, and a
//! signed-in customer is a different session key (see `auth::session`).
//!
//! Invariants: an account belongs to one registered, live customer; a customer has at most
//! one; passwords are stored as Argon2id hashes only; sign-in is throttled per e-mail and
//! address like staff sign-in.

use chrono::Utc;
use serde::Deserialize;

use crate::auth::password;
use crate::db::customers::CustomerRow;
use crate::db::{DbConn, accounts, write_tx};
use crate::domain::audit;
use crate::domain::customers::{self, Contact, FormErrors};
use crate::domain::types::{Email, NewPassword, PersonName};
use crate::i18n::Lang;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error("invalid input")]
    Invalid(FormErrors),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The sign-up form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignUpInput {
    #[serde(default)]
    pub full_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    /// Checkbox: present when ticked.
    #[serde(default)]
    pub newsletter: Option<String>,
}

struct SignUp {
    name: PersonName,
    email: Email,
    password: NewPassword,
}

fn validate(input: &SignUpInput) -> Result<SignUp, FormErrors> {
    let mut errors = FormErrors::new();
    let name = PersonName::parse(&input.full_name)
        .map_err(|e| errors.push(("full_name", e)))
        .ok();
    let email = Email::parse(&input.email)
        .map_err(|e| errors.push(("email", e)))
        .ok();
    let password = NewPassword::parse(&input.password)
        .map_err(|e| errors.push(("password", e)))
        .ok();
    match (name, email, password) {
        (Some(name), Some(email), Some(password)) => Ok(SignUp {
            name,
            email,
            password,
        }),
        _ => Err(errors),
    }
}

/// Creates a registered customer with an account and queues the mail that confirms the
/// e-mail (`base_url` starts its link); returns the customer id. An e-mail that already
/// belongs to a registered customer is refused (they sign in, or set a password through
/// "forgot your password" when the merchant registered them): an account is never attached
/// to a customer record the person has not proved to own.
pub fn sign_up(
    conn: &mut DbConn,
    input: &SignUpInput,
    lang: Lang,
    base_url: &str,
) -> Result<i64, AccountError> {
    let v = validate(input).map_err(AccountError::Invalid)?;
    // Hashing is slow on purpose: outside the write transaction.
    let hash = password::hash(v.password.expose())?;
    let now = Utc::now().naive_utc();
    let newsletter = input.newsletter.is_some();
    write_tx(conn, |conn| {
        if let Some((_, _, _, has_account)) = accounts::registered_by_email(conn, v.email.as_str())?
        {
            let key = if has_account {
                "error-account-email-taken"
            } else {
                "error-account-email-claim"
            };
            return Err(AccountError::Invalid(vec![("email", key)]));
        }
        let id = customers::insert(
            conn,
            &Contact {
                full_name: v.name.as_str().to_owned(),
                email: Some(v.email.as_str().to_owned()),
                phone: None,
                language: lang,
                registered: true,
                newsletter,
            },
            now,
        )?;
        accounts::insert(conn, id, &hash, now)?;
        if newsletter {
            crate::domain::loyalty::award_newsletter(conn, None, id)
                .map_err(|e| AccountError::Db(e.into_db()))?;
        }
        audit::record(
            conn,
            None,
            "customer.signup",
            "customer",
            Some(id),
            None,
            Some(v.email.as_str().to_owned()),
            now,
        )?;
        crate::domain::account_links::send_confirmation(conn, id, base_url)?;
        Ok(id)
    })
}

/// What a sign-in attempt came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignIn {
    Ok(i64),
    Refused,
    Throttled,
}

/// Checks an e-mail and password. The same time is spent whether or not the e-mail has an
/// account, and failures count towards the same throttle as staff sign-in.
pub fn sign_in(
    conn: &mut DbConn,
    email_input: &str,
    password_input: &str,
    client_ip: &str,
    lock: std::time::Duration,
) -> Result<SignIn, AccountError> {
    let now = Utc::now().naive_utc();
    let email = email_input.trim().to_lowercase();
    // E-mail keys are the customer's own (prefixed): failures on a customer's e-mail never
    // lock out a staff member with the same e-mail. The address key is shared on purpose.
    let keys = crate::domain::throttle::keys(&format!("customer:{email}"), client_ip);
    if crate::domain::throttle::is_locked(conn, &keys, now)? {
        return Ok(SignIn::Throttled);
    }
    let found = accounts::find_by_email(conn, &email)?;
    let hash = found
        .as_ref()
        .map_or(password::DUMMY_HASH, |(_, h)| h.as_str());
    let ok = password::verify(password_input, hash);
    match found {
        Some((id, _)) if ok => {
            write_tx(conn, |conn| {
                crate::domain::throttle::record_success(conn, &keys)
            })?;
            Ok(SignIn::Ok(id))
        }
        _ => {
            write_tx(conn, |conn| {
                crate::domain::throttle::record_failure(conn, &keys, now, lock)
            })?;
            Ok(SignIn::Refused)
        }
    }
}

/// The signed-in customer's record, when it still is a live customer with an account.
pub fn signed_in_customer(conn: &mut DbConn, id: i64) -> diesel::QueryResult<Option<CustomerRow>> {
    match CustomerRow::find(conn, id)? {
        Some(c) if c.anonymized_at.is_none() && c.registered && accounts::exists(conn, id)? => {
            Ok(Some(c))
        }
        _ => Ok(None),
    }
}
