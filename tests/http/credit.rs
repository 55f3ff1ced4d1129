//! Store credit ("Créditos de tienda") over HTTP: the customer's panel, granting, deleting what
//! is left of a credit, expiry, paying orders with credit (and the storm of concurrent spends),
//! refunds to credit, settings, reasons, the liability report, roles and escaping.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{Duration, Utc};
use clientela::db::credit::{EntryRow, ReasonRow};
use clientela::domain::credit::{self, GrantInput, SettingsInput};
use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use clientela::i18n::format::format_money;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// An amount as the Spanish pages show it ("12,50 €").
fn money(cents: i64) -> String {
    format_money(cents, "EUR", Lang::Es)
}

/// The id of a built-in reason by its code ("return", "exchange", ...).
pub(crate) fn reason_id(app: &TestApp, code: &str) -> i64 {
    app.with_conn(ReasonRow::all)
        .unwrap()
        .into_iter()
        .find(|r| r.code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("built-in reason {code}"))
        .id
}

/// The id of a merchant-added reason by its name.
fn named_reason_id(app: &TestApp, name: &str) -> i64 {
    app.with_conn(ReasonRow::all)
        .unwrap()
        .into_iter()
        .find(|r| r.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("reason {name}"))
        .id
}

/// Switches store credit on as a payment method (through the domain).
pub(crate) fn enable_credit(app: &TestApp, actor: i64) {
    app.with_conn(|conn| {
        credit::save_settings(
            conn,
            actor,
            &SettingsInput {
                enabled: Some("on".into()),
                expiry_days: String::new(),
            },
        )
    })
    .unwrap();
}

/// Grants `amount` (as typed) through the domain; returns the lot id.
pub(crate) fn grant(app: &TestApp, actor: i64, customer_id: i64, amount: &str) -> i64 {
    let reason = reason_id(app, "compensation").to_string();
    app.with_conn(|conn| {
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
    })
    .unwrap()
}

fn balance(app: &TestApp, customer_id: i64) -> i64 {
    app.with_conn(|conn| credit::balance(conn, customer_id))
        .unwrap()
}

/// Every ledger entry of a customer, newest first.
pub(crate) fn entries(app: &TestApp, customer_id: i64) -> Vec<EntryRow> {
    app.with_conn(|conn| EntryRow::for_customer(conn, customer_id, 100_000))
        .unwrap()
        .into_iter()
        .map(|(e, _, _)| e)
        .collect()
}

pub(crate) fn count_kind(app: &TestApp, customer_id: i64, kind: &str) -> usize {
    entries(app, customer_id)
        .iter()
        .filter(|e| e.kind == kind)
        .count()
}

/// balance == ledger sum == lots remaining; returns the balance.
#[track_caller]
fn assert_sums(app: &TestApp, customer_id: i64) -> i64 {
    let (balance, ledger, lots) = app
        .with_conn(|conn| credit::sums(conn, customer_id))
        .unwrap();
    assert_eq!(
        (balance, ledger),
        (balance, balance),
        "ledger sum differs from the balance"
    );
    assert_eq!(
        (balance, lots),
        (balance, balance),
        "lots remaining differ from the balance"
    );
    balance
}

fn order_row(app: &TestApp, id: i64) -> clientela::db::orders::OrderRow {
    app.with_conn(|conn| clientela::db::orders::find(conn, id))
        .unwrap()
        .unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The balance the panel shows (`data-credit-balance`).
#[track_caller]
fn shown_balance(page: &Page) -> i64 {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel("[data-credit-balance]"))
        .next()
        .unwrap_or_else(|| panic!("no balance on the page:\n{}", page.body))
        .value()
        .attr("data-credit-balance")
        .unwrap()
        .parse()
        .unwrap()
}

/// The lots table of the panel: (lot id, remaining cents, the row's text).
fn shown_lots(page: &Page) -> Vec<(i64, i64, String)> {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel("tr[data-lot]"))
        .map(|tr| {
            (
                tr.value().attr("data-lot").unwrap().parse().unwrap(),
                tr.value().attr("data-remaining").unwrap().parse().unwrap(),
                tr.text().collect::<String>(),
            )
        })
        .collect()
}

