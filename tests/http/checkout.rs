//! The storefront checkout over HTTP: totals to the cent with a group price, a group
//! discount and a personal discount; store credit applied in part and in full; the login
//! modes' rules for guests; guest customers created once and reused; bad input refused with
//! nothing created; two checkouts at once that can never overdraw the credit; and loyalty
//! points paying part of an order, given back when it is cancelled.

use std::sync::Arc;

use clientela::db::customers::CustomerRow;
use clientela::db::groups::{self as group_rows, GroupRow};
use clientela::db::orders::OrderRow;
use clientela::domain::accounts::{self, SignUpInput};
use clientela::domain::credit::{self, GrantInput, SettingsInput};
use clientela::domain::storefront::{self, LoginMode};
use clientela::i18n::Lang;
use diesel::prelude::*;
use reqwest::StatusCode;

use crate::client::{Client, Page};
use crate::common::TestApp;
use crate::loyalty::product;

const PASSWORD: &str = "una contraseña larga";

fn assert_status(p: &Page, status: StatusCode, what: &str) {
    assert_eq!(p.status, status, "{what}: {}", p.body);
}

fn set_mode(app: &TestApp, owner: i64, mode: LoginMode) {
    app.with_conn(|conn| storefront::set_login_mode(conn, owner, mode))
        .unwrap();
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

async fn signed_in(app: &TestApp, email: &str) -> Client {
    let c = Client::new(app);
    c.get("/shop/login").await;
    let p = c
        .post(
            "/shop/login",
            &[("email", email), ("password", PASSWORD), ("next", "/shop")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "sign-in");
    c.get("/shop").await;
    c
}

fn enable_credit(app: &TestApp, owner: i64) {
    app.with_conn(|conn| {
        credit::save_settings(
            conn,
            owner,
            &SettingsInput {
                enabled: Some("on".into()),
                expiry_days: String::new(),
            },
        )
    })
    .unwrap();
}

fn grant(app: &TestApp, owner: i64, customer: i64, amount: &str) {
    let reason = app
        .with_conn(clientela::db::credit::ReasonRow::all)
        .unwrap()
        .into_iter()
        .find(|r| r.code.as_deref() == Some("compensation"))
        .unwrap()
        .id
        .to_string();
    app.with_conn(|conn| {
        credit::grant(
            conn,
            owner,
            customer,
            &GrantInput {
                amount: amount.into(),
                reason,
                expires_on: String::new(),
                note: String::new(),
                idempotency_key: String::new(),
            },
        )
    })
    .unwrap();
}

fn orders_of(app: &TestApp, customer: i64) -> Vec<OrderRow> {
    app.with_conn(|conn| clientela::db::orders::for_customer(conn, customer, 100))
        .unwrap()
}

fn all_orders(app: &TestApp) -> i64 {
    use clientela::db::schema::orders;
    app.with_conn(|conn| orders::table.count().get_result::<i64>(conn))
        .unwrap()
}

fn all_customers(app: &TestApp) -> i64 {
    use clientela::db::schema::customers;
    app.with_conn(|conn| customers::table.count().get_result::<i64>(conn))
        .unwrap()
}

async fn add_to_cart(c: &Client, product: i64, quantity: &str) {
    let p = c
        .post(
            "/shop/cart",
            &[("product", &product.to_string()), ("quantity", quantity)],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "add to cart");
}

/// The checkout form's idempotency key, read from the page.
async fn checkout_key(c: &Client) -> String {
    let p = c.get("/shop/checkout").await;
    assert_status(&p, StatusCode::OK, "checkout page");
    let marker = "name=\"key\" value=\"";
    let start = p.body.find(marker).expect("a key field") + marker.len();
    p.body[start..start + 32].to_owned()
}

fn address<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("kind", "shipping"),
        ("address_name", "Ana Ruiz"),
        ("line1", "Calle Mayor 1"),
        ("postal_code", "28001"),
        ("city", "Madrid"),
        ("country", "ES"),
        ("payment_method", "bank_transfer"),
    ];
    form.extend_from_slice(extra);
    form
}

