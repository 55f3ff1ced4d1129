use std::time::Duration;

use clientela::db::sessions::SessionRow;
use clientela::db::staff::StaffRow;
use clientela::domain::staff::Role;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};

#[actix_web::test]
async fn the_setup_link_creates_the_owner_once_and_then_stops_working() {
    let app = TestApp::spawn().await;
    let token = app
        .setup_token
        .clone()
        .expect("a fresh store logs a setup link");
    let c = Client::new(&app);
    let form = c.get(&format!("/setup/{token}")).await;
    assert_eq!(form.status, StatusCode::OK);
    let done = c
        .post(
            &format!("/setup/{token}"),
            &[
                ("name", "Olga Owner"),
                ("email", "Olga@Example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let dashboard = c.get("/").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    dashboard.assert_contains("Olga Owner");
    let owner = app
        .with_conn(|c| StaffRow::find_by_email(c, "olga@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(owner.role, "owner");
    assert_eq!(
        Client::new(&app)
            .get(&format!("/setup/{token}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn a_wrong_setup_token_is_not_found() {
    let app = TestApp::spawn().await;
    assert!(app.setup_token.is_some());
    assert_eq!(
        Client::new(&app).get("/setup/not-the-token").await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn bad_setup_input_is_shown_again_with_translated_errors_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let token = app.setup_token.clone().unwrap();
    let c = Client::with_language(&app, "en");
    c.get(&format!("/setup/{token}")).await;
    let p = c
        .post(
            &format!("/setup/{token}"),
            &[
                ("name", "Olga <b>Owner</b>"),
                ("email", "not-an-email"),
                ("password", "short"),
                ("password_confirm", "short"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.assert_contains("Enter a valid e-mail address");
    p.assert_contains("at least 12 characters");
    p.assert_contains("value=\"Olga &#60;b&#62;Owner&#60;/b&#62;\"");
    p.assert_contains("value=\"not-an-email\"");
    assert!(
        !p.body.contains("value=\"short\""),
        "passwords are never sent back"
    );
    assert_eq!(app.with_conn(StaffRow::count).unwrap(), 0);
}

#[actix_web::test]
async fn a_signed_out_visitor_is_sent_to_the_sign_in_page_and_back_after_signing_in() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::new(&app);
    let p = c.get("/staff").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), Some("/login?next=%2Fstaff"));
    c.get("/login?next=%2Fstaff").await;
    let p = c
        .post(
            "/login",
            &[
                ("email", OWNER_EMAIL),
                ("password", PASSWORD),
                ("next", "/staff"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), Some("/staff"));
}

#[actix_web::test]
async fn sign_in_never_redirects_to_another_site() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::new(&app);
    c.get("/login").await;
    let p = c
        .post(
            "/login",
            &[
                ("email", OWNER_EMAIL),
                ("password", PASSWORD),
                ("next", "//evil.example"),
            ],
        )
        .await;
    assert_eq!(p.location(), Some("/"));
}

#[actix_web::test]
async fn the_session_id_changes_at_sign_in() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::new(&app);
    let before = c.get("/login").await;
    let anonymous_cookie = before
        .headers
        .get("set-cookie")
        .expect("a session for the form's token")
        .to_str()
        .unwrap()
        .to_owned();
    let after = c
        .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
        .await;
    let signed_in_cookie = after
        .headers
        .get("set-cookie")
        .expect("a new session cookie")
        .to_str()
        .unwrap()
        .to_owned();
    let value = |c: &str| c.split(';').next().unwrap().to_owned();
    assert_ne!(value(&anonymous_cookie), value(&signed_in_cookie));
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let strip = |b: &str| {
        let t = crate::client::csrf_in(b).unwrap_or_default();
        b.replace(&t, "TOKEN")
            .replace("nobody@example.com", "EMAIL")
            .replace(OWNER_EMAIL, "EMAIL")
    };
    let a = Client::new(&app);
    a.get("/login").await;
    let wrong = a
        .post(
            "/login",
            &[("email", OWNER_EMAIL), ("password", "wrong password!")],
        )
        .await;
    let b = Client::new(&app);
    b.get("/login").await;
    let unknown = b
        .post(
            "/login",
            &[
                ("email", "nobody@example.com"),
                ("password", "wrong password!"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(strip(&wrong.body), strip(&unknown.body));
    wrong.assert_contains("no son correctos");
}

#[actix_web::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    assert_eq!(
        app.with_conn(|conn| SessionRow::count_for_staff(conn, owner))
            .unwrap(),
        1
    );
    let p = c.post("/logout", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.with_conn(|conn| SessionRow::count_for_staff(conn, owner))
            .unwrap(),
        0
    );
    assert!(!c.is_signed_in().await);
}

#[actix_web::test]
async fn a_stolen_cookie_is_useless_after_sign_out() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::new(&app);
    c.get("/login").await;
    let p = c
        .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
        .await;
    let cookie = p
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    c.get("/").await;
    c.post("/logout", &[]).await;
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = replay
        .get(app.url("/"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "the old session id must not be accepted"
    );
}

#[actix_web::test]
async fn failed_sign_ins_are_throttled_but_the_real_user_still_gets_in() {
    let app = TestApp::spawn_with(|c| c.trust_proxy = true).await;
    app.create_owner();
    let attacker = Client::with_forwarded_ip(&app, "203.0.113.7");
    attacker.get("/login").await;
    for _ in 0..5 {
        let p = attacker
            .post(
                "/login",
                &[("email", OWNER_EMAIL), ("password", "guess guess guess")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    }
    // From the attacker's address even the right password is refused now…
    let p = attacker
        .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    p.assert_contains("Demasiados intentos");
    // …while the owner, elsewhere, signs in at once.
    let owner = Client::with_forwarded_ip(&app, "198.51.100.20");
    let p = owner.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    // After the lock time the attacker's address may try again.
    tokio::time::sleep(app.config.login_lock + Duration::from_millis(300)).await;
    let p = attacker
        .post("/login", &[("email", OWNER_EMAIL), ("password", PASSWORD)])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn unknown_accounts_are_throttled_exactly_like_real_ones() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::new(&app);
    c.get("/login").await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(
            c.post(
                "/login",
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
async fn a_password_change_ends_every_other_session_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let here = Client::signed_in(&app, OWNER_EMAIL).await;
    let elsewhere = Client::signed_in(&app, OWNER_EMAIL).await;
    here.get("/account").await;
    let new_password = "another long passphrase";
    let p = here
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("new_password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(
        here.is_signed_in().await,
        "the browser that changed the password stays signed in"
    );
    assert!(!elsewhere.is_signed_in().await, "other sessions end");
    let fresh = Client::new(&app);
    assert_eq!(
        fresh.sign_in(OWNER_EMAIL, PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.sign_in(OWNER_EMAIL, new_password).await.status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn a_wrong_current_password_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/account").await;
    let p = c
        .post(
            "/account/password",
            &[
                ("current_password", "not my password"),
                ("new_password", "another long passphrase"),
                ("new_password_confirm", "another long passphrase"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.assert_contains("La contraseña actual no es correcta");
    assert_eq!(
        Client::new(&app)
            .sign_in(OWNER_EMAIL, PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn disabling_an_account_signs_it_out_everywhere_and_keeps_it_out() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let manager = app.create_staff(owner, "manager@example.com", Role::Manager);
    let m = Client::signed_in(&app, "manager@example.com").await;
    let o = Client::signed_in(&app, OWNER_EMAIL).await;
    o.get("/staff").await;
    let p = o.post(&format!("/staff/{manager}/disable"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(!m.is_signed_in().await);
    assert_eq!(
        app.with_conn(|c| SessionRow::count_for_staff(c, manager))
            .unwrap(),
        0
    );
    assert_eq!(
        Client::new(&app)
            .sign_in("manager@example.com", PASSWORD)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn_with(|c| c.session_idle = Duration::from_secs(2)).await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    assert!(c.is_signed_in().await);
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert!(!c.is_signed_in().await);
}

#[actix_web::test]
async fn a_session_ends_after_its_absolute_lifetime_even_when_busy() {
    let app = TestApp::spawn_with(|c| c.session_absolute = Duration::from_secs(2)).await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    for _ in 0..2 {
        assert!(c.is_signed_in().await);
        tokio::time::sleep(Duration::from_millis(900)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!c.is_signed_in().await);
}

#[actix_web::test]
async fn password_hashes_are_argon2id_with_owasp_parameters_and_salted() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let other = app.create_staff(owner, "second@example.com", Role::Support);
    let a = app
        .with_conn(|c| StaffRow::find(c, owner))
        .unwrap()
        .unwrap();
    let b = app
        .with_conn(|c| StaffRow::find(c, other))
        .unwrap()
        .unwrap();
    assert!(
        a.password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        a.password_hash
    );
    assert_ne!(
        a.password_hash, b.password_hash,
        "same password, different salt"
    );
}
