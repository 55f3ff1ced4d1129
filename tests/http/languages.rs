//! Language negotiation, the switcher, and formatting per language.

use clientela::domain::demo;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};

#[actix_web::test]
async fn the_sign_in_page_speaks_the_browsers_language() {
    let app = TestApp::spawn().await;
    for (accept, lang, title) in [
        ("es-419,es;q=0.9", "es", "Inicia sesión en Clientela"),
        ("PL", "pl", "Zaloguj się do Clienteli"),
        ("en-GB,en;q=0.8", "en", "Sign in to Clientela"),
        ("de-DE,fr;q=0.5", "es", "Inicia sesión en Clientela"),
    ] {
        let p = Client::with_language(&app, accept).get("/login").await;
        assert_eq!(p.status, StatusCode::OK);
        p.assert_contains(&format!("<html lang=\"{lang}\">"));
        p.assert_contains(title);
    }
}

#[actix_web::test]
async fn the_store_default_language_applies_when_the_browser_asks_for_none_of_ours() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let owner = Client::signed_in(&app, OWNER_EMAIL).await;
    owner.get("/settings").await;
    assert_eq!(
        owner
            .post("/settings", &[("default_language", "pl")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let p = Client::with_language(&app, "de").get("/login").await;
    p.assert_contains("<html lang=\"pl\">");
    p.assert_contains("Zaloguj się do Clienteli");
}

#[actix_web::test]
async fn the_language_switch_is_remembered_for_the_staff_member() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/").await.assert_contains("Tu tienda hoy");
    let p = c
        .post("/language", &[("lang", "pl"), ("back", "/staff")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), Some("/staff"));
    let p = c.get("/staff").await;
    p.assert_contains("<html lang=\"pl\">");
    p.assert_contains("Konta zespołu");
    c.post("/logout", &[]).await;
    // A new browser that asks for English still gets the staff member's choice.
    let again = Client::with_language(&app, "en");
    again.sign_in(OWNER_EMAIL, crate::common::PASSWORD).await;
    again.get("/").await.assert_contains("Twój sklep dzisiaj");
}

#[actix_web::test]
async fn an_unknown_language_is_refused() {
    let app = TestApp::spawn().await;
    let c = Client::new(&app);
    c.get("/login").await;
    assert_eq!(
        c.post("/language", &[("lang", "xx"), ("back", "/")])
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
}

#[actix_web::test]
async fn the_dashboard_formats_money_numbers_dates_and_plurals_per_language() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let seeded = app.with_conn(demo::seed_now).unwrap();
    assert!(seeded.is_some());
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let month_es = [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ];
    let month_pl = [
        "sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru",
    ];
    let month_en = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];

    let es = c.get("/").await;
    es.assert_contains("\u{a0}€</p>");
    es.assert_contains("registrados");
    assert!(
        month_es
            .iter()
            .any(|m| es.body.contains(&format!(" {m} 20"))),
        "a Spanish date"
    );

    c.post("/language", &[("lang", "pl"), ("back", "/")]).await;
    let pl = c.get("/").await;
    pl.assert_contains(",");
    pl.assert_contains("\u{a0}€</p>");
    assert!(
        month_pl
            .iter()
            .any(|m| pl.body.contains(&format!(" {m} 20"))),
        "a Polish date"
    );

    c.post("/language", &[("lang", "en"), ("back", "/")]).await;
    let en = c.get("/").await;
    en.assert_contains(">€");
    en.assert_contains("registered");
    assert!(
        month_en.iter().any(|m| en.body.contains(&format!("{m} "))),
        "an English date"
    );
}

#[actix_web::test]
async fn the_sign_in_page_keeps_the_language_after_signing_out() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.post("/language", &[("lang", "en"), ("back", "/")]).await;
    c.get("/").await;
    let p = c.post("/logout", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    c.get("/login")
        .await
        .assert_contains("Sign in to Clientela");
}
