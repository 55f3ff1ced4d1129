//! The storefront (`/shop`) as a customer uses it (seed 003, "Cuentas de clientes"): with
//! accounts optional, a customer with an account and two orders opens the shop, "Iniciar
//! sesión" → the sign-in form, reads "Mis pedidos" and one order's lines and total, goes to
//! "Mis direcciones" → "Añadir dirección" → the form → "Guardar dirección" (the first address
//! is the default), and "Cerrar sesión" brings back the shop a guest sees. The same in Polish,
//! the language chosen with the switcher. With accounts required, a guest still sees the
//! catalogue, with a notice and a sign-in link, and their account sends them to sign in.

use anyhow::{Context, Result, anyhow, ensure};
use chrono::{Duration, Utc};

use crate::common::TestApp;
use crate::harness::{Browser, Options, Page};
use clientela::db::store::{NewProduct, insert_product};
use clientela::db::write_tx;
use clientela::domain::accounts::{self, SignUpInput};
use clientela::domain::orders::{self, LineInput};
use clientela::domain::storefront::{self, LoginMode};
use clientela::i18n::Lang;

/// What the storefront reads in one language (shop.ftl; the address form's labels come from
/// customers.ftl, the sign-out and field labels from main.ftl).
struct Labels {
    code: &'static str,
    /// `shop-catalogue`: the catalogue's heading.
    catalogue: &'static str,
    /// `shop-sign-in`: the header link, the sign-in page's heading and its button.
    sign_in: &'static str,
    /// `field-email`, `field-password`.
    email: &'static str,
    password: &'static str,
    /// `shop-my-account`: the heading of the customer's area.
    my_account: &'static str,
    /// `shop-orders`, `shop-addresses`: the area's tabs.
    orders: &'static str,
    addresses: &'static str,
    /// `shop-order-number`, `shop-order-date`, `shop-order-status`, `shop-order-total`: the
    /// order table's headings.
    order_number: &'static str,
    order_date: &'static str,
    order_status: &'static str,
    order_total: &'static str,
    /// `shop-order-title` before the number.
    order_title: &'static str,
    /// `shop-shipping`: the order's shipping row.
    shipping: &'static str,
    /// `shop-back-to-orders`.
    back_to_orders: &'static str,
    /// `shop-addresses-empty`.
    addresses_empty: &'static str,
    /// `address-add`, `address-save`.
    add_address: &'static str,
    save_address: &'static str,
    /// `address-kind`, `address-shipping`.
    address_kind: &'static str,
    kind_shipping: &'static str,
    /// `field-full-name`, `field-line1`, `field-postal-code`, `field-city`, `field-country`.
    full_name: &'static str,
    line1: &'static str,
    postal_code: &'static str,
    city: &'static str,
    country: &'static str,
    /// `flash-address-added`.
    address_added: &'static str,
    /// `shop-address-default`: the badge of the default address.
    default_badge: &'static str,
    /// `edit`, `address-make-default`, `delete`: an address's buttons.
    edit: &'static str,
    make_default: &'static str,
    delete: &'static str,
    /// main.ftl `sign-out`.
    sign_out: &'static str,
    /// `shop-required-notice`.
    required_notice: &'static str,
}

const ES: Labels = Labels {
    code: "es",
    catalogue: "Catálogo",
    sign_in: "Iniciar sesión",
    email: "Correo electrónico",
    password: "Contraseña",
    my_account: "Mi cuenta",
    orders: "Mis pedidos",
    addresses: "Mis direcciones",
    order_number: "Pedido",
    order_date: "Fecha",
    order_status: "Estado",
    order_total: "Total",
    order_title: "Pedido",
    shipping: "Envío",
    back_to_orders: "Volver a mis pedidos",
    addresses_empty: "Todavía no tienes direcciones guardadas.",
    add_address: "Añadir dirección",
    save_address: "Guardar dirección",
    address_kind: "Tipo de dirección",
    kind_shipping: "Envío",
    full_name: "Nombre completo",
    line1: "Calle y número",
    postal_code: "Código postal",
    city: "Ciudad",
    country: "País (código de 2 letras)",
    address_added: "Dirección añadida.",
    default_badge: "Predeterminada",
    edit: "Editar",
    make_default: "Hacer predeterminada",
    delete: "Eliminar",
    sign_out: "Cerrar sesión",
    required_notice: "Para comprar en esta tienda necesitas una cuenta de cliente.",
};

