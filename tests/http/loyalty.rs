//! Loyalty program ("Program lojalnościowy") over HTTP: settings, earning rules, "Zarządzaj
//! punktami", exchange orders, reviews, the overview, roles and bad input.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::Utc;
use clientela::db::credit::ReasonRow;
use clientela::db::loyalty::{EntryRow, ExchangeRow, ReviewRow, RewardRow};
use clientela::db::store::{self, NewProduct};
use clientela::db::write_tx;
use clientela::domain::credit::{self, GrantInput};
use clientela::domain::loyalty::{self, AdjustInput, RewardInput, Settings, SettingsInput};
use clientela::domain::orders::{self, LineInput};
use clientela::domain::staff::Role;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A catalogue product; returns its id.
pub fn product(app: &TestApp, sku: &str, name: &str, price: i64) -> i64 {
    app.with_conn(|conn| {
        store::insert_product(
            conn,
            &NewProduct {
                sku,
                name,
                price_cents: price,
                currency: "EUR",
                active: true,
            },
        )
    })
    .unwrap()
}

/// The program as a settings form types it: switched on, `rate` points per euro on every
/// product, granted at `earn_status`, no other awards, no expiry.
pub fn program(rate: &str, earn_status: &str) -> SettingsInput {
    SettingsInput {
        enabled: Some("1".into()),
        rate: rate.into(),
        scope: "all".into(),
        products: Vec::new(),
        newsletter_points: String::new(),
        review_points: String::new(),
        earn_status: earn_status.into(),
        expiry_days: String::new(),
        point_value: String::new(),
    }
}

/// Saves the program's settings through the domain.
pub fn configure(app: &TestApp, actor: i64, input: &SettingsInput) -> Settings {
    app.with_conn(|conn| loyalty::save_settings(conn, actor, input))
        .unwrap()
}

fn settings(app: &TestApp) -> Settings {
    app.with_conn(loyalty::settings).unwrap()
}

/// Adds (positive) or subtracts (negative) points by hand through the domain.
pub fn give(app: &TestApp, actor: i64, customer_id: i64, points: i64) {
    app.with_conn(|conn| {
        loyalty::adjust(
            conn,
            actor,
            customer_id,
            &AdjustInput {
                points: points.abs().to_string(),
                direction: if points > 0 { "add" } else { "subtract" }.into(),
                reason: "Ajuste de prueba".into(),
                idempotency_key: String::new(),
            },
        )
    })
    .unwrap();
}

/// Offers `product_id` for `points` with `stock` units (through the domain); returns its id.
pub fn reward(app: &TestApp, actor: i64, product_id: i64, points: i64, stock: i64) -> i64 {
    app.with_conn(|conn| {
        loyalty::add_reward(
            conn,
            actor,
            &RewardInput {
                product: product_id.to_string(),
                points: points.to_string(),
                stock: stock.to_string(),
                active: Some("1".into()),
            },
        )
    })
    .unwrap()
}

fn reward_row(app: &TestApp, id: i64) -> RewardRow {
    app.with_conn(|conn| RewardRow::find(conn, id))
        .unwrap()
        .unwrap()
        .0
}

fn exchanges(app: &TestApp, customer_id: i64) -> Vec<ExchangeRow> {
    app.with_conn(|conn| ExchangeRow::list(conn, None, Some(customer_id), 100_000))
        .unwrap()
        .into_iter()
        .map(|x| x.0)
        .collect()
}

fn held(app: &TestApp, customer_id: i64) -> i64 {
    app.with_conn(|conn| ExchangeRow::held(conn, customer_id))
        .unwrap()
}

fn review_row(app: &TestApp, id: i64) -> ReviewRow {
    app.with_conn(|conn| ReviewRow::find(conn, id))
        .unwrap()
        .unwrap()
}

/// Every ledger entry of a customer, newest first.
fn entries(app: &TestApp, customer_id: i64) -> Vec<EntryRow> {
    app.with_conn(|conn| EntryRow::for_customer(conn, customer_id, 100_000))
        .unwrap()
        .into_iter()
        .map(|(e, _, _)| e)
        .collect()
}

fn count_kind(app: &TestApp, customer_id: i64, kind: &str) -> usize {
    entries(app, customer_id)
        .iter()
        .filter(|e| e.kind == kind)
        .count()
}

/// The points of the entries of one kind, newest first.
fn points_of(app: &TestApp, customer_id: i64, kind: &str) -> Vec<i64> {
    entries(app, customer_id)
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.points)
        .collect()
}

/// balance == ledger sum, the customer row's copy agrees, no entry records a negative
/// balance; returns the balance.
#[track_caller]
fn assert_sums(app: &TestApp, customer_id: i64) -> i64 {
    let (balance, ledger) = app
        .with_conn(|conn| loyalty::sums(conn, customer_id))
        .unwrap();
    assert_eq!(ledger, balance, "ledger sum differs from the balance");
    assert!(balance >= 0, "negative balance {balance}");
    let row = app
        .with_conn(|conn| clientela::db::customers::CustomerRow::find(conn, customer_id))
        .unwrap()
        .unwrap();
    assert_eq!(
        row.points, balance,
        "the customer row's copy of the balance"
    );
    assert!(
        entries(app, customer_id)
            .iter()
            .all(|e| e.balance_after >= 0),
        "an entry records a negative balance"
    );
    balance
}

fn order_row(app: &TestApp, id: i64) -> clientela::db::orders::OrderRow {
    app.with_conn(|conn| clientela::db::orders::find(conn, id))
        .unwrap()
        .unwrap()
}

/// An order with one line per (product, cents), placed now at `status`; returns its id.
fn product_order(
    app: &TestApp,
    customer_id: i64,
    number: &str,
    status: &str,
    lines: &[(i64, i64)],
) -> i64 {
    let lines: Vec<LineInput> = lines
        .iter()
        .map(|(p, cents)| LineInput {
            product_id: Some(*p),
            sku: format!("SKU-{p}"),
            name: format!("Producto {p}"),
            quantity: 1,
            unit_price_cents: *cents,
        })
        .collect();
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::place(
                conn,
                number,
                customer_id,
                status,
                "card",
                "EUR",
                0,
                &lines,
                Utc::now().naive_utc(),
            )
        })
    })
    .unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The value of `attr` on the first element matching `selector`.
#[track_caller]
fn shown(page: &Page, selector: &str, attr: &str) -> i64 {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no {selector} on the page:\n{}", page.body))
        .value()
        .attr(attr)
        .unwrap()
        .parse()
        .unwrap()
}

#[track_caller]
fn shown_balance(page: &Page) -> i64 {
    shown(page, "[data-points-balance]", "data-points-balance")
}

#[track_caller]
fn shown_held(page: &Page) -> i64 {
    shown(page, "[data-points-held]", "data-points-held")
}

