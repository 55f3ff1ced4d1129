//! Order e-mails over HTTP (seed 001 "Notificaciones"): the settings page, one e-mail to the
//! customer in their language for each ticked status, one per internal recipient in the
//! store's language, nothing for a rolled-back change or a manual points change.

use chrono::Utc;
use clientela::db::outbox::{self, OutboxRow};
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::domain::loyalty::{self, AdjustInput};
use clientela::domain::orders;
use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::order;

fn customer_in(app: &TestApp, name: &str, email: &str, lang: Lang) -> i64 {
    app.with_conn(|conn| {
        customers::insert(
            conn,
            &Contact {
                full_name: name.into(),
                email: Some(email.into()),
                phone: None,
                language: lang,
                registered: true,
                newsletter: false,
            },
            Utc::now().naive_utc(),
        )
    })
    .unwrap()
}

fn mail_to(app: &TestApp, email: &str) -> Vec<OutboxRow> {
    app.with_conn(|c| outbox::to_recipient(c, email)).unwrap()
}

fn all_mail(app: &TestApp) -> i64 {
    use clientela::db::schema::outbox;
    use diesel::prelude::*;
    app.with_conn(|c| outbox::table.count().get_result(c))
        .unwrap()
}

async fn save(c: &Client, statuses: &[&str], recipients: &str) -> crate::client::Page {
    c.get("/settings/notifications").await;
    let mut form: Vec<(&str, &str)> = statuses.iter().map(|s| ("statuses", *s)).collect();
    form.push(("recipients", recipients));
    c.post("/settings/notifications", &form).await
}

async fn set_status(c: &Client, order: i64, status: &str) {
    c.get(&format!("/orders/{order}")).await;
    let p = c
        .post(&format!("/orders/{order}/status"), &[("status", status)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
}

#[actix_web::test]
async fn a_status_change_mails_the_customer_in_their_language_and_each_internal_recipient_once() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = save(
        &c,
        &["shipped", "cancelled"],
        "almacen@tienda.es\nDueña@Tienda.es; almacen@tienda.es",
    )
    .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = c.get("/settings/notifications").await;
    page.assert_contains("Notificaciones guardadas.");
    page.assert_contains("almacen@tienda.es\ndueña@tienda.es</textarea>");

    let pl = customer_in(&app, "Jan Kowalski", "jan@example.pl", Lang::Pl);
    let o = order(&app, pl, "1001", 12_345, "pending", 1);
    let before = all_mail(&app);

    // Not a ticked status: only the team hears of it.
    set_status(&c, o, "paid").await;
    assert!(mail_to(&app, "jan@example.pl").is_empty());
    assert_eq!(all_mail(&app) - before, 2);

    set_status(&c, o, "shipped").await;
    let to_jan = mail_to(&app, "jan@example.pl");
    assert_eq!(to_jan.len(), 1, "one e-mail to the customer");
    assert_eq!(
        to_jan[0].subject,
        "Twoje zamówienie 1001 ma teraz status: Wysłane"
    );
    assert!(to_jan[0].body.contains("123,45"), "{}", to_jan[0].body);
    let internal = mail_to(&app, "almacen@tienda.es");
    assert_eq!(internal.len(), 2, "one per change");
    assert_eq!(internal[0].subject, "Pedido 1001: Pagado → Enviado");
    assert!(internal[0].body.contains("Jan Kowalski"));
    assert_eq!(mail_to(&app, "dueña@tienda.es").len(), 2);
    // Setting the status it already has changes nothing and sends nothing.
    let n = all_mail(&app);
    set_status(&c, o, "shipped").await;
    assert_eq!(all_mail(&app), n);
}

#[actix_web::test]
async fn bad_notification_settings_are_refused_with_the_values_kept_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = save(&c, &["shipped"], "almacen@tienda.es\nno es un correo").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.assert_contains("Una de las direcciones no es un correo válido.");
    p.assert_contains("no es un correo</textarea>");
    let p = save(&c, &["volado"], "").await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.assert_contains("Estado de pedido desconocido.");
    let many: Vec<String> = (0..11).map(|i| format!("p{i}@tienda.es")).collect();
    let p = save(&c, &[], &many.join("\n")).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.assert_contains("Como máximo 10 destinatarios.");
    let s = app
        .with_conn(clientela::domain::notifications::settings)
        .unwrap();
    assert!(s.internal_recipients.is_empty());
    assert_eq!(
        s.customer_statuses,
        ["paid", "shipped", "delivered", "cancelled"]
    );
}