const PL: Labels = Labels {
    code: "pl",
    catalogue: "Katalog",
    sign_in: "Zaloguj się",
    email: "E-mail",
    password: "Hasło",
    my_account: "Moje konto",
    orders: "Moje zamówienia",
    addresses: "Moje adresy",
    order_number: "Zamówienie",
    order_date: "Data",
    order_status: "Status",
    order_total: "Razem",
    order_title: "Zamówienie",
    shipping: "Dostawa",
    back_to_orders: "Wróć do moich zamówień",
    addresses_empty: "Nie masz jeszcze zapisanych adresów.",
    add_address: "Dodaj adres",
    save_address: "Zapisz adres",
    address_kind: "Typ adresu",
    kind_shipping: "Dostawa",
    full_name: "Imię i nazwisko",
    line1: "Ulica i numer",
    postal_code: "Kod pocztowy",
    city: "Miasto",
    country: "Kraj (kod dwuliterowy)",
    address_added: "Adres został dodany.",
    default_badge: "Domyślny",
    edit: "Edytuj",
    make_default: "Ustaw jako domyślny",
    delete: "Usuń",
    sign_out: "Wyloguj się",
    required_notice: "Aby kupować w tym sklepie, potrzebujesz konta klienta.",
};

/// One line of a seeded order, and how its price and total read.
struct Line {
    sku: &'static str,
    name: &'static str,
    quantity: i32,
    unit_cents: i64,
    unit_shown: &'static str,
    total_shown: &'static str,
}

/// A seeded order: its number, status (code and label), lines, shipping and total.
struct Order {
    number: &'static str,
    status: &'static str,
    status_shown: &'static str,
    lines: &'static [Line],
    shipping_cents: i64,
    shipping_shown: &'static str,
    total_cents: i64,
    total_shown: &'static str,
    days_ago: i64,
}

/// The customer of one language's flow: their account, their two orders (older first) and
/// the address they add.
struct Story {
    name: &'static str,
    email: &'static str,
    password: &'static str,
    lang: Lang,
    orders: [Order; 2],
    line1: &'static str,
    postal_code: &'static str,
    city: &'static str,
    country: &'static str,
}

const ES_STORY: Story = Story {
    name: "Lucía Fernández",
    email: "lucia.fernandez@example.es",
    password: "girasoles de Córdoba",
    lang: Lang::Es,
    orders: [
        Order {
            number: "T-1001",
            status: "shipped",
            status_shown: "Enviado",
            lines: &[
                Line {
                    sku: "CAM-LINO",
                    name: "Camisa de lino",
                    quantity: 2,
                    unit_cents: 2490,
                    unit_shown: "24,90 €",
                    total_shown: "49,80 €",
                },
                Line {
                    sku: "PAN-ALG",
                    name: "Pantalón de algodón",
                    quantity: 1,
                    unit_cents: 3950,
                    unit_shown: "39,50 €",
                    total_shown: "39,50 €",
                },
            ],
            shipping_cents: 495,
            shipping_shown: "4,95 €",
            total_cents: 9425,
            total_shown: "94,25 €",
            days_ago: 12,
        },
        Order {
            number: "T-1002",
            status: "paid",
            status_shown: "Pagado",
            lines: &[Line {
                sku: "CHA-LANA",
                name: "Chaqueta de lana",
                quantity: 1,
                unit_cents: 12900,
                unit_shown: "129,00 €",
                total_shown: "129,00 €",
            }],
            shipping_cents: 0,
            shipping_shown: "0,00 €",
            total_cents: 12900,
            total_shown: "129,00 €",
            days_ago: 2,
        },
    ],
    line1: "Calle de la Feria 14",
    postal_code: "41003",
    city: "Sevilla",
    country: "ES",
};

