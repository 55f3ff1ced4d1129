//! Store settings: the default language and the one-time setup token.

use chrono::Utc;
use diesel::QueryResult;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::{DbConn, settings, write_tx};
use crate::domain::audit;
use crate::i18n::Lang;

const DEFAULT_LANG: &str = "default_language";
const SETUP_TOKEN: &str = "setup_token_sha256";
const STORE_CURRENCY: &str = "store_currency";
const COOKIE_KEY: &str = "session_cookie_key";
/// Bytes in the cookie signing key (what `actix_web::cookie::Key::from` takes at least).
const COOKIE_KEY_BYTES: usize = 64;

/// The key that signs session cookies. It lives in the database so that every app server of
/// the store signs and accepts the same cookies: a session begun behind one server of a load
/// balancer is recognised by the others. Created by the first server that starts; when two
/// start at once on PostgreSQL and both try to create it, the one that loses the race reads
/// the winner's. A copy of the database holding this key hands out no session: the ids are
/// stored hashed, and the key only signs an id one would still need to know.
pub fn cookie_key(conn: &mut DbConn) -> QueryResult<Vec<u8>> {
    let stored = |conn: &mut DbConn| -> QueryResult<Option<Vec<u8>>> {
        Ok(settings::get(conn, COOKIE_KEY)?
            .and_then(|h| hex::decode(h).ok())
            .filter(|k| k.len() == COOKIE_KEY_BYTES))
    };
    if let Some(key) = stored(conn)? {
        return Ok(key);
    }
    let created = write_tx(conn, |conn| {
        if let Some(key) = stored(conn)? {
            return Ok(key);
        }
        let key: [u8; COOKIE_KEY_BYTES] = std::array::from_fn(|_| rand::random());
        settings::set(conn, COOKIE_KEY, &hex::encode(key))?;
        Ok(key.to_vec())
    });
    match created {
        Ok(key) => Ok(key),
        // Another server inserted it between our read and our insert: use theirs.
        Err(e) => stored(conn)?.ok_or(e),
    }
}

/// The currency the store sells in (ISO 4217); amounts spent are compared in it. EUR until
/// set otherwise.
pub fn store_currency(conn: &mut DbConn) -> QueryResult<String> {
    Ok(settings::get(conn, STORE_CURRENCY)?.unwrap_or_else(|| "EUR".to_owned()))
}

/// The store's default language; Spanish until the owner changes it.
pub fn default_lang(conn: &mut DbConn) -> QueryResult<Lang> {
    Ok(settings::get(conn, DEFAULT_LANG)?
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(Lang::Es))
}

pub fn set_default_lang(conn: &mut DbConn, actor: i64, lang: Lang) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = default_lang(conn)?;
        settings::set(conn, DEFAULT_LANG, lang.code())?;
        audit::record(
            conn,
            Some(actor),
            "settings.default_language",
            "settings",
            None,
            Some(before.code().to_owned()),
            Some(lang.code().to_owned()),
            now,
        )
    })
}

/// Creates a fresh one-time setup token while no staff account exists and returns it; only
/// its hash is stored. `None` once setup is done.
pub fn issue_setup_token(conn: &mut DbConn) -> QueryResult<Option<String>> {
    write_tx(conn, |conn| {
        if crate::domain::staff::any_exists(conn)? {
            return Ok(None);
        }
        let token = Alphanumeric.sample_string(&mut rand::rng(), 32);
        settings::set(
            conn,
            SETUP_TOKEN,
            &hex::encode(Sha256::digest(token.as_bytes())),
        )?;
        Ok(Some(token))
    })
}

/// True when `token` is the live setup token and setup is still open.
pub fn setup_token_valid(conn: &mut DbConn, token: &str) -> QueryResult<bool> {
    if crate::domain::staff::any_exists(conn)? {
        return Ok(false);
    }
    let Some(stored) = settings::get(conn, SETUP_TOKEN)? else {
        return Ok(false);
    };
    let given = hex::encode(Sha256::digest(token.as_bytes()));
    Ok(bool::from(given.as_bytes().ct_eq(stored.as_bytes())))
}

pub fn clear_setup_token(conn: &mut DbConn) -> QueryResult<()> {
    settings::delete(conn, SETUP_TOKEN)?;
    Ok(())
}
