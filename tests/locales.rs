//! Every Fluent message exists in Spanish, Polish and English, and every key the templates and
//! the code use exists.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use std::collections::BTreeSet;
use std::path::Path;

use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use regex::Regex;

fn keys_of(lang: &str) -> BTreeSet<String> {
    let re = Regex::new(r"(?m)^(-?[A-Za-z][A-Za-z0-9_-]*)\s*=").unwrap();
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(Path::new("locales").join(lang)).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        keys.extend(re.captures_iter(&text).map(|c| c[1].to_owned()));
    }
    keys
}

fn files_under(dir: &str, ext: &str, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(path.to_str().unwrap(), ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// Keys named literally in templates (`ui.t("…")`, `label_key = "…"`) and in the code (field
/// errors, flash messages, error pages, sign-in messages).
fn used_keys() -> BTreeSet<String> {
    let mut texts = Vec::new();
    files_under("templates", "html", &mut texts);
    let template_re = Regex::new(r#"(?:\bt[ns]?\(|label_key = )"([a-z0-9-]+)""#).unwrap();
    let mut used: BTreeSet<String> = texts
        .iter()
        .flat_map(|t| {
            template_re
                .captures_iter(t)
                .map(|c| c[1].to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    let mut code = Vec::new();
    files_under("src", "rs", &mut code);
    let code_re =
        Regex::new(r#""((?:error|flash|login|chip|filter|loyalty-error)-[a-z0-9-]+)""#).unwrap();
    used.extend(code.iter().flat_map(|t| {
        code_re
            .captures_iter(t)
            .map(|c| c[1].to_owned())
            .collect::<Vec<_>>()
    }));
    // Keys built at run time from a closed set of values.
    // Used from `Ui::customers_found_capped`.
    used.insert("customers-found".to_owned());
    used.insert("customers-found-many".to_owned());
    for role in Role::ALL {
        used.insert(format!("role-{}", role.code()));
        used.insert(format!("role-{}-help", role.code()));
    }
    for status in clientela::domain::orders::STATUSES {
        used.insert(format!("order-status-{status}"));
    }
    for method in [
        "card",
        "bank_transfer",
        "cash_on_delivery",
        "store_credit",
        "points",
    ] {
        used.insert(format!("payment-{method}"));
    }
    for kind in ["shipping", "billing"] {
        used.insert(format!("address-{kind}"));
    }
    for error in [
        "error-required",
        "error-too-long",
        "error-invalid-characters",
    ] {
        used.insert(format!("tag-{error}"));
    }
    // E-mails are named by a stem; their subject and body are `{stem}-subject`/`-body`.
    let mail_re = Regex::new(r#""(mail-[a-z-]+)""#).unwrap();
    for text in &code {
        for c in mail_re.captures_iter(text) {
            used.insert(format!("{}-subject", &c[1]));
            used.insert(format!("{}-body", &c[1]));
        }
    }
    // Every audit action the customer timeline can show.
    let action_re = Regex::new(r#""((?:customer|address|note|tag|order)\.[a-z_]+)""#).unwrap();
    for text in &code {
        for c in action_re.captures_iter(text) {
            used.insert(format!("audit-{}", c[1].replace('.', "-")));
        }
    }
    // Store credit movements are audited as `credit.<kind>` on the customer (`format!`ed).
    for kind in ["grant", "spend", "reversal", "refund", "void", "expiry"] {
        used.insert(format!("audit-credit-{kind}"));
        used.insert(format!("credit-kind-{kind}"));
    }
    // Points movements, audited as `loyalty.<kind>`, and review decisions (`format!`ed).
    for kind in [
        "earn_order",
        "earn_newsletter",
        "earn_review",
        "manual_add",
        "manual_subtract",
        "hold",
        "release",
        "redeem",
        "reversal",
        "expiry",
    ] {
        used.insert(format!("audit-loyalty-{kind}"));
        used.insert(format!("loyalty-kind-{kind}"));
    }
    for status in ["pending", "accepted", "rejected"] {
        used.insert(format!("exchange-status-{status}"));
    }
    for status in ["pending", "approved", "rejected"] {
        used.insert(format!("review-status-{status}"));
        used.insert(format!("audit-review-{}", status.replace("pending", "add")));
    }
    for chart in ["earned", "redeemed"] {
        used.insert(format!("loyalty-chart-{chart}"));
    }
    for reason in ["return", "exchange", "compensation", "other"] {
        used.insert(format!("credit-reason-{reason}"));
    }
    used
}

#[test]
fn every_message_exists_in_spanish_polish_and_english() {
    let es = keys_of("es");
    let pl = keys_of("pl");
    let en = keys_of("en");
    assert!(es.len() > 50, "the catalogue was found");
    for (name, keys) in [("pl", &pl), ("en", &en)] {
        let missing: Vec<_> = es.difference(keys).collect();
        let extra: Vec<_> = keys.difference(&es).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{name}: missing {missing:?}, not in es {extra:?}"
        );
    }
}

#[test]
fn every_key_the_templates_and_code_use_exists() {
    let used = used_keys();
    assert!(
        used.len() > 50,
        "the scan found the keys ({} found)",
        used.len()
    );
    for lang in ["es", "pl", "en"] {
        let have = keys_of(lang);
        let missing: Vec<_> = used.iter().filter(|k| !have.contains(*k)).collect();
        assert!(missing.is_empty(), "locales/{lang} lacks {missing:?}");
    }
}

#[test]
fn every_used_key_resolves_to_text_at_run_time() {
    for key in used_keys() {
        for lang in Lang::ALL {
            let text = lang.t_args(
                &key,
                &[
                    ("count", 2i64.into()),
                    ("n", "2".into()),
                    ("value", "v".into()),
                    ("name", "x".into()),
                    ("date", "d".into()),
                    ("number", "1001".into()),
                    ("currency", "EUR".into()),
                    ("amount", "1 €".into()),
                    ("balance", "1 €".into()),
                    ("due", "1 €".into()),
                    ("max", "1 €".into()),
                    ("percent", "10 %".into()),
                    ("product", "p".into()),
                    ("group", "g".into()),
                    ("order", "1 €".into()),
                    ("outstanding", "1 €".into()),
                    ("limit", "1 €".into()),
                    ("email", "ana@example.es".into()),
                    ("link", "http://x/shop/confirm/t".into()),
                    ("hours", 48i64.into()),
                    ("points", "10".into()),
                    ("status", "Pagado".into()),
                    ("from", "Pendiente".into()),
                    ("total", "1 €".into()),
                    ("file", "clientes.csv".into()),
                    ("column", "Correo".into()),
                    ("line", 7i64.into()),
                    ("done", "500".into()),
                    ("mb", "32".into()),
                ],
            );
            assert_ne!(text, key, "{key} in {lang:?} did not resolve");
            assert!(!text.trim().is_empty(), "{key} in {lang:?} is empty");
        }
    }
}
