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
