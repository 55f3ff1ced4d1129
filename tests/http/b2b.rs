//! B2B over HTTP (issue 6): a customer's credit options (seed 002 "Ver opciones de crédito" →
//! "Agregar opción" → form → "Agregar" → "Guardar"), orders placed on account from the panel
//! (limit, payment terms, overdue invoices, "Registrar pago"), the storm of concurrent orders
//! on account, the prices of panel orders and the preview ("Calcular"), and roles.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use chrono::Duration;
use clientela::db::audit::AuditRow;
use clientela::db::groups::{self as gq, CreditOptionRow};
use clientela::db::orders::{self as oq, OrderRow};
use clientela::domain::credit_options::{self, AccountRefusal, OptionInput, Standing};
use clientela::domain::groups::{self, GroupInput};
use clientela::domain::orders::{self, OrderError, OrderRequest};
use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use clientela::i18n::format::{format_date, format_money};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::customer;
use crate::loyalty::product;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// An amount as the Spanish pages show it ("12,50 €").
fn money(cents: i64) -> String {
    format_money(cents, "EUR", Lang::Es)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[track_caller]
fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(
        page.status, status,
        "{what}: unexpected status; page:\n{}",
        page.body
    );
}

/// The value of `attr` on the first element matching `selector`, if any.
fn attr(page: &Page, selector: &str, attr: &str) -> Option<String> {
    Html::parse_document(&page.body)
        .select(&sel(selector))
        .next()
        .and_then(|e| e.value().attr(attr).map(str::to_owned))
}

/// The text of the first element matching `selector`, if any.
fn text(page: &Page, selector: &str) -> Option<String> {
    Html::parse_document(&page.body)
        .select(&sel(selector))
        .next()
        .map(|e| e.text().collect::<String>())
}

/// What a `<dl>` of the page says after the term `label` (the order page's totals).
fn detail(page: &Page, label: &str) -> Option<String> {
    let doc = Html::parse_document(&page.body);
    let mut after_label = false;
    for e in doc.select(&sel("dl > dt, dl > dd")) {
        let t = e.text().collect::<String>().trim().to_owned();
        if e.value().name() == "dt" {
            after_label = t == label;
        } else if after_label {
            return Some(t);
        }
    }
    None
}

/// The option form as a browser sends it (unticked checkboxes are left out).
fn option_form<'a>(
    currency: &'a str,
    limit: &'a str,
    terms_days: &'a str,
    block_overdue: bool,
    active: bool,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("currency", currency),
        ("limit", limit),
        ("terms_days", terms_days),
    ];
    if block_overdue {
        f.push(("block_overdue", "on"));
    }
    if active {
        f.push(("active", "on"));
    }
    f
}

/// An option as the domain types it.
fn option_input(currency: &str, limit: &str, terms_days: &str, block: bool) -> OptionInput {
    OptionInput {
        currency: currency.into(),
        limit: limit.into(),
        terms_days: terms_days.into(),
        block_overdue: block.then(|| "on".to_owned()),
        active: Some("on".to_owned()),
    }
}

/// Adds an option through the domain; returns its id.
fn add_option(app: &TestApp, actor: i64, customer_id: i64, input: &OptionInput) -> i64 {
    app.with_conn(|conn| credit_options::add(conn, actor, customer_id, input))
        .unwrap()
}

fn options_of(app: &TestApp, customer_id: i64) -> Vec<CreditOptionRow> {
    app.with_conn(|conn| CreditOptionRow::for_customer(conn, customer_id))
        .unwrap()
}

fn standing(app: &TestApp, customer_id: i64, currency: &str) -> Standing {
    app.with_conn(|conn| credit_options::standings(conn, customer_id))
        .unwrap()
        .into_iter()
        .find(|s| s.option.currency == currency)
        .unwrap_or_else(|| panic!("an option in {currency}"))
}

fn orders_of(app: &TestApp, customer_id: i64) -> Vec<OrderRow> {
    app.with_conn(|conn| oq::for_customer(conn, customer_id, 100_000))
        .unwrap()
}

fn order_row(app: &TestApp, id: i64) -> OrderRow {
    app.with_conn(|conn| oq::find(conn, id)).unwrap().unwrap()
}

/// The credit-option entries of a customer's audit trail, newest first.
fn option_audit(app: &TestApp, customer_id: i64) -> Vec<AuditRow> {
    app.with_conn(|conn| AuditRow::for_entity(conn, "customer", customer_id))
        .unwrap()
        .into_iter()
        .filter(|a| a.action.starts_with("customer.credit-option."))
        .collect()
}

fn json(s: Option<&str>) -> serde_json::Value {
    serde_json::from_str(s.expect("a snapshot")).expect("a JSON snapshot")
}

/// Posts the new-order form: (product id, quantity) rows, the payment method, shipping and
/// any extra fields (`preview`).
async fn post_order(
    c: &Client,
    customer_id: i64,
    lines: &[(i64, i64)],
    method: &str,
    shipping: &str,
    extra: &[(&str, &str)],
) -> Page {
    let owned: Vec<(String, String)> = lines
        .iter()
        .map(|(p, q)| (p.to_string(), q.to_string()))
        .collect();
    let mut form: Vec<(&str, &str)> = Vec::new();
    for (p, q) in &owned {
        form.push(("product", p));
        form.push(("quantity", q));
    }
    // An untouched row of the form, as a browser sends it.
    form.push(("product", ""));
    form.push(("quantity", "1"));
    form.push(("payment_method", method));
    form.push(("shipping", shipping));
    form.extend_from_slice(extra);
    c.post(&format!("/customers/{customer_id}/orders"), &form)
        .await
}

/// The id of the order a successful "Crear pedido" redirected to.
#[track_caller]
fn created_order(page: &Page) -> i64 {
    assert_status(page, StatusCode::SEE_OTHER, "create order");
    page.location()
        .and_then(|l| l.strip_prefix("/orders/"))
        .unwrap_or_else(|| panic!("redirect to the order, got {:?}", page.location()))
        .parse()
        .unwrap()
}

/// The customer card's account line for `currency`: (outstanding, overdue), in cents.
#[track_caller]
fn card_account(page: &Page, currency: &str) -> (i64, i64) {
    let s = format!("#pricing li[data-account=\"{currency}\"]");
    let get = |a: &str| -> i64 {
        attr(page, &s, a)
            .unwrap_or_else(|| panic!("no {s} with {a} on the card:\n{}", page.body))
            .parse()
            .unwrap()
    };
    (get("data-outstanding"), get("data-overdue"))
}