/// The history table of the panel, newest first: (kind, points, the cells' texts).
fn shown_history(page: &Page) -> Vec<(String, i64, Vec<String>)> {
    let doc = Html::parse_document(&page.body);
    let td = sel("td");
    doc.select(&sel("tr[data-entry-kind]"))
        .map(|tr| {
            (
                tr.value().attr("data-entry-kind").unwrap().to_owned(),
                tr.value().attr("data-points").unwrap().parse().unwrap(),
                tr.select(&td)
                    .map(|c| c.text().collect::<String>().trim().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn kinds(page: &Page) -> Vec<String> {
    shown_history(page).into_iter().map(|(k, _, _)| k).collect()
}

/// Rows matching `selector` with an id attribute and a status: (id, status, the row's text).
fn shown_rows(page: &Page, selector: &str, id_attr: &str) -> Vec<(i64, String, String)> {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel(selector))
        .map(|e| {
            (
                e.value().attr(id_attr).unwrap().parse().unwrap(),
                e.value().attr("data-status").unwrap_or_default().to_owned(),
                e.text().collect::<String>(),
            )
        })
        .collect()
}

fn shown_exchanges(page: &Page) -> Vec<(i64, String, String)> {
    shown_rows(page, "tr[data-exchange]", "data-exchange")
}

fn shown_reviews(page: &Page) -> Vec<(i64, String, String)> {
    shown_rows(page, "li[data-review]", "data-review")
}

/// The refusal shown above the panel (`data-refusal`), if any.
fn refusal(page: &Page) -> Option<String> {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel("div[data-refusal]"))
        .next()
        .and_then(|d| d.value().attr("data-refusal").map(str::to_owned))
}

/// `raw` markup comes back as text: escaped in the source, and no element of it reaches the
/// document.
#[track_caller]
fn assert_escaped(page: &Page, raw: &str) {
    assert!(
        !page.body.contains(raw),
        "{raw:?} comes back unescaped:\n{}",
        page.body
    );
    let named = raw.replace('<', "&lt;").replace('>', "&gt;");
    let numeric = raw.replace('<', "&#60;").replace('>', "&#62;");
    assert!(
        page.body.contains(&named) || page.body.contains(&numeric),
        "{raw:?} not found escaped:\n{}",
        page.body
    );
    let doc = Html::parse_document(&page.body);
    assert_eq!(doc.select(&sel("img[onerror]")).count(), 0);
    assert!(
        doc.select(&sel("script"))
            .all(|s| !s.text().collect::<String>().contains("alert(1)"))
    );
}

#[track_caller]
fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(
        page.status, status,
        "{what}: unexpected status; page:\n{}",
        page.body
    );
}

/// The hidden operation id of the form posting to `action` on a page.
fn form_key(page: &Page, action: &str) -> String {
    let at = page
        .body
        .find(&format!("action=\"{action}\""))
        .expect("the form is on the page");
    let rest = &page.body[at..];
    let marker = "name=\"idempotency_key\" value=\"";
    let start = rest.find(marker).expect("the form carries an operation id") + marker.len();
    rest[start..].split('"').next().unwrap().to_owned()
}

/// Posts "Zarządzaj punktami".
async fn post_points(
    c: &Client,
    customer_id: i64,
    points: &str,
    direction: &str,
    reason: &str,
    key: &str,
) -> Page {
    c.post(
        &format!("/customers/{customer_id}/loyalty/points"),
        &[
            ("points", points),
            ("direction", direction),
            ("reason", reason),
            ("idempotency_key", key),
        ],
    )
    .await
}

/// Places an exchange order for a reward on the customer's behalf.
async fn place(c: &Client, customer_id: i64, reward_id: i64, key: &str) -> Page {
    c.post(
        &format!("/customers/{customer_id}/loyalty/exchanges"),
        &[
            ("reward", reward_id.to_string().as_str()),
            ("idempotency_key", key),
        ],
    )
    .await
}

async fn set_status(c: &Client, order_id: i64, status: &str) -> Page {
    c.post(&format!("/orders/{order_id}/status"), &[("status", status)])
        .await
}

/// Records a review through the customer's section; returns the response.
async fn post_review(
    c: &Client,
    customer_id: i64,
    product_id: i64,
    rating: &str,
    body: &str,
) -> Page {
    c.post(
        &format!("/customers/{customer_id}/reviews"),
        &[
            ("product", product_id.to_string().as_str()),
            ("rating", rating),
            ("body", body),
        ],
    )
    .await
}

/// The ids of a customer's reviews, newest first.
fn review_ids(app: &TestApp, customer_id: i64) -> Vec<i64> {
    app.with_conn(|conn| ReviewRow::list(conn, None, Some(customer_id), 1000))
        .unwrap()
        .into_iter()
        .map(|r| r.0.id)
        .collect()
}

/// The id of a built-in store-credit reason by its code.
fn credit_reason(app: &TestApp, code: &str) -> i64 {
    app.with_conn(ReasonRow::all)
        .unwrap()
        .into_iter()
        .find(|r| r.code.as_deref() == Some(code))
        .unwrap()
        .id
}

/// Switches store credit on and grants `amount` (as typed) to the customer.
fn store_credit(app: &TestApp, actor: i64, customer_id: i64, amount: &str) {
    let reason = credit_reason(app, "compensation").to_string();
    app.with_conn(|conn| {
        credit::save_settings(
            conn,
            actor,
            &credit::SettingsInput {
                enabled: Some("on".into()),
                expiry_days: String::new(),
            },
        )
        .unwrap();
        credit::grant(
            conn,
            actor,
            customer_id,
            &GrantInput {
                amount: amount.into(),
                reason,
                expires_on: String::new(),
                note: String::new(),
                idempotency_key: String::new(),
            },
        )
        .unwrap();
    });
}

#[actix_web::test]
async fn every_loyalty_page_opens_for_the_owner() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Ana Nowak", "ana@example.com", true);
    product(&app, "MUG-1", "Kubek", 2500);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    for path in [
        format!("/customers/{id}/loyalty"),
        "/loyalty".to_owned(),
        "/loyalty/exchanges".to_owned(),
        "/loyalty/rewards".to_owned(),
        "/loyalty/reviews".to_owned(),
        "/settings/loyalty".to_owned(),
        format!("/customers/{id}"),
        format!("/customers/{id}/edit"),
        "/customers?points=yes".to_owned(),
    ] {
        let page = c.get(&path).await;
        assert_eq!(
            page.status,
            reqwest::StatusCode::OK,
            "{path}: {}",
            page.body
        );
    }
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains(&format!("/customers/{id}/loyalty"));
    assert_eq!(
        app.with_conn(|conn| loyalty::sums(conn, id)).unwrap(),
        (0, 0)
    );
}

// ---------------------------------------------------------------------------------------
// 1. Settings
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn settings_save_and_show_again_and_bad_settings_are_refused_and_save_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let tee = product(&app, "TEE-1", "Koszulka", 4000);
    let cap = product(&app, "CAP-1", "Czapka", 1500);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let page = c.get("/settings/loyalty").await;
    assert_status(&page, StatusCode::OK, "settings");
    page.assert_contains("Configuración del programa de fidelidad");
    page.assert_contains("Programa de fidelidad activado");
    assert!(
        !page.body.contains("name=\"enabled\" value=\"1\" checked"),
        "the program starts switched off"
    );
    assert!(!settings(&app).enabled);

    let (mug_s, tee_s) = (mug.to_string(), tee.to_string());
    let good: Vec<(&str, &str)> = vec![
        ("enabled", "1"),
        ("rate", "0,5"),
        ("scope", "selected"),
        ("products", mug_s.as_str()),
        ("products", tee_s.as_str()),
        ("newsletter_points", "25"),
        ("review_points", "10"),
        ("earn_status", "shipped"),
        ("expiry_days", "365"),
    ];
    let p = c.post("/settings/loyalty", &good).await;
    assert_status(&p, StatusCode::SEE_OTHER, "save settings");
    assert_eq!(p.location(), Some("/settings/loyalty"));
    let saved = settings(&app);
    let mut products = vec![mug, tee];
    products.sort_unstable();
    assert_eq!(
        saved,
        Settings {
            enabled: true,
            rate_x100: 50,
            selected_only: true,
            products,
            newsletter_points: 25,
            review_points: 10,
            earn_status: "shipped".into(),
            expiry_days: Some(365),
            point_value_cents: None,
        }
    );

    // Shown again as saved.
    let page = c.get("/settings/loyalty").await;
    page.assert_contains("Configuración del programa de fidelidad guardada.");
    page.assert_contains("name=\"enabled\" value=\"1\" checked");
    page.assert_contains("id=\"rate\" name=\"rate\" type=\"text\" value=\"0.5\"");
    page.assert_contains("name=\"scope\" value=\"selected\" checked");
    page.assert_contains(&format!("name=\"products\" value=\"{mug}\" checked"));
    page.assert_contains(&format!("name=\"products\" value=\"{tee}\" checked"));
    assert!(
        !page
            .body
            .contains(&format!("name=\"products\" value=\"{cap}\" checked")),
        "an unselected product is not ticked"
    );
    page.assert_contains("value=\"shipped\" selected");
    page.assert_contains(
        "id=\"newsletter_points\" name=\"newsletter_points\" type=\"text\" value=\"25\"",
    );
    page.assert_contains("id=\"review_points\" name=\"review_points\" type=\"text\" value=\"10\"");
    page.assert_contains("id=\"expiry_days\" name=\"expiry_days\" type=\"text\" value=\"365\"");
    // The flash is shown once.
    let again = c.get("/settings/loyalty").await;
    assert!(
        !again
            .body
            .contains("Configuración del programa de fidelidad guardada.")
    );

    // Bad settings: 422, the message by the field, what was typed kept, nothing saved.
    let with = |field: &'static str, value: &'static str| -> Vec<(&str, &str)> {
        let mut f: Vec<(&str, &str)> = good.iter().filter(|(k, _)| *k != field).cloned().collect();
        f.push((field, value));
        f
    };
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, &'a str, Option<&'a str>);
    let bad: Vec<Case> = vec![
        (
            "rate abc",
            with("rate", "abc"),
            "Escribe un número de 0 a 1000, con dos decimales como mucho.",
            Some(
                "id=\"rate\" name=\"rate\" type=\"text\" value=\"abc\" autocomplete=\"off\" aria-invalid=\"true\"",
            ),
        ),
        (
            "rate 1.234",
            with("rate", "1.234"),
            "Escribe un número de 0 a 1000, con dos decimales como mucho.",
            Some(
                "id=\"rate\" name=\"rate\" type=\"text\" value=\"1.234\" autocomplete=\"off\" aria-invalid=\"true\"",
            ),
        ),
        (
            "rate -1",
            with("rate", "-1"),
            "Escribe un número de 0 a 1000, con dos decimales como mucho.",
            None,
        ),
        (
            "earn status x",
            with("earn_status", "x"),
            "Elige un estado de la lista.",
            None,
        ),
        (
            "award -5",
            with("newsletter_points", "-5"),
            "Escribe un número entero, solo cifras.",
            Some(
                "id=\"newsletter_points\" name=\"newsletter_points\" type=\"text\" value=\"-5\" autocomplete=\"off\" aria-invalid=\"true\"",
            ),
        ),
        (
            "review award 1,5",
            with("review_points", "1,5"),
            "Escribe un número entero, solo cifras.",
            None,
        ),
        (
            "expiry 0",
            with("expiry_days", "0"),
            "Indica un número de días entre 1 y 3650, o déjalo vacío.",
            None,
        ),
        (
            "unknown product",
            with("products", "999999"),
            "Elige productos de la lista.",
            None,
        ),
    ];
    for (what, fields, message, typed) in &bad {
        let p = c.post("/settings/loyalty", fields).await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, what);
        p.assert_contains(message);
        p.assert_contains("Revisa los campos marcados.");
        if let Some(t) = typed {
            p.assert_contains(t);
        }
        assert_eq!(settings(&app), saved, "{what}: nothing saved");
    }
    // The selected scope with no product ticked.
    let none: Vec<(&str, &str)> = good
        .iter()
        .filter(|(k, _)| *k != "products")
        .cloned()
        .collect();
    let p = c.post("/settings/loyalty", &none).await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "selected, no products",
    );
    p.assert_contains("Elige al menos un producto o da puntos por todos.");
    assert_eq!(settings(&app), saved, "nothing saved");

    // Every product, no awards, never expiring, switched off; rate 1.
    let p = c
        .post(
            "/settings/loyalty",
            &[
                ("rate", "1"),
                ("scope", "all"),
                ("newsletter_points", ""),
                ("review_points", "0"),
                ("earn_status", "delivered"),
                ("expiry_days", ""),
            ],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "save again");
    assert_eq!(
        settings(&app),
        Settings {
            enabled: false,
            rate_x100: 100,
            selected_only: false,
            products: Vec::new(),
            newsletter_points: 0,
            review_points: 0,
            earn_status: "delivered".into(),
            expiry_days: None,
            point_value_cents: None,
        }
    );
    let page = c.get("/settings/loyalty").await;
    page.assert_contains("name=\"scope\" value=\"all\" checked");
    page.assert_contains("value=\"delivered\" selected");
    page.assert_contains("id=\"expiry_days\" name=\"expiry_days\" type=\"text\" value=\"\"");
    assert!(!page.body.contains("name=\"enabled\" value=\"1\" checked"));
}

