//! E-mailed links of customer accounts over HTTP: password reset (also how a customer the
//! merchant registered sets a first password), e-mail confirmation after sign-up with guest
//! orders moving to the account only then, and e-mail change. Mail is read from the outbox,
//! where it is queued in the same transaction as the change; the outbox worker is tested at
//! the end with a folder transport and an SMTP server that is not there.

use chrono::{Duration, Utc};
use clientela::db::outbox::{self, OutboxRow};
use clientela::db::write_tx;
use clientela::domain::account_links;
use clientela::domain::loyalty::{self, AdjustInput};
use clientela::domain::mail::{self, Message, Transport};
use clientela::domain::storefront::LoginMode;
use clientela::i18n::Lang;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{PASSWORD, TestApp};
use crate::customers::{customer, order};
use crate::shop::{
    account, assert_lacks, assert_redirect, assert_status, audit_with_action, customers_with_email,
    shop_sign_in, shopper, store,
};

const NEW_PASSWORD: &str = "otra-contraseña-larga-2026";

fn mails_to(app: &TestApp, email: &str) -> Vec<OutboxRow> {
    app.with_conn(|c| outbox::to_recipient(c, email)).unwrap()
}

fn all_mail(app: &TestApp) -> i64 {
    use clientela::db::schema::outbox;
    use diesel::prelude::*;
    app.with_conn(|c| outbox::table.count().get_result(c))
        .unwrap()
}