/// A store with accounts optional and credit on, boots (49,90) and socks (12,99), and Ana in
/// "Mayoristas": 10 % off the list, a group price of 39,90 for the boots, and 5 % of her own.
/// Returns (app, owner, boots, socks, ana).
async fn wholesale_store() -> (TestApp, i64, i64, i64, i64) {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    enable_credit(&app, owner);
    let boots = product(&app, "BOT-1", "Botas", 4990);
    let socks = product(&app, "CAL-1", "Calcetines", 1299);
    let ana = account(&app, "Ana Ruiz", "ana@example.es");
    app.with_conn(|conn| -> diesel::QueryResult<()> {
        let g = GroupRow::insert(
            conn,
            "Mayoristas",
            "mayoristas",
            1000,
            chrono::Utc::now().naive_utc(),
        )?;
        group_rows::set_price(conn, g, boots, Some(3990))?;
        group_rows::assign(conn, &[ana], Some(g), chrono::Utc::now().naive_utc())?;
        group_rows::set_customer_pricing(conn, ana, Some(g), Some("percent"), 500)?;
        Ok(())
    })
    .unwrap();
    (app, owner, boots, socks, ana)
}

#[actix_web::test]
async fn a_customer_pays_the_group_price_less_both_discounts_and_part_of_their_credit_to_the_cent()
{
    let (app, owner, boots, socks, ana) = wholesale_store().await;
    grant(&app, owner, ana, "50,00");
    let c = signed_in(&app, "ana@example.es").await;
    // Boots: 39,90 group price, 5 % = 1,995 → 2,00 off (halves up) → 37,90.
    // Socks: 12,99 − 10 % (1,299 → 1,30) = 11,69; 5 % = 0,5845 → 0,58 off → 11,11.
    let shop = c.get("/shop").await;
    shop.assert_contains("data-price=\"3790\"");
    shop.assert_contains("data-price=\"1111\"");
    add_to_cart(&c, boots, "3").await;
    add_to_cart(&c, socks, "2").await;
    let cart = c.get("/shop/cart").await;
    cart.assert_contains("data-line=\"11370\"");
    cart.assert_contains("data-line=\"2222\"");
    cart.assert_contains("data-cart-total=\"13592\"");
    let page = c.get("/shop/checkout").await;
    page.assert_contains("data-credit-available=\"5000\"");
    page.assert_contains("name=\"credit\" type=\"text\" value=\"50,00\"");
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("credit", "20,00"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "checkout");
    assert_eq!(p.location(), Some("/shop/account"));
    let placed = orders_of(&app, ana);
    assert_eq!(placed.len(), 1);
    let o = &placed[0];
    assert_eq!(o.total_cents, 13592);
    assert_eq!(o.credit_paid_cents, 2000);
    assert_eq!(o.payment_method, "bank_transfer");
    assert_eq!(o.status, "pending");
    assert!(o.number.starts_with('W'), "{}", o.number);
    let balance = app.with_conn(|conn| credit::balance(conn, ana)).unwrap();
    assert_eq!(balance, 3000);
    // The order shows in the customer's own area, the cart is empty again.
    let mine = c.get("/shop/account").await;
    mine.assert_contains(&o.number);
    mine.assert_contains("Pedido realizado.");
    c.get("/shop/cart").await.assert_contains("data-cart-empty");
    // The address typed at checkout is now the customer's.
    let addresses = app
        .with_conn(|conn| clientela::db::customers::AddressRow::for_customer(conn, ana))
        .unwrap();
    assert_eq!(addresses.len(), 1);
    assert_eq!(addresses[0].city, "Madrid");
}

/// The loyalty program on, earning at delivery, each point paying `value` at checkout, and
/// `points` given to the customer by hand.
fn points_program(app: &TestApp, owner: i64, customer: i64, value: &str, points: &str) {
    use clientela::domain::loyalty::{self, AdjustInput};
    app.with_conn(|conn| {
        let mut input = crate::loyalty::program("1", "delivered");
        input.point_value = value.into();
        loyalty::save_settings(conn, owner, &input).unwrap();
        loyalty::adjust(
            conn,
            owner,
            customer,
            &AdjustInput {
                points: points.into(),
                direction: "add".into(),
                reason: "Bienvenida".into(),
                idempotency_key: String::new(),
            },
        )
        .unwrap();
    });
}

