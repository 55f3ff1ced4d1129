//! Security headers, CSRF, cookies and error pages.

use clientela::db::staff::StaffRow;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};

fn assert_security_headers(path: &str, h: &reqwest::header::HeaderMap) {
    let csp = h
        .get("content-security-policy")
        .unwrap_or_else(|| panic!("CSP on {path}"))
        .to_str()
        .unwrap();
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            csp.contains(directive),
            "{path}: CSP lacks {directive}: {csp}"
        );
    }
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert_eq!(
        h.get("x-content-type-options").unwrap(),
        "nosniff",
        "{path}"
    );
    assert!(h.get("referrer-policy").is_some(), "{path}");
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let anon = Client::new(&app);
    for path in [
        "/login",
        "/",
        "/no-such-page",
        "/static/css/app.css",
        "/healthz",
        "/readyz",
    ] {
        let p = anon.get(path).await;
        assert_security_headers(path, &p.headers);
    }
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    for path in ["/", "/staff", "/staff/new", "/settings", "/account"] {
        let p = c.get(path).await;
        assert_eq!(p.status, StatusCode::OK, "{path}");
        assert_security_headers(path, &p.headers);
        assert_eq!(
            p.headers.get("cache-control").unwrap(),
            "no-store",
            "{path}"
        );
    }
}

#[actix_web::test]
async fn pages_have_no_inline_script_or_style() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    for path in [
        "/",
        "/staff",
        "/staff/new",
        "/settings",
        "/account",
        "/nope",
    ] {
        let body = c.get(path).await.body;
        assert!(!body.contains("<script>"), "{path}");
        assert!(!body.contains("style=\""), "{path}");
        assert!(!body.contains(" onclick="), "{path}");
    }
}

#[actix_web::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let fields = [
        ("name", "Eve"),
        ("email", "eve@example.com"),
        ("password", "long enough password"),
        ("password_confirm", "long enough password"),
        ("role", "support"),
    ];
    let p = c.post_raw("/staff", &fields).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.assert_contains("No tienes acceso");
    let mut wrong = fields.to_vec();
    wrong.push(("csrf_token", "forged-token"));
    assert_eq!(
        c.post_raw("/staff", &wrong).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.with_conn(StaffRow::count).unwrap(), 1);
    // The same form with the token works: the refusal was the token's doing.
    assert_eq!(
        c.post("/staff", &fields).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.with_conn(StaffRow::count).unwrap(), 2);
}

#[actix_web::test]
async fn a_cross_site_request_is_refused_even_with_the_token() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let token = c.csrf().await;
    let form = [("default_language", "en"), ("csrf_token", token.as_str())];
    let from_evil = c
        .http
        .post(app.url("/settings"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(from_evil.status(), StatusCode::FORBIDDEN);
    let cross_site = c
        .http
        .post(app.url("/settings"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.with_conn(clientela::domain::settings::default_lang)
            .unwrap(),
        clientela::i18n::Lang::Es
    );
    let same_origin = c
        .http
        .post(app.url("/settings"))
        .header("origin", app.address.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::SEE_OTHER);
}

#[actix_web::test]
async fn no_get_request_changes_state() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let manager = app.create_staff(
        owner,
        "m@example.com",
        clientela::domain::staff::Role::Manager,
    );
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    for path in [
        "/logout".to_owned(),
        format!("/staff/{manager}/disable"),
        format!("/staff/{manager}/role?role=owner"),
        "/language?lang=en".into(),
    ] {
        let p = c.get(&path).await;
        assert_eq!(
            p.status,
            StatusCode::NOT_FOUND,
            "GET {path} must not be a route"
        );
    }
    assert!(c.is_signed_in().await);
    let m = app
        .with_conn(|conn| StaffRow::find(conn, manager))
        .unwrap()
        .unwrap();
    assert!(m.active);
    assert_eq!(m.role, "manager");
}

#[actix_web::test]
async fn the_session_cookie_is_http_only_same_site_and_host_bound() {
    let app = TestApp::spawn().await;
    let p = Client::new(&app).get("/login").await;
    let cookie = p
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("clientela="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.to_lowercase().contains("domain="), "{cookie}");
    assert!(
        !cookie.contains("Max-Age") && !cookie.contains("Expires"),
        "a browser-session cookie: {cookie}"
    );
}

#[actix_web::test]
async fn behind_tls_the_cookie_is_secure_and_host_prefixed() {
    let app = TestApp::spawn_with(|c| c.secure_cookies = true).await;
    let p = Client::new(&app).get("/login").await;
    let cookie = p
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-clientela="), "{cookie}");
    assert!(cookie.contains("Secure"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.to_lowercase().contains("domain="), "{cookie}");
}

#[actix_web::test]
async fn error_pages_are_translated_and_show_no_internals() {
    let app = TestApp::spawn().await;
    for (lang, title) in [
        ("es", "Página no encontrada"),
        ("pl", "Nie znaleziono strony"),
        ("en", "Page not found"),
    ] {
        let p = Client::with_language(&app, lang).get("/no/such/page").await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        p.assert_contains(title);
        p.assert_contains(&format!("<html lang=\"{lang}\">"));
    }
    let p = Client::with_language(&app, "pl")
        .post_raw("/login", &[("email", "x")])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    p.assert_contains("Nie masz dostępu");
    for bad in ["diesel", "panicked", "src/", "backtrace", "SQL"] {
        assert!(!p.body.contains(bad), "{bad}");
    }
}

#[actix_web::test]
async fn bad_requests_get_a_translated_page_and_change_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.post("/language", &[("lang", "en"), ("back", "/")]).await;
    let p = c
        .post(&format!("/staff/{owner}/role"), &[("role", "emperor")])
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    p.assert_contains("This request could not be understood");
    let p = c
        .post("/staff/not-a-number/role", &[("role", "owner")])
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    p.assert_contains("Page not found");
    let p = c
        .post("/settings", &[("default_language", "klingon")])
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    let me = app
        .with_conn(|conn| StaffRow::find(conn, owner))
        .unwrap()
        .unwrap();
    assert_eq!(me.role, "owner");
    let _ = PASSWORD;
}

#[actix_web::test]
async fn a_server_error_shows_a_translated_page_without_internals() {
    let app = TestApp::spawn().await;
    // Break the database behind the application's back: the sign-in page needs the settings
    // table to choose its language.
    app.with_conn(|c| diesel::RunQueryDsl::execute(diesel::sql_query("DROP TABLE settings"), c))
        .unwrap();
    for (lang, title) in [("pl", "Coś poszło nie tak"), ("en", "Something went wrong")] {
        let p = Client::with_language(&app, lang).get("/login").await;
        assert_eq!(p.status, StatusCode::INTERNAL_SERVER_ERROR);
        p.assert_contains(title);
        for internal in [
            "settings",
            "no such table",
            "does not exist",
            "diesel",
            "DatabaseError",
        ] {
            assert!(!p.body.contains(internal), "{internal} leaked:\n{}", p.body);
        }
    }
}
