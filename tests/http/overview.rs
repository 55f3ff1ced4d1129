//! The customers overview: the best customers, who bought again, and the monthly charts.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::domain::orders::{self, LineInput};
use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use reqwest::StatusCode;

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};

const PAGE: &str = "/customers/overview";

/// A customer created at `at`, through the domain.
fn customer_created(app: &TestApp, name: &str, at: NaiveDateTime) -> i64 {
    app.with_conn(|conn| {
        customers::insert(
            conn,
            &Contact {
                full_name: name.into(),
                email: None,
                phone: None,
                language: Lang::Es,
                registered: false,
                newsletter: false,
            },
            at,
        )
    })
    .unwrap()
}

/// A paid order of `total` cents placed at `at`, through the domain.
fn order_placed(app: &TestApp, customer_id: i64, number: &str, total: i64, at: NaiveDateTime) {
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::place(
                conn,
                number,
                customer_id,
                "paid",
                "card",
                "EUR",
                0,
                &[LineInput {
                    product_id: None,
                    sku: "SKU-1".into(),
                    name: "Camisa de lino".into(),
                    quantity: 1,
                    unit_price_cents: total,
                }],
                at,
            )
        })
    })
    .unwrap();
}

/// The 15th at noon of the month `back` months before the current one, and its `YYYY-MM`.
fn months_ago(back: i32) -> (NaiveDateTime, String) {
    let now = Utc::now().naive_utc();
    let index = now.year() * 12 + now.month0() as i32 - back;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let at = NaiveDate::from_ymd_opt(year, month, 15)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    (at, format!("{year:04}-{month:02}"))
}

/// The page's body from the first occurrence of `from` on, so assertions look at one part.
fn part<'a>(page: &'a Page, from: &str) -> &'a str {
    let start = page
        .body
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in page:\n{}", page.body));
    &page.body[start..]
}

/// The part of the page from the first occurrence of `from` to the next `to` (included).
fn between<'a>(page: &'a Page, from: &str, to: &str) -> &'a str {
    let rest = part(page, from);
    &rest[..rest.find(to).map_or(rest.len(), |end| end + to.len())]
}

/// The table row carrying `attrs`.
fn row<'a>(page: &'a Page, attrs: &str) -> &'a str {
    between(page, attrs, "</tr>")
}

async fn switch(c: &Client, lang: &str) -> Page {
    let p = c.post("/language", &[("lang", lang), ("back", PAGE)]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    c.get(PAGE).await
}

#[actix_web::test]
async fn the_top_customers_are_the_biggest_spenders_without_anonymized_ones() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    // Twelve buyers spending 100, 200, … 1200 euros, one order each.
    let mut ids = Vec::new();
    for i in 1..=12 {
        let id = customer(
            &app,
            &format!("Cliente {i:02}"),
            &format!("c{i}@example.com"),
            true,
        );
        order(&app, id, &format!("T-{i}"), i * 10_000, "paid", 3);
        ids.push(id);
    }
    // The biggest spender of all was deleted: kept anonymized for the accounts, not listed.
    let gone = customer(&app, "Borrada Gastona", "gone@example.com", true);
    order(&app, gone, "T-GONE", 9_999_900, "delivered", 5);
    app.with_conn(|conn| customers::delete(conn, owner, gone))
        .unwrap();
    // A cancelled order is placed but not spent: this customer is no top spender.
    let cancelled = customer(&app, "Cancela Siempre", "cancel@example.com", true);
    order(&app, cancelled, "T-CANCEL", 5_000_000, "cancelled", 2);
    // A second order for customer 1 lifts them to 100 + 1500 = 1600 euros, the top.
    order(&app, ids[0], "T-1B", 150_000, "shipped", 1);

    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c.get(PAGE).await;
    assert_eq!(p.status, StatusCode::OK);
    p.assert_contains("<h1>Resumen de clientes</h1>");
    let top = between(&p, "data-table=\"top\"", "</table>");
    let expected = [1, 12, 11, 10, 9, 8, 7, 6, 5, 4];
    let mut at = 0;
    for (rank, i) in expected.iter().enumerate() {
        let id = ids[i - 1];
        let row = format!("data-rank=\"{}\" data-customer=\"{id}\"", rank + 1);
        let pos = top[at..]
            .find(&row)
            .unwrap_or_else(|| panic!("{row} after position {at}:\n{top}"));
        at += pos;
        assert!(
            top[at..].contains(&format!("<a href=\"/customers/{id}\">Cliente {i:02}</a>")),
            "rank {} links to the customer",
            rank + 1
        );
    }
    assert_eq!(top.matches("data-rank=").count(), 10, "ten rows");
    for left_out in ["Cliente 02", "Cliente 03", "Borrada", "Cancela Siempre"] {
        assert!(!top.contains(left_out), "{left_out} is not in the top 10");
    }
    // Spent in the store currency and the order count.
    let first = row(&p, &format!("data-customer=\"{}\"", ids[0]));
    assert!(first.contains("<td class=\"num\">2</td>"), "{first}");
    assert!(
        first.contains("<td class=\"num\">1600,00\u{a0}€</td>"),
        "{first}"
    );
    // The best customer card.
    p.assert_contains("data-stat=\"best\">1600,00\u{a0}€</p>");
    p.assert_contains(&format!("<a href=\"/customers/{}\">Cliente 01</a>", ids[0]));
}