fn points_of(app: &TestApp, customer: i64) -> i64 {
    let (balance, ledger) = app
        .with_conn(|conn| clientela::domain::loyalty::sums(conn, customer))
        .unwrap();
    assert_eq!(balance, ledger, "points balance == ledger sum");
    balance
}

#[actix_web::test]
async fn group_price_personal_discount_part_credit_and_points_pay_an_order_to_the_cent_and_a_cancel_gives_both_back()
 {
    let (app, owner, boots, socks, ana) = wholesale_store().await;
    grant(&app, owner, ana, "50,00");
    points_program(&app, owner, ana, "0,01", "3000");
    let c = signed_in(&app, "ana@example.es").await;
    add_to_cart(&c, boots, "3").await;
    add_to_cart(&c, socks, "2").await;
    // 3 × 37,90 + 2 × 11,11 = 135,92 (see the test above for each price).
    let page = c.get("/shop/checkout").await;
    page.assert_contains("data-points-available=\"3000\"");
    page.assert_contains("Tienes 3000 puntos; cada uno paga 0,01");

    // Refused, each with its message and nothing placed: more points than the order costs,
    // more than the balance, and a number that is not one.
    for (points, message) in [
        ("20000", "Son más puntos de lo que cuesta el pedido."),
        ("4000", "No tienes tantos puntos."),
        ("diez", "field-error"),
    ] {
        let key = checkout_key(&c).await;
        let p = c
            .post(
                "/shop/checkout",
                &address(&[("credit", "20,00"), ("points", points), ("key", &key)]),
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, points);
        p.assert_contains(message);
        p.assert_contains(&format!("value=\"{points}\""));
    }
    assert!(orders_of(&app, ana).is_empty());
    assert_eq!(points_of(&app, ana), 3000);

    // 2500 points pay 25,00; 20,00 of credit; 90,92 by bank transfer.
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("credit", "20,00"), ("points", "2500"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "checkout with points");
    let o = orders_of(&app, ana).remove(0);
    assert_eq!(o.subtotal_cents, 13592);
    assert_eq!((o.points_used, o.points_discount_cents), (2500, 2500));
    assert_eq!(o.total_cents, 11092, "what is left to pay after the points");
    assert_eq!(o.credit_paid_cents, 2000);
    assert_eq!(o.payment_method, "bank_transfer");
    assert_eq!(points_of(&app, ana), 500);
    assert_eq!(
        app.with_conn(|conn| credit::balance(conn, ana)).unwrap(),
        3000
    );
    let detail = c.get(&format!("/shop/account/orders/{}", o.id)).await;
    detail.assert_contains("Pagado con 2500 puntos");
    detail.assert_contains("data-total=\"11092\"");

    // Cancelled by staff: the points and the credit come back, once.
    for _ in 0..2 {
        app.with_conn(|conn| {
            clientela::domain::orders::change_status(conn, owner, o.id, "cancelled")
        })
        .unwrap();
    }
    assert_eq!(points_of(&app, ana), 3000);
    assert_eq!(
        app.with_conn(|conn| credit::balance(conn, ana)).unwrap(),
        5000
    );
}

