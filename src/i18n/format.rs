//! Locale-aware rendering of numbers, money, dates and months for the three
//! UI languages, backed by ICU4X compiled CLDR data.
//!
//! Invariants shared by every function in this module:
//!
//! * Pure: the output depends only on the arguments (and the CLDR data baked
//!   into the binary); no clock, no environment, no local time zone.
//! * Total: never panics. ICU formatters are built once per language (per
//!   thread, see `formatters`) and cached; if one ever failed to load (it
//!   should not with compiled data), the function falls back to a plain
//!   ASCII rendering instead of failing.
//! * Money and minor units never go through floating point: amounts are
//!   built as an exact [`Decimal`] from the `i64` and shifted by 10^-2.
//! * Whitespace inside numbers and between a number and a currency symbol is
//!   whatever CLDR prescribes; for these three languages that is U+00A0
//!   NO-BREAK SPACE (Polish groups thousands with U+00A0, not U+202F).
//!   Times in English are separated from the AM/PM marker by U+202F NARROW
//!   NO-BREAK SPACE, as CLDR prescribes.

use std::cell::OnceCell;
use std::fmt::Write as _;
use std::rc::Rc;

use chrono::{Datelike, Timelike};
use fixed_decimal::{Decimal, Sign};
use icu_calendar::{Date, Gregorian};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{YM, YMD, YMDT};
use icu_decimal::DecimalFormatter;
use icu_decimal::options::DecimalFormatterOptions;
use icu_locale::{Locale, locale};
use icu_time::{DateTime, Time};

use super::Lang;

/// U+00A0 NO-BREAK SPACE: CLDR's separator between an amount and a currency
/// symbol in `es` and `pl` currency patterns (`#,##0.00 ¤`), and the
/// currency-spacing filler CLDR inserts between a letter-ending symbol and a
/// digit in English (`CHF 12.00`).
const NBSP: char = '\u{a0}';

/// The ICU formatters for one language. Each is optional so that a load
/// failure degrades to the ASCII fallback instead of a panic.
struct Formatters {
    decimal: Option<DecimalFormatter>,
    date: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    datetime: Option<FixedCalendarDateTimeFormatter<Gregorian, YMDT>>,
    month: Option<FixedCalendarDateTimeFormatter<Gregorian, YM>>,
}

impl Formatters {
    fn load(lang: Lang) -> Self {
        let loc = icu_locale(lang);
        Self {
            decimal: DecimalFormatter::try_new((&loc).into(), DecimalFormatterOptions::default())
                .ok(),
            date: FixedCalendarDateTimeFormatter::try_new((&loc).into(), YMD::medium()).ok(),
            datetime: FixedCalendarDateTimeFormatter::try_new(
                (&loc).into(),
                YMD::medium().with_time_hm(),
            )
            .ok(),
            month: FixedCalendarDateTimeFormatter::try_new((&loc).into(), YM::long()).ok(),
        }
    }
}

fn icu_locale(lang: Lang) -> Locale {
    match lang {
        Lang::Es => locale!("es"),
        Lang::Pl => locale!("pl"),
        Lang::En => locale!("en"),
    }
}

/// One lazily-built formatter set per language.
#[derive(Default)]
struct Cache {
    es: OnceCell<Rc<Formatters>>,
    pl: OnceCell<Rc<Formatters>>,
    en: OnceCell<Rc<Formatters>>,
}

/// The cached formatters for `lang`.
///
/// The cache is per thread (`thread_local!` of lazily-initialised cells)
/// rather than a process-wide `OnceLock`: ICU4X data payloads are
/// `Send + Sync` only with `icu_provider`'s `sync` feature, which the
/// project does not enable. Each thread therefore builds a language's
/// formatters once, on first use, and reuses them afterwards. If the
/// thread-local is unavailable (thread teardown), a set is built for this
/// call only, so this never panics.
fn formatters(lang: Lang) -> Rc<Formatters> {
    thread_local! {
        static CACHE: Cache = Cache::default();
    }
    CACHE
        .try_with(|cache| {
            let cell = match lang {
                Lang::Es => &cache.es,
                Lang::Pl => &cache.pl,
                Lang::En => &cache.en,
            };
            Rc::clone(cell.get_or_init(|| Rc::new(Formatters::load(lang))))
        })
        .unwrap_or_else(|_| Rc::new(Formatters::load(lang)))
}