/// The history table of the panel, newest first: (kind, amount cents, the cells' texts).
fn shown_history(page: &Page) -> Vec<(String, i64, Vec<String>)> {
    let doc = Html::parse_document(&page.body);
    let td = sel("td");
    doc.select(&sel("tr[data-entry-kind]"))
        .map(|tr| {
            (
                tr.value().attr("data-entry-kind").unwrap().to_owned(),
                tr.value().attr("data-amount").unwrap().parse().unwrap(),
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

/// `raw` markup comes back as text: escaped in the source (whichever entity form the
/// templates use), and no element of it reaches the document.
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

/// Posts the grant form of the panel.
async fn post_grant(
    c: &Client,
    customer_id: i64,
    amount: &str,
    reason: &str,
    expires_on: &str,
    note: &str,
) -> Page {
    c.post(
        &format!("/customers/{customer_id}/credit"),
        &[
            ("amount", amount),
            ("reason", reason),
            ("expires_on", expires_on),
            ("note", note),
        ],
    )
    .await
}

async fn apply(c: &Client, order_id: i64, amount: &str, key: &str) -> Page {
    c.post(
        &format!("/orders/{order_id}/credit"),
        &[("amount", amount), ("idempotency_key", key)],
    )
    .await
}

async fn refund(c: &Client, order_id: i64, amount: &str) -> Page {
    c.post(
        &format!("/orders/{order_id}/refund-credit"),
        &[("amount", amount)],
    )
    .await
}

// ---------------------------------------------------------------------------------------
// 1. The seed flow
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn staff_open_the_credit_panel_from_the_card_grant_credit_and_see_it_everywhere_in_spanish() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Lucía Fernández", "lucia@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let card = c.get(&format!("/customers/{id}")).await;
    assert_status(&card, StatusCode::OK, "card");
    card.assert_contains("Más acciones");
    let doc = Html::parse_document(&card.body);
    let entry = doc
        .select(&sel("details.more-actions a"))
        .find(|a| a.text().collect::<String>().contains("Créditos de tienda"))
        .expect("\"Créditos de tienda\" in the card's \"Más acciones\" menu");
    assert_eq!(
        entry.value().attr("href"),
        Some(format!("/customers/{id}/credit").as_str())
    );

    let panel = c.get(&format!("/customers/{id}/credit")).await;
    assert_status(&panel, StatusCode::OK, "panel");
    panel.assert_contains("Créditos de tienda");
    panel.assert_contains("Saldo disponible");
    panel.assert_contains("Agregar crédito");
    panel.assert_contains("Este cliente aún no tiene créditos de tienda.");
    assert_eq!(shown_balance(&panel), 0);
    // The built-in reasons, translated.
    for label in ["Devolución", "Cambio", "Compensación", "Otro"] {
        panel.assert_contains(&format!(">{label}</option>"));
    }

    let ret = reason_id(&app, "return").to_string();
    let p = post_grant(&c, id, "12,50", &ret, "", "Devolvió la camisa de lino").await;
    assert_status(&p, StatusCode::SEE_OTHER, "grant");
    assert_eq!(
        p.location(),
        Some(format!("/customers/{id}/credit").as_str())
    );

    let panel = c.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains("Crédito agregado.");
    assert_eq!(shown_balance(&panel), 1250);
    panel.assert_contains(&money(1250));
    let lots = shown_lots(&panel);
    assert_eq!(lots.len(), 1, "one lot row");
    assert_eq!(lots[0].1, 1250);
    assert!(lots[0].2.contains("Devolución"), "{}", lots[0].2);
    assert!(
        lots[0].2.contains("Devolvió la camisa de lino"),
        "{}",
        lots[0].2
    );
    assert!(lots[0].2.contains("Sin caducidad"), "{}", lots[0].2);
    assert!(lots[0].2.contains("Olga Owner"), "{}", lots[0].2);
    let history = shown_history(&panel);
    assert_eq!(history.len(), 1, "one history row");
    let (kind, amount, cells) = &history[0];
    assert_eq!((kind.as_str(), *amount), ("grant", 1250));
    assert!(cells.iter().any(|t| t == "Crédito asignado"), "{cells:?}");
    assert_eq!(
        cells.last().map(String::as_str),
        Some(money(1250).as_str()),
        "balance after"
    );
    // The flash is shown once.
    let again = c.get(&format!("/customers/{id}/credit")).await;
    assert!(!again.body.contains("Crédito agregado."));

    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("data-credit-balance=\"1250\"");
    card.assert_contains("data-credit-menu-balance=\"1250\"");
    card.assert_contains(&money(1250));
    assert_eq!(assert_sums(&app, id), 1250);
}

// ---------------------------------------------------------------------------------------
// 2. Bad input
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn bad_grants_are_refused_with_a_translated_message_and_write_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Javier Martínez", "javier@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}/credit")).await;
    let ret = reason_id(&app, "return").to_string();
    let today = Utc::now().date_naive();
    let yesterday = (today - Duration::days(1)).format("%Y-%m-%d").to_string();
    let today = today.format("%Y-%m-%d").to_string();

    let amounts = [
        ("0", "El importe debe ser mayor que cero."),
        ("0,00", "El importe debe ser mayor que cero."),
        ("-5", "Introduce un importe como 12 o 12,50."),
        ("1,234", "Usa como máximo dos decimales."),
        ("9223372036854775808", "Este importe es demasiado grande."),
        ("1000001", "Este importe es demasiado grande."),
        ("abc", "Introduce un importe como 12 o 12,50."),
        ("١٢", "Introduce un importe como 12 o 12,50."),
        ("12,", "Introduce un importe como 12 o 12,50."),
        ("1.000,00", "Introduce un importe como 12 o 12,50."),
        ("", "Este campo es obligatorio."),
    ];
    for (amount, message) in amounts {
        let p = post_grant(&c, id, amount, &ret, "", "").await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, amount);
        p.assert_contains(message);
        p.assert_contains("aria-invalid=\"true\" aria-describedby=\"amount-error\"");
        p.assert_contains("Revisa los campos marcados");
    }
    let others = [
        ("10", "999999", "", "Elige un motivo."),
        ("10", "motivo", "", "Elige un motivo."),
        ("10", "", "", "Elige un motivo."),
        (
            "10",
            ret.as_str(),
            yesterday.as_str(),
            "La fecha de caducidad debe ser posterior a hoy.",
        ),
        (
            "10",
            ret.as_str(),
            today.as_str(),
            "La fecha de caducidad debe ser posterior a hoy.",
        ),
        (
            "10",
            ret.as_str(),
            "31/12/2099",
            "No se pudo leer una fecha",
        ),
    ];
    for (amount, reason, expires_on, message) in others {
        let p = post_grant(&c, id, amount, reason, expires_on, "nota").await;
        assert_status(
            &p,
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!("{reason:?} {expires_on:?}"),
        );
        p.assert_contains(message);
        // What was typed comes back.
        p.assert_contains("value=\"10\"");
        p.assert_contains("value=\"nota\"");
    }
    assert!(entries(&app, id).is_empty(), "no ledger row");
    assert_eq!(assert_sums(&app, id), 0);
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    assert_eq!(shown_balance(&panel), 0);
    assert!(shown_lots(&panel).is_empty());
}

