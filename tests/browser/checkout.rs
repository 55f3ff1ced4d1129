//! The storefront cart and checkout (seeds 000 and 003) driven through the browser, in
//! Spanish: with accounts optional a guest adds a product from the catalogue ("Añadir al
//! carrito"), reads the cart, "Finalizar compra" → their name, e-mail, address and payment
//! method → "Confirmar pedido", and the thanks page gives the order number and offers an
//! account, whose "Crear cuenta" opens the sign-up form with the e-mail filled in. A signed-in
//! customer with store credit sees it offered at checkout, applies part of it and finds the
//! order in "Mis pedidos". With accounts required, a guest's "Finalizar compra" asks to sign in,
//! and signing in leads back to the checkout with the cart kept.

use anyhow::{Context, Result, anyhow, ensure};
use thirtyfour::By;

use crate::common::TestApp;
use crate::harness::{Browser, Options, Page};
use clientela::db::customers::CustomerRow;
use clientela::db::orders::OrderRow;
use clientela::db::store::{NewProduct, insert_product};
use clientela::domain::accounts::{self, SignUpInput};
use clientela::domain::credit::{self, GrantInput, SettingsInput};
use clientela::domain::storefront::{self, LoginMode};
use clientela::i18n::Lang;
use diesel::prelude::*;

/// What the cart and checkout read in Spanish (shop.ftl; payment names from customers.ftl,
/// field labels from main.ftl).
mod es {
    pub const CATALOGUE: &str = "Catálogo";
    pub const CART: &str = "Carrito";
    pub const ADD_TO_CART: &str = "Añadir al carrito";
    pub const CART_ADDED: &str = "Producto añadido al carrito.";
    pub const CHECKOUT: &str = "Finalizar compra";
    pub const GUEST: &str = "Tus datos";
    pub const ADDRESS: &str = "Dirección de envío";
    pub const CREDIT: &str = "Crédito de tienda";
    pub const CREDIT_APPLY: &str = "Crédito a usar en este pedido";
    pub const PAYMENT: &str = "Forma de pago";
    pub const BANK_TRANSFER: &str = "Transferencia bancaria";
    pub const CASH_ON_DELIVERY: &str = "Contra reembolso";
    pub const PLACE_ORDER: &str = "Confirmar pedido";
    pub const THANKS: &str = "¡Gracias por tu pedido!";
    pub const ACCOUNT_OFFER: &str = "¿Quieres crear una cuenta? Podrás ver tus pedidos y \
                                     comprar más rápido la próxima vez. No es obligatorio.";
    pub const SIGN_UP: &str = "Crear cuenta";
    pub const SIGN_IN: &str = "Iniciar sesión";
    pub const ORDER_PLACED: &str = "Pedido realizado.";
    pub const MY_ACCOUNT: &str = "Mi cuenta";
    pub const FULL_NAME: &str = "Nombre completo";
    pub const EMAIL: &str = "Correo electrónico";
    pub const LINE1: &str = "Calle y número";
    pub const POSTAL_CODE: &str = "Código postal";
    pub const CITY: &str = "Ciudad";
    pub const COUNTRY: &str = "País (código de 2 letras)";
    pub const PENDING: &str = "Pendiente";
}

/// A product of the catalogue.
struct Product {
    sku: &'static str,
    name: &'static str,
    price_cents: i64,
    price_shown: &'static str,
}

const SHIRT: Product = Product {
    sku: "CAM-LINO",
    name: "Camisa de lino",
    price_cents: 2490,
    price_shown: "24,90 €",
};

const JACKET: Product = Product {
    sku: "CHA-VAQ",
    name: "Chaqueta vaquera",
    price_cents: 4990,
    price_shown: "49,90 €",
};

/// Where the goods go.
struct Address {
    line1: &'static str,
    postal_code: &'static str,
    city: &'static str,
    country: &'static str,
}

const SEVILLA: Address = Address {
    line1: "Calle de la Feria 14",
    postal_code: "41003",
    city: "Sevilla",
    country: "ES",
};

/// `text` with every run of white space (no-break spaces and line breaks included) read as
/// one plain space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Waits until the first element matching `css` reads `expected`, white space compared as
/// [`words`] reads it.
async fn expect_words(page: &Page, css: &str, expected: &str) -> Result<()> {
    page.eventually(format!("`{css}` to read {expected:?}"), async || {
        let texts = page
            .texts(css)
            .await
            .map_err(|e| format!("an error: {e}"))?;
        match texts.first() {
            Some(text) if words(text) == words(expected) => Ok(()),
            Some(text) => Err(format!("{text:?}")),
            None => Err("no such element".to_owned()),
        }
    })
    .await
}

