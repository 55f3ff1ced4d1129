//! The storefront's rules that more than one page needs: whether customers may, must or
//! cannot sign in (seed 003 "Cuentas de clientes").

use chrono::Utc;
use diesel::QueryResult;

use crate::db::{DbConn, settings, write_tx};
use crate::domain::audit;

const LOGIN_MODE: &str = "storefront_login";

/// How the storefront treats customer accounts. Disabled until the merchant chooses otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoginMode {
    /// No sign-in or sign-up anywhere in the storefront: everyone checks out as a guest.
    #[default]
    Disabled,
    /// Sign in, sign up, or check out as a guest.
    Optional,
    /// Only customers with an account can buy; the catalogue stays visible.
    Required,
}

impl LoginMode {
    pub const ALL: [LoginMode; 3] = [
        LoginMode::Disabled,
        LoginMode::Optional,
        LoginMode::Required,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LoginMode::Disabled => "disabled",
            LoginMode::Optional => "optional",
            LoginMode::Required => "required",
        }
    }

    pub fn from_code(code: &str) -> Option<LoginMode> {
        LoginMode::ALL.into_iter().find(|m| m.code() == code)
    }

    /// Whether sign-in and sign-up exist in the storefront.
    pub fn accounts_on(self) -> bool {
        self != LoginMode::Disabled
    }
}

/// The storefront's login mode; [`LoginMode::Disabled`] until set.
pub fn login_mode(conn: &mut DbConn) -> QueryResult<LoginMode> {
    Ok(settings::get(conn, LOGIN_MODE)?
        .as_deref()
        .and_then(LoginMode::from_code)
        .unwrap_or_default())
}

/// Stores the mode (callers audit it: see `domain::settings`).
pub(crate) fn store_login_mode(conn: &mut DbConn, mode: LoginMode) -> QueryResult<()> {
    settings::set(conn, LOGIN_MODE, mode.code())
}

/// The merchant's choice ("Cuentas de clientes"), audited as `settings.storefront_login` with
/// the codes before and after. Saving the mode already in force changes and audits nothing.
pub fn set_login_mode(conn: &mut DbConn, actor: i64, mode: LoginMode) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = login_mode(conn)?;
        if before == mode {
            return Ok(());
        }
        store_login_mode(conn, mode)?;
        audit::record(
            conn,
            Some(actor),
            "settings.storefront_login",
            "settings",
            None,
            Some(before.code().to_owned()),
            Some(mode.code().to_owned()),
            now,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mode_reads_back_from_its_code_and_only_disabled_hides_accounts() {
        for m in LoginMode::ALL {
            assert_eq!(LoginMode::from_code(m.code()), Some(m));
        }
        assert_eq!(LoginMode::from_code("sometimes"), None);
        assert!(!LoginMode::Disabled.accounts_on());
        assert!(LoginMode::Optional.accounts_on() && LoginMode::Required.accounts_on());
        assert_eq!(LoginMode::default(), LoginMode::Disabled);
    }
}