// ---------------------------------------------------------------------------------------
// 3. Deleting a partly spent credit
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn deleting_a_partly_spent_credit_voids_only_what_is_left() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Ana García", "ana@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}/credit")).await;
    let other = reason_id(&app, "other").to_string();
    let p = post_grant(&c, id, "50,00", &other, "", "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "grant");
    enable_credit(&app, owner);
    let oid = order(&app, id, "1001", 3000, "pending", 0);

    let page = c.get(&format!("/orders/{oid}")).await;
    page.assert_contains("Aplicar crédito de tienda");
    let p = apply(&c, oid, "20", "spend-1").await;
    assert_status(&p, StatusCode::SEE_OTHER, "spend");
    assert_eq!(p.location(), Some(format!("/orders/{oid}").as_str()));
    let page = c.get(&format!("/orders/{oid}")).await;
    page.assert_contains("Crédito aplicado al pedido.");
    page.assert_contains("data-credit-paid=\"2000\"");
    assert_eq!(balance(&app, id), 3000);

    let panel = c.get(&format!("/customers/{id}/credit")).await;
    let lots = shown_lots(&panel);
    assert_eq!(lots.len(), 1);
    let (lot, remaining, _) = lots[0].clone();
    assert_eq!(remaining, 3000);
    let void_path = format!("/customers/{id}/credit/lots/{lot}/void");
    panel.assert_contains(&format!("href=\"{void_path}\""));

    // It asks first and says how much goes.
    let ask = c.get(&void_path).await;
    assert_status(&ask, StatusCode::OK, "void page");
    ask.assert_contains("Eliminar crédito de tienda");
    ask.assert_contains("Se eliminará lo que queda de este crédito");
    ask.assert_contains(&money(3000));
    ask.assert_contains("Eliminar el crédito restante");
    assert_eq!(balance(&app, id), 3000, "asking changes nothing");

    let p = c.post(&void_path, &[]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "void");
    assert_eq!(
        p.location(),
        Some(format!("/customers/{id}/credit").as_str())
    );
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains("Crédito eliminado.");
    assert_eq!(shown_balance(&panel), 0);
    assert_eq!(kinds(&panel), ["void", "spend", "grant"]);
    let history = shown_history(&panel);
    assert_eq!(history[0].1, -3000, "only the remainder is voided");
    assert_eq!(history[1].1, -2000);
    assert_eq!(history[2].1, 5000);
    let lots = shown_lots(&panel);
    assert_eq!(lots[0].1, 0, "the lot shows nothing left");
    assert!(lots[0].2.contains("Eliminado"), "{}", lots[0].2);
    assert!(
        !panel.body.contains(&format!("href=\"{void_path}\"")),
        "no delete link for an empty lot"
    );
    // The spend on the order is untouched.
    assert_eq!(order_row(&app, oid).credit_paid_cents, 2000);

    let again = c.post(&void_path, &[]).await;
    assert_status(&again, StatusCode::UNPROCESSABLE_ENTITY, "void again");
    again.assert_contains("A este crédito no le queda nada por eliminar.");
    assert_eq!(count_kind(&app, id, "void"), 1);
    assert_eq!(assert_sums(&app, id), 0);

    // Someone else's lot, or no lot at all, is not found.
    let other_customer = customer(&app, "Otro", "otro@example.es", true);
    assert_eq!(
        c.post(
            &format!("/customers/{other_customer}/credit/lots/{lot}/void"),
            &[]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.get(&format!("/customers/{id}/credit/lots/999999/void"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

// ---------------------------------------------------------------------------------------
// 4. Expiry
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn credit_expires_after_its_date_with_an_expiry_entry() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Marta Ruiz", "marta@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}/credit")).await;
    let tomorrow = (Utc::now().date_naive() + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let exchange = reason_id(&app, "exchange").to_string();
    let p = post_grant(&c, id, "7,25", &exchange, &tomorrow, "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "grant");
    assert_eq!(balance(&app, id), 725);

    // Not due yet.
    let now = Utc::now().naive_utc();
    assert_eq!(
        app.with_conn(|conn| credit::expire_due(conn, Some(id), now))
            .unwrap(),
        0
    );
    assert_eq!(balance(&app, id), 725);

    let later = now + Duration::days(2);
    assert_eq!(
        app.with_conn(|conn| credit::expire_due(conn, Some(id), later))
            .unwrap(),
        1
    );
    // Running it again finds nothing more.
    assert_eq!(
        app.with_conn(|conn| credit::expire_due(conn, Some(id), later))
            .unwrap(),
        0
    );
    assert_eq!(assert_sums(&app, id), 0);
    assert_eq!(count_kind(&app, id, "expiry"), 1);

    let panel = c.get(&format!("/customers/{id}/credit")).await;
    assert_eq!(shown_balance(&panel), 0);
    assert_eq!(kinds(&panel), ["expiry", "grant"]);
    let history = shown_history(&panel);
    assert_eq!(history[0].1, -725);
    assert!(
        history[0].2.iter().any(|t| t == "Caducidad"),
        "{:?}",
        history[0].2
    );
    assert!(
        history[0].2.iter().any(|t| t == "Sistema"),
        "{:?}",
        history[0].2
    );
    let lots = shown_lots(&panel);
    assert_eq!(lots[0].1, 0);
    assert!(lots[0].2.contains("Caducado"), "{}", lots[0].2);
}

// ---------------------------------------------------------------------------------------
// 5. Cancellation and refunds
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn cancelling_an_order_gives_its_credit_back_once_and_refunds_to_credit_are_capped() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Pablo Sánchez", "pablo@example.es", true);
    grant(&app, owner, id, "50");
    enable_credit(&app, owner);
    let pending = order(&app, id, "2001", 4000, "pending", 0);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/orders/{pending}")).await;

    assert_status(
        &apply(&c, pending, "10", "a-1").await,
        StatusCode::SEE_OTHER,
        "spend 1",
    );
    assert_status(
        &apply(&c, pending, "5,50", "a-2").await,
        StatusCode::SEE_OTHER,
        "spend 2",
    );
    assert_eq!(balance(&app, id), 3450);
    assert_eq!(order_row(&app, pending).credit_paid_cents, 1550);

    let p = c
        .post(
            &format!("/orders/{pending}/status"),
            &[("status", "cancelled")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "cancel");
    assert_eq!(balance(&app, id), 5000, "the credit spent comes back");
    assert_eq!(order_row(&app, pending).credit_paid_cents, 0);
    assert_eq!(count_kind(&app, id, "reversal"), 2);
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    let reversals: Vec<i64> = shown_history(&panel)
        .into_iter()
        .filter(|(k, _, _)| k == "reversal")
        .map(|(_, a, _)| a)
        .collect();
    assert_eq!(reversals.iter().sum::<i64>(), 1550);
    panel.assert_contains("Devolución por cancelación");
    panel.assert_contains("Pedido 2001");
    assert_eq!(shown_lots(&panel)[0].1, 5000, "back into the lot");

    // Cancelling again, or reopening and cancelling again, gives nothing more back.
    for status in ["cancelled", "pending", "cancelled"] {
        let p = c
            .post(&format!("/orders/{pending}/status"), &[("status", status)])
            .await;
        assert_status(&p, StatusCode::SEE_OTHER, status);
    }
    assert_eq!(balance(&app, id), 5000);
    assert_eq!(count_kind(&app, id, "reversal"), 2);
    assert_eq!(assert_sums(&app, id), 5000);

    // Refunds into store credit of a delivered order.
    let delivered = order(&app, id, "2002", 2000, "delivered", 3);
    let page = c.get(&format!("/orders/{delivered}")).await;
    page.assert_contains("Reembolsar a crédito de tienda");
    let p = refund(&c, delivered, "5,00").await;
    assert_status(&p, StatusCode::SEE_OTHER, "refund");
    assert_eq!(p.location(), Some(format!("/orders/{delivered}").as_str()));
    let page = c.get(&format!("/orders/{delivered}")).await;
    page.assert_contains("Reembolso a crédito de tienda registrado.");
    page.assert_contains("data-credit-refunded=\"500\"");
    assert_eq!(balance(&app, id), 5500);
    assert_eq!(count_kind(&app, id, "refund"), 1);

    let p = refund(&c, delivered, "15,01").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "refund too much");
    p.assert_contains("El importe supera lo que queda por reembolsar del pedido.");
    p.assert_contains("data-credit-error=\"refund\"");
    assert_eq!(balance(&app, id), 5500);
    let p = refund(&c, delivered, "0").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "refund zero");
    p.assert_contains("El importe debe ser mayor que cero.");
    // Exactly what is left is fine, and then nothing more.
    assert_status(
        &refund(&c, delivered, "15").await,
        StatusCode::SEE_OTHER,
        "refund the rest",
    );
    let p = refund(&c, delivered, "0,01").await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "refund past the total",
    );
    p.assert_contains("El importe supera lo que queda por reembolsar del pedido.");
    assert_eq!(order_row(&app, delivered).credit_refunded_cents, 2000);
    assert_eq!(balance(&app, id), 7000);

    // A pending order (not paid) and a cancelled one cannot be refunded.
    let unpaid = order(&app, id, "2003", 2000, "pending", 0);
    let p = refund(&c, unpaid, "5").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "refund pending");
    p.assert_contains("Solo se puede reembolsar un pedido pagado que no esté cancelado.");
    let p = refund(&c, pending, "5").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "refund cancelled");
    p.assert_contains("Solo se puede reembolsar un pedido pagado que no esté cancelado.");
    assert_eq!(count_kind(&app, id, "refund"), 2);
    assert_eq!(assert_sums(&app, id), 7000);
}