#[actix_web::test]
async fn only_the_owner_opens_the_notification_settings() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);
    for email in ["support@example.com", "manager@example.com"] {
        let c = Client::signed_in(&app, email).await;
        assert_eq!(
            c.get("/settings/notifications").await.status,
            StatusCode::FORBIDDEN,
            "{email}"
        );
        let p = c
            .post("/settings/notifications", &[("recipients", "x@y.es")])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{email}");
    }
    let s = app
        .with_conn(clientela::domain::notifications::settings)
        .unwrap();
    assert!(s.internal_recipients.is_empty());
}

#[actix_web::test]
async fn a_rolled_back_status_change_and_a_manual_points_change_send_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer_in(&app, "Ana Ruiz", "ana@example.es", Lang::Es);
    let o = order(&app, ana, "1001", 5_000, "pending", 1);
    let before = all_mail(&app);
    let r: Result<(), orders::OrderError> = app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::change_status(conn, owner, o, "cancelled")?;
            Err(orders::OrderError::Db(
                diesel::result::Error::RollbackTransaction,
            ))
        })
    });
    assert!(r.is_err());
    assert_eq!(all_mail(&app), before, "rolled back: nothing queued");
    app.with_conn(|conn| {
        loyalty::adjust(
            conn,
            owner,
            ana,
            &AdjustInput {
                points: "50".into(),
                direction: "add".into(),
                reason: "Regalo".into(),
                idempotency_key: String::new(),
            },
        )
    })
    .unwrap();
    assert_eq!(
        all_mail(&app),
        before,
        "a manual points change sends nothing (seed 004)"
    );
    // The same change committed queues the customer's e-mail.
    app.with_conn(|conn| orders::change_status(conn, owner, o, "cancelled"))
        .unwrap();
    assert_eq!(mail_to(&app, "ana@example.es").len(), 1);
}

#[actix_web::test]
async fn the_log_shows_each_message_with_its_state_and_resend_queues_a_copy_but_not_of_an_account_link()
 {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer_in(&app, "Ana Ruiz", "ana@example.es", Lang::Es);
    let o = order(&app, ana, "1001", 5_000, "pending", 1);
    app.with_conn(|conn| orders::change_status(conn, owner, o, "shipped"))
        .unwrap();
    // A password reset mail too (an account link).
    app.with_conn(|conn| {
        clientela::domain::account_links::request_reset(conn, "ana@example.es", "http://x")
    })
    .unwrap();
    let msgs = mail_to(&app, "ana@example.es");
    assert_eq!(msgs.len(), 2);
    let status_mail = msgs.iter().find(|m| m.kind == "mail.order_status").unwrap();
    let reset_mail = msgs
        .iter()
        .find(|m| m.kind == "mail.password_reset")
        .unwrap();
    // One failed delivery, recorded as the worker would.
    app.with_conn(|conn| {
        outbox::mark_attempt_failed(conn, status_mail.id, "550 mailbox unavailable", None)?;
        outbox::mark_sent(conn, reset_mail.id, Utc::now().naive_utc())
    })
    .unwrap();

    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let log = c.get("/settings/notifications/log").await;
    assert_eq!(log.status, StatusCode::OK, "{}", log.body);
    log.assert_contains("data-count-failed=\"1\"");
    log.assert_contains("data-count-sent=\"1\"");
    log.assert_contains("550 mailbox unavailable");
    log.assert_contains("Tu pedido 1001 está ahora: Enviado");
    assert!(
        !log.body.contains("/shop/password/reset/"),
        "no link shown in the log"
    );
    let failed = c.get("/settings/notifications/log?status=failed").await;
    assert!(!failed.body.contains("Restablece tu contraseña"));
    failed.assert_contains(&format!(
        "/settings/notifications/log/{}/resend",
        status_mail.id
    ));
    assert!(!log.body.contains(&format!(
        "/settings/notifications/log/{}/resend",
        reset_mail.id
    )));

    let p = c
        .post(
            &format!("/settings/notifications/log/{}/resend", status_mail.id),
            &[],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let after = mail_to(&app, "ana@example.es");
    assert_eq!(after.len(), 3, "a copy was queued");
    assert_eq!(after[0].status, "pending");
    assert_eq!(after[0].subject, status_mail.subject);
    // The account link is not sent again, even by a forged post.
    c.post(
        &format!("/settings/notifications/log/{}/resend", reset_mail.id),
        &[],
    )
    .await;
    assert_eq!(mail_to(&app, "ana@example.es").len(), 3);
    c.get("/settings/notifications/log")
        .await
        .assert_contains("Este correo no se puede reenviar");
    // Support may not read the log.
    app.create_staff(owner, "support@example.com", Role::Support);
    let s = Client::signed_in(&app, "support@example.com").await;
    assert_eq!(
        s.get("/settings/notifications/log").await.status,
        StatusCode::FORBIDDEN
    );
}