// ---------------------------------------------------------------------------------------
// 2. Earning rules: each fires once and reverses once
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn an_order_earns_once_at_the_configured_status_and_a_cancellation_takes_it_back_once() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "shipped"));
    let id = customer(&app, "Marta Zielińska", "marta@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // 100,00 € placed pending: nothing yet.
    let oid = order(&app, id, "L-1001", 10_000, "pending", 0);
    assert_eq!(assert_sums(&app, id), 0);
    // Paid is below the configured status: still nothing.
    assert_status(
        &set_status(&c, oid, "paid").await,
        StatusCode::SEE_OTHER,
        "paid",
    );
    assert_eq!(count_kind(&app, id, "earn_order"), 0);
    assert_eq!(assert_sums(&app, id), 0);
    // Shipped earns 100 points.
    assert_status(
        &set_status(&c, oid, "shipped").await,
        StatusCode::SEE_OTHER,
        "shipped",
    );
    assert_eq!(points_of(&app, id, "earn_order"), [100]);
    assert_eq!(assert_sums(&app, id), 100);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    assert_eq!(shown_balance(&panel), 100);
    let history = shown_history(&panel);
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].0.as_str(), history[0].1), ("earn_order", 100));
    assert!(
        history[0].2.iter().any(|t| t == "Puntos por compra"),
        "{:?}",
        history[0].2
    );
    assert!(
        history[0].2.iter().any(|t| t.contains("Pedido L-1001")),
        "{:?}",
        history[0].2
    );
    // Moving further, or setting the same status again, earns nothing more.
    for status in ["delivered", "delivered", "shipped", "paid", "delivered"] {
        assert_status(
            &set_status(&c, oid, status).await,
            StatusCode::SEE_OTHER,
            status,
        );
    }
    assert_eq!(points_of(&app, id, "earn_order"), [100]);
    assert_eq!(assert_sums(&app, id), 100);

    // Cancelling takes the points back once; reopening and cancelling again takes nothing.
    assert_status(
        &set_status(&c, oid, "cancelled").await,
        StatusCode::SEE_OTHER,
        "cancel",
    );
    assert_eq!(points_of(&app, id, "reversal"), [-100]);
    assert_eq!(assert_sums(&app, id), 0);
    for status in [
        "cancelled",
        "pending",
        "delivered",
        "cancelled",
        "shipped",
        "cancelled",
    ] {
        assert_status(
            &set_status(&c, oid, status).await,
            StatusCode::SEE_OTHER,
            status,
        );
    }
    assert_eq!(count_kind(&app, id, "earn_order"), 1, "earned once");
    assert_eq!(count_kind(&app, id, "reversal"), 1, "reversed once");
    assert_eq!(assert_sums(&app, id), 0);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    assert_eq!(kinds(&panel), ["reversal", "earn_order"]);
    assert!(
        shown_history(&panel)[0]
            .2
            .iter()
            .any(|t| t == "Puntos anulados (cancelación o devolución)")
    );

    // A cancellation never drives the balance below zero: spent points are not recovered.
    let second = order(&app, id, "L-1002", 5_000, "shipped", 0);
    assert_eq!(
        points_of(&app, id, "earn_order"),
        [50, 100],
        "placed at the earning status"
    );
    give(&app, owner, id, -30);
    assert_eq!(assert_sums(&app, id), 20);
    assert_status(
        &set_status(&c, second, "cancelled").await,
        StatusCode::SEE_OTHER,
        "cancel 2",
    );
    assert_eq!(
        points_of(&app, id, "reversal"),
        [-20, -100],
        "only what was left"
    );
    assert_eq!(assert_sums(&app, id), 0);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("(el cliente ya había usado parte de los puntos; se restó lo que tenía)");
    // Earning is not possible when the program is off.
    let mut off = program("1", "shipped");
    off.enabled = None;
    configure(&app, owner, &off);
    let third = order(&app, id, "L-1003", 5_000, "pending", 0);
    assert_status(
        &set_status(&c, third, "shipped").await,
        StatusCode::SEE_OTHER,
        "off",
    );
    assert_eq!(count_kind(&app, id, "earn_order"), 2);
    assert_eq!(assert_sums(&app, id), 0);
}

#[actix_web::test]
async fn a_partial_refund_to_store_credit_takes_back_points_in_proportion_once() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "delivered"));
    let id = customer(&app, "Pablo Nowak", "pablo@example.es", true);
    let oid = order(&app, id, "R-1", 10_000, "delivered", 1);
    assert_eq!(points_of(&app, id, "earn_order"), [100]);

    let refund = |amount: &str, key: &str| {
        app.with_conn(|conn| credit::refund(conn, owner, oid, amount, key))
            .unwrap()
    };
    // A quarter refunded: a quarter of the points back.
    let lot = refund("25", "refund-1");
    assert_eq!(points_of(&app, id, "reversal"), [-25]);
    assert_eq!(assert_sums(&app, id), 75);
    // The same refund sent again refunds and reverses nothing more.
    assert_eq!(refund("25", "refund-1"), lot);
    assert_eq!(points_of(&app, id, "reversal"), [-25]);
    assert_eq!(order_row(&app, oid).credit_refunded_cents, 2_500);
    assert_eq!(assert_sums(&app, id), 75);
    // Another 12,50 €: the order is now worth floor(62.5) = 62 points, so 13 more go back.
    refund("12,50", "refund-2");
    assert_eq!(points_of(&app, id, "reversal"), [-13, -25]);
    assert_eq!(assert_sums(&app, id), 62);
    // Cancelling takes back what is left of the order's points, once.
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    assert_status(
        &set_status(&c, oid, "cancelled").await,
        StatusCode::SEE_OTHER,
        "cancel",
    );
    assert_eq!(points_of(&app, id, "reversal"), [-62, -13, -25]);
    assert_eq!(assert_sums(&app, id), 0);
    assert_eq!(
        entries(&app, id).iter().map(|e| e.points).sum::<i64>(),
        0,
        "the order's entries net to nothing"
    );
}

#[actix_web::test]
async fn a_refund_made_before_the_order_earns_is_taken_back_once_and_later_refunds_stay_in_proportion()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "delivered"));
    let id = customer(&app, "Marta Wiśniewska", "marta@example.pl", true);
    let oid = order(&app, id, "R-2", 10_000, "shipped", 1);
    assert!(entries(&app, id).is_empty(), "shipped does not earn yet");
    app.with_conn(|conn| credit::refund(conn, owner, oid, "25", "early"))
        .unwrap();
    assert!(
        entries(&app, id).is_empty(),
        "nothing earned, nothing to take back"
    );

    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    assert_status(
        &set_status(&c, oid, "delivered").await,
        StatusCode::SEE_OTHER,
        "deliver",
    );
    // The award stands for the whole order; the earlier quarter is taken back with it.
    assert_eq!(points_of(&app, id, "earn_order"), [100]);
    assert_eq!(points_of(&app, id, "reversal"), [-25]);
    assert_eq!(assert_sums(&app, id), 75);
    // Another quarter: the order keeps half its money and half its points, not less.
    app.with_conn(|conn| credit::refund(conn, owner, oid, "25", "late"))
        .unwrap();
    assert_eq!(points_of(&app, id, "reversal"), [-25, -25]);
    assert_eq!(assert_sums(&app, id), 50);
    // Changing the rate or the products afterwards does not change what a refund takes.
    configure(&app, owner, &program("3", "delivered"));
    app.with_conn(|conn| credit::refund(conn, owner, oid, "10", "later"))
        .unwrap();
    assert_eq!(points_of(&app, id, "reversal"), [-10, -25, -25]);
    assert_eq!(assert_sums(&app, id), 40);
}

