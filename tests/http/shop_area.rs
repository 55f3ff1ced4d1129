//! The customer's own area in the storefront over HTTP: profile and addresses, with the same
//! rules as the admin (validation, stale saves, one default per kind) and with ownership —
//! another customer's address answers 404 and stays as it was.

use clientela::db::customers::{AddressRow, CustomerRow};
use clientela::domain::accounts::{self, SignUpInput};
use clientela::domain::storefront::{self, LoginMode};
use clientela::i18n::Lang;
use reqwest::StatusCode;

use crate::client::{Client, Page};
use crate::common::TestApp;

const PASSWORD: &str = "una contraseña larga";

fn assert_status(p: &Page, status: StatusCode, what: &str) {
    assert_eq!(p.status, status, "{what}: {}", p.body);
}

/// A store with accounts switched on and a customer with an account; returns its id.
fn store_with_customer(app: &TestApp, name: &str, email: &str) -> i64 {
    let owner = app.create_owner();
    app.with_conn(|conn| storefront::set_login_mode(conn, owner, LoginMode::Optional))
        .unwrap();
    account(app, name, email)
}

fn account(app: &TestApp, name: &str, email: &str) -> i64 {
    app.with_conn(|conn| {
        accounts::sign_up(
            conn,
            &SignUpInput {
                full_name: name.into(),
                email: email.into(),
                password: PASSWORD.into(),
                newsletter: None,
            },
            Lang::Es,
            "http://shop.test",
        )
    })
    .unwrap()
}

async fn signed_in_customer(app: &TestApp, email: &str) -> Client {
    let c = Client::new(app);
    c.get("/shop/login").await;
    let p = c
        .post(
            "/shop/login",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("next", "/shop/account"),
            ],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "customer sign-in");
    // The session was renewed with a new CSRF token: read it from a page.
    c.get("/shop/account").await;
    c
}

fn row(app: &TestApp, id: i64) -> CustomerRow {
    app.with_conn(|conn| CustomerRow::find(conn, id))
        .unwrap()
        .unwrap()
}

fn addresses(app: &TestApp, id: i64) -> Vec<AddressRow> {
    app.with_conn(|conn| AddressRow::for_customer(conn, id))
        .unwrap()
}

const ADDRESS: &[(&str, &str)] = &[
    ("kind", "shipping"),
    ("address_name", "Ana Ruiz"),
    ("line1", "Calle Mayor 1"),
    ("postal_code", "28001"),
    ("city", "Madrid"),
    ("country", "ES"),
];

#[actix_web::test]
async fn a_customer_changes_their_name_phone_language_and_newsletter_but_not_their_email() {
    let app = TestApp::spawn().await;
    let id = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let c = signed_in_customer(&app, "ana@example.es").await;
    let form = c.get("/shop/account/profile").await;
    assert_status(&form, StatusCode::OK, "profile form");
    form.assert_contains("Mis datos");
    form.assert_contains("ana@example.es");
    let version = row(&app, id).version.to_string();
    let p = c
        .post(
            "/shop/account/profile",
            &[
                ("full_name", "Ana Ruiz Soler"),
                ("email", "otra@example.es"),
                ("phone", "+34 600 111 222"),
                ("language", "pl"),
                ("newsletter", "on"),
                ("version", &version),
            ],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "profile saved");
    let r = row(&app, id);
    assert_eq!(r.full_name, "Ana Ruiz Soler");
    assert_eq!(r.phone.as_deref(), Some("+34 600 111 222"));
    assert_eq!(r.language, "pl");
    assert!(r.newsletter);
    assert_eq!(
        r.email.as_deref(),
        Some("ana@example.es"),
        "the e-mail is not edited here"
    );
    assert!(r.registered);
    // The storefront now speaks the customer's language.
    let page = c.get("/shop/account/profile").await;
    page.assert_contains("Moje dane");
    page.assert_contains("Zmiany zapisane");
}

#[actix_web::test]
async fn a_bad_or_stale_profile_save_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let id = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let c = signed_in_customer(&app, "ana@example.es").await;
    let before = row(&app, id);
    let version = before.version.to_string();
    let p = c
        .post(
            "/shop/account/profile",
            &[
                ("full_name", "  "),
                ("phone", "abc"),
                ("language", "es"),
                ("version", &version),
            ],
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "empty name");
    assert!(p.body.contains("aria-invalid=\"true\""), "{}", p.body);
    assert_eq!(row(&app, id).version, before.version, "nothing saved");
    let stale = (before.version - 1).to_string();
    let p = c
        .post(
            "/shop/account/profile",
            &[
                ("full_name", "Otro Nombre"),
                ("language", "es"),
                ("version", &stale),
            ],
        )
        .await;
    assert_status(&p, StatusCode::CONFLICT, "stale save");
    p.assert_contains("data-stale");
    p.assert_contains("Otro Nombre");
    assert_eq!(row(&app, id).full_name, "Ana Ruiz");
}