/// Renders anything `Display` into a fresh `String` (ICU's formatted values
/// implement `Display` via `Writeable`).
fn render(value: impl std::fmt::Display) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write!(out, "{value}");
    out
}

/// Exact decimal `minor / 100` with exactly two fraction digits.
/// Never goes through floating point.
fn minor_units_decimal(minor: i64) -> Decimal {
    let mut dec = Decimal::from(minor);
    dec.absolute.multiply_pow10(-2);
    dec.absolute.pad_end(-2);
    dec
}

/// ASCII rendering of `minor / 100` with two fraction digits, no grouping.
/// Handles `i64::MIN` (uses the unsigned magnitude).
fn ascii_minor_units(minor: i64) -> String {
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Formats an integer with the locale's digits, grouping separator and
/// minus sign (CLDR via `icu_decimal`).
///
/// CLDR sets `minimumGroupingDigits = 2` for `es` and `pl`, so 4-digit
/// numbers are not grouped there: es `1234`, `12.345`; pl `1234`,
/// `12 345` (the separator is U+00A0 NO-BREAK SPACE); en `1,234`.
/// Negative numbers use CLDR's minus sign, which is the ASCII hyphen-minus
/// for all three languages. Falls back to `n.to_string()` if ICU data is
/// unavailable.
#[must_use]
pub fn format_integer(n: i64, lang: Lang) -> String {
    match &formatters(lang).decimal {
        Some(f) => render(f.format(&Decimal::from(n))),
        None => n.to_string(),
    }
}

/// Formats an amount given in integer minor units (cents) as a decimal with
/// exactly two fraction digits: es `1234,56` / `12.345,67`, pl `1234,56` /
/// `12 345,67` (U+00A0 grouping), en `1,234.56` / `12,345.67`.
///
/// Never goes through floating point: the value is built as an exact
/// [`Decimal`] from the `i64`, shifted by 10^-2 and padded to two fraction
/// digits, so every `i64` (including `i64::MIN`) renders exactly.
/// Negative values carry CLDR's minus sign (ASCII `-` for these languages).
#[must_use]
pub fn format_minor_units(minor: i64, lang: Lang) -> String {
    match &formatters(lang).decimal {
        Some(f) => render(f.format(&minor_units_decimal(minor))),
        None => ascii_minor_units(minor),
    }
}

/// An amount in minor units as typed back into a form field: no grouping, two decimals, the
/// language's decimal sign (es, pl `1234,50`; en `1234.50`). Reads back with `Cents::parse`.
#[must_use]
pub fn format_input_amount(minor: i64, lang: Lang) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    let point = if lang == Lang::En { '.' } else { ',' };
    format!("{sign}{}{point}{:02}", m / 100, m % 100)
}

/// Where the currency symbol goes relative to the number.
#[derive(Clone, Copy)]
enum Placement {
    /// CLDR `¤#,##0.00` (en): symbol before the number, after the sign.
    Prefix,
    /// CLDR `#,##0.00 ¤` (es, pl): symbol after the number, separated by
    /// U+00A0.
    Suffix,
}

fn placement(lang: Lang) -> Placement {
    match lang {
        Lang::En => Placement::Prefix,
        Lang::Es | Lang::Pl => Placement::Suffix,
    }
}

/// Currency symbol for a code in a language.
///
/// * `EUR` → `€`, `PLN` → `zł`, `GBP` → `£` in every language (project
///   choice: CLDR itself uses the ISO code `PLN` outside Polish and `GBP`
///   outside English).
/// * `USD` → CLDR's symbol: en `$`, es `US$`, pl `USD`.
/// * Anything else → the code itself (trimmed and upper-cased ASCII);
///   an empty/blank code yields CLDR's generic currency sign `¤`.
fn currency_symbol(currency: &str, lang: Lang) -> String {
    let code = currency.trim().to_ascii_uppercase();
    if code.is_empty() {
        return "¤".to_owned();
    }
    let symbol = match (code.as_str(), lang) {
        ("EUR", _) => "€",
        ("PLN", _) => "zł",
        ("GBP", _) => "£",
        ("USD", Lang::En) => "$",
        ("USD", Lang::Es) => "US$",
        ("USD", Lang::Pl) => "USD",
        _ => return code,
    };
    symbol.to_owned()
}

