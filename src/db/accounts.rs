//! Storefront accounts: the password of a registered customer.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{customer_accounts, customers};

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