// ---------------------------------------------------------------------------------------
// 6. Refused spends
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn applying_credit_is_refused_beyond_the_due_when_disabled_and_beyond_the_balance() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Elena Torres", "elena@example.es", true);
    grant(&app, owner, id, "50");
    let small = order(&app, id, "3001", 1000, "pending", 0);
    let big = order(&app, id, "3002", 10000, "pending", 0);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let page = c.get(&format!("/orders/{small}")).await;
    assert!(
        !page
            .body
            .contains(&format!("action=\"/orders/{small}/credit\"")),
        "no apply form while credit is disabled"
    );
    let p = apply(&c, small, "5", "d-1").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "disabled");
    p.assert_contains("Los créditos de tienda están desactivados como método de pago.");
    p.assert_contains("data-credit-error=\"apply\"");

    enable_credit(&app, owner);
    let page = c.get(&format!("/orders/{small}")).await;
    page.assert_contains(&format!("action=\"/orders/{small}/credit\""));
    let p = apply(&c, small, "10,01", "d-2").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "more than due");
    p.assert_contains("El importe supera lo que queda por pagar del pedido.");

    let p = apply(&c, big, "50,01", "d-3").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "more than balance");
    p.assert_contains("Saldo de crédito insuficiente para este importe.");
    // What was typed comes back.
    p.assert_contains("value=\"50,01\"");

    for (amount, message) in [
        ("abc", "Introduce un importe como 12 o 12,50."),
        ("0", "El importe debe ser mayor que cero."),
        ("", "Este campo es obligatorio."),
    ] {
        let p = apply(&c, big, amount, "d-4").await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, amount);
        p.assert_contains(message);
    }
    let p = apply(&c, big, "5", "").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "no key");
    p.assert_contains("Falta el identificador de la operación; vuelve a cargar la página.");

    // A delivered order is not payable.
    let done = order(&app, id, "3003", 1000, "delivered", 1);
    let p = apply(&c, done, "5", "d-5").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "not pending");
    p.assert_contains("Solo se puede aplicar crédito a un pedido pendiente de pago.");

    assert_eq!(count_kind(&app, id, "spend"), 0);
    assert_eq!(order_row(&app, small).credit_paid_cents, 0);
    assert_eq!(order_row(&app, big).credit_paid_cents, 0);
    assert_eq!(assert_sums(&app, id), 5000);

    // Exactly the balance, and exactly the due, are fine.
    assert_status(
        &apply(&c, small, "10", "d-6").await,
        StatusCode::SEE_OTHER,
        "exactly the due",
    );
    assert_status(
        &apply(&c, big, "40", "d-7").await,
        StatusCode::SEE_OTHER,
        "exactly the balance",
    );
    assert_eq!(assert_sums(&app, id), 0);
}