/// Formats money from integer minor units (cents) with the currency symbol
/// placed as CLDR's standard currency pattern does for the language:
///
/// * es: `#,##0.00 ¤` → `1234,56 €`, `12.345,67 €`, `-5,00 €`
/// * pl: `#,##0.00 ¤` → `1234,56 zł`, `12 345,67 zł`, `-5,00 zł`
/// * en: `¤#,##0.00` → `€1,234.56`, `-€5.00`, `CHF 12.00`
///
/// The number part is exactly [`format_minor_units`] (ICU's decimal
/// formatter): because CLDR's `minimumGroupingDigits` is 2 for es and pl,
/// 4-digit amounts are *not* grouped there (`1234,56 €`, `1234,56 zł`).
/// The space between number and symbol in es/pl is U+00A0 NO-BREAK SPACE;
/// in en a U+00A0 is inserted only when the symbol ends in a letter
/// (CLDR currency spacing), e.g. `CHF 12.00`, `-CHF 5.00`.
/// See `currency_symbol` for the symbol table. Never goes through
/// floating point.
#[must_use]
pub fn format_money(minor: i64, currency: &str, lang: Lang) -> String {
    let symbol = currency_symbol(currency, lang);
    match placement(lang) {
        Placement::Suffix => {
            let mut out = format_minor_units(minor, lang);
            out.push(NBSP);
            out.push_str(&symbol);
            out
        }
        Placement::Prefix => {
            let (minus, magnitude) = signed_parts(minor, lang);
            let spacing = if symbol.chars().last().is_some_and(char::is_alphabetic) {
                NBSP.to_string()
            } else {
                String::new()
            };
            format!("{minus}{symbol}{spacing}{magnitude}")
        }
    }
}

/// Splits a minor-units amount into (locale minus-sign prefix, formatted
/// absolute value). The minus prefix is taken from ICU's own rendering of
/// the negative number so it is always CLDR's sign, not a hard-coded one.
fn signed_parts(minor: i64, lang: Lang) -> (String, String) {
    let formatters = formatters(lang);
    let Some(f) = &formatters.decimal else {
        let magnitude = ascii_minor_units(minor).trim_start_matches('-').to_owned();
        let minus = if minor < 0 { "-" } else { "" };
        return (minus.to_owned(), magnitude);
    };
    let signed = minor_units_decimal(minor);
    let mut absolute = signed.clone();
    absolute.set_sign(Sign::None);
    let magnitude = render(f.format(&absolute));
    if minor >= 0 {
        return (String::new(), magnitude);
    }
    let full = render(f.format(&signed));
    let minus = full
        .strip_suffix(&magnitude)
        .map_or_else(|| "-".to_owned(), str::to_owned);
    (minus, magnitude)
}

fn gregorian(date: chrono::NaiveDate) -> Option<Date<Gregorian>> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    Date::try_new_gregorian(date.year(), month, day).ok()
}

/// Formats a date in CLDR's medium year-month-day form with an abbreviated
/// month name: es `23 nov 2026`, pl `23 lis 2026`, en `Nov 23, 2026`.
/// Gregorian calendar regardless of locale defaults. Falls back to ISO
/// `YYYY-MM-DD` if ICU cannot format it (e.g. years outside ICU's range).
#[must_use]
pub fn format_date(date: chrono::NaiveDate, lang: Lang) -> String {
    let formatted = formatters(lang)
        .date
        .as_ref()
        .zip(gregorian(date))
        .map(|(f, d)| render(f.format(&d)));
    formatted.unwrap_or_else(|| date.format("%Y-%m-%d").to_string())
}

