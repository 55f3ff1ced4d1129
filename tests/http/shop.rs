//! The storefront (`/shop`) over HTTP: the three login modes, customer sign-up, sign-in,
//! sign-out and throttling, who may see which account page (and that a customer identity
//! never opens the admin, nor a staff identity the customer area), catalogue prices by the
//! one pricing rule, and the customer's own order detail.

use chrono::{Duration, Utc};
use clientela::db::audit::AuditRow;
use clientela::db::customers::CustomerRow;
use clientela::db::write_tx;
use clientela::domain::accounts::{self, SignUpInput};
use clientela::domain::customers::{self, Deleted};
use clientela::domain::groups::{self, GroupInput, Selection};
use clientela::domain::orders::{self, LineInput};
use clientela::domain::pricing::{self, GroupTerms, PersonalDiscount};
use clientela::domain::storefront::{self, LoginMode};
use clientela::domain::types::Percent;
use clientela::i18n::Lang;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};
use crate::customers::{customer, order};
use crate::loyalty::product;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

#[track_caller]
pub(crate) fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}:\n{}", page.body);
}

/// Fails unless the page is a redirect to exactly `location`.
#[track_caller]
pub(crate) fn assert_redirect(page: &Page, location: &str, what: &str) {
    assert_status(page, StatusCode::SEE_OTHER, what);
    assert_eq!(page.location(), Some(location), "{what}");
}

#[track_caller]
pub(crate) fn assert_lacks(page: &Page, text: &str, what: &str) {
    assert!(
        !page.body.contains(text),
        "{what}: {text:?} should not be on the page:\n{}",
        page.body
    );
}

fn set_mode(app: &TestApp, owner: i64, mode: LoginMode) {
    app.with_conn(|c| storefront::set_login_mode(c, owner, mode))
        .unwrap();
    assert_eq!(app.with_conn(storefront::login_mode).unwrap(), mode);
}

/// A fresh store with its owner and the storefront in `mode`; returns the app and the owner.
pub(crate) async fn store(mode: LoginMode) -> (TestApp, i64) {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    if mode != LoginMode::Disabled {
        set_mode(&app, owner, mode);
    }
    (app, owner)
}

/// A customer with a storefront account (password [`PASSWORD`]), signed up through the
/// domain; returns the customer id.
pub(crate) fn account(app: &TestApp, name: &str, email: &str) -> i64 {
    app.with_conn(|c| {
        accounts::sign_up(
            c,
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

/// Signs a customer in through `/shop/login` in `c`'s browser and fails unless it worked;
/// then loads a page so that the client holds the new session's CSRF token.
pub(crate) async fn shop_sign_in(c: &Client, email: &str) {
    let form = c.get("/shop/login").await;
    assert_status(&form, StatusCode::OK, "the storefront sign-in form");
    let p = c
        .post(
            "/shop/login",
            &[("email", email), ("password", PASSWORD), ("next", "")],
        )
        .await;
    assert_redirect(&p, "/shop/account", "customer sign-in");
    assert_status(&c.get("/shop/account").await, StatusCode::OK, "own area");
}

pub(crate) async fn shopper(app: &TestApp, email: &str) -> Client {
    let c = Client::new(app);
    shop_sign_in(&c, email).await;
    c
}

pub(crate) fn all_customers(app: &TestApp) -> Vec<CustomerRow> {
    use clientela::db::schema::customers;
    use diesel::prelude::*;
    app.with_conn(|c| {
        customers::table
            .order(customers::id.asc())
            .select(CustomerRow::as_select())
            .load(c)
    })
    .unwrap()
}

pub(crate) fn customers_with_email(app: &TestApp, email: &str) -> Vec<CustomerRow> {
    all_customers(app)
        .into_iter()
        .filter(|c| c.email.as_deref() == Some(email))
        .collect()
}

fn account_count(app: &TestApp) -> i64 {
    use clientela::db::schema::customer_accounts;
    use diesel::prelude::*;
    app.with_conn(|c| customer_accounts::table.count().get_result(c))
        .unwrap()
}

pub(crate) fn has_account(app: &TestApp, id: i64) -> bool {
    app.with_conn(|c| clientela::db::accounts::exists(c, id))
        .unwrap()
}

pub(crate) fn audit_with_action(app: &TestApp, action: &str) -> Vec<AuditRow> {
    use clientela::db::schema::audit_log;
    use diesel::prelude::*;
    app.with_conn(|c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::id.asc())
            .select(AuditRow::as_select())
            .load(c)
    })
    .unwrap()
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// The `data-price` the catalogue shows for product `id`.
#[track_caller]
fn catalogue_price(page: &Page, id: i64) -> i64 {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel(&format!("tr[data-product=\"{id}\"] [data-price]")))
        .next()
        .unwrap_or_else(|| panic!("product {id} is not in the catalogue:\n{}", page.body))
        .value()
        .attr("data-price")
        .unwrap()
        .parse()
        .unwrap()
}

/// The order ids the customer's order list shows (`data-order`).
fn listed_orders(page: &Page) -> Vec<i64> {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel("[data-order]"))
        .map(|e| e.value().attr("data-order").unwrap().parse().unwrap())
        .collect()
}

fn hidden_next(page: &Page) -> String {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel("form[action=\"/shop/login\"] input[name=\"next\"]"))
        .next()
        .unwrap_or_else(|| panic!("no next field:\n{}", page.body))
        .value()
        .attr("value")
        .unwrap_or("")
        .to_owned()
}