// ---------------------------------------------------------------------------------------
// 7. Roles
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn support_sees_only_the_balance_and_cannot_move_credit_while_a_manager_can() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);
    let id = customer(&app, "Carmen López", "carmen@example.es", true);
    let lot = grant(&app, owner, id, "10");
    enable_credit(&app, owner);
    let pending = order(&app, id, "4001", 5000, "pending", 0);
    let delivered = order(&app, id, "4002", 5000, "delivered", 2);
    let ret = reason_id(&app, "return").to_string();

    let s = Client::signed_in(&app, "support@example.com").await;
    let card = s.get(&format!("/customers/{id}")).await;
    card.assert_contains("Créditos de tienda");
    let panel = s.get(&format!("/customers/{id}/credit")).await;
    assert_status(&panel, StatusCode::OK, "support panel");
    assert_eq!(shown_balance(&panel), 1000);
    for hidden in [
        "name=\"amount\"",
        "Agregar crédito",
        "data-lot=",
        "data-entry-kind=",
        "/void",
        "Configurar créditos de tienda",
    ] {
        assert!(
            !panel.body.contains(hidden),
            "support must not see {hidden:?}:\n{}",
            panel.body
        );
    }
    let order_page = s.get(&format!("/orders/{pending}")).await;
    assert_status(&order_page, StatusCode::OK, "support order page");
    assert!(
        !order_page
            .body
            .contains(&format!("/orders/{pending}/credit"))
    );

    let void_path = format!("/customers/{id}/credit/lots/{lot}/void");
    let toggle = format!("/settings/store-credit/reasons/{ret}/toggle");
    let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/customers/{id}/credit"),
            vec![
                ("amount", "100"),
                ("reason", ret.as_str()),
                ("expires_on", ""),
                ("note", ""),
            ],
        ),
        (void_path.clone(), vec![]),
        (
            format!("/orders/{pending}/credit"),
            vec![("amount", "5"), ("idempotency_key", "support-1")],
        ),
        (
            format!("/orders/{delivered}/refund-credit"),
            vec![("amount", "5")],
        ),
        (
            "/settings/store-credit".into(),
            vec![("enabled", "on"), ("expiry_days", "30")],
        ),
        (
            "/settings/store-credit/reasons".into(),
            vec![("reason_name", "Soporte")],
        ),
        (toggle, vec![("active", "0")]),
    ];
    for (path, fields) in &attempts {
        let p = s.post(path, fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "support POST {path}");
    }
    for path in [
        void_path.as_str(),
        "/settings/store-credit",
        "/store-credit",
    ] {
        assert_eq!(
            s.get(path).await.status,
            StatusCode::FORBIDDEN,
            "support GET {path}"
        );
    }
    assert_eq!(assert_sums(&app, id), 1000);
    assert_eq!(entries(&app, id).len(), 1);
    assert_eq!(order_row(&app, delivered).credit_refunded_cents, 0);
    assert!(
        app.with_conn(ReasonRow::all)
            .unwrap()
            .iter()
            .all(|r| r.active && r.name.is_none())
    );
    assert!(
        app.with_conn(credit::settings)
            .unwrap()
            .default_expiry_days
            .is_none()
    );

    let m = Client::signed_in(&app, "manager@example.com").await;
    let panel = m.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains("Agregar crédito");
    assert_eq!(shown_lots(&panel).len(), 1);
    let p = post_grant(&m, id, "2,50", &ret, "", "Por el retraso").await;
    assert_status(&p, StatusCode::SEE_OTHER, "manager grant");
    let panel = m.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains("Crédito agregado.");
    assert_eq!(shown_balance(&panel), 1250);
    assert!(shown_lots(&panel)[0].2.contains("Staff manager"));
    assert_status(
        &apply(&m, pending, "2,50", "manager-1").await,
        StatusCode::SEE_OTHER,
        "manager spend",
    );
    assert_eq!(assert_sums(&app, id), 1000);
}