#[actix_web::test]
async fn only_selected_products_earn_and_the_part_paid_with_store_credit_does_not() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let shirt = product(&app, "SHIRT", "Camisa", 8_000);
    let socks = product(&app, "SOCKS", "Calcetines", 2_000);
    let mut s = program("1,5", "delivered");
    s.scope = "selected".into();
    s.products = vec![shirt.to_string()];
    configure(&app, owner, &s);
    let id = customer(&app, "Elena Kowalska", "elena@example.es", true);
    let oid = product_order(
        &app,
        id,
        "S-1",
        "pending",
        &[(shirt, 8_000), (socks, 2_000)],
    );

    // Half of the 100,00 € paid with store credit.
    store_credit(&app, owner, id, "50");
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/orders/{oid}")).await;
    let p = c
        .post(
            &format!("/orders/{oid}/credit"),
            &[("amount", "50"), ("idempotency_key", "pay-half")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "pay with credit");
    assert_eq!(order_row(&app, oid).credit_paid_cents, 5_000);

    assert_status(
        &set_status(&c, oid, "delivered").await,
        StatusCode::SEE_OTHER,
        "deliver",
    );
    // The shirt's 80 € × half paid otherwise × 1,5 = 60 points; the socks earn nothing.
    assert_eq!(points_of(&app, id, "earn_order"), [60]);
    assert_eq!(assert_sums(&app, id), 60);

    // An order of socks only earns nothing.
    let socks_only = product_order(&app, id, "S-2", "pending", &[(socks, 2_000)]);
    assert_status(
        &set_status(&c, socks_only, "delivered").await,
        StatusCode::SEE_OTHER,
        "socks",
    );
    assert_eq!(count_kind(&app, id, "earn_order"), 1);
    // Every product earns once the scope is "all": 20 € × 1,5 = 30.
    configure(&app, owner, &program("1,5", "delivered"));
    let socks_again = product_order(&app, id, "S-3", "pending", &[(socks, 2_000)]);
    assert_status(
        &set_status(&c, socks_again, "delivered").await,
        StatusCode::SEE_OTHER,
        "all",
    );
    assert_eq!(points_of(&app, id, "earn_order"), [30, 60]);
    assert_eq!(assert_sums(&app, id), 90);
}

/// The customer form as the edit page sends it.
fn customer_form<'a>(
    name: &'a str,
    email: &'a str,
    newsletter: bool,
    version: &'a str,
) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("full_name", name),
        ("email", email),
        ("language", "es"),
        ("registered", "on"),
        ("version", version),
    ];
    if newsletter {
        f.push(("newsletter", "on"));
    }
    f
}

fn version(app: &TestApp, id: i64) -> String {
    app.with_conn(|conn| clientela::db::customers::CustomerRow::find(conn, id))
        .unwrap()
        .unwrap()
        .version
        .to_string()
}

#[actix_web::test]
async fn the_newsletter_award_is_granted_once_per_customer_ever() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let mut s = program("1", "delivered");
    s.newsletter_points = "30".into();
    configure(&app, owner, &s);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // Created with consent: 30 points.
    c.get("/customers/new").await;
    let p = c
        .post(
            "/customers",
            &customer_form("Lucía Wiśniewska", "lucia@example.es", true, "0"),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "create");
    let id: i64 = p.created_id();
    assert_eq!(points_of(&app, id, "earn_newsletter"), [30]);
    assert_eq!(assert_sums(&app, id), 30);

    // Off and on again, twice: nothing more.
    for on in [false, true, false, true, true] {
        let v = version(&app, id);
        let p = c
            .post(
                &format!("/customers/{id}"),
                &customer_form("Lucía Wiśniewska", "lucia@example.es", on, &v),
            )
            .await;
        assert_status(&p, StatusCode::SEE_OTHER, "edit");
    }
    assert_eq!(count_kind(&app, id, "earn_newsletter"), 1);
    assert_eq!(assert_sums(&app, id), 30);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    assert_eq!(kinds(&panel), ["earn_newsletter"]);
    panel.assert_contains("Puntos por suscribirse al boletín");

    // Created without consent, then signed up by an edit: 30 points, once.
    let p = c
        .post(
            "/customers",
            &customer_form("Jan Kowal", "jan@example.es", false, "0"),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "create 2");
    let other: i64 = p.created_id();
    assert_eq!(assert_sums(&app, other), 0);
    for on in [true, false, true] {
        let v = version(&app, other);
        let p = c
            .post(
                &format!("/customers/{other}"),
                &customer_form("Jan Kowal", "jan@example.es", on, &v),
            )
            .await;
        assert_status(&p, StatusCode::SEE_OTHER, "edit 2");
    }
    assert_eq!(points_of(&app, other, "earn_newsletter"), [30]);
    assert_eq!(assert_sums(&app, other), 30);
}

#[actix_web::test]
async fn an_approved_review_earns_once_and_deciding_it_again_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let mut s = program("1", "delivered");
    s.review_points = "15".into();
    configure(&app, owner, &s);
    let id = customer(&app, "Sofía Lewandowska", "sofia@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}/loyalty")).await;

    let p = post_review(&c, id, mug, "5", "Muy buena taza").await;
    assert_status(&p, StatusCode::SEE_OTHER, "review");
    assert_eq!(
        p.location(),
        Some(format!("/customers/{id}/loyalty#reviews").as_str())
    );
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("Reseña guardada; pendiente de aprobación.");
    let reviews = shown_reviews(&panel);
    assert_eq!(reviews.len(), 1);
    let rid = reviews[0].0;
    assert_eq!(reviews[0].1, "pending");
    assert!(reviews[0].2.contains("Muy buena taza") && reviews[0].2.contains("Kubek"));
    assert_eq!(assert_sums(&app, id), 0, "nothing until approved");

    let queue = c.get("/loyalty/reviews").await;
    queue.assert_contains("Cada reseña aprobada da 15 puntos al cliente.");
    assert_eq!(shown_reviews(&queue)[0].0, rid);
    let p = c
        .post(&format!("/loyalty/reviews/{rid}/approve"), &[])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "approve");
    assert_eq!(p.location(), Some("/loyalty/reviews"));
    let queue = c.get("/loyalty/reviews").await;
    queue.assert_contains("Reseña aprobada.");
    assert_eq!(
        shown_reviews(&queue),
        vec![(
            rid,
            "approved".to_owned(),
            shown_reviews(&queue)[0].2.clone()
        )]
    );
    assert_eq!(points_of(&app, id, "earn_review"), [15]);
    assert_eq!(assert_sums(&app, id), 15);

    // Approving again, or rejecting it now, is refused and changes nothing.
    for action in ["approve", "reject", "approve"] {
        let p = c
            .post(&format!("/loyalty/reviews/{rid}/{action}"), &[])
            .await;
        assert_status(&p, StatusCode::SEE_OTHER, action);
        let queue = c.get("/loyalty/reviews").await;
        queue.assert_contains("Otra persona ya lo resolvió.");
    }
    assert_eq!(review_row(&app, rid).status, "approved");
    assert_eq!(count_kind(&app, id, "earn_review"), 1);
    assert_eq!(assert_sums(&app, id), 15);

    // A rejected review earns nothing.
    assert_status(
        &post_review(&c, id, mug, "1", "No me gustó").await,
        StatusCode::SEE_OTHER,
        "2",
    );
    let second = review_ids(&app, id)[0];
    assert_ne!(second, rid);
    let p = c
        .post(&format!("/loyalty/reviews/{second}/reject"), &[])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "reject");
    c.get("/loyalty/reviews")
        .await
        .assert_contains("Reseña rechazada.");
    assert_eq!(review_row(&app, second).status, "rejected");
    assert_eq!(count_kind(&app, id, "earn_review"), 1);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    let statuses: Vec<String> = shown_reviews(&panel).into_iter().map(|r| r.1).collect();
    assert_eq!(statuses, ["rejected", "approved"]);

    // A bad review is refused with what was typed kept.
    let p = post_review(&c, id, mug, "6", "Seis estrellas").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "rating 6");
    p.assert_contains("Elige una valoración de 1 a 5.");
    p.assert_contains(">Seis estrellas</textarea>");
    let p = post_review(&c, id, 999_999, "4", "¿Qué producto?").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "unknown product");
    p.assert_contains("Elige un producto de la lista.");
    let p = post_review(&c, id, mug, "4", "   ").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "empty body");
    p.assert_contains("Este campo es obligatorio.");
    assert_eq!(review_ids(&app, id).len(), 2);
    assert_eq!(
        c.post("/loyalty/reviews/999999/approve", &[]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(assert_sums(&app, id), 15);
}

// ---------------------------------------------------------------------------------------
// 3–5. "Zarządzaj punktami": manual add and subtract
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn staff_add_and_subtract_points_by_hand_and_a_form_sent_twice_changes_the_balance_once() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Ana Nowak", "ana@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let action = format!("/customers/{id}/loyalty/points");

    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    assert_status(&panel, StatusCode::OK, "panel");
    panel.assert_contains("Gestionar puntos");
    panel.assert_contains("Todavía no hay operaciones con puntos.");
    assert_eq!((shown_balance(&panel), shown_held(&panel)), (0, 0));
    let key = form_key(&panel, &action);

    // The same form sent three times adds once.
    for _ in 0..3 {
        let p = post_points(&c, id, "120", "add", "Compensación por el retraso", &key).await;
        assert_status(&p, StatusCode::SEE_OTHER, "add");
        assert_eq!(
            p.location(),
            Some(format!("/customers/{id}/loyalty").as_str())
        );
    }
    assert_eq!(points_of(&app, id, "manual_add"), [120]);
    assert_eq!(assert_sums(&app, id), 120);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("Guardado. Los puntos se actualizaron.");
    assert_eq!(shown_balance(&panel), 120, "the balance shows at once");
    panel.assert_contains("120 puntos");
    let history = shown_history(&panel);
    assert_eq!(history.len(), 1, "one history line");
    let (kind, points, cells) = &history[0];
    assert_eq!((kind.as_str(), *points), ("manual_add", 120));
    assert!(
        cells
            .iter()
            .any(|t| t == "Puntos sumados por el administrador"),
        "{cells:?}"
    );
    assert!(cells.iter().any(|t| t == "+120"), "{cells:?}");
    assert!(
        cells.iter().any(|t| t == "Olga Owner"),
        "the actor: {cells:?}"
    );
    assert!(
        cells.iter().any(|t| t == "Compensación por el retraso"),
        "the reason: {cells:?}"
    );
    assert_eq!(
        cells.last().map(String::as_str),
        Some("120"),
        "balance after"
    );
    // A freshly shown form has another operation id.
    let fresh = form_key(&panel, &action);
    assert_ne!(fresh, key);
    // The used id with another change is refused.
    let p = post_points(&c, id, "5", "add", "Otra cosa", &key).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "key reused");
    p.assert_contains("Este formulario ya se usó para otra operación. Recarga la página.");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-key-reused"));

    // Subtracting, also sent twice.
    for _ in 0..2 {
        let p = post_points(&c, id, "45", "subtract", "Canje en tienda física", &fresh).await;
        assert_status(&p, StatusCode::SEE_OTHER, "subtract");
    }
    assert_eq!(points_of(&app, id, "manual_subtract"), [-45]);
    assert_eq!(assert_sums(&app, id), 75);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    assert_eq!(shown_balance(&panel), 75);
    assert_eq!(kinds(&panel), ["manual_subtract", "manual_add"]);
    let cells = &shown_history(&panel)[0].2;
    assert!(
        cells
            .iter()
            .any(|t| t == "Puntos restados por el administrador"),
        "{cells:?}"
    );
    assert!(cells.iter().any(|t| t == "-45"), "{cells:?}");
    assert!(
        cells.iter().any(|t| t == "Canje en tienda física"),
        "{cells:?}"
    );
    assert!(cells.iter().any(|t| t == "Olga Owner"), "{cells:?}");
    assert_eq!(cells.last().map(String::as_str), Some("75"));

    // Without an operation id each post is its own change.
    for _ in 0..2 {
        assert_status(
            &post_points(&c, id, "1", "add", "Sin identificador", "").await,
            StatusCode::SEE_OTHER,
            "no key",
        );
    }
    assert_eq!(count_kind(&app, id, "manual_add"), 3);
    assert_eq!(assert_sums(&app, id), 77);
    // The customer card follows the balance.
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("77 puntos");
    // A manual change is recorded in the audit log against the customer.
    let audit = app
        .with_conn(|conn| clientela::db::audit::AuditRow::for_entity(conn, "customer", id))
        .unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action.starts_with("loyalty.manual_"))
            .count(),
        4
    );
}