#[actix_web::test]
async fn a_customer_adds_edits_defaults_and_deletes_their_own_addresses() {
    let app = TestApp::spawn().await;
    let id = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let c = signed_in_customer(&app, "ana@example.es").await;
    c.get("/shop/account/addresses")
        .await
        .assert_contains("Todavía no tienes direcciones guardadas.");
    let p = c.post("/shop/account/addresses", ADDRESS).await;
    assert_status(&p, StatusCode::SEE_OTHER, "first address");
    let mut second = ADDRESS.to_vec();
    second[4] = ("city", "Sevilla");
    let p = c.post("/shop/account/addresses", &second).await;
    assert_status(&p, StatusCode::SEE_OTHER, "second address");
    let list = addresses(&app, id);
    assert_eq!(list.len(), 2);
    let madrid = list.iter().find(|a| a.city == "Madrid").unwrap().id;
    let sevilla = list.iter().find(|a| a.city == "Sevilla").unwrap().id;
    assert!(
        list.iter().find(|a| a.id == madrid).unwrap().is_default,
        "the first address of a kind is its default"
    );
    let page = c.get("/shop/account/addresses").await;
    page.assert_contains("Sevilla");
    page.assert_contains(&format!("data-address=\"{sevilla}\""));
    let p = c
        .post(&format!("/shop/account/addresses/{sevilla}/default"), &[])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "make default");
    let list = addresses(&app, id);
    assert!(list.iter().find(|a| a.id == sevilla).unwrap().is_default);
    assert!(
        !list.iter().find(|a| a.id == madrid).unwrap().is_default,
        "one default per kind"
    );
    let form = c
        .get(&format!("/shop/account/addresses/{madrid}/edit"))
        .await;
    assert_status(&form, StatusCode::OK, "edit form");
    form.assert_contains("Calle Mayor 1");
    let mut edited = ADDRESS.to_vec();
    edited[2] = ("line1", "Plaza Nueva 7");
    let p = c
        .post(&format!("/shop/account/addresses/{madrid}"), &edited)
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "edit");
    assert_eq!(
        addresses(&app, id)
            .iter()
            .find(|a| a.id == madrid)
            .unwrap()
            .line1,
        "Plaza Nueva 7"
    );
    let p = c
        .post(&format!("/shop/account/addresses/{madrid}/delete"), &[])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "delete");
    assert_eq!(addresses(&app, id).len(), 1);
}

#[actix_web::test]
async fn a_bad_address_is_refused_with_the_typed_values_kept() {
    let app = TestApp::spawn().await;
    let id = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let c = signed_in_customer(&app, "ana@example.es").await;
    let mut bad = ADDRESS.to_vec();
    bad[4] = ("city", "");
    bad[2] = ("line1", "Calle Escrita 9");
    let p = c.post("/shop/account/addresses", &bad).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "no city");
    p.assert_contains("Calle Escrita 9");
    assert!(p.body.contains("aria-invalid=\"true\""));
    assert!(addresses(&app, id).is_empty(), "nothing saved");
}

#[actix_web::test]
async fn another_customers_address_answers_not_found_and_stays_as_it_was() {
    let app = TestApp::spawn().await;
    let ana = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let ola = account(&app, "Ola Nowak", "ola@example.pl");
    let c_ola = signed_in_customer(&app, "ola@example.pl").await;
    let p = c_ola.post("/shop/account/addresses", ADDRESS).await;
    assert_status(&p, StatusCode::SEE_OTHER, "ola's address");
    let theirs = addresses(&app, ola)[0].clone();
    let c = signed_in_customer(&app, "ana@example.es").await;
    let edit = c
        .get(&format!("/shop/account/addresses/{}/edit", theirs.id))
        .await;
    assert_status(
        &edit,
        StatusCode::NOT_FOUND,
        "edit form of another's address",
    );
    let mut changed = ADDRESS.to_vec();
    changed[2] = ("line1", "Robado 1");
    for (path, fields) in [
        (
            format!("/shop/account/addresses/{}", theirs.id),
            changed.clone(),
        ),
        (
            format!("/shop/account/addresses/{}/default", theirs.id),
            vec![],
        ),
        (
            format!("/shop/account/addresses/{}/delete", theirs.id),
            vec![],
        ),
    ] {
        let p = c.post(&path, &fields).await;
        assert_status(&p, StatusCode::NOT_FOUND, &path);
    }
    let after = addresses(&app, ola);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].line1, theirs.line1);
    assert!(
        !c.get("/shop/account/addresses")
            .await
            .body
            .contains("Robado")
    );
    assert!(addresses(&app, ana).is_empty());
}