// ---------------------------------------------------------------------------------------
// 8. Settings and reasons
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn settings_set_the_default_expiry_and_reasons_can_be_added_refused_when_taken_and_hidden() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Sofía Díaz", "sofia@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let page = c.get("/settings/store-credit").await;
    assert_status(&page, StatusCode::OK, "settings");
    page.assert_contains("Configurar créditos de tienda");
    page.assert_contains("Aceptar créditos de tienda como método de pago");
    page.assert_contains("name=\"enabled\" value=\"on\"> <span>");
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains("Los créditos de tienda no están activados como método de pago");
    panel.assert_contains("id=\"expires_on\" name=\"expires_on\" type=\"date\" value=\"\"");

    let p = c
        .post(
            "/settings/store-credit",
            &[("enabled", "on"), ("expiry_days", "30")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "save settings");
    let page = c.get("/settings/store-credit").await;
    page.assert_contains("Configuración de créditos guardada.");
    page.assert_contains("name=\"enabled\" value=\"on\" checked");
    page.assert_contains("value=\"30\"");
    let s = app.with_conn(credit::settings).unwrap();
    assert!(s.enabled);
    assert_eq!(s.default_expiry_days, Some(30));

    let in30 = (Utc::now().date_naive() + Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains(&format!(
        "id=\"expires_on\" name=\"expires_on\" type=\"date\" value=\"{in30}\""
    ));
    assert!(!panel.body.contains("no están activados"));

    for days in ["abc", "0", "3651", "-1", "1,5"] {
        let p = c
            .post(
                "/settings/store-credit",
                &[("enabled", "on"), ("expiry_days", days)],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, days);
        p.assert_contains("Indica un número de días entre 1 y 3650, o déjalo vacío.");
        p.assert_contains(&format!("value=\"{days}\""));
    }
    assert_eq!(app.with_conn(credit::settings).unwrap(), s, "unchanged");

    // Reasons.
    let p = c
        .post(
            "/settings/store-credit/reasons",
            &[("reason_name", "Regalo")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "add reason");
    let page = c.get("/settings/store-credit").await;
    page.assert_contains("Motivo añadido.");
    page.assert_contains("Regalo");
    let regalo = named_reason_id(&app, "Regalo");
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains(&format!("<option value=\"{regalo}\">Regalo</option>"));

    for dup in ["regalo", "  REGALO  "] {
        let p = c
            .post("/settings/store-credit/reasons", &[("reason_name", dup)])
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, dup);
        p.assert_contains("Ya existe un motivo con este nombre.");
    }
    let p = c
        .post("/settings/store-credit/reasons", &[("reason_name", "  ")])
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "empty reason");
    p.assert_contains("Este campo es obligatorio.");
    assert_eq!(
        app.with_conn(ReasonRow::all)
            .unwrap()
            .iter()
            .filter(|r| r.code.is_none())
            .count(),
        1
    );

    // A grant with the new reason works while it is shown.
    let p = post_grant(&c, id, "3", &regalo.to_string(), "", "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "grant with Regalo");

    let p = c
        .post(
            &format!("/settings/store-credit/reasons/{regalo}/toggle"),
            &[("active", "0")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "hide reason");
    let page = c.get("/settings/store-credit").await;
    page.assert_contains("Motivo actualizado.");
    page.assert_contains("Oculto");
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    assert!(
        !panel.body.contains(&format!("<option value=\"{regalo}\"")),
        "a hidden reason is not offered"
    );
    // The lot granted with it keeps its reason.
    assert!(shown_lots(&panel)[0].2.contains("Regalo"));
    let p = post_grant(&c, id, "3", &regalo.to_string(), "", "").await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "grant with a hidden reason",
    );
    p.assert_contains("Elige un motivo.");

    // Shown again.
    let p = c
        .post(
            &format!("/settings/store-credit/reasons/{regalo}/toggle"),
            &[("active", "1")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "show reason");
    let panel = c.get(&format!("/customers/{id}/credit")).await;
    panel.assert_contains(&format!("<option value=\"{regalo}\">Regalo</option>"));
    assert_eq!(
        c.post(
            "/settings/store-credit/reasons/999999/toggle",
            &[("active", "0")]
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Empty days: no default expiry.
    let p = c
        .post("/settings/store-credit", &[("expiry_days", "")])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "clear settings");
    let s = app.with_conn(credit::settings).unwrap();
    assert!(!s.enabled);
    assert_eq!(s.default_expiry_days, None);
    assert_eq!(assert_sums(&app, id), 300);
}

// ---------------------------------------------------------------------------------------
// 9. Liability
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_liability_page_shows_what_is_outstanding_at_a_date() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let a = customer(&app, "Cliente A", "a@example.es", true);
    let b = customer(&app, "Cliente B", "b@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    let empty = c.get("/store-credit").await;
    assert_status(&empty, StatusCode::OK, "empty liability");
    empty.assert_contains("Créditos de tienda pendientes");
    empty.assert_contains("data-outstanding=\"0\"");
    empty.assert_contains("Aún no se ha asignado ningún crédito.");

    grant(&app, owner, a, "30");
    grant(&app, owner, b, "20,50");
    enable_credit(&app, owner);
    let oid = order(&app, a, "5001", 10000, "pending", 0);
    c.get(&format!("/orders/{oid}")).await;
    assert_status(
        &apply(&c, oid, "5", "l-1").await,
        StatusCode::SEE_OTHER,
        "spend",
    );

    let today = Utc::now().date_naive().format("%Y-%m-%d").to_string();
    let page = c.get("/store-credit").await;
    assert_status(&page, StatusCode::OK, "liability");
    page.assert_contains("data-outstanding=\"4550\"");
    page.assert_contains("data-outstanding-now=\"4550\"");
    page.assert_contains(&money(4550));
    page.assert_contains("<svg class=\"chart\"");
    let at_today = c.get(&format!("/store-credit?date={today}")).await;
    assert_status(&at_today, StatusCode::OK, "liability today");
    at_today.assert_contains("data-outstanding=\"4550\"");
    let future = c.get("/store-credit?date=2999-01-01").await;
    future.assert_contains("data-outstanding=\"4550\"");

    let before = c.get("/store-credit?date=2000-01-01").await;
    assert_status(&before, StatusCode::OK, "liability before");
    before.assert_contains("data-outstanding=\"0\"");
    before.assert_contains("data-outstanding-now=\"4550\"");

    for bad in ["31/12/2025", "2025-13-01", "ayer"] {
        let p = c.get(&format!("/store-credit?date={bad}")).await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, bad);
        p.assert_contains("No se pudo leer una fecha");
        p.assert_contains("aria-invalid=\"true\"");
    }
    assert_eq!(assert_sums(&app, a) + assert_sums(&app, b), 4550);
}

// ---------------------------------------------------------------------------------------
// 10. The storm
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_storm_of_concurrent_spends_never_overdraws_and_keeps_the_ledger_exact() {
    const REQUESTS: usize = 1_000;
    const IN_FLIGHT: usize = 64;
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Cliente Tormenta", "storm@example.es", true);
    grant(&app, owner, id, "100");
    enable_credit(&app, owner);
    let oid = order(&app, id, "9001", 1_000_000, "pending", 0);

    let mut clients = Vec::with_capacity(IN_FLIGHT);
    for _ in 0..IN_FLIGHT {
        clients.push(Arc::new(Client::signed_in(&app, OWNER_EMAIL).await));
    }
    let next = Arc::new(AtomicUsize::new(0));
    let path = Arc::new(format!("/orders/{oid}/credit"));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(IN_FLIGHT);
    for c in clients {
        let (next, path) = (Arc::clone(&next), Arc::clone(&path));
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= REQUESTS {
                    break;
                }
                let key = format!("storm-{i:04}");
                let p = c
                    .post(&path, &[("amount", "1"), ("idempotency_key", &key)])
                    .await;
                answers.push((p.status, p.body));
            }
            answers
        }));
    }
    let mut answers = Vec::with_capacity(REQUESTS);
    for t in tasks {
        answers.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();

    let ok = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SEE_OTHER)
        .count();
    let refused = answers
        .iter()
        .filter(|(s, b)| {
            *s == StatusCode::UNPROCESSABLE_ENTITY && b.contains("Saldo de crédito insuficiente")
        })
        .count();
    let others: Vec<_> = answers
        .iter()
        .filter(|(s, b)| {
            *s != StatusCode::SEE_OTHER
                && !(*s == StatusCode::UNPROCESSABLE_ENTITY
                    && b.contains("Saldo de crédito insuficiente"))
        })
        .collect();
    let spends = count_kind(&app, id, "spend");
    let (bal, ledger, lots) = app.with_conn(|conn| credit::sums(conn, id)).unwrap();
    println!(
        "store credit storm on {}: {} requests, {IN_FLIGHT} in flight: {ok} × 303, \
         {refused} × 422 insufficient, {} others; {spends} spend entries; balance {bal}, \
         ledger {ledger}, lots {lots}; {:.2?} ({:.0} requests/s)",
        crate::common::backend(),
        answers.len(),
        others.len(),
        elapsed,
        answers.len() as f64 / elapsed.as_secs_f64()
    );
    for (s, b) in others.iter().take(3) {
        println!("unexpected answer {s}: {}", &b[..b.len().min(2000)]);
    }
    assert_eq!(answers.len(), REQUESTS);
    assert!(others.is_empty(), "{} unexpected answers", others.len());
    assert_eq!(ok, 100, "exactly 100 spends of 1,00 succeed");
    assert_eq!(refused, 900, "the other 900 are refused as insufficient");
    assert_eq!((bal, ledger, lots), (0, 0, 0));
    assert_eq!(spends, 100);
    assert_eq!(order_row(&app, oid).credit_paid_cents, 10_000);
    assert!(
        entries(&app, id).iter().all(|e| e.balance_after_cents >= 0),
        "no entry records a negative balance"
    );
    let mut after: Vec<i64> = entries(&app, id)
        .iter()
        .filter(|e| e.kind == "spend")
        .map(|e| e.balance_after_cents)
        .collect();
    after.sort_unstable();
    assert_eq!(
        after,
        (0..100).map(|n| n * 100).collect::<Vec<_>>(),
        "each spend saw a distinct balance"
    );
}

