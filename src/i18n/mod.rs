//! Languages: Fluent messages compiled into the binary, language negotiation, and formatting
//! of money, numbers and dates per language (in [`format`]).
//!
//! The language of a request is, in order: the signed-in user's choice, the choice made in
//! this browser session, the browser's `Accept-Language`, the store's default language.

pub mod format;

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use unic_langid::{LanguageIdentifier, langid};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks would make every translated string differ from its plain text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// One of the three languages Clientela speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Es,
    Pl,
    En,
}

const ES: LanguageIdentifier = langid!("es");
const PL: LanguageIdentifier = langid!("pl");
const EN: LanguageIdentifier = langid!("en");

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Es, Lang::Pl, Lang::En];

    /// The BCP 47 code, as used in `<html lang>`, the database and forms.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Es => "es",
            Lang::Pl => "pl",
            Lang::En => "en",
        }
    }

    /// Parses a stored or submitted code; anything else is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "es" => Some(Lang::Es),
            "pl" => Some(Lang::Pl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, shown in the switcher whatever the page's language.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Es => "Español",
            Lang::Pl => "Polski",
            Lang::En => "English",
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::Es => ES,
            Lang::Pl => PL,
            Lang::En => EN,
        }
    }

    /// The message `key` in this language. A missing key shows as the key itself (and the
    /// locale test fails), never as an empty string.
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(&self.langid(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message `key` with arguments. Numbers meant for plural selection go in as
    /// [`Arg::Num`]; formatted amounts go in as [`Arg::Str`] (Fluent's NUMBER ignores locale).
    pub fn t_args(self, key: &str, args: &[(&'static str, Arg)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| {
                let v = match value {
                    Arg::Str(s) => FluentValue::from(s.clone()),
                    Arg::Num(n) => FluentValue::from(*n),
                };
                (Cow::Borrowed(*name), v)
            })
            .collect();
        LOCALES
            .try_lookup_with_args(&self.langid(), key, &map)
            .unwrap_or_else(|| key.to_owned())
    }
}

/// A Fluent argument.
#[derive(Debug, Clone)]
pub enum Arg {
    Str(String),
    Num(i64),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}

/// Picks the best of our languages for an `Accept-Language` header, or `None` when the browser
/// asks for none of them.
pub fn from_accept_language(header: &str) -> Option<Lang> {
    let requested = fluent_langneg::accepted_languages::parse(header);
    let available = [ES, PL, EN];
    let matched = fluent_langneg::negotiate_languages(
        &requested,
        &available,
        None,
        fluent_langneg::NegotiationStrategy::Lookup,
    );
    matched
        .first()
        .and_then(|id| Lang::from_code(id.language.as_str()))
}

/// The request's language: the user's stored choice, then the session's, then the browser's,
/// then the store default.
pub fn negotiate(
    user_choice: Option<Lang>,
    session_choice: Option<Lang>,
    accept_language: Option<&str>,
    store_default: Lang,
) -> Lang {
    user_choice
        .or(session_choice)
        .or_else(|| accept_language.and_then(from_accept_language))
        .unwrap_or(store_default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_latin_american_spanish_browser_gets_spanish() {
        assert_eq!(from_accept_language("es-419,es;q=0.9"), Some(Lang::Es));
    }

    #[test]
    fn an_upper_case_polish_tag_gets_polish() {
        assert_eq!(from_accept_language("PL"), Some(Lang::Pl));
        assert_eq!(
            from_accept_language("de-DE,pl-PL;q=0.8,en;q=0.5"),
            Some(Lang::Pl)
        );
    }

    #[test]
    fn a_browser_asking_for_none_of_our_languages_gets_the_store_default() {
        assert_eq!(negotiate(None, None, Some("de-DE,fr"), Lang::Es), Lang::Es);
    }

    #[test]
    fn the_users_choice_beats_the_browser() {
        assert_eq!(
            negotiate(Some(Lang::Pl), Some(Lang::En), Some("en"), Lang::Es),
            Lang::Pl
        );
    }

    #[test]
    fn polish_plurals_pick_one_few_and_many() {
        let forms: Vec<String> = [1, 2, 5, 22, 25]
            .iter()
            .map(|n| Lang::Pl.t_args("orders-count", &[("count", Arg::Num(*n))]))
            .collect();
        assert_eq!(
            forms,
            [
                "1 zamówienie",
                "2 zamówienia",
                "5 zamówień",
                "22 zamówienia",
                "25 zamówień"
            ]
        );
    }

    #[test]
    fn english_and_spanish_plurals_pick_one_and_other() {
        assert_eq!(
            Lang::En.t_args("orders-count", &[("count", Arg::Num(1))]),
            "1 order"
        );
        assert_eq!(
            Lang::En.t_args("orders-count", &[("count", Arg::Num(2))]),
            "2 orders"
        );
        assert_eq!(
            Lang::Es.t_args("orders-count", &[("count", Arg::Num(1))]),
            "1 pedido"
        );
        assert_eq!(
            Lang::Es.t_args("orders-count", &[("count", Arg::Num(5))]),
            "5 pedidos"
        );
    }
}
