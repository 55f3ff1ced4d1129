//! Validated values. Each type can only hold a value that passed its checks, so code past the
//! edge (forms, API) never re-validates. Errors are Fluent keys, shown translated next to the field.

use std::fmt;

/// A field error: the Fluent key of the message shown next to the field.
pub type FieldError = &'static str;

/// A syntactically valid e-mail address, trimmed and lower-cased (addresses are compared
/// case-insensitively everywhere), at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, FieldError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err("error-required");
        }
        if s.chars().count() > 254 {
            return Err("error-too-long");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("error-email-invalid");
        };
        let bad_char =
            |c: char| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"@".contains(c);
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.chars().any(bad_char);
        if local.is_empty()
            || local.chars().count() > 64
            || local.chars().any(bad_char)
            || !domain_ok
        {
            return Err("error-email-invalid");
        }
        Ok(Email(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: 12 to 1024 characters (any script; length counted in characters).
/// Never logged or displayed: `Debug` is redacted.
#[derive(Clone)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 1024;

    pub fn parse(input: &str) -> Result<NewPassword, FieldError> {
        let n = input.chars().count();
        if n < Self::MIN_CHARS {
            Err("error-password-too-short")
        } else if n > Self::MAX_CHARS {
            Err("error-too-long")
        } else {
            Ok(NewPassword(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

/// A person's display name: trimmed, 1 to 200 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<PersonName, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            Err("error-required")
        } else if s.chars().count() > 200 {
            Err("error-too-long")
        } else if s.chars().any(char::is_control) {
            Err("error-invalid-characters")
        } else {
            Ok(PersonName(s.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An amount of money in minor units (cents) of some currency. Stored as BIGINT; never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Cents(pub i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ana.Garcia@Example.COM ").unwrap().as_str(),
            "ana.garcia@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "a b@example.com",
            "ana@@x.com",
            "ana@exa..com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn an_overlong_email_is_refused_as_too_long() {
        let long = format!("{}@example.com", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err("error-too-long"));
    }

    #[test]
    fn passwords_are_counted_in_characters_not_bytes() {
        assert!(NewPassword::parse("żółćżółćżółć").is_ok());
        assert_eq!(
            NewPassword::parse("short").err(),
            Some("error-password-too-short")
        );
        assert!(NewPassword::parse(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
    }

    #[test]
    fn names_with_control_characters_are_refused() {
        assert!(PersonName::parse("Ana\u{0}").is_err());
        assert_eq!(
            PersonName::parse("  Zofia Wójcik ").unwrap().as_str(),
            "Zofia Wójcik"
        );
    }
}