// ---------------------------------------------------------------------------------------
// 11. Idempotency
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_same_idempotency_key_spends_once_however_often_it_is_sent() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Doble Clic", "doble@example.es", true);
    grant(&app, owner, id, "100");
    enable_credit(&app, owner);
    let oid = order(&app, id, "6001", 50_000, "pending", 0);
    let c = Arc::new(Client::signed_in(&app, OWNER_EMAIL).await);
    c.get(&format!("/orders/{oid}")).await;

    let path = format!("/orders/{oid}/credit");
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (c, path) = (Arc::clone(&c), path.clone());
        tasks.push(tokio::spawn(async move {
            let p = c
                .post(
                    &path,
                    &[("amount", "12,34"), ("idempotency_key", "same-key")],
                )
                .await;
            (p.status, p.location().map(str::to_owned), p.body)
        }));
    }
    for t in tasks {
        let (status, location, body) = t.await.unwrap();
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
        assert_eq!(location.as_deref(), Some(path.trim_end_matches("/credit")));
    }
    assert_eq!(count_kind(&app, id, "spend"), 1, "exactly one spend entry");
    assert_eq!(balance(&app, id), 10_000 - 1_234, "reduced once");
    assert_eq!(order_row(&app, oid).credit_paid_cents, 1_234);

    // A replay afterwards is still fine and still moves nothing.
    assert_status(
        &apply(&c, oid, "12,34", "same-key").await,
        StatusCode::SEE_OTHER,
        "replay",
    );
    // The same key with another amount (or for another order) is refused.
    let p = apply(&c, oid, "5", "same-key").await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "key reused");
    p.assert_contains("Esta operación ya se usó para otro movimiento; vuelve a cargar la página.");
    let other = order(&app, id, "6002", 50_000, "pending", 0);
    let p = apply(&c, other, "12,34", "same-key").await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "key reused on another order",
    );
    p.assert_contains("Esta operación ya se usó para otro movimiento; vuelve a cargar la página.");
    assert_eq!(count_kind(&app, id, "spend"), 1);
    assert_eq!(assert_sums(&app, id), 10_000 - 1_234);

    // The order page offers a fresh key each time.
    let a = c.get(&format!("/orders/{oid}")).await;
    let b = c.get(&format!("/orders/{oid}")).await;
    let key = |p: &Page| {
        let doc = Html::parse_document(&p.body);
        doc.select(&sel("input[name=idempotency_key]"))
            .next()
            .and_then(|i| i.value().attr("value"))
            .map(str::to_owned)
            .expect("an idempotency key in the apply form")
    };
    assert_ne!(key(&a), key(&b));
}

// ---------------------------------------------------------------------------------------
// 12. Escaping
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn notes_and_reason_names_are_escaped() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Escape", "escape@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/settings/store-credit").await;
    let evil_reason = "<img src=x onerror=alert(1)>";
    let evil_note = "<script>alert(1)</script>";
    let p = c
        .post(
            "/settings/store-credit/reasons",
            &[("reason_name", evil_reason)],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "add reason");
    let reason = named_reason_id(&app, evil_reason).to_string();
    let p = post_grant(&c, id, "1", &reason, "", evil_note).await;
    assert_status(&p, StatusCode::SEE_OTHER, "grant");

    let settings = c.get("/settings/store-credit").await;
    assert_escaped(&settings, evil_reason);
    assert!(!settings.body.contains(evil_reason));

    let panel = c.get(&format!("/customers/{id}/credit")).await;
    assert_escaped(&panel, evil_note);
    assert_escaped(&panel, evil_reason);
    assert!(!panel.body.contains(evil_note));
    assert!(!panel.body.contains(evil_reason));
    let lots = shown_lots(&panel);
    assert!(lots[0].2.contains(evil_note), "the note reads as typed");
    assert!(lots[0].2.contains(evil_reason), "the reason reads as typed");

    // Typed values that come back on a refused form are escaped too.
    let p = post_grant(&c, id, "<b>1</b>", &reason, "", evil_note).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "bad amount");
    assert!(!p.body.contains("<b>1</b>"));
    assert!(!p.body.contains(evil_note));
    let p = c
        .post(
            "/settings/store-credit/reasons",
            &[("reason_name", evil_reason)],
        )
        .await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "duplicate evil reason",
    );
    assert!(!p.body.contains(evil_reason));
}