const PL_STORY: Story = Story {
    name: "Zofia Wójcik",
    email: "zofia.wojcik@example.pl",
    password: "słoneczniki z Krakowa",
    lang: Lang::Pl,
    orders: [
        Order {
            number: "Z-2001",
            status: "delivered",
            status_shown: "Dostarczone",
            lines: &[
                Line {
                    sku: "KOSZ-LEN",
                    name: "Koszula lniana",
                    quantity: 3,
                    unit_cents: 1990,
                    unit_shown: "19,90 €",
                    total_shown: "59,70 €",
                },
                Line {
                    sku: "SZAL-WEL",
                    name: "Szalik wełniany",
                    quantity: 1,
                    unit_cents: 2450,
                    unit_shown: "24,50 €",
                    total_shown: "24,50 €",
                },
            ],
            shipping_cents: 600,
            shipping_shown: "6,00 €",
            total_cents: 9020,
            total_shown: "90,20 €",
            days_ago: 20,
        },
        Order {
            number: "Z-2002",
            status: "pending",
            status_shown: "Oczekujące",
            lines: &[Line {
                sku: "PLASZ",
                name: "Płaszcz zimowy",
                quantity: 1,
                unit_cents: 18900,
                unit_shown: "189,00 €",
                total_shown: "189,00 €",
            }],
            shipping_cents: 0,
            shipping_shown: "0,00 €",
            total_cents: 18900,
            total_shown: "189,00 €",
            days_ago: 1,
        },
    ],
    line1: "ul. Floriańska 21",
    postal_code: "31-019",
    city: "Kraków",
    country: "PL",
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

/// Waits until the texts of all elements matching `css` are `expected` (white space as
/// [`words`] reads it).
async fn expect_all_words(page: &Page, css: &str, expected: &[String]) -> Result<()> {
    page.expect_texts(css, format!("{expected:?}"), |texts| {
        texts.len() == expected.len() && texts.iter().zip(expected).all(|(t, e)| words(t) == *e)
    })
    .await
    .map(drop)
}

/// Waits until the element matching `css` reads `label`, then clicks it, scrolled into view
/// first.
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

/// The storefront's login mode, set through the domain as the settings page does.
fn set_mode(app: &TestApp, owner: i64, mode: LoginMode) -> Result<()> {
    app.with_conn(|conn| storefront::set_login_mode(conn, owner, mode))
        .with_context(|| format!("set the login mode to {}", mode.code()))
}

/// The customer's account, created through the domain as the sign-up page does.
fn sign_up(app: &TestApp, story: &Story) -> Result<i64> {
    let input = SignUpInput {
        full_name: story.name.into(),
        email: story.email.into(),
        password: story.password.into(),
        newsletter: None,
    };
    app.with_conn(|conn| accounts::sign_up(conn, &input, story.lang, "http://shop.test"))
        .map_err(|e| anyhow!("sign up {}: {e:?}", story.email))
}

/// Places `order` for `customer`; returns its id.
fn place(app: &TestApp, customer: i64, order: &Order) -> Result<i64> {
    let lines: Vec<LineInput> = order
        .lines
        .iter()
        .map(|l| LineInput {
            product_id: None,
            sku: l.sku.into(),
            name: l.name.into(),
            quantity: l.quantity,
            unit_price_cents: l.unit_cents,
        })
        .collect();
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::place(
                conn,
                order.number,
                customer,
                order.status,
                "card",
                "EUR",
                order.shipping_cents,
                &lines,
                Utc::now().naive_utc() - Duration::days(order.days_ago),
            )
        })
    })
    .with_context(|| format!("place the order {}", order.number))
}

