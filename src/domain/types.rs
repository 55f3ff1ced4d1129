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

impl Cents {
    /// The most a typed amount may be: 10^12 units, far below i64's limit in cents.
    pub const MAX_UNITS: i64 = 1_000_000_000_000;

    /// Parses an amount typed in any of our languages: digits, then optionally `,` or `.`
    /// and one or two decimals ("12", "12,5", "12.50"). No signs, no grouping, no other
    /// scripts' digits. Zero is allowed; callers that need more say so.
    pub fn parse(input: &str) -> Result<Cents, FieldError> {
        let s = input.trim();
        if s.is_empty() {
            return Err("error-required");
        }
        let (units, fraction) = match s.find([',', '.']) {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, ""),
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if !digits(units)
            || (!fraction.is_empty() && !digits(fraction))
            || (s.len() > units.len() && fraction.is_empty())
        {
            return Err("error-amount-invalid");
        }
        if fraction.len() > 2 {
            return Err("error-amount-decimals");
        }
        if units.len() > 13 {
            return Err("error-amount-too-large");
        }
        let units: i64 = units.parse().map_err(|_| "error-amount-invalid")?;
        if units > Self::MAX_UNITS {
            return Err("error-amount-too-large");
        }
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => {
                fraction
                    .parse::<i64>()
                    .map_err(|_| "error-amount-invalid")?
                    * 10
            }
            _ => fraction
                .parse::<i64>()
                .map_err(|_| "error-amount-invalid")?,
        };
        Ok(Cents(units * 100 + cents))
    }
}

/// A percentage in basis points (1250 = 12.50 %), 0 to 100 %. Typed like an amount: digits and
/// at most two decimals after `,` or `.`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(pub i64);

impl Percent {
    pub const FULL: i64 = 10_000;

    pub fn parse(input: &str) -> Result<Percent, FieldError> {
        let s = input.trim().trim_end_matches('%').trim_end();
        if s.starts_with('-') {
            return Err("error-percent-range");
        }
        let bp = Cents::parse(s).map_err(|e| match e {
            "error-amount-too-large" => "error-percent-range",
            "error-amount-decimals" => "error-amount-decimals",
            "error-required" => "error-required",
            _ => "error-percent-invalid",
        })?;
        if bp.0 > Self::FULL {
            return Err("error-percent-range");
        }
        Ok(Percent(bp.0))
    }

    /// `value` less this percentage of it, rounded to the minor unit (halves up).
    pub fn take_off(self, value: i64) -> i64 {
        value - self.of(value)
    }

    /// This percentage of `value`, rounded to the minor unit (halves up); `value` >= 0.
    pub fn of(self, value: i64) -> i64 {
        let off = (i128::from(value) * i128::from(self.0) + 5_000) / 10_000;
        i64::try_from(off).unwrap_or(value)
    }
}

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
    fn amounts_parse_with_a_comma_or_a_point_and_at_most_two_decimals() {
        assert_eq!(Cents::parse("12"), Ok(Cents(1200)));
        assert_eq!(Cents::parse("12,5"), Ok(Cents(1250)));
        assert_eq!(Cents::parse(" 12.05 "), Ok(Cents(1205)));
        assert_eq!(Cents::parse("0"), Ok(Cents(0)));
        for bad in [
            "",
            "-1",
            "1.234,5",
            "12,345",
            "1e3",
            "abc",
            "١٢",
            "12.",
            ".5",
            "NaN",
            "9223372036854775807",
        ] {
            assert!(Cents::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn percentages_are_basis_points_between_zero_and_a_hundred() {
        assert_eq!(Percent::parse("12,5"), Ok(Percent(1250)));
        assert_eq!(Percent::parse("100"), Ok(Percent(10_000)));
        assert_eq!(Percent::parse("0"), Ok(Percent(0)));
        assert_eq!(Percent::parse("7 %"), Ok(Percent(700)));
        assert_eq!(Percent::parse("150"), Err("error-percent-range"));
        assert_eq!(Percent::parse("-5"), Err("error-percent-range"));
        assert_eq!(Percent::parse("abc"), Err("error-percent-invalid"));
        assert_eq!(Percent::parse("1,234"), Err("error-amount-decimals"));
    }

    #[test]
    fn a_percentage_of_an_amount_rounds_halves_up_to_the_cent() {
        // 12.5 % of 1.00 is 12.5 cents: 13 off.
        assert_eq!(Percent(1250).of(100), 13);
        assert_eq!(Percent(1250).take_off(100), 87);
        // 33.33 % of 0.10 is 3.333 cents: 3 off.
        assert_eq!(Percent(3333).of(10), 3);
        assert_eq!(Percent(10_000).take_off(999), 0);
        assert_eq!(Percent(0).take_off(999), 999);
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
