//! Loyalty program ("Program lojalnościowy") over HTTP: settings, earning rules, "Zarządzaj
//! punktami", exchange orders, reviews, the overview, roles and bad input.

use clientela::db::store::{self, NewProduct};
use clientela::domain::loyalty;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::customer;

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
        assert_eq!(page.status, reqwest::StatusCode::OK, "{path}: {}", page.body);
    }
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains(&format!("/customers/{id}/loyalty"));
    assert_eq!(app.with_conn(|conn| loyalty::sums(conn, id)).unwrap(), (0, 0));
}
