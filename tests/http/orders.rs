//! The orders area.

use clientela::db::audit::AuditRow;
use clientela::domain::staff::Role;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};

#[actix_web::test]
async fn orders_are_listed_filtered_and_shown_with_lines_and_history() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let a = customer(&app, "Lucía Fernández", "lucia@example.es", true);
    let b = customer(&app, "Emily Carter", "emily@example.co.uk", true);
    let first = order(&app, a, "1001", 4_990, "paid", 3);
    order(&app, b, "1002", 8_950, "shipped", 2);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let list = c.get("/orders").await;
    assert!(
        list.body.find("#1002").unwrap() < list.body.find("#1001").unwrap(),
        "newest first"
    );
    let paid = c.get("/orders?status=paid").await;
    paid.assert_contains("data-order=\"1001\"");
    assert!(!paid.body.contains("data-order=\"1002\""));
    let by_customer = c.get("/orders?q=emily").await;
    by_customer.assert_contains("data-order=\"1002\"");
    assert!(!by_customer.body.contains("data-order=\"1001\""));
    let detail = c.get(&format!("/orders/{first}")).await;
    detail.assert_contains("Pedido #1001");
    detail.assert_contains("Camisa de lino");
    detail.assert_contains("49,90\u{a0}€");
    detail.assert_contains("Tarjeta");
    assert_eq!(c.get("/orders/999999").await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn a_status_change_is_recorded_in_the_history_the_audit_and_the_customer_figures() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let a = customer(&app, "Ana", "ana@example.es", true);
    let id = order(&app, a, "2001", 1_000, "pending", 1);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/orders/{id}")).await;
    let p = c
        .post(&format!("/orders/{id}/status"), &[("status", "shipped")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let detail = c.get(&format!("/orders/{id}")).await;
    detail.assert_contains("Estado del pedido cambiado.");
    detail.assert_contains("Pendiente →");
    detail.assert_contains("Olga Owner");
    let history = app
        .with_conn(|conn| clientela::db::orders::history(conn, id))
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].to_status, "shipped");
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "order", id))
        .unwrap();
    assert_eq!(audit[0].actor_staff_id, Some(owner));
    let customer_row = app
        .with_conn(|conn| clientela::db::customers::CustomerRow::find(conn, a))
        .unwrap()
        .unwrap();
    assert_eq!(customer_row.last_order_status.as_deref(), Some("shipped"));
    let bad = c
        .post(&format!("/orders/{id}/status"), &[("status", "teleported")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.with_conn(|conn| clientela::db::orders::history(conn, id))
            .unwrap()
            .len(),
        2
    );
}

#[actix_web::test]
async fn support_sees_orders_but_cannot_change_their_status() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    let a = customer(&app, "Ana", "ana@example.es", true);
    let id = order(&app, a, "3001", 1_000, "pending", 1);
    let s = Client::signed_in(&app, "support@example.com").await;
    let detail = s.get(&format!("/orders/{id}")).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert!(
        !detail.body.contains("/status\""),
        "no status form for support"
    );
    assert_eq!(
        s.post(&format!("/orders/{id}/status"), &[("status", "cancelled")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let o = app
        .with_conn(|conn| clientela::db::orders::find(conn, id))
        .unwrap()
        .unwrap();
    assert_eq!(o.status, "pending");
}