#[actix_web::test]
async fn the_returning_share_is_a_percentage_written_per_language() {
    let app = TestApp::spawn().await;
    app.create_owner();
    // Eight buyers, three of whom ordered twice (one of them had the second order cancelled:
    // it still counts as ordering again), and two customers who never ordered.
    for i in 1..=8 {
        let id = customer(
            &app,
            &format!("Buyer {i}"),
            &format!("b{i}@example.com"),
            true,
        );
        order(&app, id, &format!("S-{i}"), 2_000, "paid", 40);
        if i <= 3 {
            let status = if i == 3 { "cancelled" } else { "delivered" };
            order(&app, id, &format!("S-{i}-2"), 3_000, status, 2);
        }
    }
    customer(&app, "Window Shopper", "ws@example.com", true);
    customer(&app, "Just Looking", "jl@example.com", false);

    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c.get(PAGE).await;
    p.assert_contains("data-returning=\"3\" data-buyers=\"8\">37,5\u{a0}%</p>");
    p.assert_contains("Clientes que repiten");
    p.assert_contains("3 clientes han pedido más de una vez");
    p.assert_contains("data-stat=\"buyers\">8</p>");
    p.assert_contains("De 10 clientes en total");
    p.assert_contains("Compradores nuevos y recurrentes por mes");
    p.assert_contains("Ver los datos");

    let p = switch(&c, "pl").await;
    p.assert_contains("<html lang=\"pl\">");
    p.assert_contains("data-returning=\"3\" data-buyers=\"8\">37,5%</p>");
    p.assert_contains("<h1>Przegląd klientów</h1>");
    p.assert_contains("Powracający klienci");
    p.assert_contains("3 klientów zamówiło więcej niż raz");
    p.assert_contains("Z 10 klientów łącznie");
    p.assert_contains("Nowi i powracający kupujący w kolejnych miesiącach");
    p.assert_contains("Pokaż dane");

    let p = switch(&c, "en").await;
    p.assert_contains("<html lang=\"en\">");
    p.assert_contains("data-returning=\"3\" data-buyers=\"8\">37.5%</p>");
    p.assert_contains("<h1>Customers overview</h1>");
    p.assert_contains("Returning customers");
    p.assert_contains("3 customers ordered more than once");
    p.assert_contains("Of 10 customers in total");
    p.assert_contains("New and returning buyers per month");
    p.assert_contains("Show the data");
    p.assert_contains("Top 10 customers by amount spent");
}