/// Formats a timestamp as a medium date plus an hour-minute time, using the
/// locale's hour cycle: es `23 nov 2026, 14:05`, pl `23 lis 2026, 14:05`,
/// en `Nov 23, 2026, 2:05 PM` (U+202F before `PM`).
///
/// The input is a UTC wall-clock time and is rendered as-is, in UTC: no
/// conversion to any local zone and no zone label. Seconds are dropped, not
/// rounded. Falls back to `YYYY-MM-DD HH:MM` if ICU cannot format it.
#[must_use]
pub fn format_datetime(ts: chrono::NaiveDateTime, lang: Lang) -> String {
    let input = gregorian(ts.date()).and_then(|date| {
        let hour = u8::try_from(ts.hour()).ok()?;
        let minute = u8::try_from(ts.minute()).ok()?;
        let time = Time::try_new(hour, minute, 0, 0).ok()?;
        Some(DateTime { date, time })
    });
    let formatted = formatters(lang)
        .datetime
        .as_ref()
        .zip(input)
        .map(|(f, dt)| render(f.format(&dt)));
    formatted.unwrap_or_else(|| ts.format("%Y-%m-%d %H:%M").to_string())
}

/// Formats a month of a year with the full month name, as CLDR's long
/// year-month pattern does: es `noviembre de 2026`, pl `listopad 2026`
/// (nominative, standalone form), en `November 2026`. Used for chart labels.
///
/// An invalid month (not 1..=12) or a year ICU cannot represent falls back
/// to `YYYY-MM` (e.g. `2026-13`).
#[must_use]
pub fn format_month(year: i32, month: u32, lang: Lang) -> String {
    let date = u8::try_from(month)
        .ok()
        .filter(|m| (1..=12).contains(m))
        .and_then(|m| Date::try_new_gregorian(year, m, 1).ok());
    let formatted = formatters(lang)
        .month
        .as_ref()
        .zip(date)
        .map(|(f, d)| render(f.format(&d)));
    formatted.unwrap_or_else(|| format!("{year:04}-{month:02}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    // ---- format_integer -------------------------------------------------

    #[test]
    fn spanish_integers_group_with_dots_only_from_five_digits() {
        assert_eq!(format_integer(0, Lang::Es), "0");
        assert_eq!(format_integer(7, Lang::Es), "7");
        assert_eq!(format_integer(-7, Lang::Es), "-7");
        assert_eq!(format_integer(1234, Lang::Es), "1234");
        assert_eq!(format_integer(-1234, Lang::Es), "-1234");
        assert_eq!(format_integer(12345, Lang::Es), "12.345");
        assert_eq!(format_integer(1234567, Lang::Es), "1.234.567");
        assert_eq!(format_integer(-1234567, Lang::Es), "-1.234.567");
    }

    #[test]
    fn polish_integers_group_with_a_no_break_space_only_from_five_digits() {
        assert_eq!(format_integer(0, Lang::Pl), "0");
        assert_eq!(format_integer(-7, Lang::Pl), "-7");
        assert_eq!(format_integer(1234, Lang::Pl), "1234");
        assert_eq!(format_integer(-1234, Lang::Pl), "-1234");
        assert_eq!(format_integer(12345, Lang::Pl), "12\u{a0}345");
        assert_eq!(format_integer(1234567, Lang::Pl), "1\u{a0}234\u{a0}567");
        assert_eq!(format_integer(-1234567, Lang::Pl), "-1\u{a0}234\u{a0}567");
    }

    #[test]
    fn polish_grouping_separator_is_u00a0_not_narrow_no_break_space() {
        let s = format_integer(12345, Lang::Pl);
        assert!(s.contains('\u{a0}'));
        assert!(!s.contains('\u{202f}'));
        assert!(!s.contains(' '));
    }

    #[test]
    fn english_integers_group_with_commas_from_four_digits() {
        assert_eq!(format_integer(0, Lang::En), "0");
        assert_eq!(format_integer(-7, Lang::En), "-7");
        assert_eq!(format_integer(1234, Lang::En), "1,234");
        assert_eq!(format_integer(-1234, Lang::En), "-1,234");
        assert_eq!(format_integer(12345, Lang::En), "12,345");
        assert_eq!(format_integer(1234567, Lang::En), "1,234,567");
        assert_eq!(format_integer(-1234567, Lang::En), "-1,234,567");
    }

    #[test]
    fn integer_extremes_render_exactly() {
        assert_eq!(
            format_integer(i64::MAX, Lang::En),
            "9,223,372,036,854,775,807"
        );
        assert_eq!(
            format_integer(i64::MIN, Lang::En),
            "-9,223,372,036,854,775,808"
        );
    }

    // ---- format_minor_units ---------------------------------------------

    #[test]
    fn spanish_minor_units_use_a_decimal_comma_and_two_fraction_digits() {
        assert_eq!(format_minor_units(0, Lang::Es), "0,00");
        assert_eq!(format_minor_units(5, Lang::Es), "0,05");
        assert_eq!(format_minor_units(-500, Lang::Es), "-5,00");
        assert_eq!(format_minor_units(123456, Lang::Es), "1234,56");
        assert_eq!(format_minor_units(-123456, Lang::Es), "-1234,56");
        assert_eq!(format_minor_units(1234567, Lang::Es), "12.345,67");
        assert_eq!(format_minor_units(-1234567, Lang::Es), "-12.345,67");
    }

    #[test]
    fn polish_minor_units_group_thousands_with_a_no_break_space() {
        assert_eq!(format_minor_units(0, Lang::Pl), "0,00");
        assert_eq!(format_minor_units(-500, Lang::Pl), "-5,00");
        assert_eq!(format_minor_units(123456, Lang::Pl), "1234,56");
        assert_eq!(format_minor_units(1234567, Lang::Pl), "12\u{a0}345,67");
        assert_eq!(format_minor_units(-1234567, Lang::Pl), "-12\u{a0}345,67");
    }

    #[test]
    fn english_minor_units_use_a_decimal_point_and_comma_grouping() {
        assert_eq!(format_minor_units(0, Lang::En), "0.00");
        assert_eq!(format_minor_units(5, Lang::En), "0.05");
        assert_eq!(format_minor_units(-500, Lang::En), "-5.00");
        assert_eq!(format_minor_units(123456, Lang::En), "1,234.56");
        assert_eq!(format_minor_units(1234567, Lang::En), "12,345.67");
        assert_eq!(format_minor_units(-1234567, Lang::En), "-12,345.67");
    }

    #[test]
    fn minor_units_are_exact_at_the_i64_extremes_without_floating_point() {
        assert_eq!(
            format_minor_units(i64::MAX, Lang::En),
            "92,233,720,368,547,758.07"
        );
        assert_eq!(
            format_minor_units(i64::MIN, Lang::En),
            "-92,233,720,368,547,758.08"
        );
        assert_eq!(
            format_minor_units(i64::MIN, Lang::Es),
            "-92.233.720.368.547.758,08"
        );
    }

    #[test]
    fn ascii_fallback_for_minor_units_is_exact_including_i64_min() {
        assert_eq!(ascii_minor_units(0), "0.00");
        assert_eq!(ascii_minor_units(5), "0.05");
        assert_eq!(ascii_minor_units(-500), "-5.00");
        assert_eq!(ascii_minor_units(1234567), "12345.67");
        assert_eq!(ascii_minor_units(i64::MIN), "-92233720368547758.08");
    }

    // ---- format_money ---------------------------------------------------

    #[test]
    fn spanish_money_puts_the_symbol_after_a_no_break_space() {
        assert_eq!(format_money(0, "EUR", Lang::Es), "0,00\u{a0}€");
        assert_eq!(format_money(-500, "EUR", Lang::Es), "-5,00\u{a0}€");
        assert_eq!(format_money(123456, "EUR", Lang::Es), "1234,56\u{a0}€");
        assert_eq!(format_money(1234567, "EUR", Lang::Es), "12.345,67\u{a0}€");
        assert_eq!(format_money(1234567, "PLN", Lang::Es), "12.345,67\u{a0}zł");
        assert_eq!(format_money(123456, "USD", Lang::Es), "1234,56\u{a0}US$");
        assert_eq!(format_money(123456, "GBP", Lang::Es), "1234,56\u{a0}£");
        assert_eq!(format_money(1200, "CHF", Lang::Es), "12,00\u{a0}CHF");
    }

    #[test]
    fn polish_money_groups_thousands_with_a_no_break_space() {
        assert_eq!(format_money(0, "PLN", Lang::Pl), "0,00\u{a0}zł");
        assert_eq!(format_money(-500, "PLN", Lang::Pl), "-5,00\u{a0}zł");
        assert_eq!(format_money(123456, "PLN", Lang::Pl), "1234,56\u{a0}zł");
        assert_eq!(
            format_money(1234567, "PLN", Lang::Pl),
            "12\u{a0}345,67\u{a0}zł"
        );
        assert_eq!(
            format_money(-1234567, "PLN", Lang::Pl),
            "-12\u{a0}345,67\u{a0}zł"
        );
        assert_eq!(format_money(123456, "EUR", Lang::Pl), "1234,56\u{a0}€");
        assert_eq!(format_money(123456, "USD", Lang::Pl), "1234,56\u{a0}USD");
        assert_eq!(format_money(123456, "GBP", Lang::Pl), "1234,56\u{a0}£");
        assert_eq!(format_money(1200, "CHF", Lang::Pl), "12,00\u{a0}CHF");
    }

    #[test]
    fn english_money_puts_the_symbol_first_and_the_sign_before_it() {
        assert_eq!(format_money(0, "EUR", Lang::En), "€0.00");
        assert_eq!(format_money(-500, "EUR", Lang::En), "-€5.00");
        assert_eq!(format_money(123456, "EUR", Lang::En), "€1,234.56");
        assert_eq!(format_money(1234567, "EUR", Lang::En), "€12,345.67");
        assert_eq!(format_money(-1234567, "USD", Lang::En), "-$12,345.67");
        assert_eq!(format_money(123456, "GBP", Lang::En), "£1,234.56");
    }

    #[test]
    fn english_money_separates_letter_symbols_from_digits_with_a_no_break_space() {
        assert_eq!(format_money(1200, "CHF", Lang::En), "CHF\u{a0}12.00");
        assert_eq!(format_money(-500, "CHF", Lang::En), "-CHF\u{a0}5.00");
        assert_eq!(format_money(123456, "PLN", Lang::En), "zł\u{a0}1,234.56");
    }

    #[test]
    fn money_accepts_lowercase_and_padded_currency_codes() {
        assert_eq!(format_money(500, " eur ", Lang::Es), "5,00\u{a0}€");
        assert_eq!(format_money(500, "chf", Lang::En), "CHF\u{a0}5.00");
    }

    #[test]
    fn money_with_a_blank_currency_code_uses_the_generic_currency_sign() {
        assert_eq!(format_money(500, "", Lang::Es), "5,00\u{a0}¤");
        assert_eq!(format_money(500, "  ", Lang::En), "¤5.00");
    }

    #[test]
    fn money_number_part_is_exactly_format_minor_units() {
        for lang in Lang::ALL {
            for minor in [0, 1, -1, 99, 123456, -1234567, i64::MAX, i64::MIN] {
                let money = format_money(minor, "CHF", lang);
                let number = format_minor_units(minor, lang);
                let magnitude = number.trim_start_matches('-');
                assert!(money.contains(magnitude), "{money} vs {number}");
            }
        }
    }

    #[test]
    fn money_at_i64_min_keeps_the_sign_in_front() {
        assert_eq!(
            format_money(i64::MIN, "USD", Lang::En),
            "-$92,233,720,368,547,758.08"
        );
    }

    // ---- format_date ----------------------------------------------------

    #[test]
    fn spanish_dates_are_day_abbreviated_month_year() {
        assert_eq!(format_date(date(2026, 11, 23), Lang::Es), "23 nov 2026");
        assert_eq!(format_date(date(2026, 5, 3), Lang::Es), "3 may 2026");
        assert_eq!(format_date(date(2024, 2, 29), Lang::Es), "29 feb 2024");
    }

    #[test]
    fn polish_dates_are_day_abbreviated_month_year() {
        assert_eq!(format_date(date(2026, 11, 23), Lang::Pl), "23 lis 2026");
        assert_eq!(format_date(date(2026, 5, 3), Lang::Pl), "3 maj 2026");
        assert_eq!(format_date(date(2024, 2, 29), Lang::Pl), "29 lut 2024");
    }

    #[test]
    fn english_dates_are_abbreviated_month_day_comma_year() {
        assert_eq!(format_date(date(2026, 11, 23), Lang::En), "Nov 23, 2026");
        assert_eq!(format_date(date(2026, 5, 3), Lang::En), "May 3, 2026");
        assert_eq!(format_date(date(2024, 2, 29), Lang::En), "Feb 29, 2024");
    }

    #[test]
    fn dates_never_panic_at_chronos_extremes() {
        for lang in Lang::ALL {
            assert!(!format_date(NaiveDate::MIN, lang).is_empty());
            assert!(!format_date(NaiveDate::MAX, lang).is_empty());
        }
    }

    // ---- format_datetime ------------------------------------------------

    #[test]
    fn spanish_datetimes_use_a_24_hour_clock() {
        let ts = date(2026, 11, 23).and_hms_opt(14, 5, 59).unwrap();
        assert_eq!(format_datetime(ts, Lang::Es), "23 nov 2026, 14:05");
        let midnight = date(2026, 11, 23).and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(format_datetime(midnight, Lang::Es), "23 nov 2026, 00:00");
    }

    #[test]
    fn polish_datetimes_use_a_24_hour_clock() {
        let ts = date(2026, 11, 23).and_hms_opt(14, 5, 59).unwrap();
        assert_eq!(format_datetime(ts, Lang::Pl), "23 lis 2026, 14:05");
        let midnight = date(2026, 11, 23).and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(format_datetime(midnight, Lang::Pl), "23 lis 2026, 00:00");
    }

    #[test]
    fn english_datetimes_use_a_12_hour_clock_with_a_narrow_no_break_space() {
        let ts = date(2026, 11, 23).and_hms_opt(14, 5, 59).unwrap();
        assert_eq!(
            format_datetime(ts, Lang::En),
            "Nov 23, 2026, 2:05\u{202f}PM"
        );
        let midnight = date(2026, 11, 23).and_hms_opt(0, 0, 0).unwrap();
        assert_eq!(
            format_datetime(midnight, Lang::En),
            "Nov 23, 2026, 12:00\u{202f}AM"
        );
    }

    #[test]
    fn datetimes_tolerate_leap_seconds_and_drop_seconds() {
        let leap = date(2016, 12, 31)
            .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
            .unwrap();
        assert_eq!(format_datetime(leap, Lang::Pl), "31 gru 2016, 23:59");
    }

    // ---- format_month ---------------------------------------------------

    #[test]
    fn spanish_months_read_month_de_year() {
        assert_eq!(format_month(2026, 11, Lang::Es), "noviembre de 2026");
        assert_eq!(format_month(2026, 1, Lang::Es), "enero de 2026");
        assert_eq!(format_month(2026, 9, Lang::Es), "septiembre de 2026");
    }

    #[test]
    fn polish_months_use_the_nominative_standalone_name() {
        assert_eq!(format_month(2026, 11, Lang::Pl), "listopad 2026");
        assert_eq!(format_month(2026, 1, Lang::Pl), "styczeń 2026");
        assert_eq!(format_month(2026, 10, Lang::Pl), "październik 2026");
    }

    #[test]
    fn english_months_read_month_year() {
        assert_eq!(format_month(2026, 11, Lang::En), "November 2026");
        assert_eq!(format_month(2026, 1, Lang::En), "January 2026");
        assert_eq!(format_month(2026, 12, Lang::En), "December 2026");
    }

    #[test]
    fn invalid_months_fall_back_to_iso_year_month() {
        for lang in Lang::ALL {
            assert_eq!(format_month(2026, 0, lang), "2026-00");
            assert_eq!(format_month(2026, 13, lang), "2026-13");
            assert_eq!(format_month(2026, u32::MAX, lang), "2026-4294967295");
        }
    }

    // ---- caching --------------------------------------------------------

    #[test]
    fn formatters_work_from_several_threads() {
        let handles: Vec<_> = Lang::ALL
            .into_iter()
            .map(|lang| std::thread::spawn(move || format_money(123456, "EUR", lang)))
            .collect();
        let out: Vec<String> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(out, ["1234,56\u{a0}€", "1234,56\u{a0}€", "€1,234.56"]);
    }

    #[test]
    fn formatters_are_cached_per_language_within_a_thread() {
        let first = formatters(Lang::Pl);
        let second = formatters(Lang::Pl);
        assert!(Rc::ptr_eq(&first, &second));
        assert!(!Rc::ptr_eq(&first, &formatters(Lang::Es)));
    }

    #[test]
    fn compiled_data_loads_every_formatter_for_every_language() {
        for lang in Lang::ALL {
            let f = formatters(lang);
            assert!(f.decimal.is_some());
            assert!(f.date.is_some());
            assert!(f.datetime.is_some());
            assert!(f.month.is_some());
        }
    }
}
