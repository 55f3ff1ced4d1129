//! API tokens and the remembered answers of idempotent API requests.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{api_idempotency, api_tokens};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub token_hash: String,
    pub prefix: String,
    pub scopes: String,
    pub staff_id: i64,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &mut DbConn,
    name: &str,
    token_hash: &str,
    prefix: &str,
    scopes: &str,
    staff_id: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::prefix.eq(prefix),
            api_tokens::scopes.eq(scopes),
            api_tokens::staff_id.eq(staff_id),
            api_tokens::created_at.eq(now),
        ))
        .returning(api_tokens::id)
        .get_result(conn)
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<TokenRow>> {
    api_tokens::table
        .order(api_tokens::id.desc())
        .select(TokenRow::as_select())
        .load(conn)
}

/// A live (not revoked) token by the hash of its secret.
pub fn live_by_hash(conn: &mut DbConn, token_hash: &str) -> QueryResult<Option<TokenRow>> {
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(TokenRow::as_select())
        .first(conn)
        .optional()
}

pub fn revoke(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Notes the use, at most once a minute per token (not a write per request).
pub fn touch(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    let stale = now - chrono::Duration::minutes(1);
    diesel::update(
        api_tokens::table.find(id).filter(
            api_tokens::last_used_at
                .is_null()
                .or(api_tokens::last_used_at.lt(stale)),
        ),
    )
    .set(api_tokens::last_used_at.eq(Some(now)))
    .execute(conn)
}

/// The remembered answer to (token, key): (request hash, status, body).
pub fn remembered(
    conn: &mut DbConn,
    token_id: i64,
    key: &str,
) -> QueryResult<Option<(String, i32, String)>> {
    api_idempotency::table
        .find((token_id, key))
        .select((
            api_idempotency::request_hash,
            api_idempotency::status,
            api_idempotency::response,
        ))
        .first(conn)
        .optional()
}

#[allow(clippy::too_many_arguments)]
pub fn remember(
    conn: &mut DbConn,
    token_id: i64,
    key: &str,
    request_hash: &str,
    status: i32,
    response: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(api_idempotency::table)
        .values((
            api_idempotency::token_id.eq(token_id),
            api_idempotency::key.eq(key),
            api_idempotency::request_hash.eq(request_hash),
            api_idempotency::status.eq(status),
            api_idempotency::response.eq(response),
            api_idempotency::created_at.eq(now),
        ))
        .execute(conn)
}