// ---------------------------------------------------------------------------------------
// 13. A cancellation racing a movement
// ---------------------------------------------------------------------------------------

/// A connection of its own, outside the application's pool, holding a write transaction.
enum Raw {
    Sqlite(diesel::SqliteConnection),
    Pg(diesel::PgConnection),
}

impl Raw {
    fn open(app: &TestApp) -> Raw {
        use diesel::Connection;
        match crate::common::backend().as_str() {
            "postgres" => {
                Raw::Pg(diesel::PgConnection::establish(&app.config.database_url).unwrap())
            }
            _ => {
                Raw::Sqlite(diesel::SqliteConnection::establish(&app.config.database_url).unwrap())
            }
        }
    }

    fn run(&mut self, sql: &str) {
        use diesel::RunQueryDsl;
        match self {
            Raw::Sqlite(c) => diesel::sql_query(sql).execute(c),
            Raw::Pg(c) => diesel::sql_query(sql).execute(c),
        }
        .unwrap();
    }

    /// Begins a write transaction that cancels the order (what the status change writes
    /// first), and holds it.
    fn cancel_uncommitted(&mut self, order_id: i64) {
        self.run(match self {
            Raw::Sqlite(_) => "BEGIN IMMEDIATE",
            Raw::Pg(_) => "BEGIN",
        });
        self.run(&format!(
            "UPDATE orders SET status = 'cancelled' WHERE id = {order_id}"
        ));
    }
}

#[actix_web::test]
async fn an_order_cancelled_while_a_credit_movement_waits_for_it_takes_no_credit() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Carrera", "carrera@example.es", true);
    grant(&app, owner, id, "50");
    enable_credit(&app, owner);
    let pending = order(&app, id, "7001", 3000, "pending", 0);
    let delivered = order(&app, id, "7002", 3000, "delivered", 1);
    let c = Arc::new(Client::signed_in(&app, OWNER_EMAIL).await);
    c.get(&format!("/orders/{pending}")).await;

    // A spend that starts while the cancellation is being written must see it once it waits
    // its turn, not the order as it was before.
    let mut raw = Raw::open(&app);
    raw.cancel_uncommitted(pending);
    let spend = {
        let c = Arc::clone(&c);
        tokio::spawn(async move { apply(&c, pending, "10", "race-1").await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    raw.run("COMMIT");
    let p = spend.await.unwrap();
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "spend on a cancelled order",
    );
    p.assert_contains("Solo se puede aplicar crédito a un pedido pendiente de pago.");
    assert_eq!(order_row(&app, pending).credit_paid_cents, 0);
    assert_eq!(count_kind(&app, id, "spend"), 0);
    assert_eq!(assert_sums(&app, id), 5000);

    // The same for a refund into credit.
    raw.cancel_uncommitted(delivered);
    let refunding = {
        let c = Arc::clone(&c);
        tokio::spawn(async move { refund(&c, delivered, "10").await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    raw.run("COMMIT");
    let p = refunding.await.unwrap();
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "refund of a cancelled order",
    );
    p.assert_contains("Solo se puede reembolsar un pedido pagado que no esté cancelado.");
    assert_eq!(order_row(&app, delivered).credit_refunded_cents, 0);
    assert_eq!(count_kind(&app, id, "refund"), 0);
    assert_eq!(assert_sums(&app, id), 5000);
}

#[actix_web::test]
async fn deleting_a_customer_with_store_credit_history_anonymizes_them_and_keeps_the_ledger() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let id = customer(&app, "Marta Ruiz", "marta@example.es", true);
    grant(&app, owner, id, "15");
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let ask = c.get(&format!("/customers/{id}/delete")).await;
    ask.assert_contains("Este cliente tiene historial de créditos de tienda.");
    let done = c.post(&format!("/customers/{id}/delete"), &[]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let row = app
        .with_conn(|conn| clientela::db::customers::CustomerRow::find(conn, id))
        .unwrap()
        .expect("the customer row is kept");
    assert!(row.anonymized_at.is_some(), "anonymized, not removed");
    assert_eq!(entries(&app, id).len(), 1, "the ledger is kept");
    assert_eq!(assert_sums(&app, id), 1500);
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

#[actix_web::test]
async fn a_grant_or_refund_form_sent_twice_moves_credit_once() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Ana Doble", "ana.doble@example.es", true);
    let paid = order(&app, id, "D-1", 4_000, "delivered", 2);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let action = format!("/customers/{id}/credit");
    let panel = c.get(&action).await;
    let key = form_key(&panel, &action);
    let reason = reason_id(&app, "compensation").to_string();
    let fields = [
        ("amount", "7,50"),
        ("reason", reason.as_str()),
        ("expires_on", ""),
        ("note", ""),
        ("idempotency_key", key.as_str()),
    ];
    for _ in 0..3 {
        let sent = c.post(&action, &fields).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        count_kind(&app, id, "grant"),
        1,
        "three posts of one form, one grant"
    );
    assert_eq!(assert_sums(&app, id), 750);
    // A freshly shown form has another id and grants again.
    let again = c.get(&action).await;
    assert_ne!(form_key(&again, &action), key);

    let refund_action = format!("/orders/{paid}/refund-credit");
    let order_page = c.get(&format!("/orders/{paid}")).await;
    let refund_key = form_key(&order_page, &refund_action);
    for _ in 0..3 {
        let sent = c
            .post(
                &refund_action,
                &[("amount", "5"), ("idempotency_key", refund_key.as_str())],
            )
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        count_kind(&app, id, "refund"),
        1,
        "three posts of one form, one refund"
    );
    assert_eq!(order_row(&app, paid).credit_refunded_cents, 500);
    assert_eq!(assert_sums(&app, id), 1250);
}