#[actix_web::test]
async fn subtracting_more_than_the_balance_is_refused_with_the_translated_message_and_changes_nothing()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Javier Wójcik", "javier@example.es", true);
    give(&app, owner, id, 50);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    let key = form_key(&panel, &format!("/customers/{id}/loyalty/points"));

    let p = post_points(&c, id, "51", "subtract", "Demasiado", &key).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "over-subtraction");
    p.assert_contains("El cliente no tiene tantos puntos. No se cambió nada.");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-insufficient"));
    // The form stays open with what was typed, and its operation id.
    p.assert_contains("<details class=\"dialog\" id=\"manage\" open>");
    p.assert_contains("id=\"points\" name=\"points\" type=\"text\" value=\"51\" autocomplete=\"off\" aria-invalid=\"true\" aria-describedby=\"points-error\"");
    p.assert_contains("value=\"Demasiado\"");
    p.assert_contains("name=\"direction\" value=\"subtract\" checked");
    assert_eq!(
        form_key(&p, &format!("/customers/{id}/loyalty/points")),
        key
    );
    assert_eq!(shown_balance(&p), 50);
    assert_eq!(count_kind(&app, id, "manual_subtract"), 0);
    assert_eq!(entries(&app, id).len(), 1);
    assert_eq!(assert_sums(&app, id), 50);

    // The same form with exactly the balance goes through; then nothing more can go.
    let p = post_points(&c, id, "50", "subtract", "Todo", &key).await;
    assert_status(&p, StatusCode::SEE_OTHER, "exactly the balance");
    assert_eq!(assert_sums(&app, id), 0);
    let p = post_points(&c, id, "1", "subtract", "Uno más", "").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "from zero");
    p.assert_contains("El cliente no tiene tantos puntos. No se cambió nada.");
    assert_eq!(points_of(&app, id, "manual_subtract"), [-50]);
    assert_eq!(assert_sums(&app, id), 0);
}

#[actix_web::test]
async fn bad_points_input_is_refused_inline_and_writes_no_ledger_row() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Carmen Kamińska", "carmen@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}/loyalty")).await;

    let points = [
        ("0", "Escribe un número mayor que cero."),
        ("-5", "Escribe un número entero, solo cifras."),
        ("1.5", "Escribe un número entero, solo cifras."),
        ("1,5", "Escribe un número entero, solo cifras."),
        ("abc", "Escribe un número entero, solo cifras."),
        ("١٢", "Escribe un número entero, solo cifras."),
        (
            "99999999999999999999",
            "Como máximo 10.000.000 puntos de una vez.",
        ),
        ("10000001", "Como máximo 10.000.000 puntos de una vez."),
        ("", "Este campo es obligatorio."),
    ];
    for direction in ["add", "subtract"] {
        for (value, message) in points {
            let p = post_points(&c, id, value, direction, "Motivo", "").await;
            assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, value);
            p.assert_contains(message);
            p.assert_contains("Revisa los campos marcados.");
            p.assert_contains(&format!(
                "id=\"points\" name=\"points\" type=\"text\" value=\"{value}\" autocomplete=\"off\" aria-invalid=\"true\" aria-describedby=\"points-error\""
            ));
            p.assert_contains("value=\"Motivo\"");
        }
    }
    // A missing or unknown direction.
    for direction in [None, Some(""), Some("multiply"), Some("ADD")] {
        let mut fields = vec![("points", "10"), ("reason", "Motivo")];
        if let Some(d) = direction {
            fields.push(("direction", d));
        }
        let p = c
            .post(&format!("/customers/{id}/loyalty/points"), &fields)
            .await;
        assert_status(
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{direction:?}"),
        );
        p.assert_contains("Elige si sumar o restar puntos.");
        p.assert_contains("value=\"10\"");
    }
    // A missing, blank or too long reason.
    let long = "x".repeat(201);
    for reason in ["", "   ", long.as_str()] {
        let p = post_points(&c, id, "10", "add", reason, "").await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "reason");
        p.assert_contains("aria-describedby=\"reason-error\"");
    }
    let p = c
        .post(
            &format!("/customers/{id}/loyalty/points"),
            &[("points", "10"), ("direction", "add")],
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "no reason");
    p.assert_contains("Este campo es obligatorio.");
    // An operation id that is not one.
    let p = post_points(&c, id, "10", "add", "Motivo", "a b").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad key");

    assert!(entries(&app, id).is_empty(), "no ledger row");
    assert_eq!(assert_sums(&app, id), 0);
    // Nobody's points: an unknown customer.
    assert_eq!(
        post_points(&c, 999_999, "10", "add", "Motivo", "")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    give(&app, owner, id, 1);
    assert_eq!(assert_sums(&app, id), 1);
}