/// An order placed on account through the domain (as the form does); returns its id.
fn place_on_account(app: &TestApp, actor: i64, customer_id: i64, product: i64, qty: i64) -> i64 {
    app.with_conn(|conn| {
        orders::create(
            conn,
            actor,
            customer_id,
            &OrderRequest {
                lines: vec![(product, qty)],
                payment_method: "on_account",
                shipping_cents: 0,
            },
        )
    })
    .unwrap()
}

/// The refusal of an order beyond the limit, as the Spanish page words it.
fn over_limit(order: i64, outstanding: i64, limit: i64) -> String {
    format!(
        "Rechazado: el pedido ({}) más lo pendiente de pago ({}) supera el límite de crédito ({}).",
        money(order),
        money(outstanding),
        money(limit)
    )
}

const NO_OPTION: &str = "Este cliente no tiene una opción de crédito activa en la moneda del \
                         pedido: no puede comprar a crédito.";

// ---------------------------------------------------------------------------------------
// 1. Adding and saving options
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn staff_add_a_credit_option_through_the_form_change_it_and_cannot_add_a_second_in_the_same_currency()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Distribuciones Norte", "norte@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let path = format!("/customers/{id}/credit-options");

    // "Más acciones" → "Ver opciones de crédito".
    let card = c.get(&format!("/customers/{id}")).await;
    assert_status(&card, StatusCode::OK, "card");
    let doc = Html::parse_document(&card.body);
    let entry = doc
        .select(&sel("details.more-actions a"))
        .find(|a| {
            a.text()
                .collect::<String>()
                .contains("Ver opciones de crédito")
        })
        .expect("\"Ver opciones de crédito\" in the card's \"Más acciones\" menu");
    assert_eq!(entry.value().attr("href"), Some(path.as_str()));
    card.assert_contains("Este cliente no tiene opciones de crédito.");

    let page = c.get(&path).await;
    assert_status(&page, StatusCode::OK, "options page");
    page.assert_contains("Opciones de crédito");
    page.assert_contains("Agregar opción");
    assert!(text(&page, "[data-credit-options-empty]").is_some());
    assert_eq!(
        text(&page, "#add-option button[type=submit]").as_deref(),
        Some("Agregar")
    );
    // The form starts from the store currency, 30 days, active, blocking overdue customers.
    assert_eq!(
        attr(&page, "#new-currency", "value").as_deref(),
        Some("EUR")
    );
    assert_eq!(
        attr(&page, "#new-terms_days", "value").as_deref(),
        Some("30")
    );

    // "Agregar" (the currency is typed in lower case and with spaces).
    let p = c
        .post(&path, &option_form(" eur ", "1500,50", "45", true, true))
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "add");
    assert_eq!(p.location(), Some(path.as_str()));
    let rows = options_of(&app, id);
    assert_eq!(rows.len(), 1);
    let o = &rows[0];
    assert_eq!(
        (
            o.currency.as_str(),
            o.limit_cents,
            o.terms_days,
            o.block_overdue,
            o.active
        ),
        ("EUR", 150_050, 45, true, true)
    );
    let oid = o.id;

    let page = c.get(&path).await;
    page.assert_contains("Opción de crédito agregada.");
    let section = text(&page, "section[data-credit-option=\"EUR\"]").expect("the EUR option");
    assert!(section.contains("Crédito en EUR"), "{section}");
    assert!(section.contains("Activa"), "{section}");
    assert!(section.contains(&money(150_050)), "{section}");
    assert!(text(&page, "[data-credit-options-empty]").is_none());
    assert_eq!(
        attr(&page, "[data-outstanding]", "data-outstanding").as_deref(),
        Some("0")
    );
    assert_eq!(
        attr(&page, "[data-available]", "data-available").as_deref(),
        Some("150050")
    );
    // Its own form, filled with what was saved.
    assert_eq!(
        attr(&page, &format!("#o{oid}-limit"), "value").as_deref(),
        Some("1500,50")
    );
    assert_eq!(
        attr(&page, &format!("#o{oid}-terms_days"), "value").as_deref(),
        Some("45")
    );
    assert_eq!(
        text(
            &page,
            &format!("form[action=\"{path}/{oid}\"] button[type=submit]")
        )
        .as_deref(),
        Some("Guardar")
    );
    // The flash is shown once.
    assert!(
        !c.get(&path)
            .await
            .body
            .contains("Opción de crédito agregada.")
    );

    // The card shows the option with what is owed on it.
    let card = c.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (0, 0));
    let line = text(&card, "#pricing li[data-account=\"EUR\"]").unwrap();
    assert!(line.contains(&money(150_050)), "{line}");
    assert!(!line.contains("Inactiva"), "{line}");

    // "Guardar": a new limit and terms, inactive, no longer blocking overdue customers.
    let p = c
        .post(
            &format!("{path}/{oid}"),
            &option_form("EUR", "2000", "60", false, false),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "save");
    assert_eq!(p.location(), Some(path.as_str()));
    let o = &options_of(&app, id)[0];
    assert_eq!(
        (o.limit_cents, o.terms_days, o.block_overdue, o.active, o.id),
        (200_000, 60, false, false, oid)
    );
    let page = c.get(&path).await;
    page.assert_contains("Opción de crédito guardada.");
    let section = text(&page, "section[data-credit-option=\"EUR\"]").unwrap();
    assert!(section.contains("Inactiva"), "{section}");
    assert!(section.contains(&money(200_000)), "{section}");
    let card = c.get(&format!("/customers/{id}")).await;
    let line = text(&card, "#pricing li[data-account=\"EUR\"]").unwrap();
    assert!(line.contains("Inactiva"), "{line}");
    assert!(line.contains(&money(200_000)), "{line}");

    // Both changes are in the audit trail, by the owner, with what changed.
    let audit = option_audit(&app, id);
    assert_eq!(
        audit.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        [
            "customer.credit-option.update",
            "customer.credit-option.add"
        ]
    );
    assert!(audit.iter().all(|a| a.actor_staff_id == Some(owner)));
    let added = json(audit[1].after_state.as_deref());
    assert_eq!(added["currency"], "EUR");
    assert_eq!(added["limit_cents"], 150_050);
    assert!(audit[1].before_state.is_none());
    let before = json(audit[0].before_state.as_deref());
    let after = json(audit[0].after_state.as_deref());
    assert_eq!(
        (
            &before["limit_cents"],
            &before["terms_days"],
            &before["active"]
        ),
        (
            &serde_json::json!(150_050),
            &serde_json::json!(45),
            &serde_json::json!(true)
        )
    );
    assert_eq!(
        (
            &after["limit_cents"],
            &after["terms_days"],
            &after["active"],
            &after["block_overdue"]
        ),
        (
            &serde_json::json!(200_000),
            &serde_json::json!(60),
            &serde_json::json!(false),
            &serde_json::json!(false)
        )
    );

    // A second option in the same currency is refused, in Spanish, with the form open.
    let p = c
        .post(&path, &option_form("Eur", "10", "30", false, true))
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "second EUR option");
    p.assert_contains("Este cliente ya tiene una opción de crédito en esa moneda.");
    assert!(attr(&p, "#add-option details[open]", "class").is_some());
    assert_eq!(
        attr(&p, "#new-currency", "aria-invalid").as_deref(),
        Some("true")
    );
    assert_eq!(attr(&p, "#new-limit", "value").as_deref(), Some("10"));
    assert_eq!(options_of(&app, id).len(), 1);
    assert_eq!(option_audit(&app, id).len(), 2);

    // Another currency is fine; moving it onto the first one's currency is refused too.
    let p = c
        .post(&path, &option_form("USD", "500", "15", true, true))
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "USD option");
    let usd = options_of(&app, id)
        .into_iter()
        .find(|o| o.currency == "USD")
        .expect("the USD option");
    let p = c
        .post(
            &format!("{path}/{}", usd.id),
            &option_form("EUR", "500", "15", true, true),
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "USD → EUR");
    p.assert_contains("Este cliente ya tiene una opción de crédito en esa moneda.");
    assert_eq!(
        attr(&p, &format!("#o{}-currency", usd.id), "value").as_deref(),
        Some("EUR")
    );
    let rows = options_of(&app, id);
    assert_eq!(
        rows.iter().map(|o| o.currency.as_str()).collect::<Vec<_>>(),
        ["EUR", "USD"]
    );
    assert_eq!(option_audit(&app, id).len(), 3);
}