/// Waits until the element matching `css` reads `label`, then clicks it, scrolled into view.
async fn click_labelled(page: &Page, css: &str, label: &str) -> Result<()> {
    expect_words(page, css, label)
        .await
        .with_context(|| format!("before clicking {label:?}"))?;
    page.click_in_view(css).await
}

/// Checks that the `<label>` of the form control with id `id` reads `expected`.
async fn expect_label(page: &Page, id: &str, expected: &str) -> Result<()> {
    expect_words(page, &format!(r#"label[for="{id}"]"#), expected)
        .await
        .with_context(|| format!("the label of #{id}"))
}

/// The attribute `name` of the visible element matching `css`.
async fn attr_of(page: &Page, css: &str, name: &str) -> Result<String> {
    page.element(css)
        .await?
        .attr(name)
        .await?
        .with_context(|| format!("`{css}` has no {name} attribute"))
}

/// How many elements match `css` now, visible or not.
async fn count(page: &Page, css: &str) -> Result<usize> {
    Ok(page.texts(css).await?.len())
}

fn set_mode(app: &TestApp, owner: i64, mode: LoginMode) -> Result<()> {
    app.with_conn(|conn| storefront::set_login_mode(conn, owner, mode))
        .with_context(|| format!("set the login mode to {}", mode.code()))
}

fn product(app: &TestApp, p: &Product) -> Result<i64> {
    app.with_conn(|conn| {
        insert_product(
            conn,
            &NewProduct {
                sku: p.sku,
                name: p.name,
                price_cents: p.price_cents,
                currency: "EUR",
                active: true,
            },
        )
    })
    .with_context(|| format!("insert the product {}", p.sku))
}

/// A customer account, created through the domain as the sign-up page does.
fn account(app: &TestApp, name: &str, email: &str, password: &str) -> Result<i64> {
    let input = SignUpInput {
        full_name: name.into(),
        email: email.into(),
        password: password.into(),
        newsletter: None,
    };
    app.with_conn(|conn| accounts::sign_up(conn, &input, Lang::Es, "http://shop.test"))
        .map_err(|e| anyhow!("sign up {email}: {e:?}"))
}

/// Store credit as a payment method, as the settings page turns it on.
fn enable_credit(app: &TestApp, owner: i64) -> Result<()> {
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
    .map(drop)
    .map_err(|e| anyhow!("enable store credit: {e:?}"))
}

/// Grants `amount` (as typed) of store credit, with the compensation reason.
fn grant(app: &TestApp, owner: i64, customer: i64, amount: &str) -> Result<()> {
    let reason = app
        .with_conn(clientela::db::credit::ReasonRow::all)?
        .into_iter()
        .find(|r| r.code.as_deref() == Some("compensation"))
        .context("no compensation reason")?
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
    .map(drop)
    .map_err(|e| anyhow!("grant {amount} of credit: {e:?}"))
}

fn orders_of(app: &TestApp, customer: i64) -> Result<Vec<OrderRow>> {
    app.with_conn(|conn| clientela::db::orders::for_customer(conn, customer, 100))
        .context("read the customer's orders")
}

/// The one customer with `email`.
fn guest_by_email(app: &TestApp, email: &str) -> Result<CustomerRow> {
    use clientela::db::schema::customers;
    let mut found = app
        .with_conn(|conn| {
            customers::table
                .filter(customers::email.eq(email))
                .select(CustomerRow::as_select())
                .load(conn)
        })
        .with_context(|| format!("read the customers with the e-mail {email}"))?;
    ensure!(
        found.len() == 1,
        "{} customers have the e-mail {email}, not one",
        found.len()
    );
    found.pop().context("no customer")
}

/// Opens /shop and waits for the catalogue.
async fn open_shop(page: &Page, app: &TestApp) -> Result<()> {
    page.goto(&app.url("/shop")).await?;
    page.expect_path("/shop").await?;
    page.expect_html_lang("es").await?;
    page.expect_text("main .page-header h1", es::CATALOGUE)
        .await
}

/// On the catalogue: types `quantity` into the row of `product` and "Añadir al carrito"; waits
/// for the cart with its flash.
async fn add_to_cart(page: &Page, id: i64, p: &Product, quantity: &str) -> Result<()> {
    let row = format!(r#"main tr[data-product="{id}"]"#);
    expect_words(
        page,
        &format!("{row} > td:first-child"),
        &format!("{} {}", p.name, p.sku),
    )
    .await
    .context("the catalogue's product")?;
    expect_words(page, &format!("{row} > td[data-price]"), p.price_shown)
        .await
        .context("the catalogue's price")?;
    page.fill(&format!("{row} input#qty-{id}"), quantity)
        .await?;
    click_labelled(
        page,
        &format!(r#"{row} form[action="/shop/cart"] button[type=submit]"#),
        es::ADD_TO_CART,
    )
    .await?;
    page.expect_path("/shop/cart").await?;
    page.expect_text(".flash.flash-success", es::CART_ADDED)
        .await
        .context("after adding to the cart")?;
    page.expect_text("main .page-header h1", es::CART).await
}

/// On the cart: one line of `product` × `quantity`, its line total and the cart's total.
async fn expect_cart(
    page: &Page,
    id: i64,
    p: &Product,
    quantity: i64,
    total_cents: i64,
    total_shown: &str,
) -> Result<()> {
    page.expect_texts("main tr[data-cart-line]", "one line", |rows| {
        rows.len() == 1
    })
    .await
    .context("the cart's lines")?;
    let row = format!(r#"main tr[data-cart-line="{id}"]"#);
    expect_words(page, &format!("{row} > td:first-child"), p.name).await?;
    expect_words(page, &format!("{row} > td[data-unit]"), p.price_shown)
        .await
        .context("the line's unit price")?;
    let shown_quantity = page.value(&format!("{row} input#qty-{id}")).await?;
    ensure!(
        shown_quantity == quantity.to_string(),
        "the cart line holds the quantity {shown_quantity:?}, not {quantity}"
    );
    expect_words(page, &format!("{row} > td[data-line]"), total_shown)
        .await
        .context("the line's total")?;
    let line = attr_of(page, &format!("{row} > td[data-line]"), "data-line").await?;
    ensure!(
        line == total_cents.to_string(),
        "the line carries data-line={line:?}, not {total_cents}"
    );
    expect_words(page, "main td[data-cart-total]", total_shown)
        .await
        .context("the cart's total")?;
    let total = attr_of(page, "main td[data-cart-total]", "data-cart-total").await?;
    ensure!(
        total == total_cents.to_string(),
        "the cart carries data-cart-total={total:?}, not {total_cents}"
    );
    Ok(())
}

/// "Finalizar compra" on the cart.
async fn go_to_checkout(page: &Page) -> Result<()> {
    click_labelled(
        page,
        r#"main .form-actions a[href="/shop/checkout"]"#,
        es::CHECKOUT,
    )
    .await
}

/// On the checkout: the heading, the order's line and total.
async fn expect_checkout(
    page: &Page,
    id: i64,
    p: &Product,
    quantity: i64,
    total_cents: i64,
    total_shown: &str,
) -> Result<()> {
    page.expect_path("/shop/checkout").await?;
    page.expect_text("main .page-header h1", es::CHECKOUT)
        .await?;
    let line = format!(r#"main tr[data-checkout-line="{id}"] > td"#);
    page.expect_texts(
        &line,
        format!("{} × {quantity}, {total_shown}", p.name),
        |cells| {
            cells.len() == 2
                && words(&cells[0]) == format!("{} × {quantity}", p.name)
                && words(&cells[1]) == words(total_shown)
        },
    )
    .await
    .context("the checkout's line")?;
    expect_words(page, "main td[data-checkout-total]", total_shown)
        .await
        .context("the checkout's total")?;
    let total = attr_of(page, "main td[data-checkout-total]", "data-checkout-total").await?;
    ensure!(
        total == total_cents.to_string(),
        "the checkout carries data-checkout-total={total:?}, not {total_cents}"
    );
    Ok(())
}

/// Fills the shipping address (the name field is checked, or typed when `name` is given).
async fn fill_address(page: &Page, prefilled: &str, name: Option<&str>, a: &Address) -> Result<()> {
    let form = r#"main form[action="/shop/checkout"]"#;
    page.expect_texts(
        &format!("{form} fieldset > legend"),
        format!("including {:?}", es::ADDRESS),
        |legends| legends.iter().any(|l| l == es::ADDRESS),
    )
    .await?;
    expect_label(page, "address_name", es::FULL_NAME).await?;
    expect_label(page, "line1", es::LINE1).await?;
    expect_label(page, "postal_code", es::POSTAL_CODE).await?;
    expect_label(page, "city", es::CITY).await?;
    expect_label(page, "country", es::COUNTRY).await?;
    let shown = page.value("input#address_name").await?;
    ensure!(
        shown == prefilled,
        "the address starts with the name {shown:?}, not {prefilled:?}"
    );
    if let Some(name) = name {
        page.fill("input#address_name", name).await?;
    }
    page.fill("input#line1", a.line1).await?;
    page.fill("input#postal_code", a.postal_code).await?;
    page.fill("input#city", a.city).await?;
    page.fill("input#country", a.country).await
}

/// The payment method radios read "Transferencia bancaria" (chosen) and "Contra reembolso";
/// picks `method` by clicking its label.
async fn choose_payment(page: &Page, method: &str) -> Result<()> {
    let choices = r#"main form[action="/shop/checkout"] label.choice"#;
    page.expect_texts(
        choices,
        format!("{:?}", [es::BANK_TRANSFER, es::CASH_ON_DELIVERY]),
        |labels| labels == [es::BANK_TRANSFER, es::CASH_ON_DELIVERY],
    )
    .await
    .context("the payment methods offered")?;
    let checked = page
        .element(r#"input[name=payment_method][value=bank_transfer]"#)
        .await?
        .is_selected()
        .await?;
    ensure!(checked, "the bank transfer is not chosen to begin with");
    let nth = match method {
        "bank_transfer" => 1,
        "cash_on_delivery" => 2,
        other => return Err(anyhow!("no payment method {other}")),
    };
    let label = format!("{choices}:nth-of-type({nth})");
    page.click_in_view(&label).await?;
    let picked = page
        .element(&format!("input[name=payment_method][value={method}]"))
        .await?
        .is_selected()
        .await?;
    ensure!(picked, "clicking its label did not choose {method}");
    Ok(())
}

/// "Confirmar pedido".
async fn place_order(page: &Page) -> Result<()> {
    click_labelled(
        page,
        r#"main form[action="/shop/checkout"] button[type=submit]"#,
        es::PLACE_ORDER,
    )
    .await
}

/// On the sign-in page, which goes on to `next` afterwards.
async fn expect_sign_in_page(page: &Page, next: &str) -> Result<()> {
    page.expect_path("/shop/login").await?;
    page.expect_text("main .auth-card h1", es::SIGN_IN).await?;
    page.element("input#email").await?;
    page.element("input#password").await?;
    let hidden = page
        .element(r#"form[action="/shop/login"]"#)
        .await?
        .find(By::Css("input[name=next]"))
        .await
        .context("the sign-in form's next field")?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        hidden == next,
        "the sign-in form goes on to {hidden:?} afterwards, not {next:?}"
    );
    Ok(())
}

async fn sign_in(page: &Page, email: &str, password: &str) -> Result<()> {
    page.fill("input#email", email).await?;
    page.fill("input#password", password).await?;
    click_labelled(
        page,
        r#"form[action="/shop/login"] button[type=submit]"#,
        es::SIGN_IN,
    )
    .await
}

#[actix_web::test]
async fn with_accounts_optional_a_guest_adds_a_product_to_the_cart_checks_out_sees_the_order_number_and_the_account_offer_and_creating_an_account_keeps_the_email()
 {
    const TEST: &str = "with_accounts_optional_a_guest_adds_a_product_to_the_cart_checks_out_sees_the_order_number_and_the_account_offer_and_creating_an_account_keeps_the_email";
    const NAME: &str = "Carmen Ruiz";
    const EMAIL: &str = "carmen.ruiz@example.es";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let seeded = (|| -> Result<i64> {
        set_mode(&app, owner, LoginMode::Optional)?;
        product(&app, &SHIRT)
    })();
    browser
        .run(|page| async move {
            let id = seeded.context("seed the shop")?;

            // The catalogue → two shirts → the cart.
            open_shop(&page, &app).await?;
            add_to_cart(&page, id, &SHIRT, "2").await?;
            expect_cart(&page, id, &SHIRT, 2, 4980, "49,80 €").await?;

            // "Finalizar compra": the guest's name and e-mail, the address, the payment.
            go_to_checkout(&page).await?;
            expect_checkout(&page, id, &SHIRT, 2, 4980, "49,80 €").await?;
            page.expect_texts(
                "main form fieldset > legend",
                format!("{:?}", [es::GUEST, es::ADDRESS, es::PAYMENT]),
                |legends| legends == [es::GUEST, es::ADDRESS, es::PAYMENT],
            )
            .await
            .context("a guest's checkout: no store credit")?;
            ensure!(
                count(&page, "main [data-credit-available]").await? == 0,
                "a guest is offered store credit"
            );
            expect_label(&page, "full_name", es::FULL_NAME).await?;
            expect_label(&page, "email", es::EMAIL).await?;
            page.fill("input#full_name", NAME).await?;
            page.fill("input#email", EMAIL).await?;
            fill_address(&page, "", Some(NAME), &SEVILLA).await?;
            choose_payment(&page, "cash_on_delivery").await?;
            place_order(&page).await?;

            // The thanks page: the order number, and the offer of an account.
            page.expect_path("/shop/thanks")
                .await
                .context("after confirming the order")?;
            page.expect_text("main .auth-card h1", es::THANKS).await?;
            let guest = guest_by_email(&app, EMAIL)?;
            ensure!(
                !guest.registered && guest.full_name == NAME,
                "the guest customer is {:?} (registered: {})",
                guest.full_name,
                guest.registered
            );
            let orders = orders_of(&app, guest.id)?;
            let [order] = orders.as_slice() else {
                return Err(anyhow!("the guest has {} orders, not one", orders.len()));
            };
            ensure!(
                order.total_cents == 4980
                    && order.payment_method == "cash_on_delivery"
                    && order.credit_paid_cents == 0,
                "the order is {order:?}"
            );
            expect_words(
                &page,
                "main [data-order-number]",
                &format!("Tu número de pedido es {}.", order.number),
            )
            .await
            .context("the order number")?;
            let number = attr_of(&page, "main [data-order-number]", "data-order-number").await?;
            ensure!(
                number == order.number,
                "the thanks page carries data-order-number={number:?}, not {:?}",
                order.number
            );
            expect_words(&page, "main [data-account-offer] p", es::ACCOUNT_OFFER)
                .await
                .context("the account offer")?;

            // "Crear cuenta": the sign-up form, the e-mail filled in.
            click_labelled(
                &page,
                r#"main [data-account-offer] a[href^="/shop/signup"]"#,
                es::SIGN_UP,
            )
            .await?;
            page.expect_path("/shop/signup").await?;
            page.expect_text("main .auth-card h1", es::SIGN_UP).await?;
            let email = page
                .value("form[action=\"/shop/signup\"] input#email")
                .await?;
            ensure!(
                email == EMAIL,
                "the sign-up form holds the e-mail {email:?}, not {EMAIL:?}"
            );
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn a_signed_in_customer_with_store_credit_sees_it_offered_at_checkout_applies_part_of_it_and_finds_the_order_in_their_orders()
 {
    const TEST: &str = "a_signed_in_customer_with_store_credit_sees_it_offered_at_checkout_applies_part_of_it_and_finds_the_order_in_their_orders";
    const NAME: &str = "Lucía Fernández";
    const EMAIL: &str = "lucia.fernandez@example.es";
    const PASSWORD: &str = "girasoles de Córdoba";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let seeded = (|| -> Result<(i64, i64)> {
        set_mode(&app, owner, LoginMode::Optional)?;
        enable_credit(&app, owner)?;
        let customer = account(&app, NAME, EMAIL, PASSWORD)?;
        grant(&app, owner, customer, "30,00")?;
        Ok((customer, product(&app, &JACKET)?))
    })();
    browser
        .run(|page| async move {
            let (customer, id) = seeded.context("seed the shop")?;

            // Sign in, then the catalogue → the jacket → the cart.
            page.goto(&app.url("/shop/login")).await?;
            expect_sign_in_page(&page, "/shop/account").await?;
            sign_in(&page, EMAIL, PASSWORD).await?;
            page.expect_path("/shop/account")
                .await
                .context("after signing in")?;
            click_labelled(
                &page,
                r#"header nav.shop-nav a[href="/shop"]"#,
                es::CATALOGUE,
            )
            .await?;
            page.expect_text("main .page-header h1", es::CATALOGUE)
                .await?;
            add_to_cart(&page, id, &JACKET, "1").await?;
            expect_cart(&page, id, &JACKET, 1, 4990, "49,90 €").await?;

            // The checkout: no guest fields; the credit offered, 30,00 of it prefilled.
            go_to_checkout(&page).await?;
            expect_checkout(&page, id, &JACKET, 1, 4990, "49,90 €").await?;
            ensure!(
                count(&page, "main input#full_name").await? == 0
                    && count(&page, "main input#email").await? == 0,
                "a signed-in customer is asked for their name and e-mail"
            );
            let credit = "main fieldset[data-credit-available]";
            expect_words(&page, &format!("{credit} > legend"), es::CREDIT).await?;
            let available = attr_of(&page, credit, "data-credit-available").await?;
            ensure!(
                available == "3000",
                "the checkout offers data-credit-available={available:?}, not 3000"
            );
            expect_words(
                &page,
                &format!("{credit} > p"),
                "Tienes 30,00 € de crédito disponible.",
            )
            .await
            .context("the credit available")?;
            expect_label(&page, "credit", es::CREDIT_APPLY).await?;
            let prefilled = page.value("input#credit").await?;
            ensure!(
                prefilled == "30,00",
                "the credit to apply starts at {prefilled:?}, not \"30,00\""
            );
            page.fill("input#credit", "10,00").await?;
            fill_address(&page, NAME, None, &SEVILLA).await?;
            choose_payment(&page, "bank_transfer").await?;
            place_order(&page).await?;

            // Back in "Mis pedidos" with the flash: the order, its full total.
            page.expect_path("/shop/account")
                .await
                .context("after confirming the order")?;
            page.expect_text(".flash.flash-success", es::ORDER_PLACED)
                .await?;
            page.expect_text("main .page-header h1", es::MY_ACCOUNT)
                .await?;
            let orders = orders_of(&app, customer)?;
            let [order] = orders.as_slice() else {
                return Err(anyhow!("the customer has {} orders, not one", orders.len()));
            };
            page.expect_texts("main tr[data-order]", "one order", |rows| rows.len() == 1)
                .await?;
            let row = format!(r#"main tr[data-order="{}"]"#, order.id);
            expect_words(&page, &format!("{row} > td:first-child"), &order.number).await?;
            expect_words(&page, &format!("{row} .badge"), es::PENDING).await?;
            expect_words(&page, &format!("{row} > td.num"), "49,90 €")
                .await
                .context("the order's total in the list")?;

            // The database: 10,00 paid with credit, 20,00 left.
            ensure!(
                order.total_cents == 4990
                    && order.credit_paid_cents == 1000
                    && order.payment_method == "bank_transfer",
                "the order is {order:?}"
            );
            let balance = app.with_conn(|conn| credit::balance(conn, customer))?;
            ensure!(
                balance == 2000,
                "the credit balance is {balance} after the order, not 2000"
            );
            Ok(())
        })
        .await;
}

#[actix_web::test]
async fn with_accounts_required_a_guest_who_adds_to_the_cart_and_goes_to_checkout_is_sent_to_sign_in_and_back_to_the_checkout_afterwards()
 {
    const TEST: &str = "with_accounts_required_a_guest_who_adds_to_the_cart_and_goes_to_checkout_is_sent_to_sign_in_and_back_to_the_checkout_afterwards";
    const NAME: &str = "Marta Gil";
    const EMAIL: &str = "marta.gil@example.es";
    const PASSWORD: &str = "naranjos de Valencia";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let seeded = (|| -> Result<i64> {
        set_mode(&app, owner, LoginMode::Required)?;
        account(&app, NAME, EMAIL, PASSWORD)?;
        product(&app, &SHIRT)
    })();
    browser
        .run(|page| async move {
            let id = seeded.context("seed the shop")?;
            open_shop(&page, &app).await?;
            add_to_cart(&page, id, &SHIRT, "1").await?;
            expect_cart(&page, id, &SHIRT, 1, 2490, "24,90 €").await?;
            go_to_checkout(&page).await?;
            expect_sign_in_page(&page, "/shop/checkout")
                .await
                .context("a guest's \"Finalizar compra\"")?;
            ensure!(
                count(&page, "main form[action=\"/shop/checkout\"]").await? == 0,
                "the sign-in page shows the checkout form"
            );

            // Signing in leads on to the checkout, the cart kept.
            sign_in(&page, EMAIL, PASSWORD).await?;
            expect_checkout(&page, id, &SHIRT, 1, 2490, "24,90 €")
                .await
                .context("after signing in")?;
            Ok(())
        })
        .await;
}