#[actix_web::test]
async fn a_signed_in_customer_switching_language_keeps_it_on_their_record() {
    let app = TestApp::spawn().await;
    let id = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let c = signed_in_customer(&app, "ana@example.es").await;
    let version = row(&app, id).version;
    let p = c
        .post("/language", &[("lang", "pl"), ("back", "/shop/account")])
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "switch");
    let r = row(&app, id);
    assert_eq!(r.language, "pl");
    assert_eq!(r.version, version + 1, "a change of the record");
    c.get("/shop/account")
        .await
        .assert_contains("Moje zamówienia");
}

#[actix_web::test]
async fn a_customer_sees_their_credit_and_points_and_exchanges_points_for_a_reward() {
    use crate::loyalty::{configure, give, product, program, reward};
    let app = TestApp::spawn().await;
    let id = store_with_customer(&app, "Ana Ruiz", "ana@example.es");
    let owner = 1; // the store owner store_with_customer created, the first staff row
    let c = signed_in_customer(&app, "ana@example.es").await;
    let p = c.get("/shop/account/points").await;
    assert_status(&p, StatusCode::OK, "points page");
    p.assert_contains("data-program-off");
    configure(&app, owner, &program("1", "delivered"));
    give(&app, owner, id, 150);
    let mug = product(&app, "TAZ-1", "Taza", 990);
    let offered = reward(&app, owner, mug, 120, 3);
    let p = c.get("/shop/account/points").await;
    p.assert_contains("data-points-balance=\"150\"");
    p.assert_contains(&format!("data-reward=\"{offered}\""));
    let marker = "name=\"key\" value=\"";
    let start = p.body.find(marker).unwrap() + marker.len();
    let key = p.body[start..].split('"').next().unwrap().to_owned();
    let offered_s = offered.to_string();
    let done = c
        .post(
            "/shop/account/points/exchange",
            &[("reward", offered_s.as_str()), ("key", key.as_str())],
        )
        .await;
    assert_status(&done, StatusCode::SEE_OTHER, "exchange");
    let p = c.get("/shop/account/points").await;
    p.assert_contains("data-points-balance=\"30\"");
    p.assert_contains("data-points-held=\"120\"");
    p.assert_contains("data-status=\"pending\"");
    // Not enough points left for a second one: refused, nothing moved.
    let key2 = format!("{key}-again");
    let refused = c
        .post(
            "/shop/account/points/exchange",
            &[("reward", offered_s.as_str()), ("key", key2.as_str())],
        )
        .await;
    assert_status(
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "second exchange",
    );
    refused.assert_contains("data-refusal");
    assert_eq!(
        app.with_conn(|conn| clientela::domain::loyalty::balance(conn, id))
            .unwrap(),
        30
    );
    let credit = c.get("/shop/account/credit").await;
    assert_status(&credit, StatusCode::OK, "credit page");
    credit.assert_contains("data-credit-balance=\"0\"");
}

#[actix_web::test]
async fn the_credit_and_points_pages_are_only_for_a_signed_in_customer_and_gone_while_accounts_are_off()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let anonymous = Client::new(&app);
    anonymous.get("/shop").await;
    // Accounts disabled (the default): these addresses do not exist.
    for path in ["/shop/account/points", "/shop/account/credit"] {
        assert_status(&anonymous.get(path).await, StatusCode::NOT_FOUND, path);
    }
    app.with_conn(|conn| storefront::set_login_mode(conn, owner, LoginMode::Optional))
        .unwrap();
    for path in ["/shop/account/points", "/shop/account/credit"] {
        let p = anonymous.get(path).await;
        assert_status(&p, StatusCode::SEE_OTHER, path);
        assert!(p.location().unwrap().starts_with("/shop/login"), "{path}");
    }
    let p = anonymous
        .post(
            "/shop/account/points/exchange",
            &[("reward", "1"), ("key", "k")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "anonymous exchange");
    assert!(p.location().unwrap().starts_with("/shop/login"));
}