// ---------------------------------------------------------------------------------------
// 2. Bad input
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn bad_credit_option_input_is_refused_with_a_translated_message_keeping_what_was_typed_and_changing_nothing()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Ferretería Sur", "sur@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let path = format!("/customers/{id}/credit-options");
    c.get(&path).await;

    // (currency, limit, terms, the field in error, its message)
    let cases = [
        (
            "EUR",
            "-5",
            "30",
            "limit",
            "El importe no puede ser negativo.",
        ),
        (
            "EUR",
            "mil",
            "30",
            "limit",
            "Introduce un importe como 12 o 12,50.",
        ),
        (
            "EUR",
            "12,345",
            "30",
            "limit",
            "Usa como máximo dos decimales.",
        ),
        ("EUR", "", "30", "limit", "Este campo es obligatorio."),
        (
            "EUR",
            "100",
            "400",
            "terms_days",
            "El plazo debe ser un número de días entre 0 y 365.",
        ),
        (
            "EUR",
            "100",
            "-1",
            "terms_days",
            "El plazo debe ser un número de días entre 0 y 365.",
        ),
        (
            "EUR",
            "100",
            "treinta",
            "terms_days",
            "El plazo debe ser un número de días entre 0 y 365.",
        ),
        (
            "EURO",
            "100",
            "30",
            "currency",
            "Escribe un código de moneda de tres letras, como EUR.",
        ),
        (
            "",
            "100",
            "30",
            "currency",
            "Escribe un código de moneda de tres letras, como EUR.",
        ),
        (
            "E1R",
            "100",
            "30",
            "currency",
            "Escribe un código de moneda de tres letras, como EUR.",
        ),
    ];
    for (currency, limit, terms, field, message) in cases {
        let p = c
            .post(&path, &option_form(currency, limit, terms, true, true))
            .await;
        let what = format!("add {currency:?} {limit:?} {terms:?}");
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &what);
        // The message sits under its field, which is marked invalid.
        assert_eq!(
            attr(&p, &format!("#new-{field}"), "aria-invalid").as_deref(),
            Some("true"),
            "{what}"
        );
        let errors: Vec<String> = Html::parse_document(&p.body)
            .select(&sel("#add-option .field-error"))
            .map(|e| e.text().collect())
            .collect();
        assert!(
            errors.iter().any(|e| e == message),
            "{what}: {message:?} not among {errors:?}"
        );
        // What was typed is kept, in the open form.
        assert!(attr(&p, "#add-option details[open]", "class").is_some());
        assert_eq!(
            attr(&p, "#new-currency", "value").as_deref(),
            Some(currency),
            "{what}"
        );
        assert_eq!(
            attr(&p, "#new-limit", "value").as_deref(),
            Some(limit),
            "{what}"
        );
        assert_eq!(
            attr(&p, "#new-terms_days", "value").as_deref(),
            Some(terms),
            "{what}"
        );
        assert!(options_of(&app, id).is_empty(), "{what}: nothing saved");
    }
    assert!(option_audit(&app, id).is_empty());

    // The same on an existing option's "Guardar".
    let oid = add_option(&app, owner, id, &option_input("EUR", "300", "30", true));
    let saved = options_of(&app, id).remove(0);
    for (currency, limit, terms, field, message) in [
        (
            "EUR",
            "-5",
            "30",
            "limit",
            "El importe no puede ser negativo.",
        ),
        (
            "EUR",
            "abc",
            "30",
            "limit",
            "Introduce un importe como 12 o 12,50.",
        ),
        (
            "EUR",
            "300",
            "400",
            "terms_days",
            "El plazo debe ser un número de días entre 0 y 365.",
        ),
        (
            "EURO",
            "300",
            "30",
            "currency",
            "Escribe un código de moneda de tres letras, como EUR.",
        ),
        (
            "",
            "300",
            "30",
            "currency",
            "Escribe un código de moneda de tres letras, como EUR.",
        ),
    ] {
        let p = c
            .post(
                &format!("{path}/{oid}"),
                &option_form(currency, limit, terms, false, false),
            )
            .await;
        let what = format!("save {currency:?} {limit:?} {terms:?}");
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &what);
        assert_eq!(
            attr(&p, &format!("#o{oid}-{field}"), "aria-invalid").as_deref(),
            Some("true"),
            "{what}"
        );
        let section = text(&p, "section[data-credit-option=\"EUR\"]").unwrap();
        assert!(section.contains(message), "{what}: {section}");
        for (f, typed) in [
            ("currency", currency),
            ("limit", limit),
            ("terms_days", terms),
        ] {
            assert_eq!(
                attr(&p, &format!("#o{oid}-{f}"), "value").as_deref(),
                Some(typed),
                "{what}: {f} kept"
            );
        }
        // The figures still show what is saved.
        assert!(section.contains(&money(30_000)), "{what}: {section}");
        let now = options_of(&app, id).remove(0);
        assert_eq!(
            (
                now.currency,
                now.limit_cents,
                now.terms_days,
                now.block_overdue,
                now.active,
                now.updated_at
            ),
            (
                saved.currency.clone(),
                saved.limit_cents,
                saved.terms_days,
                saved.block_overdue,
                saved.active,
                saved.updated_at
            ),
            "{what}: nothing changed"
        );
    }
    assert_eq!(option_audit(&app, id).len(), 1, "only the add is recorded");
}

