//! Storefront accounts: the password of a registered customer.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{addresses, customer_accounts, customer_tokens, customers, orders};

/// A registered, live customer with an account, found by e-mail: (customer id, hash).
pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<(i64, String)>> {
    customer_accounts::table
        .inner_join(customers::table)
        .filter(customers::email.eq(email))
        .filter(customers::registered.eq(true))
        .filter(customers::anonymized_at.is_null())
        .select((
            customer_accounts::customer_id,
            customer_accounts::password_hash,
        ))
        .first(conn)
        .optional()
}

pub fn exists(conn: &mut DbConn, customer_id: i64) -> QueryResult<bool> {
    Ok(customer_accounts::table
        .find(customer_id)
        .select(customer_accounts::customer_id)
        .first::<i64>(conn)
        .optional()?
        .is_some())
}

pub fn insert(
    conn: &mut DbConn,
    customer_id: i64,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(customer_accounts::table)
        .values((
            customer_accounts::customer_id.eq(customer_id),
            customer_accounts::password_hash.eq(password_hash),
            customer_accounts::created_at.eq(now),
            customer_accounts::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Removes the account (the customer stays); used when a customer is anonymized.
pub fn delete(conn: &mut DbConn, customer_id: i64) -> QueryResult<usize> {
    diesel::delete(customer_accounts::table.find(customer_id)).execute(conn)
}

/// The language a customer chose with the storefront's switcher (a change of their record:
/// the version moves, so an edit open elsewhere is not silently overwritten).
pub fn set_language(
    conn: &mut DbConn,
    customer_id: i64,
    language: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(customers::table.find(customer_id))
        .set((
            customers::language.eq(language),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(now),
        ))
        .execute(conn)
}

/// The newest live guest record with this e-mail: a guest who checks out again is the same
/// customer, not a new one each time.
pub fn guest_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<i64>> {
    customers::table
        .filter(customers::email.eq(email))
        .filter(customers::registered.eq(false))
        .filter(customers::anonymized_at.is_null())
        .order(customers::id.desc())
        .select(customers::id)
        .first(conn)
        .optional()
}

/// Takes the customer's row lock for the rest of the transaction (PostgreSQL; on SQLite the
/// one-writer transaction already serializes): two checkouts of one customer queue here.
pub fn lock_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<bool> {
    let n = diesel::update(customers::table.find(customer_id))
        .set(customers::version.eq(customers::version))
        .execute(conn)?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------
// E-mailed links and confirmation
// ---------------------------------------------------------------------------------------

/// A registered, live customer found by e-mail, with or without an account:
/// (id, full name, language, has an account).
pub fn registered_by_email(
    conn: &mut DbConn,
    email: &str,
) -> QueryResult<Option<(i64, String, String, bool)>> {
    let found: Option<(i64, String, String)> = customers::table
        .filter(customers::email.eq(email))
        .filter(customers::registered.eq(true))
        .filter(customers::anonymized_at.is_null())
        .select((customers::id, customers::full_name, customers::language))
        .first(conn)
        .optional()?;
    match found {
        None => Ok(None),
        Some((id, name, lang)) => {
            let has = exists(conn, id)?;
            Ok(Some((id, name, lang, has)))
        }
    }
}

pub fn insert_token(
    conn: &mut DbConn,
    token_hash: &str,
    customer_id: i64,
    purpose: &str,
    email: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(customer_tokens::table)
        .values((
            customer_tokens::token_hash.eq(token_hash),
            customer_tokens::customer_id.eq(customer_id),
            customer_tokens::purpose.eq(purpose),
            customer_tokens::email.eq(email),
            customer_tokens::created_at.eq(now),
            customer_tokens::expires_at.eq(expires_at),
        ))
        .execute(conn)
}

/// A live (unused, unexpired) token of one of `purposes`: (customer id, purpose, e-mail).
pub fn live_token(
    conn: &mut DbConn,
    token_hash: &str,
    purposes: &[&str],
    now: NaiveDateTime,
) -> QueryResult<Option<(i64, String, String)>> {
    customer_tokens::table
        .find(token_hash)
        .filter(customer_tokens::purpose.eq_any(purposes))
        .filter(customer_tokens::used_at.is_null())
        .filter(customer_tokens::expires_at.gt(now))
        .select((
            customer_tokens::customer_id,
            customer_tokens::purpose,
            customer_tokens::email,
        ))
        .first(conn)
        .optional()
}

/// Uses a live token: exactly one of several concurrent uses gets `true`.
pub fn use_token(conn: &mut DbConn, token_hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        customer_tokens::table
            .find(token_hash)
            .filter(customer_tokens::used_at.is_null())
            .filter(customer_tokens::expires_at.gt(now)),
    )
    .set(customer_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends every unused link of `purpose` of a customer (a newer one, or a new password, makes
/// the older ones worthless).
pub fn revoke_tokens(
    conn: &mut DbConn,
    customer_id: i64,
    purpose: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        customer_tokens::table
            .filter(customer_tokens::customer_id.eq(customer_id))
            .filter(customer_tokens::purpose.eq(purpose))
            .filter(customer_tokens::used_at.is_null()),
    )
    .set(customer_tokens::used_at.eq(now))
    .execute(conn)
}

/// When the newest link of `purpose` was issued to a customer.
pub fn latest_token_at(
    conn: &mut DbConn,
    customer_id: i64,
    purpose: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    customer_tokens::table
        .filter(customer_tokens::customer_id.eq(customer_id))
        .filter(customer_tokens::purpose.eq(purpose))
        .order(customer_tokens::created_at.desc())
        .select(customer_tokens::created_at)
        .first(conn)
        .optional()
}

pub fn set_password(
    conn: &mut DbConn,
    customer_id: i64,
    password_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(customer_accounts::table.find(customer_id))
        .set((
            customer_accounts::password_hash.eq(password_hash),
            customer_accounts::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn mark_email_confirmed(
    conn: &mut DbConn,
    customer_id: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(customer_accounts::table.find(customer_id))
        .set((
            customer_accounts::email_confirmed_at.eq(Some(now)),
            customer_accounts::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn email_confirmed(conn: &mut DbConn, customer_id: i64) -> QueryResult<bool> {
    Ok(customer_accounts::table
        .find(customer_id)
        .select(customer_accounts::email_confirmed_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten()
        .is_some())
}

/// The customer's e-mail, set after the new address was confirmed (the version moves).
pub fn set_email(
    conn: &mut DbConn,
    customer_id: i64,
    email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(customers::table.find(customer_id))
        .set((
            customers::email.eq(email),
            customers::version.eq(customers::version + 1),
            customers::updated_at.eq(now),
        ))
        .execute(conn)
}

/// Every live guest record with this e-mail.
pub fn guests_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Vec<i64>> {
    customers::table
        .filter(customers::email.eq(email))
        .filter(customers::registered.eq(false))
        .filter(customers::anonymized_at.is_null())
        .order(customers::id)
        .select(customers::id)
        .load(conn)
}

/// Moves a customer's orders and addresses to another customer; returns the orders moved.
/// Addresses arrive without their default flag (the account's own defaults stay).
pub fn move_orders_and_addresses(conn: &mut DbConn, from: i64, to: i64) -> QueryResult<usize> {
    let n = diesel::update(orders::table.filter(orders::customer_id.eq(from)))
        .set(orders::customer_id.eq(to))
        .execute(conn)?;
    diesel::update(addresses::table.filter(addresses::customer_id.eq(from)))
        .set((
            addresses::customer_id.eq(to),
            addresses::is_default.eq(false),
        ))
        .execute(conn)?;
    Ok(n)
}

pub fn password_hash(conn: &mut DbConn, customer_id: i64) -> QueryResult<Option<String>> {
    customer_accounts::table
        .find(customer_id)
        .select(customer_accounts::password_hash)
        .first(conn)
        .optional()
}