#[actix_web::test]
async fn points_that_cover_the_whole_order_pay_it_at_once_and_guests_or_a_program_without_a_value_cannot_use_them()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    let socks = product(&app, "CAL-1", "Calcetines", 1299);
    let ana = account(&app, "Ana Ruiz", "ana@example.es");
    points_program(&app, owner, ana, "0,10", "200");
    let c = signed_in(&app, "ana@example.es").await;
    add_to_cart(&c, socks, "1").await;
    // 12,99 = 129,9 points: 130 would be too many, 129 leaves 0,09 to pay.
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("points", "130"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "130 points");
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("points", "129"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "129 points");
    let o = orders_of(&app, ana).remove(0);
    assert_eq!((o.total_cents, o.status.as_str()), (9, "pending"));
    assert_eq!(points_of(&app, ana), 71);

    // A cheaper product paid entirely with points: paid at once, by points.
    let pin = product(&app, "PIN-1", "Pin", 500);
    add_to_cart(&c, pin, "1").await;
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("points", "50"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "all points");
    let o = orders_of(&app, ana)
        .into_iter()
        .find(|o| o.subtotal_cents == 500)
        .unwrap();
    assert_eq!(
        (o.total_cents, o.payment_method.as_str(), o.status.as_str()),
        (0, "loyalty_points", "paid")
    );
    assert_eq!(points_of(&app, ana), 21);

    // A guest cannot pay with points.
    let guest = Client::new(&app);
    add_to_cart(&guest, pin, "1").await;
    let key = checkout_key(&guest).await;
    let p = guest
        .post(
            "/shop/checkout",
            &address(&[
                ("full_name", "Invitada"),
                ("email", "invitada@example.es"),
                ("points", "10"),
                ("key", &key),
            ]),
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "guest points");
    p.assert_contains("Los puntos solo se pueden usar con una cuenta.");

    // Without a value, points only buy rewards: the field is gone and a forged one refused.
    app.with_conn(|conn| {
        clientela::domain::loyalty::save_settings(
            conn,
            owner,
            &crate::loyalty::program("1", "delivered"),
        )
    })
    .unwrap();
    add_to_cart(&c, pin, "1").await;
    let page = c.get("/shop/checkout").await;
    assert!(
        !page.body.contains("data-points-available"),
        "no points field"
    );
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("points", "10"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "points off");
    p.assert_contains("Esta tienda no acepta puntos como pago");
    assert_eq!(points_of(&app, ana), 21);
}

#[actix_web::test]
async fn an_order_paid_entirely_with_store_credit_is_paid_at_once() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    enable_credit(&app, owner);
    let boots = product(&app, "BOT-1", "Botas", 4990);
    let ana = account(&app, "Ana Ruiz", "ana@example.es");
    grant(&app, owner, ana, "60,00");
    let c = signed_in(&app, "ana@example.es").await;
    add_to_cart(&c, boots, "1").await;
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[("credit", "49,90"), ("key", &key)]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "checkout");
    let o = &orders_of(&app, ana)[0];
    assert_eq!(
        (o.status.as_str(), o.payment_method.as_str()),
        ("paid", "store_credit")
    );
    assert_eq!(o.credit_paid_cents, 4990);
    assert_eq!(
        app.with_conn(|conn| credit::balance(conn, ana)).unwrap(),
        1010
    );
}

#[actix_web::test]
async fn checkouts_at_once_with_credit_enough_for_one_place_one_order_and_never_overdraw() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    enable_credit(&app, owner);
    let boots = product(&app, "BOT-1", "Botas", 2500);
    let ana = account(&app, "Ana Ruiz", "ana@example.es");
    grant(&app, owner, ana, "30,00");
    // Eight browsers of the same customer, each with a cart and a checkout form open.
    let mut ready = Vec::new();
    for _ in 0..8 {
        let c = signed_in(&app, "ana@example.es").await;
        add_to_cart(&c, boots, "1").await;
        let key = checkout_key(&c).await;
        ready.push((Arc::new(c), key));
    }
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|(c, key)| {
            tokio::spawn(async move {
                c.post(
                    "/shop/checkout",
                    &address(&[("credit", "25,00"), ("key", &key)]),
                )
                .await
                .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let placed = statuses
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
        .count();
    assert_eq!((placed, refused), (1, 7), "{statuses:?}");
    assert_eq!(
        orders_of(&app, ana).len(),
        1,
        "a refused checkout leaves no order"
    );
    assert_eq!(
        app.with_conn(|conn| credit::balance(conn, ana)).unwrap(),
        500
    );
}

#[actix_web::test]
async fn the_same_checkout_form_sent_several_times_at_once_and_again_later_places_one_order() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    let boots = product(&app, "BOT-1", "Botas", 2500);
    let ana = account(&app, "Ana Ruiz", "ana@example.es");
    let c = Arc::new(signed_in(&app, "ana@example.es").await);
    add_to_cart(&c, boots, "1").await;
    let key = checkout_key(&c).await;
    // A double (quadruple) click: the same form, the same session, at the same instant.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let (c, key) = (c.clone(), key.clone());
            tokio::spawn(async move {
                c.post("/shop/checkout", &address(&[("key", &key)]))
                    .await
                    .status
            })
        })
        .collect();
    for t in tasks {
        assert_eq!(
            t.await.unwrap(),
            StatusCode::SEE_OTHER,
            "each answers with the order"
        );
    }
    // And once more after the cart was emptied (a retry after a lost answer).
    let p = c.post("/shop/checkout", &address(&[("key", &key)])).await;
    assert_status(&p, StatusCode::SEE_OTHER, "a late resend");
    assert_eq!(orders_of(&app, ana).len(), 1, "one order for one form");
    // Without a key the form is refused with a message and places nothing.
    add_to_cart(&c, boots, "1").await;
    c.get("/shop/checkout").await;
    let p = c.post("/shop/checkout", &address(&[("key", "")])).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "no key");
    p.assert_contains("Este formulario de pago ya no es válido.");
    assert_eq!(orders_of(&app, ana).len(), 1);
}