// ---------------------------------------------------------------------------------------
// 3. Orders on account
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn an_order_on_account_within_the_limit_is_placed_with_its_due_date_and_one_beyond_it_is_refused()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Hostelería Levante", "levante@example.es", true);
    let cafe = product(&app, "CAF-1", "Café en grano 1 kg", 3_000);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c
        .post(
            &format!("/customers/{id}/credit-options"),
            &option_form("EUR", "100", "30", true, true),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "add option");

    // "Nuevo pedido" from the card.
    let card = c.get(&format!("/customers/{id}")).await;
    assert!(
        attr(
            &card,
            &format!("#pricing a[href=\"/customers/{id}/orders/new\"]"),
            "href"
        )
        .is_some(),
        "the card links to a new order"
    );
    let form = c.get(&format!("/customers/{id}/orders/new")).await;
    assert_status(&form, StatusCode::OK, "new order form");
    form.assert_contains("Nuevo pedido");
    form.assert_contains("A crédito (a cuenta)");
    form.assert_contains("Calcular");
    form.assert_contains("Crear pedido");

    // 2 × 30,00 within 100,00.
    let p = post_order(&c, id, &[(cafe, 2)], "on_account", "", &[]).await;
    let first = created_order(&p);
    let o = order_row(&app, first);
    assert_eq!(
        (o.payment_method.as_str(), o.total_cents, o.status.as_str()),
        ("on_account", 6_000, "pending")
    );
    assert!(o.number.starts_with('A'), "{}", o.number);
    assert_eq!(o.due_at, Some(o.placed_at + Duration::days(30)));
    assert!(o.settled_at.is_none());

    let page = c.get(&format!("/orders/{first}")).await;
    assert_status(&page, StatusCode::OK, "order page");
    page.assert_contains("Pedido creado.");
    assert_eq!(
        detail(&page, "Método de pago").as_deref(),
        Some("A crédito (a cuenta)")
    );
    let due = format_date((o.placed_at + Duration::days(30)).date(), Lang::Es);
    assert_eq!(detail(&page, "Vencimiento").as_deref(), Some(due.as_str()));
    assert_eq!(
        attr(&page, "[data-invoice]", "data-invoice").as_deref(),
        Some("open")
    );
    let invoice = text(&page, "[data-invoice]").unwrap();
    assert!(invoice.contains("Pendiente de pago"), "{invoice}");
    assert!(invoice.contains("Registrar pago"), "{invoice}");
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "order", first))
        .unwrap();
    assert_eq!(audit[0].action, "order.create");
    assert_eq!(audit[0].actor_staff_id, Some(owner));

    // The card and the options page show what is owed.
    let card = c.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (6_000, 0));
    let options = c.get(&format!("/customers/{id}/credit-options")).await;
    assert_eq!(
        attr(&options, "[data-outstanding]", "data-outstanding").as_deref(),
        Some("6000")
    );
    assert_eq!(
        attr(&options, "[data-available]", "data-available").as_deref(),
        Some("4000")
    );
    let invoices = text(&options, "section[data-credit-option=\"EUR\"] tbody").unwrap();
    assert!(invoices.contains(&o.number), "{invoices}");
    assert!(invoices.contains(&due), "{invoices}");

    // Another 2 × 30,00 would bring it to 120,00: refused, nothing placed.
    let p = post_order(&c, id, &[(cafe, 2)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "beyond the limit");
    assert_eq!(
        text(&p, "[data-refusal]").as_deref(),
        Some(over_limit(6_000, 6_000, 10_000).as_str())
    );
    // The form keeps what was chosen.
    assert!(
        attr(
            &p,
            &format!("#product-0 option[value=\"{cafe}\"][selected]"),
            "value"
        )
        .is_some()
    );
    assert_eq!(attr(&p, "#quantity-0", "value").as_deref(), Some("2"));
    assert!(
        attr(
            &p,
            "#payment_method option[value=\"on_account\"][selected]",
            "value"
        )
        .is_some()
    );
    assert_eq!(orders_of(&app, id).len(), 1, "no order placed");
    assert_eq!(standing(&app, id, "EUR").outstanding, 6_000);

    // Exactly up to the limit is fine (60 + 40 = 100), one cent more is not.
    let p = post_order(&c, id, &[(cafe, 1)], "on_account", "10", &[]).await;
    let second = created_order(&p);
    assert_eq!(order_row(&app, second).total_cents, 4_000);
    let s = standing(&app, id, "EUR");
    assert_eq!((s.outstanding, s.available), (10_000, 0));
    let p = post_order(&c, id, &[], "on_account", "0,01", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "empty order");
    p.assert_contains("Añade al menos un producto.");
    let lapiz = product(&app, "LAP-1", "Lápiz", 1);
    let p = post_order(&c, id, &[(lapiz, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "one cent over");
    assert_eq!(
        text(&p, "[data-refusal]").as_deref(),
        Some(over_limit(1, 10_000, 10_000).as_str())
    );
    // Other payment methods are not bound by the limit.
    let p = post_order(&c, id, &[(cafe, 5)], "bank_transfer", "", &[]).await;
    let transfer = created_order(&p);
    let t = order_row(&app, transfer);
    assert_eq!(
        (t.payment_method.as_str(), t.due_at),
        ("bank_transfer", None)
    );
    let page = c.get(&format!("/orders/{transfer}")).await;
    assert!(detail(&page, "Vencimiento").is_none(), "{}", page.body);
    assert!(!page.body.contains("data-invoice"));
    assert_eq!(orders_of(&app, id).len(), 3);
    let card = c.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (10_000, 0));
}

#[actix_web::test]
async fn registering_the_payment_of_an_invoice_frees_the_limit_and_is_recorded_once() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Talleres Oeste", "oeste@example.es", true);
    let pieza = product(&app, "PZ-1", "Pieza de recambio", 5_000);
    add_option(&app, owner, id, &option_input("EUR", "100", "15", true));
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let first = created_order(&post_order(&c, id, &[(pieza, 2)], "on_account", "", &[]).await);
    let p = post_order(&c, id, &[(pieza, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "limit used up");
    assert_eq!(
        text(&p, "[data-refusal]").as_deref(),
        Some(over_limit(5_000, 10_000, 10_000).as_str())
    );

    // "Registrar pago" on the order page.
    let page = c.get(&format!("/orders/{first}")).await;
    let action = format!("/orders/{first}/settle");
    assert!(
        attr(&page, &format!("form[action=\"{action}\"]"), "action").is_some(),
        "the settle form:\n{}",
        page.body
    );
    let p = c.post(&action, &[]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "settle");
    assert_eq!(p.location(), Some(format!("/orders/{first}").as_str()));
    let o = order_row(&app, first);
    let settled = o.settled_at.expect("settled");
    let page = c.get(&format!("/orders/{first}")).await;
    page.assert_contains("Pago registrado.");
    assert_eq!(
        attr(&page, "[data-invoice]", "data-invoice").as_deref(),
        Some("settled")
    );
    let invoice = text(&page, "[data-invoice]").unwrap();
    assert_eq!(
        invoice.trim(),
        format!("Pagada el {}", format_date(settled.date(), Lang::Es))
    );
    assert!(!page.body.contains(&action), "no second settle button");
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "order", first))
        .unwrap();
    assert_eq!(audit[0].action, "order.settle");
    assert_eq!(audit[0].actor_staff_id, Some(owner));
    assert_eq!(audit[0].after_state.as_deref(), Some(o.number.as_str()));

    // The limit is free again: the card shows nothing owed and the refused order now passes.
    let card = c.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (0, 0));
    let s = standing(&app, id, "EUR");
    assert_eq!((s.outstanding, s.available), (0, 10_000));
    assert!(s.invoices.is_empty());
    let again = created_order(&post_order(&c, id, &[(pieza, 2)], "on_account", "", &[]).await);
    assert_eq!(standing(&app, id, "EUR").outstanding, 10_000);

    // A second "Registrar pago" of the same invoice, or of an order not on account, changes
    // nothing.
    let p = c.post(&action, &[]).await;
    assert_status(&p, StatusCode::NOT_FOUND, "settle twice");
    assert_eq!(order_row(&app, first).settled_at, Some(settled));
    let transfer =
        created_order(&post_order(&c, id, &[(pieza, 1)], "bank_transfer", "", &[]).await);
    let p = c.post(&format!("/orders/{transfer}/settle"), &[]).await;
    assert_status(&p, StatusCode::NOT_FOUND, "settle a bank transfer");
    assert!(order_row(&app, transfer).settled_at.is_none());
    let settles = |oid| {
        app.with_conn(|conn| AuditRow::for_entity(conn, "order", oid))
            .unwrap()
            .into_iter()
            .filter(|a| a.action == "order.settle")
            .count()
    };
    assert_eq!(
        (settles(first), settles(again), settles(transfer)),
        (1, 0, 0)
    );

    // A cancelled order no longer counts as owed.
    let p = c
        .post(
            &format!("/orders/{again}/status"),
            &[("status", "cancelled")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "cancel");
    assert_eq!(standing(&app, id, "EUR").outstanding, 0);
}