#[actix_web::test]
async fn new_and_returning_buyers_and_new_customers_are_counted_per_month() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let (_, k0) = months_ago(0);
    let (m1, k1) = months_ago(1);
    let (m2, k2) = months_ago(2);
    let (m5, k5) = months_ago(5);
    let (m13, _) = months_ago(13);
    let (_, k11) = months_ago(11);
    let (_, k12) = months_ago(12);
    // Ana first bought over a year ago (outside the chart) and again last month: returning.
    let ana = customer_created(&app, "Ana", m13);
    order_placed(&app, ana, "M-1", 1_000, m13);
    order_placed(&app, ana, "M-2", 1_000, m1);
    // Bea first bought two months ago, then twice last month: new, then returning once.
    let bea = customer_created(&app, "Bea", m2);
    order_placed(&app, bea, "M-3", 1_000, m2);
    order_placed(&app, bea, "M-4", 1_000, m1);
    order_placed(&app, bea, "M-5", 1_000, m1 + Duration::days(3));
    // Carl's first order was last month: new.
    let carl = customer_created(&app, "Carl", m1);
    order_placed(&app, carl, "M-6", 1_000, m1);
    // Dora was created today and ordered twice today: new once.
    let dora = customer(&app, "Dora", "dora@example.com", true);
    order(&app, dora, "M-7", 1_000, "pending", 0);
    order(&app, dora, "M-8", 1_000, "paid", 0);
    // Eve was created five months ago and never ordered.
    customer_created(&app, "Eve", m5);

    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c.get(PAGE).await;
    assert_eq!(p.status, StatusCode::OK);

    let buyers = between(&p, "data-table=\"buyers\"", "</table>");
    for (key, new, returning) in [
        (&k2, 1, 0),
        (&k1, 1, 2),
        (&k0, 1, 0),
        (&k5, 0, 0),
        (&k11, 0, 0),
    ] {
        let row = format!("data-month=\"{key}\" data-new=\"{new}\" data-returning=\"{returning}\"");
        assert!(buyers.contains(&row), "{row} in\n{buyers}");
    }
    assert_eq!(
        buyers.matches("<tr data-month=").count(),
        12,
        "twelve months"
    );
    assert!(
        !buyers.contains(&format!("data-month=\"{k12}\"")),
        "a year ago is out"
    );

    let created = between(&p, "data-table=\"created\"", "</table>");
    for (key, n) in [(&k0, 1), (&k1, 1), (&k2, 1), (&k5, 1), (&k11, 0)] {
        let row = format!("data-month=\"{key}\" data-created=\"{n}\"");
        assert!(created.contains(&row), "{row} in\n{created}");
    }
    assert_eq!(created.matches("<tr data-month=").count(), 12);
    p.assert_contains("data-stat=\"created\">4</p>");

    // Both charts are drawn: a bar per month, empty months flat, labelled for screen readers.
    let svg = between(&p, "data-chart=\"buyers\"", "</svg>");
    assert_eq!(svg.matches("<g class=\"column\"").count(), 12);
    assert!(svg.contains("class=\"bar bar-new\""));
    assert!(svg.contains("class=\"bar bar-returning\""));
    assert!(
        svg.contains("height=\"0\""),
        "months without buyers are flat"
    );
    assert!(svg.contains("role=\"img\""));
    assert!(svg.contains(
        "<title id=\"chart-buyers-title\">Compradores nuevos y recurrentes por mes</title>"
    ));
    let svg = between(&p, "data-chart=\"created\"", "</svg>");
    assert_eq!(svg.matches("<g class=\"column\"").count(), 12);
    assert!(svg.contains("4 clientes creados en los últimos 12 meses"));
    // No inline styles (the CSP forbids them).
    assert!(!p.body.contains("style=\""));
    // Month names are translated.
    let (m1_year, m1_month) = (m1.year(), m1.month());
    let long = clientela::i18n::format::format_month(m1_year, m1_month, Lang::Es);
    p.assert_contains(&format!("<th scope=\"row\">{long}</th>"));
}

#[actix_web::test]
async fn an_empty_store_shows_friendly_empty_states() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c.get(PAGE).await;
    assert_eq!(p.status, StatusCode::OK);
    p.assert_contains("data-stat=\"buyers\">0</p>");
    p.assert_contains("data-stat=\"returning-share\">—</p>");
    p.assert_contains("Aún no hay pedidos.");
    p.assert_contains("data-empty=\"top\"");
    p.assert_contains("data-empty=\"buyers\"");
    p.assert_contains("data-empty=\"created\"");
    p.assert_contains("No se ha creado ningún cliente en los últimos 12 meses.");
    assert!(!p.body.contains("data-chart="), "no empty charts");

    // Customers but no orders yet: still no share, and the created chart appears.
    customer(&app, "Primera", "primera@example.com", true);
    let p = switch(&c, "en").await;
    p.assert_contains("data-stat=\"returning-share\">—</p>");
    p.assert_contains("Nobody has bought anything yet.");
    p.assert_contains("There were no orders in the last 12 months.");
    p.assert_contains("data-chart=\"created\"");
    p.assert_contains("1 customer created in the last 12 months");
}

#[actix_web::test]
async fn support_can_see_the_overview_and_anonymous_visitors_sign_in_first() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);
    let id = customer(&app, "Lucía", "lucia@example.es", true);
    order(&app, id, "A-1", 4_200, "paid", 1);
    for email in ["support@example.com", "manager@example.com"] {
        let c = Client::signed_in(&app, email).await;
        let p = c.get(PAGE).await;
        assert_eq!(p.status, StatusCode::OK, "{email}");
        p.assert_contains(&format!("<a href=\"/customers/{id}\">Lucía</a>"));
        p.assert_contains("aria-current=\"page\"");
    }
    let p = Client::new(&app).get(PAGE).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().unwrap().starts_with("/login"));
}
