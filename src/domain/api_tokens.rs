//! Tokens of the REST API: created by the owner with scopes, shown once, revoked at will.
//!
//! Invariants: only the SHA-256 of a secret is stored; a revoked token authenticates
//! nothing; a request made with a token acts as the staff member who created it, and only
//! within the token's scopes (`read` for every GET, `write` for changes to customers and
//! orders, `money` for store credit and points).

use chrono::Utc;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::db::api_tokens::{self as q, TokenRow};
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::customers::FormErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Read,
    Write,
    Money,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Read, Scope::Write, Scope::Money];

    pub fn code(self) -> &'static str {
        match self {
            Scope::Read => "read",
            Scope::Write => "write",
            Scope::Money => "money",
        }
    }

    pub fn from_code(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.code() == s)
    }
}

/// A token that authenticated a request.
#[derive(Debug, Clone)]
pub struct ApiToken {
    pub id: i64,
    /// The staff member the request acts as.
    pub staff_id: i64,
    pub scopes: Vec<Scope>,
}

impl ApiToken {
    pub fn allows(&self, s: Scope) -> bool {
        self.scopes.contains(&s)
    }
}

pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The token behind a secret, when it is live; its use is noted.
pub fn authenticate(conn: &mut DbConn, secret: &str) -> diesel::QueryResult<Option<ApiToken>> {
    let Some(row) = q::live_by_hash(conn, &hash(secret.trim()))? else {
        return Ok(None);
    };
    // A failed note of use must not refuse the request.
    let _ = q::touch(conn, row.id, Utc::now().naive_utc());
    Ok(Some(ApiToken {
        id: row.id,
        staff_id: row.staff_id,
        scopes: row.scopes.split(',').filter_map(Scope::from_code).collect(),
    }))
}

/// The new-token form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewTokenInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub scopes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("invalid input")]
    Invalid(FormErrors),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Creates a token; returns its id and the secret, which is never shown again.
pub fn create(
    conn: &mut DbConn,
    actor: i64,
    input: &NewTokenInput,
) -> Result<(i64, String), TokenError> {
    let mut errors = FormErrors::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(("name", "error-required"));
    } else if name.chars().count() > 100 {
        errors.push(("name", "error-too-long"));
    } else if name.chars().any(char::is_control) {
        errors.push(("name", "error-invalid-characters"));
    }
    let mut scopes = Vec::new();
    for s in &input.scopes {
        match Scope::from_code(s.trim()) {
            Some(x) if !scopes.contains(&x) => scopes.push(x),
            Some(_) => {}
            None => errors.push(("scopes", "api-error-scope")),
        }
    }
    if scopes.is_empty() {
        errors.push(("scopes", "api-error-scope-none"));
    }
    if !errors.is_empty() {
        return Err(TokenError::Invalid(errors));
    }
    scopes.sort_by_key(|s| Scope::ALL.iter().position(|x| x == s));
    let codes: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
    let secret = format!("clt_{}", crate::auth::random_token());
    let now = Utc::now().naive_utc();
    let id = write_tx(conn, |conn| {
        let id = q::insert(
            conn,
            name,
            &hash(&secret),
            &secret[..8],
            &codes.join(","),
            actor,
            now,
        )?;
        audit::record(
            conn,
            Some(actor),
            "api.token_create",
            "api_token",
            Some(id),
            None,
            Some(format!("{name} [{}]", codes.join(","))),
            now,
        )?;
        Ok::<_, diesel::result::Error>(id)
    })?;
    Ok((id, secret))
}

/// Revokes a token: every later request with it is refused.
pub fn revoke(conn: &mut DbConn, actor: i64, id: i64) -> diesel::QueryResult<bool> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let n = q::revoke(conn, id, now)?;
        if n == 1 {
            audit::record(
                conn,
                Some(actor),
                "api.token_revoke",
                "api_token",
                Some(id),
                None,
                None,
                now,
            )?;
        }
        Ok(n == 1)
    })
}

pub fn all(conn: &mut DbConn) -> diesel::QueryResult<Vec<TokenRow>> {
    q::all(conn)
}
