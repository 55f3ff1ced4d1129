//! The authorization matrix: every route × method × identity.

use clientela::db::staff::StaffRow;
use clientela::domain::staff::Role;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Owner,
    Manager,
    Support,
}

/// What each identity gets: 200/303 = allowed, 403 = refused, LOGIN = sent to sign in.
const LOGIN: u16 = 1;

fn expected(route: &str, who: Who) -> u16 {
    let owner_only = route.contains("/staff") || route.contains("/settings");
    match who {
        Who::Anonymous => LOGIN,
        Who::Owner => 200,
        Who::Manager | Who::Support if owner_only => 403,
        Who::Manager | Who::Support => 200,
    }
}

#[actix_web::test]
async fn every_page_answers_each_identity_as_its_role_allows() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "manager@example.com", Role::Manager);
    app.create_staff(owner, "support@example.com", Role::Support);
    let clients = [
        (Who::Anonymous, Client::new(&app)),
        (Who::Owner, Client::signed_in(&app, OWNER_EMAIL).await),
        (
            Who::Manager,
            Client::signed_in(&app, "manager@example.com").await,
        ),
        (
            Who::Support,
            Client::signed_in(&app, "support@example.com").await,
        ),
    ];
    let pages = [
        "/",
        "/account",
        "/staff",
        "/staff/new",
        "/settings",
        "/customers",
        "/customers/overview",
        "/customers/new",
        "/customers/export.csv",
        "/orders",
    ];
    for (who, c) in &clients {
        for page in pages {
            let p = c.get(page).await;
            let want = expected(page, *who);
            if want == LOGIN {
                assert_eq!(p.status, StatusCode::SEE_OTHER, "{who:?} GET {page}");
                assert!(
                    p.location().unwrap().starts_with("/login"),
                    "{who:?} GET {page}"
                );
            } else {
                assert_eq!(p.status.as_u16(), want, "{who:?} GET {page}");
            }
        }
    }
}

#[actix_web::test]
async fn only_the_owner_can_change_staff_and_settings() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let manager = app.create_staff(owner, "manager@example.com", Role::Manager);
    let support = app.create_staff(owner, "support@example.com", Role::Support);
    for email in ["manager@example.com", "support@example.com"] {
        let c = Client::signed_in(&app, email).await;
        let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
            (
                "/staff".into(),
                vec![
                    ("name", "Eve"),
                    ("email", "eve@example.com"),
                    ("password", "long enough password"),
                    ("password_confirm", "long enough password"),
                    ("role", "owner"),
                ],
            ),
            (format!("/staff/{support}/role"), vec![("role", "owner")]),
            (format!("/staff/{manager}/role"), vec![("role", "owner")]),
            (format!("/staff/{owner}/disable"), vec![]),
            ("/settings".into(), vec![("default_language", "en")]),
        ];
        for (path, fields) in attempts {
            let p = c.post(&path, &fields).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{email} POST {path}");
        }
    }
    // Nothing changed.
    let roles: Vec<(String, String, bool)> = app
        .with_conn(StaffRow::all)
        .unwrap()
        .into_iter()
        .map(|s| (s.email, s.role, s.active))
        .collect();
    assert_eq!(roles.len(), 3);
    assert!(roles.iter().all(|(_, _, active)| *active));
    assert!(roles.contains(&("manager@example.com".into(), "manager".into(), true)));
    assert!(roles.contains(&("support@example.com".into(), "support".into(), true)));
    let lang = app
        .with_conn(clientela::domain::settings::default_lang)
        .unwrap();
    assert_eq!(lang, clientela::i18n::Lang::Es);
}

#[actix_web::test]
async fn an_anonymous_post_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::new(&app);
    let p = c
        .post(
            "/staff",
            &[
                ("name", "Eve"),
                ("email", "eve@example.com"),
                ("password", "long enough password"),
                ("password_confirm", "long enough password"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().unwrap().starts_with("/login"));
    assert_eq!(app.with_conn(StaffRow::count).unwrap(), 1);
}

#[actix_web::test]
async fn the_navigation_shows_only_what_the_role_may_open() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    let o = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = o.get("/").await;
    p.assert_contains("href=\"/staff\"");
    p.assert_contains("href=\"/settings\"");
    let s = Client::signed_in(&app, "support@example.com").await;
    let p = s.get("/").await;
    assert!(!p.body.contains("href=\"/staff\""));
    assert!(!p.body.contains("href=\"/settings\""));
}