// ---------------------------------------------------------------------------------------
// 6. Exchange orders
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn an_exchange_order_holds_the_points_and_is_accepted_into_an_order_or_rejected_back() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "delivered"));
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let id = customer(&app, "Ana Nowak", "ana@example.es", true);
    give(&app, owner, id, 500);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // The catalogue.
    let rewards = c.get("/loyalty/rewards").await;
    rewards.assert_contains("Todavía no hay productos canjeables por puntos.");
    let p = c
        .post(
            "/loyalty/rewards",
            &[
                ("product", mug.to_string().as_str()),
                ("points", "200"),
                ("stock", "2"),
            ],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "add reward");
    let rid = app
        .with_conn(|conn| RewardRow::for_product(conn, mug))
        .unwrap()
        .unwrap()
        .id;
    let rewards = c.get("/loyalty/rewards").await;
    rewards.assert_contains("Recompensa agregada.");
    rewards.assert_contains(&format!("data-reward=\"{rid}\" data-stock=\"2\""));
    let p = c
        .post(
            "/loyalty/rewards",
            &[
                ("product", mug.to_string().as_str()),
                ("points", "10"),
                ("stock", "1"),
            ],
        )
        .await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a second reward for the product",
    );
    for (points, stock) in [("0", "1"), ("abc", "1"), ("10", "-1"), ("10", "x")] {
        let p = c
            .post(
                &format!("/loyalty/rewards/{rid}"),
                &[("points", points), ("stock", stock), ("active", "1")],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad reward row");
    }
    assert_eq!(
        (reward_row(&app, rid).points, reward_row(&app, rid).stock),
        (200, 2)
    );

    // Placed: the points are held at once, one unit of stock is kept.
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("Crear pedido de canje");
    let action = format!("/customers/{id}/loyalty/exchanges");
    let key = form_key(&panel, &action);
    for _ in 0..2 {
        let p = place(&c, id, rid, &key).await;
        assert_status(&p, StatusCode::SEE_OTHER, "place");
        assert_eq!(
            p.location(),
            Some(format!("/customers/{id}/loyalty#exchanges").as_str())
        );
    }
    let placed = exchanges(&app, id);
    assert_eq!(
        placed.len(),
        1,
        "the form sent twice places one exchange order"
    );
    let first = placed[0].id;
    assert_eq!(
        (placed[0].status.as_str(), placed[0].points),
        ("pending", 200)
    );
    assert_eq!(reward_row(&app, rid).stock, 1);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("Pedido de canje creado; los puntos quedan retenidos.");
    assert_eq!((shown_balance(&panel), shown_held(&panel)), (300, 200));
    assert_eq!(kinds(&panel), ["hold", "manual_add"]);
    assert_eq!(shown_history(&panel)[0].1, -200);
    let rows = shown_exchanges(&panel);
    assert_eq!((rows[0].0, rows[0].1.as_str()), (first, "pending"));
    assert!(rows[0].2.contains("Kubek"));
    panel.assert_contains(&format!("action=\"/loyalty/exchanges/{first}/accept\""));
    assert_eq!(assert_sums(&app, id), 300);
    // The queue lists it.
    let queue = c.get("/loyalty/exchanges").await;
    assert_eq!(shown_exchanges(&queue)[0].0, first);
    queue.assert_contains("Ana Nowak");

    // Accepted: a real order PKT-… paid with points, a redeem line of 0, nothing held.
    let back = format!("/customers/{id}/loyalty#exchanges");
    let p = c
        .post(
            &format!("/loyalty/exchanges/{first}/accept"),
            &[("back", back.as_str())],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "accept");
    assert_eq!(p.location(), Some(back.as_str()));
    let accepted = &exchanges(&app, id)[0];
    assert_eq!(accepted.status, "accepted");
    let number = format!("PKT-{first}");
    let orders = app
        .with_conn(|conn| clientela::db::orders::for_customer(conn, id, 100))
        .unwrap();
    let made: Vec<_> = orders.iter().filter(|o| o.number == number).collect();
    assert_eq!(made.len(), 1, "one order {number}");
    let made = made[0];
    assert_eq!(accepted.order_id, Some(made.id));
    assert_eq!(
        (
            made.status.as_str(),
            made.payment_method.as_str(),
            made.total_cents
        ),
        ("paid", "points", 0)
    );
    let lines = app
        .with_conn(|conn| clientela::db::orders::lines(conn, made.id))
        .unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!((lines[0].product_id, lines[0].quantity), (Some(mug), 1));
    assert_eq!(points_of(&app, id, "redeem"), [0]);
    assert_eq!(held(&app, id), 0);
    assert_eq!(assert_sums(&app, id), 300);
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("Canje aceptado; se creó el pedido del producto.");
    assert_eq!((shown_balance(&panel), shown_held(&panel)), (300, 0));
    assert_eq!(kinds(&panel)[0], "redeem");
    let rows = shown_exchanges(&panel);
    assert_eq!(rows[0].1, "accepted");
    assert!(
        rows[0].2.contains(&format!("Pedido {number}")),
        "{}",
        rows[0].2
    );
    assert!(
        !panel
            .body
            .contains(&format!("/loyalty/exchanges/{first}/accept"))
    );
    let order_page = c.get(&format!("/orders/{}", made.id)).await;
    assert_status(&order_page, StatusCode::OK, "the order page");
    order_page.assert_contains(&number);

    // Deciding it again is refused and changes nothing.
    for action in ["accept", "reject"] {
        let p = c
            .post(
                &format!("/loyalty/exchanges/{first}/{action}"),
                &[("back", "/loyalty/exchanges")],
            )
            .await;
        assert_status(&p, StatusCode::SEE_OTHER, action);
        assert_eq!(p.location(), Some("/loyalty/exchanges"));
        c.get("/loyalty/exchanges")
            .await
            .assert_contains("Otra persona ya lo resolvió.");
    }
    assert_eq!(count_kind(&app, id, "redeem"), 1);
    assert_eq!(count_kind(&app, id, "release"), 0);
    assert_eq!(
        app.with_conn(|conn| clientela::db::orders::for_customer(conn, id, 100))
            .unwrap()
            .len(),
        1
    );
    assert_eq!(reward_row(&app, rid).stock, 1);
    assert_eq!(assert_sums(&app, id), 300);

    // Another one, rejected: the points and the stock unit come back.
    let p = place(&c, id, rid, "second").await;
    assert_status(&p, StatusCode::SEE_OTHER, "place 2");
    let second = exchanges(&app, id)[0].id;
    assert_eq!(reward_row(&app, rid).stock, 0);
    assert_eq!((assert_sums(&app, id), held(&app, id)), (100, 200));
    // Out of stock now, though the customer has the points.
    give(&app, owner, id, 100);
    let p = place(&c, id, rid, "third").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "out of stock");
    p.assert_contains("Esta recompensa no está disponible o está agotada.");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-unavailable"));
    assert_eq!(exchanges(&app, id).len(), 2);
    assert_eq!(
        (reward_row(&app, rid).stock, count_kind(&app, id, "hold")),
        (0, 2)
    );
    assert_eq!(assert_sums(&app, id), 200);
    // An outside address to go back to is not followed.
    let p = c
        .post(
            &format!("/loyalty/exchanges/{second}/reject"),
            &[("back", "https://evil.example/")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "reject");
    assert_eq!(p.location(), Some("/loyalty/exchanges"));
    c.get("/loyalty/exchanges")
        .await
        .assert_contains("Canje rechazado; los puntos volvieron al cliente.");
    assert_eq!(exchanges(&app, id)[0].status, "rejected");
    assert_eq!(points_of(&app, id, "release"), [200]);
    assert_eq!(reward_row(&app, rid).stock, 1);
    assert_eq!((assert_sums(&app, id), held(&app, id)), (400, 0));
    let p = c
        .post(
            &format!("/loyalty/exchanges/{second}/accept"),
            &[("back", "")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "accept a rejected one");
    assert_eq!(exchanges(&app, id)[0].status, "rejected");
    assert_eq!(count_kind(&app, id, "redeem"), 1);
    assert_eq!(assert_sums(&app, id), 400);

    // Stock 0 set in the catalogue: refused; not offered: refused.
    let p = c
        .post(
            &format!("/loyalty/rewards/{rid}"),
            &[("points", "200"), ("stock", "0"), ("active", "1")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "stock 0");
    c.get("/loyalty/rewards")
        .await
        .assert_contains("Recompensa guardada.");
    let p = place(&c, id, rid, "fourth").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "stock 0");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-unavailable"));
    let p = c
        .post(
            &format!("/loyalty/rewards/{rid}"),
            &[("points", "200"), ("stock", "5")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "not offered");
    assert!(!reward_row(&app, rid).active);
    let p = place(&c, id, rid, "fifth").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "not offered");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-unavailable"));
    // More points than the customer has.
    let p = c
        .post(
            &format!("/loyalty/rewards/{rid}"),
            &[("points", "401"), ("stock", "5"), ("active", "1")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "dearer");
    let p = place(&c, id, rid, "sixth").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "insufficient");
    p.assert_contains("El cliente no tiene tantos puntos. No se cambió nada.");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-insufficient"));
    // Only what the customer can afford is offered.
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("data-no-affordable-reward");
    assert!(!panel.body.contains(&format!("action=\"{action}\"")));
    // An unknown reward, or an operation id that is not one: said even with no form shown.
    let p = place(&c, id, 999_999, "seventh").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "unknown reward");
    p.assert_contains("Elige una recompensa de la lista.");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-reward"));
    let p = place(&c, id, rid, "a b").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad key");
    assert_eq!(refusal(&p).as_deref(), Some("credit-error-key"));
    // The program switched off.
    let mut off = program("1", "delivered");
    off.enabled = None;
    configure(&app, owner, &off);
    let p = c
        .post(
            &format!("/loyalty/rewards/{rid}"),
            &[("points", "10"), ("stock", "5"), ("active", "1")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "cheap");
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("El programa de fidelidad está desactivado");
    assert!(
        !panel.body.contains(&format!("action=\"{action}\"")),
        "no exchange form while off"
    );
    let p = place(&c, id, rid, "eighth").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "disabled");
    p.assert_contains("El programa de fidelidad está desactivado.");
    assert_eq!(refusal(&p).as_deref(), Some("loyalty-error-disabled"));

    assert_eq!(
        exchanges(&app, id).len(),
        2,
        "no refused exchange order was kept"
    );
    assert_eq!(reward_row(&app, rid).stock, 5);
    assert_eq!(count_kind(&app, id, "hold"), 2);
    assert_eq!((assert_sums(&app, id), held(&app, id)), (400, 0));
    assert_eq!(
        c.post("/loyalty/exchanges/999999/accept", &[("back", "")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------------------------------
// 7–8. Concurrency on the real server
// ---------------------------------------------------------------------------------------

/// A signed-in owner's client that opens a connection per request: a storm on a loaded
/// machine otherwise meets the server closing an idle kept-alive connection just as the
/// client reuses it (a reset, not an answer of the application).
async fn closing_client(app: &TestApp) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::CONNECTION,
        reqwest::header::HeaderValue::from_static("close"),
    );
    let c = Client::with_headers(app, headers);
    let p = c.sign_in(OWNER_EMAIL, crate::common::PASSWORD).await;
    assert_status(&p, StatusCode::SEE_OTHER, "sign-in");
    c.get("/").await;
    c
}

#[actix_web::test]
async fn a_storm_of_concurrent_exchanges_and_subtractions_never_overdraws_and_keeps_the_ledger_exact()
 {
    const REQUESTS: usize = 500;
    const CLIENTS: usize = 8;
    const IN_FLIGHT: usize = 48;
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "delivered"));
    let id = customer(&app, "Cliente Tormenta", "storm@example.es", true);
    give(&app, owner, id, 1_000);
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let rid = reward(&app, owner, mug, 10, 1_000);

    let mut clients = Vec::with_capacity(CLIENTS);
    for _ in 0..CLIENTS {
        clients.push(Arc::new(closing_client(&app).await));
    }
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(IN_FLIGHT);
    for t in 0..IN_FLIGHT {
        let (c, next) = (Arc::clone(&clients[t % CLIENTS]), Arc::clone(&next));
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= REQUESTS {
                    break;
                }
                let exchange = i % 2 == 0;
                let key = format!("storm-{i:04}");
                let p = if exchange {
                    place(&c, id, rid, &key).await
                } else {
                    post_points(&c, id, "10", "subtract", "Tormenta", &key).await
                };
                answers.push((exchange, p.status, p.body));
            }
            answers
        }));
    }
    let mut answers = Vec::with_capacity(REQUESTS);
    for t in tasks {
        answers.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();

    let insufficient = |s: StatusCode, b: &str| {
        s == StatusCode::UNPROCESSABLE_ENTITY
            && b.contains("data-refusal=\"loyalty-error-insufficient\"")
            && b.contains("El cliente no tiene tantos puntos. No se cambió nada.")
    };
    let ok_exchanges = answers
        .iter()
        .filter(|(x, s, _)| *x && *s == StatusCode::SEE_OTHER)
        .count();
    let ok_subtractions = answers
        .iter()
        .filter(|(x, s, _)| !*x && *s == StatusCode::SEE_OTHER)
        .count();
    let refused = answers
        .iter()
        .filter(|(_, s, b)| insufficient(*s, b))
        .count();
    let server_errors = answers
        .iter()
        .filter(|(_, s, _)| s.is_server_error())
        .count();
    let others: Vec<_> = answers
        .iter()
        .filter(|(_, s, b)| *s != StatusCode::SEE_OTHER && !insufficient(*s, b))
        .collect();
    let (bal, ledger) = app.with_conn(|conn| loyalty::sums(conn, id)).unwrap();
    println!(
        "loyalty storm on {}: {} requests, {IN_FLIGHT} in flight over {CLIENTS} sessions: \
         {ok_exchanges} exchanges + {ok_subtractions} subtractions × 303, {refused} × 422, \
         {server_errors} ≥ 500, {} others; balance {bal}, ledger {ledger}; {:.2?} ({:.0} requests/s)",
        crate::common::backend(),
        answers.len(),
        others.len(),
        elapsed,
        answers.len() as f64 / elapsed.as_secs_f64()
    );
    for (_, s, b) in others.iter().take(3) {
        println!("unexpected answer {s}: {}", &b[..b.len().min(2000)]);
    }
    assert_eq!(answers.len(), REQUESTS);
    assert_eq!(server_errors, 0, "no response ≥ 500");
    assert!(others.is_empty(), "{} unexpected answers", others.len());
    assert_eq!(
        ok_exchanges + ok_subtractions,
        100,
        "exactly 100 debits of 10 succeed"
    );
    assert_eq!(refused, 400, "the other 400 are refused as insufficient");
    assert_eq!((bal, ledger), (0, 0), "balance == ledger sum == 0");
    assert_eq!(assert_sums(&app, id), 0);
    assert_eq!(
        held(&app, id),
        10 * ok_exchanges as i64,
        "held == 10 × exchanges"
    );
    assert_eq!(count_kind(&app, id, "hold"), ok_exchanges);
    assert_eq!(count_kind(&app, id, "manual_subtract"), ok_subtractions);
    assert_eq!(
        exchanges(&app, id).len(),
        ok_exchanges,
        "no refused exchange order kept"
    );
    assert_eq!(reward_row(&app, rid).stock, 1_000 - ok_exchanges as i64);
    let mut after: Vec<i64> = entries(&app, id)
        .iter()
        .filter(|e| e.points < 0)
        .map(|e| e.balance_after)
        .collect();
    after.sort_unstable();
    assert_eq!(
        after,
        (0..100).map(|n| n * 10).collect::<Vec<_>>(),
        "each debit saw a distinct balance"
    );
}

