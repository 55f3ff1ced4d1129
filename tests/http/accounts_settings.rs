//! "Cuentas de clientes" over HTTP (seed 003): the storefront's login mode, Disabled until the
//! merchant chooses Optional or Required; saving it, bad input, who may change it, and the
//! page in Polish and English.

use clientela::db::audit::AuditRow;
use clientela::domain::staff::Role;
use clientela::domain::storefront::{self, LoginMode};
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};

const PATH: &str = "/customers/accounts";

#[track_caller]
fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}:\n{}", page.body);
}

/// The codes of the mode radios, in page order, and the one that is checked.
fn radios(page: &Page) -> (Vec<String>, Option<String>) {
    let doc = Html::parse_document(&page.body);
    let sel = Selector::parse("input[type=radio][name=mode]").unwrap();
    let mut codes = Vec::new();
    let mut checked = None;
    for input in doc.select(&sel) {
        let value = input.value().attr("value").unwrap_or("").to_owned();
        if input.value().attr("checked").is_some() {
            assert!(checked.is_none(), "two modes checked:\n{}", page.body);
            checked = Some(value.clone());
        }
        codes.push(value);
    }
    (codes, checked)
}

fn checked(page: &Page) -> Option<String> {
    radios(page).1
}

fn mode(app: &TestApp) -> LoginMode {
    app.with_conn(storefront::login_mode).unwrap()
}

fn audit(app: &TestApp) -> Vec<AuditRow> {
    use clientela::db::schema::audit_log;
    use diesel::prelude::*;
    app.with_conn(|c| {
        audit_log::table
            .filter(audit_log::action.eq("settings.storefront_login"))
            .order(audit_log::id.asc())
            .select(AuditRow::as_select())
            .load(c)
    })
    .unwrap()
}

fn before_after(row: &AuditRow) -> (Option<&str>, Option<&str>) {
    (row.before_state.as_deref(), row.after_state.as_deref())
}

#[actix_web::test]
async fn the_page_offers_the_three_modes_with_their_explanations_and_disabled_checked_by_default() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // Reached from the customer list and from the store settings.
    c.get("/customers")
        .await
        .assert_contains("href=\"/customers/accounts\"");
    c.get("/settings")
        .await
        .assert_contains("href=\"/customers/accounts\"");

    let p = c.get(PATH).await;
    assert_status(&p, StatusCode::OK, "accounts page");
    p.assert_contains("<title>Cuentas de clientes");
    p.assert_contains("<h1>Cuentas de clientes</h1>");
    let (codes, on) = radios(&p);
    assert_eq!(codes, ["disabled", "optional", "required"]);
    assert_eq!(on.as_deref(), Some("disabled"));
    for text in [
        "Deshabilitado",
        "no verán la opción de iniciar sesión ni de crear una cuenta",
        "todos compran como visitantes",
        "Opcional",
        "crear una cuenta e iniciar sesión o comprar como visitantes",
        "se les ofrece crear una cuenta",
        "Requerido",
        "Solo pueden comprar los clientes que ya tienen una cuenta",
        "El catálogo sigue a la vista de todos",
        "al pagar se pide iniciar sesión",
        "Las cuentas de clientes están desactivadas por defecto.",
        ">Guardar</button>",
    ] {
        p.assert_contains(text);
    }
    assert!(
        !p.body.contains("data-read-only"),
        "the owner may change it"
    );
    assert_eq!(mode(&app), LoginMode::Disabled);
    assert!(audit(&app).is_empty(), "reading changes nothing");
}

#[actix_web::test]
async fn the_owner_saves_optional_and_sees_it_checked_after_the_redirect_with_an_audit_entry() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(PATH).await;

    let p = c.post(PATH, &[("mode", "optional")]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "save optional");
    assert_eq!(p.location(), Some(PATH));
    let p = c.get(PATH).await;
    assert_status(&p, StatusCode::OK, "after the redirect");
    p.assert_contains("Ajuste de cuentas de clientes guardado.");
    assert_eq!(checked(&p).as_deref(), Some("optional"));
    assert_eq!(mode(&app), LoginMode::Optional);
    let entries = audit(&app);
    assert_eq!(entries.len(), 1);
    let e = &entries[0];
    assert_eq!(e.actor_staff_id, Some(owner));
    assert_eq!((e.entity.as_str(), e.entity_id), ("settings", None));
    assert_eq!(before_after(e), (Some("disabled"), Some("optional")));

    // The flash is shown once.
    let again = c.get(PATH).await;
    assert!(
        !again
            .body
            .contains("Ajuste de cuentas de clientes guardado.")
    );

    // Saving the mode in force says saved and leaves no second entry.
    let p = c.post(PATH, &[("mode", "optional")]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "save optional again");
    c.get(PATH)
        .await
        .assert_contains("Ajuste de cuentas de clientes guardado.");
    assert_eq!(audit(&app).len(), 1);

    // Required, then back to Disabled: each change audited with its before and after.
    c.post(PATH, &[("mode", "required")]).await;
    assert_eq!(checked(&c.get(PATH).await).as_deref(), Some("required"));
    assert_eq!(mode(&app), LoginMode::Required);
    c.post(PATH, &[("mode", "disabled")]).await;
    assert_eq!(checked(&c.get(PATH).await).as_deref(), Some("disabled"));
    assert_eq!(mode(&app), LoginMode::Disabled);
    let changes: Vec<_> = audit(&app)
        .iter()
        .map(|e| {
            let (b, a) = before_after(e);
            (b.map(str::to_owned), a.map(str::to_owned))
        })
        .collect();
    assert_eq!(
        changes,
        [
            (Some("disabled".into()), Some("optional".into())),
            (Some("optional".into()), Some("required".into())),
            (Some("required".into()), Some("disabled".into())),
        ]
    );
}