/// An address of `customer_id`, added through the domain; returns its id.
fn address(app: &TestApp, customer_id: i64, line1: &str) -> i64 {
    app.with_conn(|c| {
        customers::add_address(
            c,
            None,
            customer_id,
            &customers::AddressInput {
                kind: "shipping".into(),
                full_name: "Destinatario".into(),
                line1: line1.into(),
                postal_code: "28001".into(),
                city: "Madrid".into(),
                country: "ES".into(),
                ..customers::AddressInput::default()
            },
        )
    })
    .unwrap()
}

fn address_count(app: &TestApp, customer_id: i64) -> usize {
    app.with_conn(|c| clientela::db::customers::AddressRow::for_customer(c, customer_id))
        .unwrap()
        .len()
}

// ---------------------------------------------------------------------------------------
// 1. Login modes
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn with_accounts_disabled_by_default_the_shop_offers_no_sign_in_and_every_account_address_is_not_found()
 {
    let (app, owner) = store(LoginMode::Disabled).await;
    assert_eq!(
        app.with_conn(storefront::login_mode).unwrap(),
        LoginMode::Disabled
    );
    product(&app, "CAM-1", "Camisa de lino", 4_990);
    // An account that exists (made while the mode was different) still cannot be used.
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let mine = order(&app, id, "1001", 4_990, "paid", 1);

    let c = Client::new(&app);
    let shop = c.get("/shop").await;
    assert_status(&shop, StatusCode::OK, "catalogue");
    shop.assert_contains("Camisa de lino");
    for marker in [
        "data-shop-sign-in",
        "data-shop-sign-up",
        "data-shop-customer",
        "data-login-required",
        "href=\"/shop/login",
        "href=\"/shop/signup",
    ] {
        assert_lacks(&shop, marker, "disabled storefront");
    }

    for path in [
        "/shop/login",
        "/shop/login?next=/shop",
        "/shop/signup",
        "/shop/account",
        &format!("/shop/account/orders/{mine}"),
        "/shop/account/addresses",
        "/shop/account/profile",
    ] {
        assert_status(&c.get(path).await, StatusCode::NOT_FOUND, path);
    }
    // Posting with a valid token reaches the handlers, which answer 404 and do nothing.
    c.get("/login").await;
    let p = c
        .post(
            "/shop/login",
            &[("email", "lucia@example.es"), ("password", PASSWORD)],
        )
        .await;
    assert_status(&p, StatusCode::NOT_FOUND, "POST /shop/login");
    assert!(p.headers.get("location").is_none());
    let p = c
        .post(
            "/shop/signup",
            &[
                ("full_name", "Emily Carter"),
                ("email", "emily@example.co.uk"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_status(&p, StatusCode::NOT_FOUND, "POST /shop/signup");
    assert!(customers_with_email(&app, "emily@example.co.uk").is_empty());
    assert_eq!(account_count(&app), 1);
    let p = c.post("/shop/logout", &[]).await;
    assert_status(&p, StatusCode::NOT_FOUND, "POST /shop/logout");
    // Nobody got signed in: switching accounts on shows an anonymous visitor.
    set_mode(&app, owner, LoginMode::Optional);
    assert_redirect(
        &c.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "still anonymous",
    );
}

#[actix_web::test]
async fn with_accounts_optional_the_shop_offers_sign_in_and_sign_up_and_sign_up_works() {
    let (app, _) = store(LoginMode::Optional).await;
    product(&app, "CAM-1", "Camisa de lino", 4_990);
    let c = Client::new(&app);
    let shop = c.get("/shop").await;
    assert_status(&shop, StatusCode::OK, "catalogue");
    shop.assert_contains("Camisa de lino");
    shop.assert_contains("data-shop-sign-in");
    shop.assert_contains("data-shop-sign-up");
    shop.assert_contains("Iniciar sesión");
    shop.assert_contains("Crear cuenta");
    assert_lacks(
        &shop,
        "data-login-required",
        "optional: buying as a guest is fine",
    );
    assert_lacks(&shop, "data-shop-customer", "nobody signed in");

    let form = c.get("/shop/signup").await;
    assert_status(&form, StatusCode::OK, "sign-up form");
    form.assert_contains("action=\"/shop/signup\"");
    assert_status(&c.get("/shop/login").await, StatusCode::OK, "sign-in form");
    c.get("/shop/signup").await;
    let p = c
        .post(
            "/shop/signup",
            &[
                ("full_name", "Emily Carter"),
                ("email", "emily@example.co.uk"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_redirect(&p, "/shop/account", "sign-up");
    let shop = c.get("/shop").await;
    shop.assert_contains("data-shop-customer");
    shop.assert_contains("Emily Carter");
    assert_lacks(&shop, "data-shop-sign-in", "signed in");
}

#[actix_web::test]
async fn with_accounts_required_the_catalogue_stays_visible_with_a_notice_and_sign_in_is_offered() {
    let (app, _) = store(LoginMode::Required).await;
    product(&app, "CAM-1", "Camisa de lino", 4_990);
    account(&app, "Lucía Fernández", "lucia@example.es");
    let c = Client::new(&app);
    let shop = c.get("/shop").await;
    assert_status(&shop, StatusCode::OK, "catalogue");
    shop.assert_contains("data-product=");
    shop.assert_contains("Camisa de lino");
    shop.assert_contains("data-login-required");
    shop.assert_contains("Para comprar en esta tienda necesitas una cuenta de cliente.");
    shop.assert_contains("data-shop-sign-in");
    shop.assert_contains("data-shop-sign-up");
    shop.assert_contains("href=\"/shop/login?next=/shop\"");
    let form = c.get("/shop/login?next=/shop").await;
    assert_status(&form, StatusCode::OK, "sign-in form");
    assert_eq!(hidden_next(&form), "/shop");
    assert_status(&c.get("/shop/signup").await, StatusCode::OK, "sign-up form");

    let p = c
        .post(
            "/shop/login",
            &[
                ("email", "lucia@example.es"),
                ("password", PASSWORD),
                ("next", "/shop"),
            ],
        )
        .await;
    assert_redirect(&p, "/shop", "sign-in back to the catalogue");
    let shop = c.get("/shop").await;
    assert_lacks(&shop, "data-login-required", "a signed-in customer may buy");
    shop.assert_contains("data-shop-customer");
    shop.assert_contains("Lucía Fernández");
}

#[actix_web::test]
async fn switching_accounts_from_optional_back_to_disabled_ends_a_signed_in_customers_access() {
    let (app, owner) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let mine = order(&app, id, "1001", 4_990, "paid", 1);
    let c = shopper(&app, "lucia@example.es").await;
    assert_status(
        &c.get(&format!("/shop/account/orders/{mine}")).await,
        StatusCode::OK,
        "own order while accounts are on",
    );

    set_mode(&app, owner, LoginMode::Disabled);
    for path in [
        "/shop/account",
        &format!("/shop/account/orders/{mine}"),
        "/shop/account/addresses",
    ] {
        assert_status(&c.get(path).await, StatusCode::NOT_FOUND, path);
    }
    let shop = c.get("/shop").await;
    assert_status(&shop, StatusCode::OK, "catalogue");
    assert_lacks(&shop, "data-shop-customer", "accounts off");
    assert_lacks(&shop, "Lucía Fernández", "accounts off");

    // The identity ended, it was not merely hidden: switching back needs a new sign-in.
    set_mode(&app, owner, LoginMode::Optional);
    assert_redirect(
        &c.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "signed out by the switch",
    );
}

// ---------------------------------------------------------------------------------------
// 2. Sign-up
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn signing_up_creates_a_registered_customer_with_an_account_signs_in_and_is_audited() {
    let (app, _) = store(LoginMode::Optional).await;
    let c = Client::new(&app);
    c.get("/shop/signup").await;
    let p = c
        .post(
            "/shop/signup",
            &[
                ("full_name", "Lucía Fernández"),
                ("email", "  Lucia@Example.ES "),
                ("password", PASSWORD),
                ("newsletter", "on"),
            ],
        )
        .await;
    assert_redirect(&p, "/shop/account", "sign-up");

    let found = customers_with_email(&app, "lucia@example.es");
    assert_eq!(found.len(), 1, "one customer, with the e-mail normalised");
    let row = &found[0];
    assert_eq!(row.full_name, "Lucía Fernández");
    assert!(row.registered);
    assert_eq!(row.language, "es", "the page's language");
    assert!(row.newsletter, "consent ticked");
    assert!(has_account(&app, row.id));
    let audit = audit_with_action(&app, "customer.signup");
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].entity, "customer");
    assert_eq!(audit[0].entity_id, Some(row.id));
    assert_eq!(
        audit[0].actor_staff_id, None,
        "the customer did it, no staff"
    );

    // Signed in at once, with the flash message shown once.
    let area = c.get("/shop/account").await;
    assert_status(&area, StatusCode::OK, "own area");
    area.assert_contains("Tu cuenta está creada y ya has iniciado sesión.");
    area.assert_contains("data-shop-customer");
    area.assert_contains("Lucía Fernández");
    area.assert_contains("data-no-orders");
    assert_lacks(
        &c.get("/shop/account").await,
        "Tu cuenta está creada",
        "the flash is shown once",
    );
    // The password works for signing in again.
    c.post("/shop/logout", &[]).await;
    shop_sign_in(&Client::new(&app), "lucia@example.es").await;

    // Another browser in English, no newsletter: English customer, no consent.
    let en = Client::with_language(&app, "en");
    en.get("/shop/signup").await;
    let p = en
        .post(
            "/shop/signup",
            &[
                ("full_name", "Emily Carter"),
                ("email", "emily@example.co.uk"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_redirect(&p, "/shop/account", "sign-up in English");
    let emily = &customers_with_email(&app, "emily@example.co.uk")[0];
    assert_eq!(emily.language, "en");
    assert!(!emily.newsletter);
    assert!(emily.registered && has_account(&app, emily.id));
    assert_eq!(audit_with_action(&app, "customer.signup").len(), 2);
}

#[actix_web::test]
async fn bad_sign_up_input_is_refused_in_spanish_keeping_the_values_but_not_the_password_and_creates_nothing()
 {
    let (app, _) = store(LoginMode::Optional).await;
    let c = Client::new(&app);
    let short = "abcdefghijk"; // 11 characters
    assert_eq!(short.chars().count(), 11);
    let cases: [(&str, &str, &str, &str, &str); 3] = [
        (
            "",
            "lucia@example.es",
            PASSWORD,
            "full_name",
            "Este campo es obligatorio.",
        ),
        (
            "Lucía Fernández",
            "lucia@",
            PASSWORD,
            "email",
            "Introduce un correo electrónico válido, como nombre@ejemplo.com.",
        ),
        (
            "Lucía Fernández",
            "lucia@example.es",
            short,
            "password",
            "La contraseña debe tener al menos 12 caracteres.",
        ),
    ];
    for (name, email, password, field, message) in cases {
        c.get("/shop/signup").await;
        let p = c
            .post(
                "/shop/signup",
                &[
                    ("full_name", name),
                    ("email", email),
                    ("password", password),
                    ("newsletter", "on"),
                ],
            )
            .await;
        let case = format!("{field} refused");
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &case);
        p.assert_contains(&format!("id=\"{field}-error\">{message}</small>"));
        p.assert_contains(&format!(
            "name=\"full_name\" type=\"text\" value=\"{name}\""
        ));
        p.assert_contains(&format!("name=\"email\" type=\"email\" value=\"{email}\""));
        p.assert_contains("name=\"password\" type=\"password\" value=\"\"");
        assert_lacks(&p, password, &case);
        p.assert_contains("name=\"newsletter\" value=\"on\" checked");
        assert!(all_customers(&app).is_empty(), "{case}: nobody created");
        assert_eq!(account_count(&app), 0, "{case}");
    }
    assert!(audit_with_action(&app, "customer.signup").is_empty());
    // Still anonymous.
    assert_redirect(
        &c.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "not signed in",
    );
}

#[actix_web::test]
async fn the_email_of_a_registered_customer_cannot_sign_up_again_but_a_guests_email_can() {
    let (app, _) = store(LoginMode::Optional).await;
    // A registered customer (from the panel, no account yet) and one with an account.
    let registered = customer(&app, "Ana García", "ana@example.es", true);
    account(&app, "Lucía Fernández", "lucia@example.es");
    let c = Client::new(&app);
    for (email, message) in [
        // The merchant's customer is pointed to "forgot your password" to set one.
        (
            "ana@example.es",
            "La tienda ya tiene un cliente con este correo. Usa «¿Olvidaste tu contraseña?»",
        ),
        (
            "LUCIA@example.es",
            "Ya hay una cuenta con este correo. Inicia sesión.",
        ),
    ] {
        c.get("/shop/signup").await;
        let p = c
            .post(
                "/shop/signup",
                &[
                    ("full_name", "Alguien Más"),
                    ("email", email),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, email);
        p.assert_contains(message);
        p.assert_contains("value=\"Alguien Más\"");
        assert_lacks(&p, PASSWORD, email);
    }
    assert_eq!(all_customers(&app).len(), 2, "nobody created");
    assert_eq!(account_count(&app), 1);
    assert!(!has_account(&app, registered), "no account attached to Ana");
    assert_eq!(audit_with_action(&app, "customer.signup").len(), 1);

    // A guest's e-mail is no one's account: signing up with it makes a new registered record.
    let guest = customer(&app, "Emily Carter", "emily@example.co.uk", false);
    c.get("/shop/signup").await;
    let p = c
        .post(
            "/shop/signup",
            &[
                ("full_name", "Emily Carter"),
                ("email", "emily@example.co.uk"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_redirect(&p, "/shop/account", "a guest's e-mail");
    let rows = customers_with_email(&app, "emily@example.co.uk");
    assert_eq!(rows.len(), 2);
    let new = rows.iter().find(|r| r.id != guest).unwrap();
    assert!(new.registered && has_account(&app, new.id));
    let old = rows.iter().find(|r| r.id == guest).unwrap();
    assert!(
        !old.registered && !has_account(&app, guest),
        "the guest is left as it was"
    );
}

// ---------------------------------------------------------------------------------------
// 3. Sign-in and sign-out
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_wrong_password_or_unknown_email_is_refused_with_the_same_translated_message() {
    let (app, _) = store(LoginMode::Optional).await;
    account(&app, "Lucía Fernández", "lucia@example.es");
    let c = Client::new(&app);
    c.get("/shop/login").await;
    for email in ["lucia@example.es", "nadie@example.es"] {
        let p = c
            .post(
                "/shop/login",
                &[("email", email), ("password", "not the password")],
            )
            .await;
        assert_status(&p, StatusCode::UNAUTHORIZED, email);
        p.assert_contains("El correo o la contraseña no son correctos.");
        p.assert_contains(&format!("value=\"{email}\""));
        assert_lacks(&p, "not the password", email);
    }
    assert_redirect(
        &c.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "not signed in",
    );
}

#[actix_web::test]
async fn signing_in_goes_back_to_a_storefront_page_only_and_signing_out_ends_it() {
    let (app, _) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let mine = order(&app, id, "1001", 4_990, "paid", 1);

    // An account page sends an anonymous visitor to sign in and back.
    let c = Client::new(&app);
    let path = format!("/shop/account/orders/{mine}");
    let p = c.get(&path).await;
    assert_redirect(
        &p,
        &format!("/shop/login?next=%2Fshop%2Faccount%2Forders%2F{mine}"),
        "anonymous",
    );
    let form = c.get(p.location().unwrap()).await;
    assert_eq!(hidden_next(&form), path);
    let p = c
        .post(
            "/shop/login",
            &[
                ("email", "lucia@example.es"),
                ("password", PASSWORD),
                ("next", &path),
            ],
        )
        .await;
    assert_redirect(&p, &path, "back to the order");
    assert_status(&c.get(&path).await, StatusCode::OK, "the order");
    // A signed-in customer asking for the forms is sent to their area.
    assert_redirect(&c.get("/shop/login").await, "/shop/account", "already in");
    assert_redirect(&c.get("/shop/signup").await, "/shop/account", "already in");

    // Never anywhere but the storefront.
    for (next, to) in [
        ("/shop", "/shop"),
        ("/shop/account/addresses", "/shop/account/addresses"),
        ("/customers", "/shop/account"),
        ("/", "/shop/account"),
        ("//evil.com", "/shop/account"),
        ("//evil.com/shop", "/shop/account"),
        ("https://evil.com/shop", "/shop/account"),
        ("/\\evil.com", "/shop/account"),
        ("/shopping", "/shop/account"),
    ] {
        let c = Client::new(&app);
        let form = c
            .get(&format!(
                "/shop/login?next={}",
                url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
            ))
            .await;
        assert_eq!(hidden_next(&form), to, "the form's next for {next}");
        let p = c
            .post(
                "/shop/login",
                &[
                    ("email", "lucia@example.es"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        assert_redirect(&p, to, next);
    }

    // Signing out ends the customer's session.
    let area = c.get("/shop/account").await;
    area.assert_contains("action=\"/shop/logout\"");
    let p = c.post("/shop/logout", &[]).await;
    assert_redirect(&p, "/shop", "sign-out");
    let shop = c.get("/shop").await;
    assert_lacks(&shop, "data-shop-customer", "signed out");
    shop.assert_contains("data-shop-sign-in");
    assert_redirect(
        &c.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "signed out",
    );
    assert_redirect(
        &c.get(&path).await,
        &format!("/shop/login?next=%2Fshop%2Faccount%2Forders%2F{mine}"),
        "signed out",
    );
}

#[actix_web::test]
async fn repeated_failed_customer_sign_ins_are_throttled_without_locking_out_staff_with_the_same_email()
 {
    let app = TestApp::spawn_with(|c| c.trust_proxy = true).await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    // The customer happens to use the owner's e-mail: the counters are not shared.
    account(&app, "Olga Cliente", OWNER_EMAIL);
    let attacker = Client::with_forwarded_ip(&app, "203.0.113.7");
    attacker.get("/shop/login").await;
    // Five failures for one e-mail from one address (src/domain/throttle.rs: the pair key).
    for i in 0..5 {
        let p = attacker
            .post(
                "/shop/login",
                &[("email", OWNER_EMAIL), ("password", "guess guess guess")],
            )
            .await;
        assert_status(&p, StatusCode::UNAUTHORIZED, &format!("failure {i}"));
    }
    // Now even the right password is refused from there…
    let p = attacker
        .post(
            "/shop/login",
            &[("email", OWNER_EMAIL), ("password", PASSWORD)],
        )
        .await;
    assert_status(&p, StatusCode::TOO_MANY_REQUESTS, "throttled");
    p.assert_contains("Demasiados intentos fallidos.");
    assert_redirect(
        &attacker.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "not signed in while throttled",
    );
    // …while the owner signs in to the admin with the same e-mail from the same address…
    let staff = Client::with_forwarded_ip(&app, "203.0.113.7");
    let p = staff.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_redirect(&p, "/", "staff sign-in is another counter");
    // …and the customer from elsewhere.
    shop_sign_in(
        &Client::with_forwarded_ip(&app, "198.51.100.20"),
        OWNER_EMAIL,
    )
    .await;
    // After the lock time the address may try again.
    tokio::time::sleep(app.config.login_lock + std::time::Duration::from_millis(300)).await;
    let p = attacker
        .post(
            "/shop/login",
            &[("email", OWNER_EMAIL), ("password", PASSWORD)],
        )
        .await;
    assert_redirect(&p, "/shop/account", "after the lock");
}

#[actix_web::test]
async fn unknown_emails_are_throttled_like_real_ones_in_the_storefront() {
    let (app, _) = store(LoginMode::Optional).await;
    let c = Client::new(&app);
    c.get("/shop/login").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            c.post(
                "/shop/login",
                &[
                    ("email", "ghost@example.com"),
                    ("password", "guess guess guess"),
                ],
            )
            .await
            .status,
        );
    }
    assert_eq!(statuses[..5], [StatusCode::UNAUTHORIZED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
}

#[actix_web::test]
async fn an_anonymized_customer_cannot_sign_in_and_their_open_session_ends() {
    let (app, owner) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    order(&app, id, "1001", 4_990, "paid", 1);
    let open = shopper(&app, "lucia@example.es").await;

    let outcome = app.with_conn(|c| customers::delete(c, owner, id)).unwrap();
    assert_eq!(
        outcome,
        Deleted::Anonymized,
        "a customer with orders is kept"
    );
    assert!(!has_account(&app, id));

    assert_redirect(
        &open.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "the open session ends",
    );
    let c = Client::new(&app);
    c.get("/shop/login").await;
    let p = c
        .post(
            "/shop/login",
            &[("email", "lucia@example.es"), ("password", PASSWORD)],
        )
        .await;
    assert_status(&p, StatusCode::UNAUTHORIZED, "anonymized");
    p.assert_contains("El correo o la contraseña no son correctos.");
}

// ---------------------------------------------------------------------------------------
// 4. Who may see what
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn every_account_page_sends_an_anonymous_visitor_to_the_storefront_sign_in() {
    let (app, _) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let mine = order(&app, id, "1001", 4_990, "paid", 1);
    let addr = address(&app, id, "Calle Mayor 1");
    let c = Client::new(&app);
    for path in [
        "/shop/account".to_owned(),
        format!("/shop/account/orders/{mine}"),
        "/shop/account/orders/999999".to_owned(),
        "/shop/account/addresses".to_owned(),
        format!("/shop/account/addresses/{addr}/edit"),
        "/shop/account/profile".to_owned(),
    ] {
        let p = c.get(&path).await;
        let next = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
        assert_redirect(&p, &format!("/shop/login?next={next}"), &path);
        assert_lacks(&p, "Calle Mayor", &path);
    }
    // Posts are sent to sign in too (no way back to a form post) and change nothing.
    c.get("/shop/login").await;
    for path in [
        "/shop/logout".to_owned(),
        "/shop/account/addresses".to_owned(),
        format!("/shop/account/addresses/{addr}"),
        format!("/shop/account/addresses/{addr}/default"),
        format!("/shop/account/addresses/{addr}/delete"),
        "/shop/account/profile".to_owned(),
        "/shop/account/email".to_owned(),
        "/shop/account/confirm/resend".to_owned(),
    ] {
        let p = c
            .post(
                &path,
                &[
                    ("line1", "Calle Falsa 123"),
                    ("kind", "shipping"),
                    ("full_name", "Intruso"),
                    ("new_email", "intruso@example.es"),
                    ("current_password", PASSWORD),
                ],
            )
            .await;
        assert_redirect(&p, "/shop/login", &path);
    }
    assert_eq!(address_count(&app, id), 1);
    let mail = app
        .with_conn(|c| clientela::db::outbox::to_recipient(c, "intruso@example.es"))
        .unwrap();
    assert!(
        mail.is_empty(),
        "no e-mail change link for an anonymous post"
    );
    let row = all_customers(&app)
        .into_iter()
        .find(|r| r.id == id)
        .unwrap();
    assert_eq!(row.full_name, "Lucía Fernández", "the profile is untouched");
}

#[actix_web::test]
async fn a_customer_sees_only_their_own_orders_and_addresses() {
    let (app, _) = store(LoginMode::Optional).await;
    let a = account(&app, "Lucía Fernández", "lucia@example.es");
    let b = account(&app, "Emily Carter", "emily@example.co.uk");
    let a1 = order(&app, a, "A-1001", 4_990, "paid", 3);
    let a2 = order(&app, a, "A-1002", 1_500, "shipped", 1);
    let b1 = order(&app, b, "B-2001", 8_950, "paid", 2);
    let b_addr = address(&app, b, "Baker Street 221");
    let c = shopper(&app, "lucia@example.es").await;

    let list = c.get("/shop/account").await;
    assert_status(&list, StatusCode::OK, "own orders");
    assert_eq!(
        listed_orders(&list),
        vec![a2, a1],
        "own orders, newest first"
    );
    list.assert_contains("A-1001");
    list.assert_contains("A-1002");
    assert_lacks(&list, "B-2001", "another customer's order");
    assert_lacks(&list, "Emily Carter", "another customer");

    assert_status(
        &c.get(&format!("/shop/account/orders/{a1}")).await,
        StatusCode::OK,
        "own order",
    );
    let theirs = c.get(&format!("/shop/account/orders/{b1}")).await;
    assert_status(&theirs, StatusCode::NOT_FOUND, "B's order");
    assert_lacks(&theirs, "B-2001", "B's order");
    assert_status(
        &c.get("/shop/account/orders/999999").await,
        StatusCode::NOT_FOUND,
        "no such order",
    );

    // Addresses: B's are neither listed, nor editable, nor deletable by A.
    let addresses = c.get("/shop/account/addresses").await;
    assert_status(&addresses, StatusCode::OK, "own addresses");
    assert_lacks(&addresses, "Baker Street", "B's address");
    assert_lacks(
        &addresses,
        &format!("data-address=\"{b_addr}\""),
        "B's address",
    );
    assert_status(
        &c.get(&format!("/shop/account/addresses/{b_addr}/edit"))
            .await,
        StatusCode::NOT_FOUND,
        "B's address edit",
    );
    for path in [
        format!("/shop/account/addresses/{b_addr}/delete"),
        format!("/shop/account/addresses/{b_addr}/default"),
    ] {
        assert_status(&c.post(&path, &[]).await, StatusCode::NOT_FOUND, &path);
        c.get("/shop/account/addresses").await;
    }
    assert_eq!(address_count(&app, b), 1, "B's address is untouched");

    // And B sees B's order only.
    let other = shopper(&app, "emily@example.co.uk").await;
    let list = other.get("/shop/account").await;
    assert_eq!(listed_orders(&list), vec![b1]);
    assert_lacks(&list, "A-100", "A's orders");
    assert_status(
        &other.get(&format!("/shop/account/orders/{a1}")).await,
        StatusCode::NOT_FOUND,
        "A's order",
    );
}

#[actix_web::test]
async fn a_signed_in_customer_asking_for_admin_pages_is_sent_to_the_staff_sign_in() {
    let (app, _) = store(LoginMode::Optional).await;
    let a = account(&app, "Lucía Fernández", "lucia@example.es");
    let other = customer(&app, "Emily Carter", "emily@example.co.uk", true);
    let mine = order(&app, a, "A-1001", 4_990, "paid", 1);
    let c = shopper(&app, "lucia@example.es").await;
    for path in [
        "/".to_owned(),
        "/customers".to_owned(),
        format!("/customers/{a}"),
        format!("/customers/{other}"),
        "/orders".to_owned(),
        format!("/orders/{mine}"),
        "/customers/groups".to_owned(),
        "/staff".to_owned(),
        "/account".to_owned(),
    ] {
        let p = c.get(&path).await;
        assert_status(&p, StatusCode::SEE_OTHER, &path);
        let location = p.location().unwrap();
        assert!(
            location == "/login" || location.starts_with("/login?"),
            "{path} → {location}"
        );
        assert_lacks(&p, "Emily Carter", &path);
        assert_lacks(&p, "A-1001", &path);
    }
    // Admin posts are not served either.
    c.get("/shop/account").await;
    let p = c
        .post(
            &format!("/orders/{mine}/status"),
            &[("status", "cancelled")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "admin post");
    assert!(p.location().unwrap().starts_with("/login"));
    let o = app
        .with_conn(|conn| clientela::db::orders::find(conn, mine))
        .unwrap()
        .unwrap();
    assert_eq!(o.status, "paid", "the customer changed nothing");
}

#[actix_web::test]
async fn a_staff_session_is_not_a_customer_in_the_storefront() {
    let (app, _) = store(LoginMode::Optional).await;
    let a = account(&app, "Lucía Fernández", "lucia@example.es");
    let mine = order(&app, a, "A-1001", 4_990, "paid", 1);
    let staff = Client::signed_in(&app, OWNER_EMAIL).await;
    for path in [
        "/shop/account".to_owned(),
        format!("/shop/account/orders/{mine}"),
        "/shop/account/addresses".to_owned(),
        "/shop/account/profile".to_owned(),
    ] {
        let p = staff.get(&path).await;
        let next = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
        assert_redirect(&p, &format!("/shop/login?next={next}"), &path);
    }
    let shop = staff.get("/shop").await;
    assert_lacks(&shop, "data-shop-customer", "staff in the shop");
    assert_lacks(&shop, "Olga Owner", "staff in the shop");
    shop.assert_contains("data-shop-sign-in");
    // The staff session is untouched by visiting the shop.
    assert_status(&staff.get("/customers").await, StatusCode::OK, "admin");
}

#[actix_web::test]
async fn signing_in_as_staff_in_a_customers_browser_ends_the_customer_and_vice_versa() {
    let (app, _) = store(LoginMode::Optional).await;
    account(&app, "Lucía Fernández", "lucia@example.es");

    // Customer first, then staff in the same browser.
    let c = shopper(&app, "lucia@example.es").await;
    let form = c.get("/login").await;
    assert_status(&form, StatusCode::OK, "the staff sign-in form");
    let p = c
        .post(
            "/login",
            &[
                ("email", OWNER_EMAIL),
                ("password", PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_redirect(&p, "/", "staff sign-in");
    assert_status(&c.get("/").await, StatusCode::OK, "the admin");
    assert_redirect(
        &c.get("/shop/account").await,
        "/shop/login?next=%2Fshop%2Faccount",
        "the customer identity ended",
    );
    assert_lacks(&c.get("/shop").await, "data-shop-customer", "staff now");

    // Staff first, then a customer in the same browser.
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    shop_sign_in(&c, "lucia@example.es").await;
    let p = c.get("/").await;
    assert_redirect(&p, "/login?next=%2F", "the staff identity ended");
    assert_status(&c.get("/customers").await, StatusCode::SEE_OTHER, "admin");
    assert!(!c.is_signed_in().await, "no staff account page");
    c.get("/shop").await.assert_contains("data-shop-customer");
}

// ---------------------------------------------------------------------------------------
// 5. Catalogue prices
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_customer_in_a_discounted_group_sees_the_catalogue_at_the_group_price_and_a_guest_at_list()
 {
    let (app, owner) = store(LoginMode::Optional).await;
    let shirt = product(&app, "CAM-1", "Camisa de lino", 1_999);
    let scarf = product(&app, "PAN-1", "Pañuelo", 1_000);
    let a = account(&app, "Lucía Fernández", "lucia@example.es");
    account(&app, "Emily Carter", "emily@example.co.uk");
    let group = app
        .with_conn(|c| {
            groups::create(
                c,
                owner,
                &GroupInput {
                    name: "Mayoristas".into(),
                    discount: "10".into(),
                },
            )
        })
        .unwrap();
    let moved = app
        .with_conn(|c| groups::assign(c, owner, &Selection::Ids(vec![a]), Some(group)))
        .unwrap();
    assert_eq!(moved, 1);

    let rule = |list: i64| {
        pricing::price(
            list,
            Some(GroupTerms {
                price_cents: None,
                discount: Percent(1000),
            }),
            PersonalDiscount::None,
            1,
        )
        .unwrap()
        .unit_cents
    };
    // 10 % of 19,99 is 1,999 € → 2,00 € off: 17,99 €.
    assert_eq!((rule(1_999), rule(1_000)), (1_799, 900));

    let grouped = shopper(&app, "lucia@example.es").await;
    let page = grouped.get("/shop").await;
    assert_eq!(catalogue_price(&page, shirt), rule(1_999));
    assert_eq!(catalogue_price(&page, scarf), rule(1_000));
    page.assert_contains("17,99\u{a0}€");
    page.assert_contains("<s class=\"muted\">19,99\u{a0}€</s>");

    let guest = Client::new(&app).get("/shop").await;
    assert_eq!(catalogue_price(&guest, shirt), 1_999);
    assert_eq!(catalogue_price(&guest, scarf), 1_000);
    assert_lacks(&guest, "17,99", "a guest pays list prices");
    assert_lacks(&guest, "<s ", "no struck-out list price for a guest");

    let ungrouped = shopper(&app, "emily@example.co.uk").await;
    let page = ungrouped.get("/shop").await;
    assert_eq!(catalogue_price(&page, shirt), 1_999, "no group, list price");

    // Signed out, the grouped customer is a guest again.
    grouped.post("/shop/logout", &[]).await;
    let page = grouped.get("/shop").await;
    assert_eq!(catalogue_price(&page, shirt), 1_999);
}

// ---------------------------------------------------------------------------------------
// 6. Order detail
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_order_detail_shows_lines_the_total_to_the_cent_and_the_status_history_without_staff_names()
 {
    let (app, owner) = store(LoginMode::Optional).await;
    let a = account(&app, "Lucía Fernández", "lucia@example.es");
    let id = app
        .with_conn(|conn| {
            write_tx(conn, |conn| {
                orders::place(
                    conn,
                    "A-1001",
                    a,
                    "pending",
                    "card",
                    "EUR",
                    495,
                    &[
                        LineInput {
                            product_id: None,
                            sku: "CAM-1".into(),
                            name: "Camisa de lino".into(),
                            quantity: 2,
                            unit_price_cents: 2_495,
                        },
                        LineInput {
                            product_id: None,
                            sku: "PAN-1".into(),
                            name: "Pañuelo de seda".into(),
                            quantity: 1,
                            unit_price_cents: 1_299,
                        },
                    ],
                    Utc::now().naive_utc() - Duration::days(2),
                )
            })
        })
        .unwrap();
    for status in ["paid", "shipped"] {
        app.with_conn(|c| orders::change_status(c, owner, id, status))
            .unwrap();
    }
    let history = app
        .with_conn(|c| clientela::db::orders::history(c, id))
        .unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(
        history[2].staff_name.as_deref(),
        Some("Olga Owner"),
        "the admin history knows who did it"
    );

    let c = shopper(&app, "lucia@example.es").await;
    let list = c.get("/shop/account").await;
    list.assert_contains(&format!("href=\"/shop/account/orders/{id}\""));
    list.assert_contains("67,84\u{a0}€");
    let p = c.get(&format!("/shop/account/orders/{id}")).await;
    assert_status(&p, StatusCode::OK, "order detail");
    p.assert_contains("Pedido A-1001");
    // Lines: 2 × 24,95 = 49,90; 1 × 12,99; shipping 4,95; total 67,84.
    p.assert_contains("Camisa de lino");
    p.assert_contains("Pañuelo de seda");
    p.assert_contains("24,95\u{a0}€");
    p.assert_contains("49,90\u{a0}€");
    p.assert_contains("12,99\u{a0}€");
    p.assert_contains("4,95\u{a0}€");
    p.assert_contains("data-total=\"6784\"");
    p.assert_contains("67,84\u{a0}€");
    p.assert_contains("Tarjeta");
    p.assert_contains("data-status=\"shipped\"");
    // The history, oldest first, in Spanish.
    let doc = Html::parse_document(&p.body);
    let steps: Vec<String> = doc
        .select(&sel("ol.timeline li .badge"))
        .map(|e| e.text().collect::<String>().trim().to_owned())
        .collect();
    assert_eq!(steps, ["Pendiente", "Pagado", "Enviado"]);
    // Who in the shop did what is the shop's business, not the customer's.
    assert_lacks(&p, "Olga Owner", "staff name");
    assert_lacks(&p, OWNER_EMAIL, "staff e-mail");
}