#[actix_web::test]
async fn a_guest_checkout_creates_a_guest_customer_offers_an_account_and_a_second_reuses_it() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    let boots = product(&app, "BOT-1", "Botas", 4990);
    let c = Client::new(&app);
    c.get("/shop").await;
    add_to_cart(&c, boots, "2").await;
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[
                ("full_name", "Invitada García"),
                ("email", "Invitada@Example.es"),
                ("key", &key),
            ]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "guest checkout");
    assert_eq!(p.location(), Some("/shop/thanks"));
    let thanks = c.get("/shop/thanks").await;
    thanks.assert_contains("data-account-offer");
    thanks.assert_contains("/shop/signup?email=invitada%40example.es");
    let guest = app
        .with_conn(|conn| clientela::db::accounts::guest_by_email(conn, "invitada@example.es"))
        .unwrap()
        .expect("a guest customer");
    let row = app
        .with_conn(|conn| CustomerRow::find(conn, guest))
        .unwrap()
        .unwrap();
    assert!(!row.registered);
    assert_eq!(orders_of(&app, guest)[0].total_cents, 9980);
    thanks.assert_contains(&orders_of(&app, guest)[0].number);
    // Offered, not forced: the sign-up form comes with the e-mail filled in.
    c.get("/shop/signup?email=invitada%40example.es")
        .await
        .assert_contains("value=\"invitada@example.es\"");
    // The same guest again: the same customer record, a second order.
    let customers_before = all_customers(&app);
    add_to_cart(&c, boots, "1").await;
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[
                ("full_name", "Invitada García"),
                ("email", "invitada@example.es"),
                ("key", &key),
            ]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "second guest checkout");
    assert_eq!(all_customers(&app), customers_before);
    assert_eq!(orders_of(&app, guest).len(), 2);
}