/// The path of the storefront link in a mail body (`/shop/...`), without the host.
fn link_in(body: &str) -> String {
    let start = body.find("http://").expect("a link in the mail");
    let url: String = body[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    let path = url.splitn(4, '/').nth(3).expect("a path in the link");
    format!("/{path}")
}

async fn sign_in_with(c: &Client, email: &str, password: &str) -> reqwest::StatusCode {
    c.get("/shop/login").await;
    c.post(
        "/shop/login",
        &[("email", email), ("password", password), ("next", "")],
    )
    .await
    .status
}

async fn ask_reset(c: &Client, email: &str) {
    c.get("/shop/password/forgot").await;
    let p = c.post("/shop/password/forgot", &[("email", email)]).await;
    assert_status(&p, StatusCode::OK, "the reset request");
    p.assert_contains("Si existe una cuenta con este correo");
}

#[actix_web::test]
async fn a_reset_link_is_mailed_in_the_customers_language_works_once_and_signs_out_every_device() {
    let (app, _) = store(LoginMode::Optional).await;
    account(&app, "Lucía Fernández", "lucia@example.es");
    let phone = shopper(&app, "lucia@example.es").await;

    let laptop = Client::new(&app);
    laptop
        .get("/shop/login")
        .await
        .assert_contains("¿Olvidaste tu contraseña?");
    ask_reset(&laptop, "Lucia@Example.es").await;
    let mail = mails_to(&app, "lucia@example.es")
        .into_iter()
        .find(|m| m.kind == "mail.password_reset")
        .expect("a reset mail");
    assert_eq!(mail.subject, "Restablece tu contraseña");
    assert!(
        mail.body.starts_with("Hola, Lucía Fernández:"),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("una hora"), "{}", mail.body);
    assert_eq!(mail.status, "pending");
    let link = link_in(&mail.body);
    assert!(link.starts_with("/shop/password/reset/"), "{link}");

    // The form, then a password too short: a translated error and nothing changed.
    let form = laptop.get(&link).await;
    assert_status(&form, StatusCode::OK, "the reset form");
    let p = laptop.post(&link, &[("password", "corta")]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "a short password");
    p.assert_contains("field-error");
    assert_eq!(
        sign_in_with(&Client::new(&app), "lucia@example.es", PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the old password still works after a refused reset"
    );

    let p = laptop.post(&link, &[("password", NEW_PASSWORD)]).await;
    assert_redirect(&p, "/shop/login", "a reset password");
    laptop
        .get("/shop/login")
        .await
        .assert_contains("Tu contraseña está guardada.");
    assert_eq!(
        sign_in_with(&Client::new(&app), "lucia@example.es", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "the old password no longer works"
    );
    assert_eq!(
        sign_in_with(&laptop, "lucia@example.es", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER,
        "the new one does"
    );
    // The phone that was signed in is signed out.
    let p = phone.get("/shop/account").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    assert!(p.location().unwrap().starts_with("/shop/login"));

    // Used once: the link is gone, on the form and on a second post.
    let again = Client::new(&app);
    let p = again.get(&link).await;
    assert_status(&p, StatusCode::GONE, "a used link");
    p.assert_contains("Este enlace ya no funciona");
    let p = again
        .post(&link, &[("password", "una-tercera-contraseña")])
        .await;
    assert_status(&p, StatusCode::GONE, "a used link posted");
    assert_eq!(
        sign_in_with(&Client::new(&app), "lucia@example.es", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit_with_action(&app, "customer.password_reset").len(), 1);
}

#[actix_web::test]
async fn asking_for_a_reset_says_the_same_for_an_unknown_email_and_mails_a_known_one_once_a_minute()
{
    let (app, _) = store(LoginMode::Optional).await;
    account(&app, "Lucía Fernández", "lucia@example.es");
    let guest = customer(&app, "Invitada", "guest@example.es", false);
    let c = Client::new(&app);
    let before = all_mail(&app);
    for email in ["nadie@example.es", "guest@example.es", "no es un correo"] {
        ask_reset(&c, email).await;
    }
    assert_eq!(
        all_mail(&app),
        before,
        "no mail for an unknown, a guest or a bad e-mail"
    );
    assert!(customers_with_email(&app, "guest@example.es")[0].id == guest);

    ask_reset(&c, "lucia@example.es").await;
    ask_reset(&c, "lucia@example.es").await;
    let resets = mails_to(&app, "lucia@example.es")
        .into_iter()
        .filter(|m| m.kind == "mail.password_reset")
        .count();
    assert_eq!(
        resets, 1,
        "a second click a moment later sends nothing more"
    );
}

#[actix_web::test]
async fn an_expired_reset_link_no_longer_works_and_a_newer_link_replaces_an_older_one() {
    use clientela::db::schema::customer_tokens;
    use diesel::prelude::*;
    let (app, _) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let c = Client::new(&app);
    ask_reset(&c, "lucia@example.es").await;
    let first = link_in(&mails_to(&app, "lucia@example.es")[0].body);
    // Older than the resend gap: a second link may go out, and it replaces the first.
    app.with_conn(|conn| {
        diesel::update(customer_tokens::table.filter(customer_tokens::customer_id.eq(id)))
            .set(customer_tokens::created_at.eq(Utc::now().naive_utc() - Duration::minutes(5)))
            .execute(conn)
    })
    .unwrap();
    ask_reset(&c, "lucia@example.es").await;
    let second = link_in(&mails_to(&app, "lucia@example.es")[0].body);
    assert_ne!(first, second);
    assert_status(&c.get(&first).await, StatusCode::GONE, "the replaced link");
    assert_status(&c.get(&second).await, StatusCode::OK, "the newest link");

    app.with_conn(|conn| {
        diesel::update(customer_tokens::table.filter(customer_tokens::customer_id.eq(id)))
            .set(customer_tokens::expires_at.eq(Utc::now().naive_utc() - Duration::seconds(1)))
            .execute(conn)
    })
    .unwrap();
    assert_status(&c.get(&second).await, StatusCode::GONE, "an expired link");
    let p = c.post(&second, &[("password", NEW_PASSWORD)]).await;
    assert_status(&p, StatusCode::GONE, "an expired link posted");
    assert_eq!(
        sign_in_with(&Client::new(&app), "lucia@example.es", NEW_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn a_customer_the_merchant_registered_sets_a_first_password_through_the_reset_link() {
    let (app, _) = store(LoginMode::Required).await;
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let c = Client::new(&app);
    assert_eq!(
        sign_in_with(&c, "ana@example.es", NEW_PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    ask_reset(&c, "ana@example.es").await;
    let link = link_in(&mails_to(&app, "ana@example.es")[0].body);
    let p = c.post(&link, &[("password", NEW_PASSWORD)]).await;
    assert_redirect(&p, "/shop/login", "first password");
    assert!(crate::shop::has_account(&app, ana));
    assert_eq!(
        sign_in_with(&c, "ana@example.es", NEW_PASSWORD).await,
        StatusCode::SEE_OTHER
    );
    // The link proved the e-mail.
    assert!(
        app.with_conn(|conn| clientela::db::accounts::email_confirmed(conn, ana))
            .unwrap()
    );
}

#[actix_web::test]
async fn guest_orders_and_points_move_to_a_new_account_only_once_its_email_is_confirmed() {
    let (app, owner) = store(LoginMode::Optional).await;
    let guest = customer(&app, "Emily Carter", "emily@example.co.uk", false);
    order(&app, guest, "W000001", 4_500, "delivered", 20);
    order(&app, guest, "W000002", 1_999, "pending", 2);
    app.with_conn(|conn| {
        loyalty::adjust(
            conn,
            owner,
            guest,
            &AdjustInput {
                points: "40".into(),
                direction: "add".into(),
                reason: "Bienvenida".into(),
                idempotency_key: String::new(),
            },
        )
    })
    .unwrap();

    // Sign-up in the storefront, in English.
    let c = Client::with_language(&app, "en");
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
    let me = customers_with_email(&app, "emily@example.co.uk")
        .into_iter()
        .find(|r| r.registered)
        .unwrap();
    // Not confirmed yet: the guest's orders stay where they were.
    let orders = c.get("/shop/account").await;
    assert_lacks(&orders, "W000001", "before confirmation");
    let profile = c.get("/shop/account/profile").await;
    profile.assert_contains("Not confirmed yet");
    let mail = mails_to(&app, "emily@example.co.uk")
        .into_iter()
        .find(|m| m.kind == "mail.email_confirm")
        .expect("a confirmation mail");
    assert_eq!(mail.subject, "Confirm your e-mail");
    let link = link_in(&mail.body);

    // Opening the link shows a button; the GET itself changes nothing.
    let page = c.get(&link).await;
    assert_status(&page, StatusCode::OK, "the confirmation page");
    page.assert_contains("emily@example.co.uk");
    assert_lacks(&c.get("/shop/account").await, "W000001", "after a GET");

    let p = c.post(&link, &[]).await;
    assert_redirect(&p, "/shop/account", "confirmed");
    let orders = c.get("/shop/account").await;
    orders.assert_contains("Your e-mail is confirmed.");
    orders.assert_contains("W000001");
    orders.assert_contains("W000002");
    let rows = customers_with_email(&app, "emily@example.co.uk");
    let me_now = rows.iter().find(|r| r.id == me.id).unwrap();
    let guest_now = rows.iter().find(|r| r.id == guest).unwrap();
    assert_eq!(
        me_now.order_count, 2,
        "the account's figures count the orders"
    );
    assert_eq!(guest_now.order_count, 0);
    // The points came along, with a line on each side; both ledgers add up.
    let (mine, theirs) = app
        .with_conn(|conn| -> diesel::QueryResult<(i64, i64)> {
            Ok((
                loyalty::balance(conn, me.id)?,
                loyalty::balance(conn, guest)?,
            ))
        })
        .unwrap();
    assert_eq!((mine, theirs), (40, 0));
    for id in [me.id, guest] {
        let (balance, ledger) = app.with_conn(|conn| loyalty::sums(conn, id)).unwrap();
        assert_eq!(balance, ledger, "customer {id}: balance == ledger sum");
    }
    assert_eq!(audit_with_action(&app, "customer.guest_linked").len(), 1);
    // Used once.
    assert_status(
        &c.post(&link, &[]).await,
        StatusCode::GONE,
        "a second confirm",
    );
    c.get("/shop/account/profile")
        .await
        .assert_contains("Confirmed.");
}

#[actix_web::test]
async fn a_new_email_takes_effect_only_when_its_link_is_opened_and_never_takes_someone_elses() {
    let (app, _) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    account(&app, "Marta Ruiz", "marta@example.es");
    let c = shopper(&app, "lucia@example.es").await;
    c.get("/shop/account/profile").await;

    let cases = [
        (
            "lucia.nueva@example.es",
            "mal-contraseña",
            "La contraseña no es correcta.",
        ),
        (
            "marta@example.es",
            PASSWORD,
            "Ya hay una cuenta con este correo.",
        ),
        ("lucia@example.es", PASSWORD, "Este ya es tu correo."),
        ("no-es-correo", PASSWORD, "field-error"),
    ];
    for (email, password, message) in cases {
        let p = c
            .post(
                "/shop/account/email",
                &[("new_email", email), ("current_password", password)],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, email);
        p.assert_contains(message);
        p.assert_contains(&format!("value=\"{email}\""));
    }
    assert!(mails_to(&app, "lucia.nueva@example.es").is_empty());

    let p = c
        .post(
            "/shop/account/email",
            &[
                ("new_email", "Lucia.Nueva@example.es"),
                ("current_password", PASSWORD),
            ],
        )
        .await;
    assert_redirect(&p, "/shop/account/profile", "change requested");
    let to_new = mails_to(&app, "lucia.nueva@example.es");
    assert_eq!(to_new.len(), 1);
    assert_eq!(to_new[0].subject, "Confirma tu nuevo correo electrónico");
    let notice = mails_to(&app, "lucia@example.es")
        .into_iter()
        .find(|m| m.kind == "mail.email_change_notice")
        .expect("a notice to the old address");
    assert!(notice.body.contains("lucia.nueva@example.es"));
    assert_lacks(
        &c.get("/shop/account/profile").await,
        "value=\"lucia.nueva@example.es\" readonly",
        "not yet",
    );
    assert_eq!(
        customers_with_email(&app, "lucia@example.es")[0].id,
        id,
        "the e-mail is unchanged until the link is opened"
    );

    let link = link_in(&to_new[0].body);
    let p = c.post(&link, &[]).await;
    assert_redirect(&p, "/shop/login", "e-mail changed");
    c.get("/shop/login")
        .await
        .assert_contains("Tu correo ha cambiado. Inicia sesión con el nuevo.");
    assert!(customers_with_email(&app, "lucia@example.es").is_empty());
    assert_eq!(
        customers_with_email(&app, "lucia.nueva@example.es")[0].id,
        id
    );
    assert_eq!(
        sign_in_with(&Client::new(&app), "lucia@example.es", PASSWORD).await,
        StatusCode::UNAUTHORIZED
    );
    let fresh = Client::new(&app);
    shop_sign_in(&fresh, "lucia.nueva@example.es").await;
    let audit = audit_with_action(&app, "customer.email_changed");
    assert_eq!(audit.len(), 1);
}

#[actix_web::test]
async fn a_change_link_is_refused_when_someone_registered_the_address_meanwhile() {
    let (app, _) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let c = shopper(&app, "lucia@example.es").await;
    c.get("/shop/account/profile").await;
    c.post(
        "/shop/account/email",
        &[
            ("new_email", "compartido@example.es"),
            ("current_password", PASSWORD),
        ],
    )
    .await;
    let link = link_in(&mails_to(&app, "compartido@example.es")[0].body);
    account(&app, "Otra Persona", "compartido@example.es");
    let p = c.post(&link, &[]).await;
    assert_status(&p, StatusCode::CONFLICT, "the address was taken meanwhile");
    p.assert_contains("Ya hay una cuenta con este correo.");
    assert_eq!(customers_with_email(&app, "lucia@example.es")[0].id, id);
}

#[actix_web::test]
async fn with_accounts_disabled_no_link_page_exists() {
    let (app, _) = store(LoginMode::Disabled).await;
    let c = Client::new(&app);
    for path in [
        "/shop/password/forgot",
        "/shop/password/reset/abc",
        "/shop/confirm/abc",
    ] {
        assert_status(&c.get(path).await, StatusCode::NOT_FOUND, path);
    }
}

#[actix_web::test]
async fn a_rolled_back_change_queues_no_mail() {
    let (app, _) = store(LoginMode::Optional).await;
    let id = account(&app, "Lucía Fernández", "lucia@example.es");
    let before = all_mail(&app);
    let r: Result<(), diesel::result::Error> = app.with_conn(|conn| {
        write_tx(conn, |conn| {
            mail::enqueue(
                conn,
                &Message::localized(
                    "mail.email_confirm",
                    "mail-email-confirm",
                    Lang::Es,
                    "lucia@example.es",
                    Some(id),
                    &[
                        ("name", "Lucía".into()),
                        ("link", "x".into()),
                        ("hours", 48.into()),
                    ],
                ),
            )?;
            Err(diesel::result::Error::RollbackTransaction)
        })
    });
    assert!(r.is_err());
    assert_eq!(all_mail(&app), before);
    // And the committed one is there.
    let sent = app
        .with_conn(|conn| account_links::resend_confirmation(conn, id, "http://shop.test"))
        .unwrap();
    assert!(!sent, "a link went out a moment ago at sign-up");
}

#[actix_web::test]
async fn the_worker_delivers_each_due_message_once_and_retries_a_failed_one_later() {
    let (app, _) = store(LoginMode::Optional).await;
    for n in 0..6 {
        account(&app, &format!("Cliente {n}"), &format!("c{n}@example.es"));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut config = app.config.clone();
    config.mail_transport = clientela::config::MailTransport::Dir(dir.path().display().to_string());
    let from = mail::sender(&config).unwrap();
    let files = Transport::from_config(&config).unwrap().unwrap();
    let files2 = Transport::from_config(&config).unwrap().unwrap();
    // Two workers at once (two servers): every message once.
    let (a, b) = futures_util::future::join(
        mail::deliver_due(&app.pool, &files, &from),
        mail::deliver_due(&app.pool, &files2, &from),
    )
    .await;
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.sent + b.sent, 6, "{a:?} {b:?}");
    let written = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(written, 6);
    let m = &mails_to(&app, "c3@example.es")[0];
    assert_eq!(m.status, "sent");
    assert!(m.sent_at.is_some());
    let eml = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .find(|t| t.contains("c3@example.es"))
        .unwrap();
    assert!(eml.contains("Subject: Confirma tu correo"), "{eml}");
    // Nothing is left to send.
    let again = mail::deliver_due(&app.pool, &files, &from).await.unwrap();
    assert_eq!(again.sent, 0);

    // An SMTP server that is not there: the attempt is counted and waits its back-off.
    account(&app, "Cliente 7", "c7@example.es");
    config.mail_transport = clientela::config::MailTransport::Smtp("smtp://127.0.0.1:9".into());
    let down = Transport::from_config(&config).unwrap().unwrap();
    let pass = mail::deliver_due(&app.pool, &down, &from).await.unwrap();
    assert_eq!(pass.failed, 1);
    let m = &mails_to(&app, "c7@example.es")[0];
    assert_eq!((m.status.as_str(), m.attempts), ("pending", 1));
    assert!(m.last_error.is_some());
    assert!(m.next_attempt_at > Utc::now().naive_utc() + Duration::seconds(20));
    // Not due yet: the working transport leaves it for later.
    let pass = mail::deliver_due(&app.pool, &files, &from).await.unwrap();
    assert_eq!(pass.sent, 0);
}
