//! The owner's staff page.

use clientela::db::audit::AuditRow;
use clientela::db::staff::StaffRow;
use clientela::domain::staff::Role;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, PASSWORD, TestApp};

#[actix_web::test]
async fn the_owner_creates_a_staff_account_that_can_sign_in() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/staff/new").await;
    let p = c
        .post(
            "/staff",
            &[
                ("name", "Marta Support"),
                ("email", "marta@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("role", "support"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let list = c.get("/staff").await;
    list.assert_contains("Se ha creado la cuenta.");
    list.assert_contains("marta@example.com");
    let row = app
        .with_conn(|conn| StaffRow::find_by_email(conn, "marta@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(row.role, "support");
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "staff", row.id))
        .unwrap();
    assert_eq!(audit[0].action, "staff.create");
    assert!(
        audit[0]
            .after_state
            .as_deref()
            .unwrap()
            .contains("marta@example.com")
    );
    assert!(
        !audit[0].after_state.as_deref().unwrap().contains("argon2"),
        "no hash in the audit trail"
    );
    assert_eq!(
        Client::new(&app)
            .sign_in("marta@example.com", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn bad_staff_input_is_refused_with_inline_errors_and_nothing_is_created() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.post("/language", &[("lang", "pl"), ("back", "/staff/new")])
        .await;
    c.get("/staff/new").await;
    let long_name = "x".repeat(201);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![
                ("name", "Ewa"),
                ("email", "zły@adres"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("role", "support"),
            ],
            "Podaj poprawny adres e-mail",
        ),
        (
            vec![
                ("name", "Ewa"),
                ("email", OWNER_EMAIL),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("role", "support"),
            ],
            "już istnieje",
        ),
        (
            vec![
                ("name", &long_name),
                ("email", "ewa@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("role", "support"),
            ],
            "za długa",
        ),
        (
            vec![
                ("name", "Ewa"),
                ("email", "ewa@example.com"),
                ("password", PASSWORD),
                ("password_confirm", "something else entirely"),
                ("role", "support"),
            ],
            "nie są takie same",
        ),
        (
            vec![
                ("name", ""),
                ("email", "ewa@example.com"),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("role", ""),
            ],
            "wymagane",
        ),
    ];
    for (fields, message) in cases {
        let p = c.post("/staff", &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        p.assert_contains(message);
        p.assert_contains("aria-invalid=\"true\"");
        if fields[1].1 == "ewa@example.com" {
            p.assert_contains("value=\"ewa@example.com\"");
        }
        assert!(!p.body.contains(PASSWORD), "passwords are not echoed");
    }
    assert_eq!(app.with_conn(StaffRow::count).unwrap(), 1);
}

#[actix_web::test]
async fn the_owner_changes_a_role_and_it_is_audited() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let support = app.create_staff(owner, "s@example.com", Role::Support);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/staff").await;
    assert_eq!(
        c.post(&format!("/staff/{support}/role"), &[("role", "manager")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    c.get("/staff")
        .await
        .assert_contains("Se ha cambiado el rol.");
    assert_eq!(
        app.with_conn(|conn| StaffRow::find(conn, support))
            .unwrap()
            .unwrap()
            .role,
        "manager"
    );
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "staff", support))
        .unwrap();
    assert_eq!(audit[0].action, "staff.role");
    assert!(
        audit[0]
            .before_state
            .as_deref()
            .unwrap()
            .contains("support")
    );
    assert!(audit[0].after_state.as_deref().unwrap().contains("manager"));
    assert_eq!(audit[0].actor_staff_id, Some(owner));
}

#[actix_web::test]
async fn the_last_active_owner_can_be_neither_demoted_nor_disabled() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/staff").await;
    c.post(&format!("/staff/{owner}/role"), &[("role", "support")])
        .await;
    c.get("/staff")
        .await
        .assert_contains("al menos un propietario activo");
    c.post(&format!("/staff/{owner}/disable"), &[]).await;
    let row = app
        .with_conn(|conn| StaffRow::find(conn, owner))
        .unwrap()
        .unwrap();
    assert_eq!(row.role, "owner");
    assert!(row.active);
    // With a second owner, the first may step down.
    let second = app.create_staff(owner, "second@example.com", Role::Owner);
    c.get("/staff").await;
    c.post(&format!("/staff/{owner}/role"), &[("role", "manager")])
        .await;
    assert_eq!(
        app.with_conn(|conn| StaffRow::find(conn, owner))
            .unwrap()
            .unwrap()
            .role,
        "manager"
    );
    assert_eq!(
        c.get("/staff").await.status,
        StatusCode::FORBIDDEN,
        "a manager no longer sees staff"
    );
    let _ = second;
}

#[actix_web::test]
async fn a_disabled_account_can_be_enabled_again() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let support = app.create_staff(owner, "s@example.com", Role::Support);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/staff").await;
    c.post(&format!("/staff/{support}/disable"), &[]).await;
    c.get("/staff").await.assert_contains("Desactivada");
    c.post(&format!("/staff/{support}/enable"), &[]).await;
    assert!(
        app.with_conn(|conn| StaffRow::find(conn, support))
            .unwrap()
            .unwrap()
            .active
    );
    assert_eq!(
        Client::new(&app)
            .sign_in("s@example.com", PASSWORD)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn names_with_markup_are_shown_escaped() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/staff/new").await;
    let xss = "<script>alert(1)</script>";
    c.post(
        "/staff",
        &[
            ("name", xss),
            ("email", "x@example.com"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("role", "support"),
        ],
    )
    .await;
    let p = c.get("/staff").await;
    assert!(!p.body.contains(xss));
    p.assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;");
    let _ = owner;
}