#[actix_web::test]
async fn an_award_replayed_twenty_times_at_once_is_granted_once() {
    const TIMES: usize = 20;
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let mut s = program("1", "delivered");
    s.review_points = "15".into();
    configure(&app, owner, &s);
    let id = customer(&app, "Doble Clic", "doble@example.es", true);
    let c = Arc::new(Client::signed_in(&app, OWNER_EMAIL).await);
    c.get(&format!("/customers/{id}/loyalty")).await;

    // 20 approvals of the same review at once: one award.
    assert_status(
        &post_review(&c, id, mug, "5", "Genial").await,
        StatusCode::SEE_OTHER,
        "review",
    );
    let rid = review_ids(&app, id)[0];
    let mut tasks = Vec::new();
    for _ in 0..TIMES {
        let c = Arc::clone(&c);
        tasks.push(tokio::spawn(async move {
            c.post(&format!("/loyalty/reviews/{rid}/approve"), &[])
                .await
                .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(review_row(&app, rid).status, "approved");
    assert_eq!(points_of(&app, id, "earn_review"), [15]);
    assert_eq!(assert_sums(&app, id), 15);

    // 20 concurrent settlements of an order at the earning status: one award. The order was
    // delivered while the program was off, so placing it earned nothing.
    let mut off = s.clone();
    off.enabled = None;
    configure(&app, owner, &off);
    let delivered = order(&app, id, "T-1", 4_000, "delivered", 1);
    assert_eq!(count_kind(&app, id, "earn_order"), 0);
    configure(&app, owner, &s);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..TIMES)
            .map(|_| {
                let pool = app.pool.clone();
                scope.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    write_tx(&mut conn, |conn| {
                        loyalty::settle_order(conn, Some(owner), delivered, None)
                    })
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap().unwrap();
        }
    });
    assert_eq!(points_of(&app, id, "earn_order"), [40]);
    assert_eq!(assert_sums(&app, id), 55);

    // 20 concurrent status changes of another order to the earning status: one award.
    let pending = order(&app, id, "T-2", 2_500, "pending", 0);
    let mut tasks = Vec::new();
    for _ in 0..TIMES {
        let c = Arc::clone(&c);
        tasks.push(tokio::spawn(async move {
            set_status(&c, pending, "delivered").await.status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(order_row(&app, pending).status, "delivered");
    // The order's own history records the change once too (the order is read under its lock).
    let history = app
        .with_conn(|conn| clientela::db::orders::history(conn, pending))
        .unwrap();
    assert_eq!(
        history
            .iter()
            .map(|h| h.to_status.as_str())
            .collect::<Vec<_>>(),
        ["pending", "delivered"],
        "one status change recorded"
    );
    assert_eq!(points_of(&app, id, "earn_order"), [25, 40]);
    assert_eq!(assert_sums(&app, id), 80);

    // And 20 concurrent cancellations of it: one reversal.
    let mut tasks = Vec::new();
    for _ in 0..TIMES {
        let c = Arc::clone(&c);
        tasks.push(tokio::spawn(async move {
            set_status(&c, pending, "cancelled").await.status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(points_of(&app, id, "reversal"), [-25]);
    assert_eq!(assert_sums(&app, id), 55);

    // 20 posts of one "Zarządzaj punktami" form at once: one change.
    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    let key = Arc::new(form_key(&panel, &format!("/customers/{id}/loyalty/points")));
    let mut tasks = Vec::new();
    for _ in 0..TIMES {
        let (c, key) = (Arc::clone(&c), Arc::clone(&key));
        tasks.push(tokio::spawn(async move {
            post_points(&c, id, "7", "add", "Una vez", &key)
                .await
                .status
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(points_of(&app, id, "manual_add"), [7]);
    assert_eq!(assert_sums(&app, id), 62);
}

// ---------------------------------------------------------------------------------------
// 9. Roles
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn support_sees_the_section_and_records_reviews_but_every_manage_post_is_forbidden() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);
    let mut s = program("1", "delivered");
    s.review_points = "15".into();
    let before = configure(&app, owner, &s);
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let id = customer(&app, "Carmen López", "carmen@example.es", true);
    give(&app, owner, id, 300);
    let rid = reward(&app, owner, mug, 100, 5);
    let xid = app
        .with_conn(|conn| loyalty::place_exchange(conn, Some(owner), id, &rid.to_string(), ""))
        .unwrap();
    let review = app
        .with_conn(|conn| {
            loyalty::add_review(
                conn,
                Some(owner),
                id,
                &loyalty::ReviewInput {
                    product: mug.to_string(),
                    rating: "4".into(),
                    body: "Bien".into(),
                },
            )
        })
        .unwrap();
    let entries_before = entries(&app, id).len();

    let sup = Client::signed_in(&app, "support@example.com").await;
    let panel = sup.get(&format!("/customers/{id}/loyalty")).await;
    assert_status(&panel, StatusCode::OK, "support panel");
    assert_eq!((shown_balance(&panel), shown_held(&panel)), (200, 100));
    assert_eq!(shown_exchanges(&panel)[0].0, xid);
    for hidden in [
        "Gestionar puntos",
        format!("action=\"/customers/{id}/loyalty/points\"").as_str(),
        format!("action=\"/customers/{id}/loyalty/exchanges\"").as_str(),
        format!("/loyalty/exchanges/{xid}/accept").as_str(),
        "Configurar el programa",
    ] {
        assert!(
            !panel.body.contains(hidden),
            "support must not see {hidden:?}:\n{}",
            panel.body
        );
    }
    // Support records a review for the customer.
    panel.assert_contains(&format!("action=\"/customers/{id}/reviews\""));
    assert_status(
        &post_review(&sup, id, mug, "5", "Desde soporte").await,
        StatusCode::SEE_OTHER,
        "support review",
    );
    assert_eq!(review_ids(&app, id).len(), 2);

    let (rid_s, mug_s) = (rid.to_string(), mug.to_string());
    let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/customers/{id}/loyalty/points"),
            vec![
                ("points", "100"),
                ("direction", "add"),
                ("reason", "Soporte"),
            ],
        ),
        (
            format!("/customers/{id}/loyalty/points"),
            vec![
                ("points", "100"),
                ("direction", "subtract"),
                ("reason", "Soporte"),
            ],
        ),
        (
            format!("/customers/{id}/loyalty/exchanges"),
            vec![("reward", rid_s.as_str()), ("idempotency_key", "support-1")],
        ),
        (
            format!("/loyalty/exchanges/{xid}/accept"),
            vec![("back", "")],
        ),
        (
            format!("/loyalty/exchanges/{xid}/reject"),
            vec![("back", "")],
        ),
        (format!("/loyalty/reviews/{review}/approve"), vec![]),
        (format!("/loyalty/reviews/{review}/reject"), vec![]),
        (
            "/loyalty/rewards".into(),
            vec![("product", mug_s.as_str()), ("points", "1"), ("stock", "1")],
        ),
        (
            format!("/loyalty/rewards/{rid}"),
            vec![("points", "1"), ("stock", "999"), ("active", "1")],
        ),
        (
            "/settings/loyalty".into(),
            vec![
                ("enabled", "1"),
                ("rate", "1000"),
                ("scope", "all"),
                ("newsletter_points", "1000"),
                ("review_points", "1000"),
                ("earn_status", "paid"),
                ("expiry_days", ""),
            ],
        ),
    ];
    for (path, fields) in &attempts {
        let p = sup.post(path, fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "support POST {path}");
    }
    for path in [
        "/loyalty",
        "/loyalty/exchanges",
        "/loyalty/rewards",
        "/loyalty/reviews",
        "/settings/loyalty",
    ] {
        assert_eq!(
            sup.get(path).await.status,
            StatusCode::FORBIDDEN,
            "support GET {path}"
        );
    }
    // Nothing changed.
    assert_eq!(entries(&app, id).len(), entries_before);
    assert_eq!((assert_sums(&app, id), held(&app, id)), (200, 100));
    assert_eq!(exchanges(&app, id)[0].status, "pending");
    assert_eq!(review_row(&app, review).status, "pending");
    let r = reward_row(&app, rid);
    assert_eq!((r.points, r.stock, r.active), (100, 4, true));
    assert_eq!(settings(&app), before);

    // A manager manages.
    let m = Client::signed_in(&app, "manager@example.com").await;
    let panel = m.get(&format!("/customers/{id}/loyalty")).await;
    panel.assert_contains("Gestionar puntos");
    let p = post_points(&m, id, "5", "add", "Gerente", "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "manager add");
    let p = m
        .post(&format!("/loyalty/exchanges/{xid}/accept"), &[("back", "")])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "manager accept");
    assert_eq!(exchanges(&app, id)[0].status, "accepted");
    let panel = m.get(&format!("/customers/{id}/loyalty")).await;
    assert!(
        shown_history(&panel)[1]
            .2
            .iter()
            .any(|t| t == "Staff manager")
    );
    assert_eq!((assert_sums(&app, id), held(&app, id)), (205, 0));
}

// ---------------------------------------------------------------------------------------
// 10. Escaping
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn reasons_review_bodies_and_names_come_back_escaped() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "delivered"));
    let evil = "<script>alert(1)</script>";
    let evil_name = "<img src=x onerror=alert(1)>";
    let mug = product(&app, "MUG-1", evil_name, 2500);
    let id = customer(&app, evil_name, "evil@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}/loyalty")).await;

    assert_status(
        &post_points(&c, id, "50", "add", evil, "").await,
        StatusCode::SEE_OTHER,
        "add",
    );
    assert_status(
        &post_review(&c, id, mug, "3", evil).await,
        StatusCode::SEE_OTHER,
        "review",
    );
    let rid = reward(&app, owner, mug, 10, 3);
    assert_status(
        &place(&c, id, rid, "x-1").await,
        StatusCode::SEE_OTHER,
        "place",
    );

    let panel = c.get(&format!("/customers/{id}/loyalty")).await;
    assert_escaped(&panel, evil);
    assert_escaped(&panel, evil_name);
    let history = shown_history(&panel);
    assert!(
        history
            .iter()
            .any(|(_, _, cells)| cells.iter().any(|t| t == evil)),
        "the reason reads as typed"
    );
    assert!(
        shown_reviews(&panel)[0].2.contains(evil),
        "the body reads as typed"
    );

    let reviews = c.get("/loyalty/reviews").await;
    assert_escaped(&reviews, evil);
    assert_escaped(&reviews, evil_name);
    for path in [
        "/loyalty/exchanges",
        "/loyalty",
        "/loyalty/rewards",
        "/settings/loyalty",
    ] {
        let page = c.get(path).await;
        assert_status(&page, StatusCode::OK, path);
        assert_escaped(&page, evil_name);
    }
    // Typed values shown again on a refused form are escaped too.
    let p = post_points(&c, id, "<b>1</b>", "add", evil, "").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad points");
    assert!(!p.body.contains("<b>1</b>"));
    assert_escaped(&p, evil);
    let p = post_review(&c, id, mug, "9", evil).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad review");
    assert_escaped(&p, evil);
    let p = c
        .post(
            "/settings/loyalty",
            &[("rate", evil), ("scope", "all"), ("earn_status", "paid")],
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad rate");
    assert_escaped(&p, evil);
}

// ---------------------------------------------------------------------------------------
// 11. The overview and the list filter
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_overview_shows_outstanding_points_and_the_top_earner_and_the_list_filters_by_points() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    configure(&app, owner, &program("1", "delivered"));
    let mug = product(&app, "MUG-1", "Kubek", 2500);
    let rid = reward(&app, owner, mug, 40, 10);
    let ana = customer(&app, "Ana Top", "ana@example.es", true);
    let ben = customer(&app, "Ben Segundo", "ben@example.es", true);
    let cid = customer(&app, "Carla Gastó", "carla@example.es", true);
    let dan = customer(&app, "Dan Sin Puntos", "dan@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let empty = c.get("/loyalty").await;
    assert_status(&empty, StatusCode::OK, "empty overview");
    for attr in ["outstanding", "held", "pending", "earned", "redeemed"] {
        empty.assert_contains(&format!("data-{attr}=\"0\""));
    }
    empty.assert_contains("Nadie ha ganado puntos todavía.");

    order(&app, ana, "O-1", 30_000, "delivered", 0); // 300 points earned
    order(&app, ben, "O-2", 12_000, "delivered", 0); // 120 points earned
    give(&app, owner, cid, 80);
    give(&app, owner, cid, -80); // earned 80, has none left
    // Ben places two exchange orders; one is accepted.
    let x1 = app
        .with_conn(|conn| loyalty::place_exchange(conn, Some(owner), ben, &rid.to_string(), ""))
        .unwrap();
    app.with_conn(|conn| loyalty::place_exchange(conn, Some(owner), ben, &rid.to_string(), ""))
        .unwrap();
    app.with_conn(|conn| loyalty::accept_exchange(conn, owner, x1))
        .unwrap();
    assert_eq!(assert_sums(&app, ana), 300);
    assert_eq!(assert_sums(&app, ben), 40);
    assert_eq!(assert_sums(&app, cid), 0);

    let page = c.get("/loyalty").await;
    assert_status(&page, StatusCode::OK, "overview");
    page.assert_contains("El programa está activado.");
    assert_eq!(shown(&page, "[data-outstanding]", "data-outstanding"), 340);
    assert_eq!(shown(&page, "[data-held]", "data-held"), 40);
    assert_eq!(shown(&page, "[data-pending]", "data-pending"), 1);
    assert_eq!(shown(&page, "[data-earned]", "data-earned"), 500);
    assert_eq!(shown(&page, "[data-redeemed]", "data-redeemed"), 40);
    let top = shown_rows(&page, "tr[data-earner]", "data-earner");
    let order_of: Vec<i64> = top.iter().map(|r| r.0).collect();
    assert_eq!(
        order_of,
        [ana, ben, cid],
        "by points earned; nobody without any"
    );
    assert!(
        top[0].2.contains("Ana Top") && top[0].2.contains("300"),
        "{}",
        top[0].2
    );
    page.assert_contains(&format!("href=\"/customers/{ana}/loyalty\""));

    // The list: only customers who have points now.
    let list = c.get("/customers?points=yes").await;
    assert_status(&list, StatusCode::OK, "list");
    let listed: Vec<i64> = shown_rows(&list, "tr[data-customer]", "data-customer")
        .into_iter()
        .map(|r| r.0)
        .collect();
    let mut listed_sorted = listed.clone();
    listed_sorted.sort_unstable();
    let mut expected = vec![ana, ben];
    expected.sort_unstable();
    assert_eq!(listed_sorted, expected, "{listed:?}");
    list.assert_contains("Con puntos de fidelidad");
    let all = c.get("/customers").await;
    assert_eq!(
        shown_rows(&all, "tr[data-customer]", "data-customer").len(),
        4,
        "every customer without the filter"
    );
    assert!(
        !list.body.contains("Dan Sin Puntos") && !list.body.contains("Carla Gastó"),
        "customers without points are not listed"
    );
    assert!(!listed.contains(&dan) && !listed.contains(&cid));
}