#[actix_web::test]
async fn orders_on_account_are_refused_without_an_active_credit_option_in_the_order_currency() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Comercial Centro", "centro@example.es", true);
    let cafe = product(&app, "CAF-1", "Café en grano 1 kg", 1_000);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // No option at all.
    let p = post_order(&c, id, &[(cafe, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "no option");
    assert_eq!(text(&p, "[data-refusal]").as_deref(), Some(NO_OPTION));
    assert!(orders_of(&app, id).is_empty());

    // An option in another currency does not help.
    add_option(&app, owner, id, &option_input("USD", "1000", "30", true));
    let p = post_order(&c, id, &[(cafe, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "USD option only");
    assert_eq!(text(&p, "[data-refusal]").as_deref(), Some(NO_OPTION));
    assert!(orders_of(&app, id).is_empty());

    // An inactive option in the right currency neither.
    let oid = add_option(&app, owner, id, &option_input("EUR", "1000", "30", true));
    let p = c
        .post(
            &format!("/customers/{id}/credit-options/{oid}"),
            &option_form("EUR", "1000", "30", true, false),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "deactivate");
    let p = post_order(&c, id, &[(cafe, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "inactive option");
    assert_eq!(text(&p, "[data-refusal]").as_deref(), Some(NO_OPTION));
    assert!(orders_of(&app, id).is_empty());

    // Another payment method needs no option.
    let p = post_order(&c, id, &[(cafe, 1)], "cash_on_delivery", "", &[]).await;
    created_order(&p);

    // Switched back on, the order on account passes.
    let p = c
        .post(
            &format!("/customers/{id}/credit-options/{oid}"),
            &option_form("EUR", "1000", "30", true, true),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "activate");
    let placed = created_order(&post_order(&c, id, &[(cafe, 1)], "on_account", "", &[]).await);
    assert_eq!(order_row(&app, placed).payment_method, "on_account");
    assert_eq!(orders_of(&app, id).len(), 2);
}

#[actix_web::test]
async fn an_overdue_invoice_blocks_orders_on_account_only_when_the_option_says_so() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Construcciones Este", "este@example.es", true);
    let saco = product(&app, "CEM-1", "Saco de cemento", 1_500);
    let oid = add_option(&app, owner, id, &option_input("EUR", "100", "30", true));
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // Two invoices on account; the first one fell due ten days before it was placed.
    let late = place_on_account(&app, owner, id, saco, 2);
    let later = place_on_account(&app, owner, id, saco, 1);
    let long_ago = order_row(&app, late).placed_at - Duration::days(10);
    app.with_conn(|conn| gq::set_due(conn, late, long_ago))
        .unwrap();
    let s = standing(&app, id, "EUR");
    assert_eq!(
        (s.outstanding, s.overdue, s.overdue_count),
        (4_500, 3_000, 1)
    );
    let card = c.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (4_500, 3_000));
    let options = c.get(&format!("/customers/{id}/credit-options")).await;
    assert_eq!(
        attr(&options, "[data-overdue]", "data-overdue").as_deref(),
        Some("3000")
    );

    // The option blocks overdue customers: refused, though well within the limit.
    let p = post_order(&c, id, &[(saco, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "overdue, blocked");
    assert_eq!(
        text(&p, "[data-refusal]").as_deref(),
        Some("Rechazado: el cliente tiene 1 factura vencida.")
    );
    assert_eq!(orders_of(&app, id).len(), 2);

    // Two overdue invoices, in the plural.
    app.with_conn(|conn| gq::set_due(conn, later, long_ago))
        .unwrap();
    let p = post_order(&c, id, &[(saco, 1)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "two overdue");
    assert_eq!(
        text(&p, "[data-refusal]").as_deref(),
        Some("Rechazado: el cliente tiene 2 facturas vencidas.")
    );
    // Cash on delivery is not refused.
    created_order(&post_order(&c, id, &[(saco, 1)], "cash_on_delivery", "", &[]).await);
    assert_eq!(orders_of(&app, id).len(), 3);

    // Without "Rechazar pedidos nuevos mientras haya facturas vencidas" it is allowed.
    let p = c
        .post(
            &format!("/customers/{id}/credit-options/{oid}"),
            &option_form("EUR", "100", "30", false, true),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "stop blocking");
    let placed = created_order(&post_order(&c, id, &[(saco, 1)], "on_account", "", &[]).await);
    let o = order_row(&app, placed);
    assert_eq!(o.due_at, Some(o.placed_at + Duration::days(30)));
    let s = standing(&app, id, "EUR");
    assert_eq!(
        (s.outstanding, s.overdue, s.overdue_count),
        (6_000, 4_500, 2)
    );
    // The limit still applies: 60 + 45 > 100.
    let p = post_order(&c, id, &[(saco, 3)], "on_account", "", &[]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "over the limit");
    assert_eq!(
        text(&p, "[data-refusal]").as_deref(),
        Some(over_limit(4_500, 6_000, 10_000).as_str())
    );

    // Blocking again, and paying the overdue invoices lifts the block.
    let p = c
        .post(
            &format!("/customers/{id}/credit-options/{oid}"),
            &option_form("EUR", "100", "30", true, true),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "block again");
    assert_status(
        &post_order(&c, id, &[(saco, 1)], "on_account", "", &[]).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "blocked again",
    );
    for paid in [late, later] {
        let p = c.post(&format!("/orders/{paid}/settle"), &[]).await;
        assert_status(&p, StatusCode::SEE_OTHER, "settle an overdue invoice");
    }
    let card = c.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (1_500, 0));
    created_order(&post_order(&c, id, &[(saco, 1)], "on_account", "", &[]).await);
    assert_eq!(standing(&app, id, "EUR").outstanding, 3_000);
}

// ---------------------------------------------------------------------------------------
// 4. Concurrency
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_storm_of_concurrent_orders_on_account_never_takes_the_outstanding_balance_over_the_limit()
 {
    const REQUESTS: usize = 48;
    const IN_FLIGHT: usize = 16;
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Cliente Tormenta", "storm@example.es", true);
    let palet = product(&app, "PAL-1", "Palet", 2_500);
    // Room for exactly 10 orders of 25,00 (the 11th would be 275,00 > 260,00).
    add_option(&app, owner, id, &option_input("EUR", "260", "30", true));

    let mut clients = Vec::with_capacity(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        clients.push(Arc::new(Client::signed_in(&app, OWNER_EMAIL).await));
    }
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(IN_FLIGHT);
    for c in clients {
        let next = Arc::clone(&next);
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            while next.fetch_add(1, Ordering::SeqCst) < REQUESTS {
                let p = post_order(&c, id, &[(palet, 1)], "on_account", "", &[]).await;
                let location = p.location().map(str::to_owned);
                answers.push((p.status, p.body, location));
            }
            answers
        }));
    }
    let mut answers = Vec::with_capacity(REQUESTS);
    for t in tasks {
        answers.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();

    let refusal = "supera el límite de crédito";
    let ok = answers
        .iter()
        .filter(|(s, _, _)| *s == StatusCode::SEE_OTHER)
        .count();
    let refused = answers
        .iter()
        .filter(|(s, b, _)| *s == StatusCode::UNPROCESSABLE_ENTITY && b.contains(refusal))
        .count();
    let others: Vec<_> = answers
        .iter()
        .filter(|(s, b, _)| {
            *s != StatusCode::SEE_OTHER
                && !(*s == StatusCode::UNPROCESSABLE_ENTITY && b.contains(refusal))
        })
        .collect();
    let s = standing(&app, id, "EUR");
    println!(
        "orders-on-account storm on {}: {} requests, {IN_FLIGHT} in flight: {ok} × 303, \
         {refused} × 422 over the limit, {} others; outstanding {}; {elapsed:.2?}",
        crate::common::backend(),
        answers.len(),
        others.len(),
        s.outstanding,
    );
    for (status, b, _) in others.iter().take(3) {
        println!("unexpected answer {status}: {}", &b[..b.len().min(2000)]);
    }
    assert_eq!(answers.len(), REQUESTS);
    assert!(others.is_empty(), "{} unexpected answers", others.len());
    assert_eq!(ok, 10, "exactly the 10 orders that fit are placed");
    assert_eq!(refused, REQUESTS - 10);
    assert_eq!(s.outstanding, 25_000);
    assert!(s.outstanding <= s.option.limit_cents);
    let placed = orders_of(&app, id);
    assert_eq!(placed.len(), 10);
    assert!(placed.iter().all(|o| o.payment_method == "on_account"));
    // Every success redirected to its own order, and every order has its own number.
    let mut shown: Vec<String> = answers.iter().filter_map(|(_, _, l)| l.clone()).collect();
    shown.sort();
    shown.dedup();
    assert_eq!(shown.len(), 10);
    let mut numbers: Vec<&str> = placed.iter().map(|o| o.number.as_str()).collect();
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 10);
}

#[actix_web::test]
async fn orders_on_account_released_at_the_same_instant_on_separate_connections_pass_only_as_far_as_the_limit()
 {
    const THREADS: usize = 8;
    const ROUNDS: usize = 4;
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let palet = product(&app, "PAL-1", "Palet", 3_000);
    // A pool of its own: each thread holds one connection for the whole round.
    let pool = clientela::db::connect(&app.config.database_url, THREADS as u32).unwrap();
    for round in 0..ROUNDS {
        let id = customer(
            &app,
            &format!("Cliente {round}"),
            &format!("c{round}@example.es"),
            true,
        );
        // Room for 3 orders of 30,00.
        add_option(&app, owner, id, &option_input("EUR", "99,99", "30", true));
        let barrier = Arc::new(Barrier::new(THREADS));
        let results: Vec<Result<i64, OrderError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..THREADS)
                .map(|_| {
                    let (pool, barrier) = (pool.clone(), Arc::clone(&barrier));
                    scope.spawn(move || {
                        let mut conn = pool.get().unwrap();
                        barrier.wait();
                        orders::create(
                            &mut conn,
                            owner,
                            id,
                            &OrderRequest {
                                lines: vec![(palet, 1)],
                                payment_method: "on_account",
                                shipping_cents: 0,
                            },
                        )
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let over: Vec<_> = results
            .iter()
            .filter_map(|r| match r {
                Err(OrderError::Refused(AccountRefusal::OverLimit {
                    outstanding, limit, ..
                })) => Some((*outstanding, *limit)),
                _ => None,
            })
            .collect();
        let unexpected: Vec<_> = results
            .iter()
            .filter(|r| {
                !matches!(
                    r,
                    Ok(_) | Err(OrderError::Refused(AccountRefusal::OverLimit { .. }))
                )
            })
            .collect();
        assert!(unexpected.is_empty(), "round {round}: {unexpected:?}");
        assert_eq!(ok, 3, "round {round}: exactly 3 orders fit");
        assert_eq!(over.len(), THREADS - 3);
        // Each refusal was decided after the three placed orders were committed.
        assert!(
            over.iter().all(|o| *o == (9_000, 9_999)),
            "round {round}: {over:?}"
        );
        let s = standing(&app, id, "EUR");
        assert_eq!((s.outstanding, s.available), (9_000, 999));
        assert_eq!(orders_of(&app, id).len(), 3);
    }
}

// ---------------------------------------------------------------------------------------
// 5. Prices of panel orders and the preview
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn panel_orders_are_priced_with_the_customer_discounts_and_the_preview_creates_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let cafe = product(&app, "CAF-1", "Café en grano 1 kg", 4_990);
    let te = product(&app, "TE-1", "Té verde", 1_250);
    // Ana: a personal discount of 10 %.
    let ana = customer(&app, "Ana Ruiz", "ana@example.es", true);
    app.with_conn(|conn| gq::set_customer_pricing(conn, ana, None, Some("percent"), 1_000))
        .unwrap();
    // Bodega: group "Mayoristas" (20 %, own price 10,00 for the tea) and 1,00 off each unit.
    let bodega = customer(&app, "Bodega Sol", "bodega@example.es", true);
    let group = app
        .with_conn(|conn| {
            groups::create(
                conn,
                owner,
                &GroupInput {
                    name: "Mayoristas".into(),
                    discount: "20".into(),
                },
            )
        })
        .unwrap();
    app.with_conn(|conn| {
        gq::set_price(conn, group, te, Some(1_000))?;
        gq::set_customer_pricing(conn, bodega, Some(group), Some("amount"), 100)
    })
    .unwrap();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // The form lists the products with their list prices.
    let form = c.get(&format!("/customers/{ana}/orders/new")).await;
    assert_eq!(
        text(&form, &format!("#product-0 option[value=\"{cafe}\"]")).as_deref(),
        Some(format!("Café en grano 1 kg ({})", money(4_990)).as_str())
    );

    // "Calcular": 3 × (49,90 − 10 %) = 3 × 44,91, plus 5,00 shipping.
    let p = post_order(
        &c,
        ana,
        &[(cafe, 3)],
        "cash_on_delivery",
        "5",
        &[("preview", "1")],
    )
    .await;
    assert_status(&p, StatusCode::OK, "preview");
    let row = "#quote tr[data-quote=\"CAF-1\"]";
    assert_eq!(
        attr(&p, &format!("{row} [data-unit]"), "data-unit").as_deref(),
        Some("4491")
    );
    assert_eq!(
        attr(&p, &format!("{row} [data-line]"), "data-line").as_deref(),
        Some("13473")
    );
    let shown = text(&p, row).unwrap();
    assert!(shown.contains(&money(4_990)), "list price: {shown}");
    assert!(shown.contains(&money(4_491)), "unit price: {shown}");
    assert_eq!(
        attr(&p, "[data-total]", "data-total").as_deref(),
        Some("13973")
    );
    // The form stays filled for "Crear pedido".
    assert!(
        attr(
            &p,
            &format!("#product-0 option[value=\"{cafe}\"][selected]"),
            "value"
        )
        .is_some()
    );
    assert_eq!(attr(&p, "#quantity-0", "value").as_deref(), Some("3"));
    assert_eq!(attr(&p, "#shipping", "value").as_deref(), Some("5"));
    // Nothing was created, not even an order number used.
    assert!(orders_of(&app, ana).is_empty());
    // A preview on account, with no option at all, only computes too.
    let p = post_order(&c, ana, &[(cafe, 1)], "on_account", "", &[("preview", "1")]).await;
    assert_status(&p, StatusCode::OK, "preview on account");
    assert!(text(&p, "[data-refusal]").is_none());
    assert!(orders_of(&app, ana).is_empty());

    // "Crear pedido" charges the same prices.
    let placed =
        created_order(&post_order(&c, ana, &[(cafe, 3)], "cash_on_delivery", "5", &[]).await);
    let o = order_row(&app, placed);
    assert_eq!(o.number, "A000001", "the preview took no number");
    assert_eq!(
        (o.subtotal_cents, o.shipping_cents, o.total_cents),
        (13_473, 500, 13_973)
    );
    let lines = app.with_conn(|conn| oq::lines(conn, placed)).unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(
        (
            lines[0].product_id,
            lines[0].sku.as_str(),
            lines[0].quantity,
            lines[0].unit_price_cents,
            lines[0].line_total_cents
        ),
        (Some(cafe), "CAF-1", 3, 4_491, 13_473)
    );
    let page = c.get(&format!("/orders/{placed}")).await;
    page.assert_contains(&money(4_491));
    page.assert_contains(&money(13_973));
    // The card's price example uses the same rule.
    let card = c.get(&format!("/customers/{ana}?product={cafe}")).await;
    assert_eq!(
        attr(&card, "[data-customer-price]", "data-customer-price").as_deref(),
        Some("4491")
    );

    // Bodega: coffee 49,90 − 20 % − 1,00 = 38,92; tea at the group's 10,00 − 1,00 = 9,00.
    let p = post_order(
        &c,
        bodega,
        &[(cafe, 2), (te, 2)],
        "bank_transfer",
        "",
        &[("preview", "1")],
    )
    .await;
    assert_status(&p, StatusCode::OK, "preview for the group");
    assert_eq!(
        attr(
            &p,
            "#quote tr[data-quote=\"CAF-1\"] [data-unit]",
            "data-unit"
        )
        .as_deref(),
        Some("3892")
    );
    assert_eq!(
        attr(
            &p,
            "#quote tr[data-quote=\"TE-1\"] [data-unit]",
            "data-unit"
        )
        .as_deref(),
        Some("900")
    );
    assert_eq!(
        attr(&p, "[data-total]", "data-total").as_deref(),
        Some("9584")
    );
    assert!(orders_of(&app, bodega).is_empty());
    let placed = created_order(
        &post_order(&c, bodega, &[(cafe, 2), (te, 2)], "bank_transfer", "", &[]).await,
    );
    let mut lines: Vec<(String, i64, i64)> = app
        .with_conn(|conn| oq::lines(conn, placed))
        .unwrap()
        .into_iter()
        .map(|l| (l.sku, l.unit_price_cents, l.line_total_cents))
        .collect();
    lines.sort();
    assert_eq!(
        lines,
        [
            ("CAF-1".to_owned(), 3_892, 7_784),
            ("TE-1".to_owned(), 900, 1_800)
        ]
    );
    let o = order_row(&app, placed);
    assert_eq!((o.number.as_str(), o.total_cents), ("A000002", 9_584));
}

// ---------------------------------------------------------------------------------------
// 6. Roles
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn support_cannot_add_or_save_credit_options_place_orders_or_register_payments_while_a_manager_can()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);
    let id = customer(&app, "Papelería Norte", "papeleria@example.es", true);
    let papel = product(&app, "PAP-1", "Papel A4", 500);
    let oid = add_option(&app, owner, id, &option_input("EUR", "100", "30", true));
    let invoice = place_on_account(&app, owner, id, papel, 2);
    let saved = options_of(&app, id).remove(0);

    let s = Client::signed_in(&app, "support@example.com").await;
    // Support sees the options and the invoice, without forms.
    let page = s.get(&format!("/customers/{id}/credit-options")).await;
    assert_status(&page, StatusCode::OK, "support options page");
    assert!(text(&page, "section[data-credit-option=\"EUR\"]").is_some());
    assert!(!page.body.contains("Agregar opción"), "{}", page.body);
    assert!(
        !page
            .body
            .contains("<form method=\"post\" action=\"/customers/")
    );
    let card = s.get(&format!("/customers/{id}")).await;
    assert_eq!(card_account(&card, "EUR"), (1_000, 0));
    assert!(!card.body.contains(&format!("/customers/{id}/orders/new")));
    let order_page = s.get(&format!("/orders/{invoice}")).await;
    assert_status(&order_page, StatusCode::OK, "support order page");
    assert_eq!(
        attr(&order_page, "[data-invoice]", "data-invoice").as_deref(),
        Some("open")
    );
    assert!(
        !order_page
            .body
            .contains(&format!("/orders/{invoice}/settle"))
    );
    assert_status(
        &s.get(&format!("/customers/{id}/orders/new")).await,
        StatusCode::FORBIDDEN,
        "support new order form",
    );

    let papel_id = papel.to_string();
    let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/customers/{id}/credit-options"),
            option_form("USD", "100", "30", true, true),
        ),
        (
            format!("/customers/{id}/credit-options/{oid}"),
            option_form("EUR", "100000", "365", false, true),
        ),
        (
            format!("/customers/{id}/orders"),
            vec![
                ("product", papel_id.as_str()),
                ("quantity", "1"),
                ("payment_method", "on_account"),
                ("shipping", ""),
            ],
        ),
        (
            format!("/customers/{id}/orders"),
            vec![
                ("product", papel_id.as_str()),
                ("quantity", "1"),
                ("payment_method", "bank_transfer"),
                ("shipping", ""),
                ("preview", "1"),
            ],
        ),
        (format!("/orders/{invoice}/settle"), vec![]),
    ];
    for (path, fields) in &attempts {
        let p = s.post(path, fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "support POST {path}");
    }
    // Nothing changed.
    let now = options_of(&app, id);
    assert_eq!(now.len(), 1);
    assert_eq!(
        (now[0].limit_cents, now[0].terms_days, now[0].updated_at),
        (saved.limit_cents, saved.terms_days, saved.updated_at)
    );
    assert_eq!(orders_of(&app, id).len(), 1);
    assert!(order_row(&app, invoice).settled_at.is_none());
    assert_eq!(option_audit(&app, id).len(), 1);

    // A manager may do all of it.
    let m = Client::signed_in(&app, "manager@example.com").await;
    m.get(&format!("/customers/{id}/credit-options")).await;
    let expected = [
        StatusCode::SEE_OTHER,
        StatusCode::SEE_OTHER,
        StatusCode::SEE_OTHER,
        StatusCode::OK,
        StatusCode::SEE_OTHER,
    ];
    for ((path, fields), status) in attempts.iter().zip(expected) {
        let p = m.post(path, fields).await;
        assert_eq!(p.status, status, "manager POST {path}:\n{}", p.body);
    }
    let now = options_of(&app, id);
    assert_eq!(
        now.iter()
            .map(|o| (o.currency.as_str(), o.limit_cents))
            .collect::<Vec<_>>(),
        [("EUR", 10_000_000), ("USD", 10_000)]
    );
    assert_eq!(orders_of(&app, id).len(), 2);
    assert!(order_row(&app, invoice).settled_at.is_some());
    let manager_actions = option_audit(&app, id)
        .iter()
        .filter(|a| a.actor_staff_id != Some(owner))
        .count();
    assert_eq!(manager_actions, 2);
}