#[actix_web::test]
async fn an_email_with_an_account_must_sign_in_to_pay_and_required_mode_refuses_guests() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    let boots = product(&app, "BOT-1", "Botas", 4990);
    account(&app, "Ana Ruiz", "ana@example.es");
    let c = Client::new(&app);
    c.get("/shop").await;
    add_to_cart(&c, boots, "1").await;
    let key = checkout_key(&c).await;
    let form = address(&[
        ("full_name", "Ana Ruiz"),
        ("email", "ana@example.es"),
        ("key", &key),
    ]);
    let p = c.post("/shop/checkout", &form).await;
    assert_status(&p, StatusCode::SEE_OTHER, "account e-mail");
    assert!(p.location().unwrap().starts_with("/shop/login"));
    assert_eq!(all_orders(&app), 0);
    c.get("/shop/login")
        .await
        .assert_contains("Inicia sesión para pagar");
    // Required: the catalogue stays, the checkout asks to sign in, a post changes nothing.
    set_mode(&app, owner, LoginMode::Required);
    let p = c.get("/shop/checkout").await;
    assert_status(&p, StatusCode::SEE_OTHER, "required checkout page");
    assert!(p.location().unwrap().starts_with("/shop/login"));
    let mut other = form.clone();
    other[8] = ("email", "nueva@example.es");
    let p = c.post("/shop/checkout", &other).await;
    assert_status(&p, StatusCode::SEE_OTHER, "required checkout post");
    assert_eq!(all_orders(&app), 0);
    assert_eq!(c.get("/shop").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn in_disabled_mode_everyone_checks_out_as_a_guest_without_sign_in_links() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let boots = product(&app, "BOT-1", "Botas", 4990);
    let c = Client::new(&app);
    let shop = c.get("/shop").await;
    assert!(!shop.body.contains("data-shop-sign-in"));
    add_to_cart(&c, boots, "1").await;
    let page = c.get("/shop/checkout").await;
    assert!(!page.body.contains("/shop/login"), "no sign-in offered");
    let key = checkout_key(&c).await;
    let p = c
        .post(
            "/shop/checkout",
            &address(&[
                ("full_name", "Invitado"),
                ("email", "inv@example.es"),
                ("key", &key),
            ]),
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "guest checkout");
    let thanks = c.get("/shop/thanks").await;
    assert!(
        !thanks.body.contains("data-account-offer"),
        "no account to offer"
    );
    assert_eq!(all_orders(&app), 1);
}

#[actix_web::test]
async fn bad_checkout_input_is_refused_with_messages_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    set_mode(&app, owner, LoginMode::Optional);
    enable_credit(&app, owner);
    let boots = product(&app, "BOT-1", "Botas", 4990);
    let ana = account(&app, "Ana Ruiz", "ana@example.es");
    grant(&app, owner, ana, "10,00");
    // An empty cart has no checkout.
    let guest = Client::new(&app);
    guest.get("/shop").await;
    let p = guest.get("/shop/checkout").await;
    assert_eq!(p.location(), Some("/shop/cart"));
    add_to_cart(&guest, boots, "1").await;
    let key = checkout_key(&guest).await;
    let customers_before = all_customers(&app);
    for (fields, message) in [
        (
            vec![("full_name", ""), ("email", "x@example.es")],
            "aria-invalid",
        ),
        (
            vec![("full_name", "Invitado"), ("email", "no-es-correo")],
            "aria-invalid",
        ),
        (
            vec![
                ("full_name", "Invitado"),
                ("email", "x@example.es"),
                ("city", ""),
            ],
            "aria-invalid",
        ),
        (
            vec![
                ("full_name", "Invitado"),
                ("email", "x@example.es"),
                ("payment_method", "card"),
            ],
            "Elige una forma de pago.",
        ),
        (
            vec![
                ("full_name", "Invitado"),
                ("email", "x@example.es"),
                ("credit", "5,00"),
            ],
            "El crédito de tienda solo se puede usar con una cuenta.",
        ),
    ] {
        let mut form = address(&[("key", &key)]);
        for (k, v) in fields {
            form.retain(|(name, _)| *name != k);
            form.push((k, v));
        }
        let p = guest.post("/shop/checkout", &form).await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, message);
        p.assert_contains(message);
        p.assert_contains("Calle Mayor 1");
    }
    assert_eq!(
        all_customers(&app),
        customers_before,
        "no guest customer created"
    );
    assert_eq!(all_orders(&app), 0);
    // A customer asking for more credit than they have, or typing letters.
    let c = signed_in(&app, "ana@example.es").await;
    add_to_cart(&c, boots, "1").await;
    for credit_typed in ["20,00", "diez"] {
        let key = checkout_key(&c).await;
        let p = c
            .post(
                "/shop/checkout",
                &address(&[("credit", credit_typed), ("key", &key)]),
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, credit_typed);
        p.assert_contains(credit_typed);
    }
    assert_eq!(all_orders(&app), 0);
    assert_eq!(
        app.with_conn(|conn| credit::balance(conn, ana)).unwrap(),
        1000
    );
    assert!(
        app.with_conn(|conn| clientela::db::customers::AddressRow::for_customer(conn, ana))
            .unwrap()
            .is_empty(),
        "a refused checkout keeps no address"
    );
}