#[actix_web::test]
async fn an_unknown_or_missing_mode_is_refused_with_a_translated_message_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.with_conn(|c| storefront::set_login_mode(c, owner, LoginMode::Optional))
        .unwrap();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(PATH).await;

    for fields in [
        vec![("mode", "sometimes")],
        vec![("mode", "")],
        vec![("mode", "Required")],
        vec![],
    ] {
        let p = c.post(PATH, &fields).await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &format!("{fields:?}"));
        p.assert_contains("Elige una de las tres opciones: Deshabilitado, Opcional o Requerido.");
        p.assert_contains("Revisa los campos marcados.");
        // The form shows what is still in force.
        assert_eq!(checked(&p).as_deref(), Some("optional"), "{fields:?}");
        assert_eq!(mode(&app), LoginMode::Optional);
    }
    assert_eq!(audit(&app).len(), 1, "only the change made before");
    assert!(
        !c.get(PATH)
            .await
            .body
            .contains("Ajuste de cuentas de clientes guardado."),
        "no success flash after a refusal"
    );
}

#[actix_web::test]
async fn support_and_a_manager_see_the_setting_read_only_and_cannot_change_it() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);

    for email in ["support@example.com", "manager@example.com"] {
        let c = Client::signed_in(&app, email).await;
        let p = c.get(PATH).await;
        assert_status(&p, StatusCode::OK, email);
        p.assert_contains("data-read-only");
        p.assert_contains("Solo el propietario de la tienda puede cambiar este ajuste.");
        p.assert_contains("<fieldset class=\"choices\" disabled>");
        assert_eq!(checked(&p).as_deref(), Some("disabled"), "{email}");
        assert!(
            !p.body.contains(">Guardar</button>"),
            "{email}: no save button"
        );

        for code in ["optional", "required", "nonsense"] {
            let p = c.post(PATH, &[("mode", code)]).await;
            assert_status(&p, StatusCode::FORBIDDEN, &format!("{email} posts {code}"));
        }
    }
    assert_eq!(mode(&app), LoginMode::Disabled);
    assert!(audit(&app).is_empty());

    // Signed out: sent to sign in, nothing changed either.
    let anon = Client::new(&app);
    let p = anon.get(PATH).await;
    assert_status(&p, StatusCode::SEE_OTHER, "signed out");
    assert!(p.location().is_some_and(|l| l.starts_with("/login")));
    let p = anon.post(PATH, &[("mode", "required")]).await;
    assert!(
        p.status == StatusCode::FORBIDDEN || p.location().is_some_and(|l| l.starts_with("/login")),
        "signed-out post: {}",
        p.status
    );
    assert_eq!(mode(&app), LoginMode::Disabled);
}

#[actix_web::test]
async fn the_page_reads_in_polish_and_in_english() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    c.post("/language", &[("lang", "pl"), ("back", PATH)]).await;
    let p = c.get(PATH).await;
    assert_status(&p, StatusCode::OK, "pl");
    p.assert_contains("<html lang=\"pl\">");
    for text in [
        "<h1>Konta klientów</h1>",
        "Wyłączone",
        "wszyscy kupują jako goście",
        "Opcjonalne",
        "propozycję założenia konta",
        "Wymagane",
        "Katalog pozostaje widoczny",
        "Konta klientów są domyślnie wyłączone.",
        ">Zapisz</button>",
    ] {
        p.assert_contains(text);
    }
    let p = c.post(PATH, &[("mode", "xx")]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "pl refusal");
    p.assert_contains("Wybierz jedną z trzech opcji: Wyłączone, Opcjonalne lub Wymagane.");
    c.post(PATH, &[("mode", "required")]).await;
    c.get(PATH)
        .await
        .assert_contains("Zapisano ustawienie kont klientów.");

    c.post("/language", &[("lang", "en"), ("back", PATH)]).await;
    let p = c.get(PATH).await;
    p.assert_contains("<html lang=\"en\">");
    for text in [
        "<h1>Customer accounts</h1>",
        "Disabled",
        "everyone checks out as a guest",
        "Optional",
        "they are offered an account",
        "Required",
        "The catalogue stays visible to everyone; checkout asks them to sign in.",
        ">Save</button>",
    ] {
        p.assert_contains(text);
    }
    assert_eq!(checked(&p).as_deref(), Some("required"));
    let p = c.post(PATH, &[("mode", "xx")]).await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "en refusal");
    p.assert_contains("Choose one of the three options: Disabled, Optional or Required.");
    c.post(PATH, &[("mode", "optional")]).await;
    c.get(PATH)
        .await
        .assert_contains("Customer account setting saved.");
    assert_eq!(mode(&app), LoginMode::Optional);
}