/// Opens /shop and waits for the catalogue in `labels`' language.
async fn open_shop(page: &Page, app: &TestApp, labels: &Labels) -> Result<()> {
    page.goto(&app.url("/shop")).await?;
    expect_catalogue(page, labels).await
}

async fn expect_catalogue(page: &Page, labels: &Labels) -> Result<()> {
    page.expect_path("/shop").await?;
    page.expect_html_lang(labels.code).await?;
    page.expect_text("main .page-header h1", labels.catalogue)
        .await
}

/// On the sign-in page: the heading, the fields' labels, and `next` in the form.
async fn expect_sign_in_page(page: &Page, labels: &Labels, next: &str) -> Result<()> {
    page.expect_path("/shop/login").await?;
    page.expect_html_lang(labels.code).await?;
    page.expect_text("main .auth-card h1", labels.sign_in)
        .await?;
    expect_label(page, "email", labels.email).await?;
    expect_label(page, "password", labels.password).await?;
    let hidden = page
        .element(r#"form[action="/shop/login"]"#)
        .await?
        .find(thirtyfour::By::Css("input[name=next]"))
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

/// Fills the sign-in form and sends it with its button.
async fn submit_sign_in(page: &Page, labels: &Labels, story: &Story) -> Result<()> {
    page.fill("input#email", story.email).await?;
    page.fill("input#password", story.password).await?;
    click_labelled(
        page,
        r#"form[action="/shop/login"] button[type=submit]"#,
        labels.sign_in,
    )
    .await
}

/// The customer's area on `tab` (its path `path`): the heading, the tab marked current, and
/// the header naming the customer.
async fn expect_area(
    page: &Page,
    labels: &Labels,
    story: &Story,
    path: &str,
    tab: &str,
) -> Result<()> {
    page.expect_path(path).await?;
    page.expect_html_lang(labels.code).await?;
    page.expect_text("main .page-header h1", labels.my_account)
        .await?;
    // The orders and the addresses come first; the area may offer more tabs after them.
    page.expect_texts(
        "main nav.tabs a",
        format!("starting with {:?}, {:?}", labels.orders, labels.addresses),
        |tabs| tabs.len() >= 2 && tabs[0] == labels.orders && tabs[1] == labels.addresses,
    )
    .await
    .context("the area's tabs")?;
    expect_words(page, "main nav.tabs a[aria-current=page]", tab)
        .await
        .context("the current tab")?;
    expect_words(
        page,
        "header a[data-shop-customer]",
        &format!("{} {}", labels.my_account, story.name),
    )
    .await
    .context("the header's account link")
}

/// "Mis pedidos": the table's headings, both orders newest first, each with its number (a
/// link to the order), status and total.
async fn expect_orders(page: &Page, labels: &Labels, story: &Story, ids: [i64; 2]) -> Result<()> {
    let headings = [
        labels.order_number,
        labels.order_date,
        labels.order_status,
        labels.order_total,
    ]
    .map(str::to_owned);
    expect_all_words(page, "main table thead th", &headings)
        .await
        .context("the order table's headings")?;
    let newest_first: Vec<String> = story
        .orders
        .iter()
        .rev()
        .map(|o| o.number.to_owned())
        .collect();
    expect_all_words(page, "main tr[data-order] > td:first-child", &newest_first)
        .await
        .context("the orders listed, newest first")?;
    for (order, id) in story.orders.iter().zip(ids) {
        let row = format!(r#"main tr[data-order="{id}"]"#);
        expect_words(
            page,
            &format!(r#"{row} > td:first-child > a[href="/shop/account/orders/{id}"]"#),
            order.number,
        )
        .await
        .with_context(|| format!("the link of {}", order.number))?;
        expect_words(page, &format!("{row} .badge"), order.status_shown)
            .await
            .with_context(|| format!("the status of {}", order.number))?;
        expect_words(page, &format!("{row} > td.num"), order.total_shown)
            .await
            .with_context(|| format!("the total of {}", order.number))?;
    }
    Ok(())
}

/// From "Mis pedidos", opens `order` (id `id`) through its number and checks its status, its
/// lines, shipping and total; then goes back to the list through the page's link.
async fn open_order(
    page: &Page,
    labels: &Labels,
    story: &Story,
    order: &Order,
    id: i64,
) -> Result<()> {
    let path = format!("/shop/account/orders/{id}");
    click_labelled(
        page,
        &format!(r#"main tr[data-order="{id}"] a[href="{path}"]"#),
        order.number,
    )
    .await?;
    page.expect_path(&path).await?;
    page.expect_html_lang(labels.code).await?;
    expect_words(
        page,
        "main .page-header h1",
        &format!("{} {}", labels.order_title, order.number),
    )
    .await
    .context("the order's heading")?;
    expect_words(page, "main dl.facts [data-status]", order.status_shown)
        .await
        .context("the order's status")?;
    let status = attr_of(page, "main dl.facts [data-status]", "data-status").await?;
    ensure!(
        status == order.status,
        "the order carries data-status={status:?}, not {:?}",
        order.status
    );

    let cells: Vec<String> = order
        .lines
        .iter()
        .flat_map(|l| {
            [
                l.name.to_owned(),
                l.quantity.to_string(),
                words(l.unit_shown),
                words(l.total_shown),
            ]
        })
        .collect();
    expect_all_words(page, "main table tbody tr > td", &cells)
        .await
        .context("the order's lines")?;
    expect_all_words(
        page,
        "main table tfoot tr > *",
        &[
            labels.shipping.to_owned(),
            words(order.shipping_shown),
            labels.order_total.to_owned(),
            words(order.total_shown),
        ],
    )
    .await
    .context("the order's shipping and total")?;
    let total = attr_of(page, "main table tfoot td[data-total]", "data-total").await?;
    ensure!(
        total == order.total_cents.to_string(),
        "the order's total carries data-total={total:?}, not {}",
        order.total_cents
    );

    click_labelled(
        page,
        r#"main p > a[href="/shop/account"]"#,
        labels.back_to_orders,
    )
    .await?;
    expect_area(page, labels, story, "/shop/account", labels.orders).await
}

/// "Mis direcciones" (empty) → "Añadir dirección" → the form → "Guardar dirección": the
/// address is listed, as the default shipping address.
async fn add_address(page: &Page, labels: &Labels, story: &Story) -> Result<()> {
    let list = "/shop/account/addresses";
    click_labelled(
        page,
        &format!(r#"main nav.tabs a[href="{list}"]"#),
        labels.addresses,
    )
    .await?;
    expect_area(page, labels, story, list, labels.addresses).await?;
    page.expect_text("main [data-no-addresses]", labels.addresses_empty)
        .await?;

    click_labelled(page, "details.add-address > summary", labels.add_address).await?;
    expect_label(page, "kind", labels.address_kind).await?;
    expect_label(page, "address_name", labels.full_name).await?;
    expect_label(page, "line1", labels.line1).await?;
    expect_label(page, "postal_code", labels.postal_code).await?;
    expect_label(page, "city", labels.city).await?;
    expect_label(page, "country", labels.country).await?;
    let kind = page.value("select#kind").await?;
    ensure!(
        kind == "shipping",
        "the new address starts as a {kind:?} address, not a shipping one"
    );
    let name = page.value("input#address_name").await?;
    ensure!(
        name == story.name,
        "the address form starts with the name {name:?}, not the customer's {:?}",
        story.name
    );
    page.fill("input#line1", story.line1).await?;
    page.fill("input#postal_code", story.postal_code).await?;
    page.fill("input#city", story.city).await?;
    page.fill("input#country", story.country).await?;
    click_labelled(
        page,
        "details.add-address form button[type=submit]",
        labels.save_address,
    )
    .await?;

    page.expect_text(".flash.flash-success", labels.address_added)
        .await
        .context("after saving the address")?;
    expect_area(page, labels, story, list, labels.addresses).await?;
    let address = "main ul.address-list > li.address[data-address]";
    page.expect_texts(address, "one address", |a| a.len() == 1)
        .await?;
    expect_words(page, &format!("{address} strong"), story.name).await?;
    expect_all_words(
        page,
        &format!("{address} .badge"),
        &[
            labels.kind_shipping.to_owned(),
            labels.default_badge.to_owned(),
        ],
    )
    .await
    .context("the address's badges")?;
    expect_words(
        page,
        &format!("{address} p:nth-of-type(2)"),
        &format!(
            "{} {} {}, {}",
            story.line1, story.postal_code, story.city, story.country
        ),
    )
    .await
    .context("the address as listed")?;
    // The default address offers no "make default".
    expect_all_words(
        page,
        &format!("{address} .actions .button"),
        &[labels.edit.to_owned(), labels.delete.to_owned()],
    )
    .await
    .with_context(|| format!("the address's buttons, without {:?}", labels.make_default))?;
    ensure!(
        count(page, "main [data-no-addresses]").await? == 0,
        "the page still says there is no address"
    );
    Ok(())
}

/// "Cerrar sesión" in the header: back on the shop a guest sees, offering "Iniciar sesión";
/// the customer's area asks to sign in again.
async fn sign_out(page: &Page, app: &TestApp, labels: &Labels) -> Result<()> {
    click_labelled(
        page,
        r#"header form[action="/shop/logout"] button[type=submit]"#,
        labels.sign_out,
    )
    .await?;
    expect_catalogue(page, labels)
        .await
        .context("after signing out")?;
    expect_words(page, "header a[data-shop-sign-in]", labels.sign_in)
        .await
        .context("the header after signing out")?;
    ensure!(
        count(page, "header [data-shop-customer]").await? == 0,
        "the header still shows the customer's account after signing out"
    );
    page.goto(&app.url("/shop/account")).await?;
    expect_sign_in_page(page, labels, "/shop/account")
        .await
        .context("the customer's area after signing out")
}

/// The customer's flow in one language: seeded account and orders; the shop (switched to
/// `labels`' language with the switcher when that is not the store's Spanish), sign-in, the
/// orders, one order, a new address, sign-out.
async fn customer_flow(test: &'static str, labels: &'static Labels, story: &'static Story) {
    let Some(browser) = Browser::launch(test, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let seeded = (|| -> Result<[i64; 2]> {
        set_mode(&app, owner, LoginMode::Optional)?;
        let customer = sign_up(&app, story)?;
        let [older, newer] = &story.orders;
        Ok([place(&app, customer, older)?, place(&app, customer, newer)?])
    })();
    browser
        .run(|page| async move {
            let ids = seeded.context("seed the customer and the orders")?;
            open_shop(&page, &app, &ES).await?;
            if labels.code != ES.code {
                page.click_in_view(&format!(
                    "form.lang-switcher button[name=lang][value={}]",
                    labels.code
                ))
                .await?;
                expect_catalogue(&page, labels)
                    .await
                    .with_context(|| format!("after switching to {}", labels.code))?;
            }

            // "Iniciar sesión" → the form → e-mail and password → the customer's orders.
            click_labelled(&page, "header a[data-shop-sign-in]", labels.sign_in).await?;
            expect_sign_in_page(&page, labels, "/shop/account").await?;
            submit_sign_in(&page, labels, story).await?;
            expect_area(&page, labels, story, "/shop/account", labels.orders)
                .await
                .context("after signing in")?;
            expect_orders(&page, labels, story, ids).await?;

            // One order: its lines and total.
            open_order(&page, labels, story, &story.orders[0], ids[0]).await?;
            expect_orders(&page, labels, story, ids).await?;

            // "Mis direcciones" → "Añadir dirección" → "Guardar dirección".
            add_address(&page, labels, story).await?;

            // "Cerrar sesión".
            sign_out(&page, &app, labels).await
        })
        .await;
}

#[actix_web::test]
async fn a_customer_signs_in_to_the_shop_reads_their_orders_and_one_order_adds_a_default_address_and_signs_out_in_spanish()
 {
    customer_flow(
        "a_customer_signs_in_to_the_shop_reads_their_orders_and_one_order_adds_a_default_address_and_signs_out_in_spanish",
        &ES,
        &ES_STORY,
    )
    .await;
}

#[actix_web::test]
async fn a_customer_switches_the_shop_to_polish_signs_in_reads_their_orders_and_one_order_adds_a_default_address_and_signs_out()
 {
    customer_flow(
        "a_customer_switches_the_shop_to_polish_signs_in_reads_their_orders_and_one_order_adds_a_default_address_and_signs_out",
        &PL,
        &PL_STORY,
    )
    .await;
}

#[actix_web::test]
async fn when_accounts_are_required_a_guest_sees_the_catalogue_with_a_notice_and_a_sign_in_link_and_their_account_sends_them_to_sign_in()
 {
    const TEST: &str = "when_accounts_are_required_a_guest_sees_the_catalogue_with_a_notice_and_a_sign_in_link_and_their_account_sends_them_to_sign_in";
    let Some(browser) = Browser::launch(TEST, Options::default()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let seeded = (|| -> Result<i64> {
        set_mode(&app, owner, LoginMode::Required)?;
        sign_up(&app, &ES_STORY)?;
        app.with_conn(|conn| {
            insert_product(
                conn,
                &NewProduct {
                    sku: "CAM-LINO",
                    name: "Camisa de lino",
                    price_cents: 2490,
                    currency: "EUR",
                    active: true,
                },
            )
        })
        .context("insert a product")
    })();
    let labels = &ES;
    browser
        .run(|page| async move {
            let product = seeded.context("seed the shop")?;

            // The catalogue stays visible, with the notice and its sign-in link.
            open_shop(&page, &app, labels).await?;
            let row = format!(r#"main tr[data-product="{product}"]"#);
            expect_words(
                &page,
                &format!("{row} > td:first-child"),
                "Camisa de lino CAM-LINO",
            )
            .await
            .context("the catalogue's product")?;
            expect_words(&page, &format!("{row} > td[data-price]"), "24,90 €")
                .await
                .context("the catalogue's price")?;
            let notice = "main p[data-login-required]";
            expect_words(
                &page,
                notice,
                &format!("{} {}", labels.required_notice, labels.sign_in),
            )
            .await
            .context("the notice")?;
            expect_words(&page, "header a[data-shop-sign-in]", labels.sign_in).await?;

            // The notice's link leads to the sign-in page, back to the shop afterwards.
            click_labelled(
                &page,
                &format!(r#"{notice} a[href^="/shop/login"]"#),
                labels.sign_in,
            )
            .await?;
            expect_sign_in_page(&page, labels, "/shop")
                .await
                .context("after the notice's link")?;

            // The customer's area sends a guest to sign in, and there after signing in.
            page.goto(&app.url("/shop/account")).await?;
            expect_sign_in_page(&page, labels, "/shop/account")
                .await
                .context("the customer's area as a guest")?;
            page.goto(&app.url("/shop/account/addresses")).await?;
            expect_sign_in_page(&page, labels, "/shop/account/addresses")
                .await
                .context("the customer's addresses as a guest")?;
            submit_sign_in(&page, labels, &ES_STORY).await?;
            expect_area(
                &page,
                labels,
                &ES_STORY,
                "/shop/account/addresses",
                labels.addresses,
            )
            .await
            .context("after signing in from the addresses")?;

            // Signed in, the catalogue has no notice.
            click_labelled(
                &page,
                r#"header nav.shop-nav a[href="/shop"]"#,
                labels.catalogue,
            )
            .await?;
            expect_catalogue(&page, labels).await?;
            ensure!(
                count(&page, notice).await? == 0,
                "the notice still shows to a signed-in customer"
            );
            Ok(())
        })
        .await;
}
