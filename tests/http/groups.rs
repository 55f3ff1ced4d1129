//! Customer groups ("Grupos de clientes") over HTTP: creating, renaming and deleting groups,
//! group prices, putting customers into groups one at a time and in bulk, personal
//! discounts, the one pricing rule (against the domain function and on the customer card),
//! bad input, and the roles that may change any of it.

use clientela::db::audit::AuditRow;
use clientela::db::customers::{CustomerRow, TagRow};
use clientela::db::groups::{self as gq, GroupRow};
use clientela::domain::customers;
use clientela::domain::groups::{self, Selection};
use clientela::domain::pricing::{self, GroupTerms, PersonalDiscount};
use clientela::domain::staff::Role;
use clientela::domain::types::Percent;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};
use crate::loyalty::product;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

#[track_caller]
fn assert_status(page: &Page, status: StatusCode, what: &str) {
    assert_eq!(page.status, status, "{what}:\n{}", page.body);
}

fn all_groups(app: &TestApp) -> Vec<GroupRow> {
    app.with_conn(GroupRow::all).unwrap()
}

fn group_named(app: &TestApp, name: &str) -> Option<GroupRow> {
    all_groups(app).into_iter().find(|g| g.name == name)
}

fn find_group(app: &TestApp, id: i64) -> Option<GroupRow> {
    app.with_conn(|c| GroupRow::find(c, id)).unwrap()
}

fn row(app: &TestApp, id: i64) -> CustomerRow {
    app.with_conn(|c| CustomerRow::find(c, id))
        .unwrap()
        .unwrap()
}

fn group_of(app: &TestApp, customer_id: i64) -> Option<i64> {
    row(app, customer_id).group_id
}

fn prices(app: &TestApp, group_id: i64) -> Vec<(i64, i64)> {
    let mut p = app.with_conn(|c| gq::prices(c, group_id)).unwrap();
    p.sort_unstable();
    p
}

/// The actions of the audit entries about `entity` `id`, oldest first.
fn audit_actions(app: &TestApp, entity: &str, id: i64) -> Vec<String> {
    let mut rows = app
        .with_conn(|c| AuditRow::for_entity(c, entity, id))
        .unwrap();
    rows.reverse();
    rows.into_iter().map(|a| a.action).collect()
}

/// Every audit entry with this action (whatever entity it is about).
fn audit_with_action(app: &TestApp, action: &str) -> Vec<AuditRow> {
    use clientela::db::schema::audit_log;
    use diesel::prelude::*;
    app.with_conn(|c| {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .order(audit_log::id.asc())
            .select(AuditRow::as_select())
            .load(c)
    })
    .unwrap()
}

/// Creates a group through "Nuevo grupo" and returns its id.
async fn create_group(app: &TestApp, c: &Client, name: &str, discount: &str) -> i64 {
    c.get("/customers/groups/new").await;
    let p = c
        .post(
            "/customers/groups",
            &[("name", name), ("discount", discount)],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "create group");
    assert_eq!(p.location(), Some("/customers/groups"));
    group_named(app, name).expect("the group exists").id
}

/// Saves a customer through the edit form, with the pricing fields given.
async fn edit_customer(
    app: &TestApp,
    c: &Client,
    id: i64,
    name: &str,
    group: &str,
    kind: &str,
    value: &str,
) -> Page {
    let version = row(app, id).version.to_string();
    c.get(&format!("/customers/{id}/edit")).await;
    c.post(
        &format!("/customers/{id}"),
        &[
            ("full_name", name),
            ("email", ""),
            ("language", "es"),
            ("version", version.as_str()),
            ("group", group),
            ("discount_kind", kind),
            ("discount_value", value),
        ],
    )
    .await
}

/// The hidden fields of the form posting to `action` (without the CSRF token, which the
/// client adds): what the browser would send back.
fn hidden_fields(page: &Page, action: &str) -> Vec<(String, String)> {
    let doc = Html::parse_document(&page.body);
    let form = doc
        .select(&sel(&format!("form[action=\"{action}\"]")))
        .next()
        .unwrap_or_else(|| panic!("no form posting to {action}:\n{}", page.body));
    form.select(&sel("input[type=hidden]"))
        .filter_map(|i| {
            let name = i.value().attr("name")?;
            (name != "csrf_token").then(|| {
                (
                    name.to_owned(),
                    i.value().attr("value").unwrap_or("").to_owned(),
                )
            })
        })
        .collect()
}

async fn post_owned(c: &Client, path: &str, fields: &[(String, String)]) -> Page {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &f).await
}

#[track_caller]
fn data_attr(page: &Page, attr: &str) -> String {
    let doc = Html::parse_document(&page.body);
    doc.select(&sel(&format!("[{attr}]")))
        .next()
        .unwrap_or_else(|| panic!("no [{attr}] on the page:\n{}", page.body))
        .value()
        .attr(attr)
        .unwrap()
        .to_owned()
}

/// The count a bulk confirmation page shows (`data-bulk-count`).
#[track_caller]
fn bulk_count(page: &Page) -> i64 {
    data_attr(page, "data-bulk-count").parse().unwrap()
}

/// What the customer card says the customer pays for one unit (`data-customer-price`).
#[track_caller]
fn card_price(page: &Page) -> i64 {
    data_attr(page, "data-customer-price").parse().unwrap()
}

fn tag(app: &TestApp, actor: i64, customer_id: i64, name: &str) -> i64 {
    app.with_conn(|c| customers::add_tag(c, actor, customer_id, name))
        .unwrap();
    app.with_conn(|c| TagRow::find_by_key(c, &name.to_lowercase()))
        .unwrap()
        .unwrap()
        .id
}

// ---------------------------------------------------------------------------------------
// Groups: create, rename, delete
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn a_group_is_created_renamed_and_deleted_leaving_its_customers_ungrouped_with_audit() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;

    // The empty list offers "Nuevo grupo".
    let list = c.get("/customers/groups").await;
    assert_status(&list, StatusCode::OK, "groups list");
    list.assert_contains("Grupos de clientes");
    list.assert_contains("data-groups-empty");
    list.assert_contains("href=\"/customers/groups/new\"");
    c.get("/customers/groups/new")
        .await
        .assert_contains("Nuevo grupo");

    // Create: redirect, flash, listed with its discount.
    let id = create_group(&app, &c, "Mayoristas", "12,5").await;
    let g = find_group(&app, id).unwrap();
    assert_eq!(g.name_key, "mayoristas");
    assert_eq!(g.discount_bp, 1250);
    let list = c.get("/customers/groups").await;
    list.assert_contains("Grupo creado.");
    list.assert_contains("data-group=\"Mayoristas\"");
    list.assert_contains("12,5\u{a0}%");
    list.assert_contains(&format!("href=\"/customers/groups/{id}/edit\""));

    // Rename through "Editar": the form shows what is saved.
    let edit = c.get(&format!("/customers/groups/{id}/edit")).await;
    assert_status(&edit, StatusCode::OK, "edit form");
    edit.assert_contains("value=\"Mayoristas\"");
    edit.assert_contains("value=\"12,50\"");
    let p = c
        .post(
            &format!("/customers/groups/{id}"),
            &[("name", "Mayoristas VIP"), ("discount", "10")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "rename");
    assert_eq!(p.location(), Some("/customers/groups"));
    let list = c.get("/customers/groups").await;
    list.assert_contains("Grupo guardado.");
    list.assert_contains("data-group=\"Mayoristas VIP\"");
    assert!(!list.body.contains("data-group=\"Mayoristas\""));
    let g = find_group(&app, id).unwrap();
    assert_eq!(
        (g.name.as_str(), g.name_key.as_str(), g.discount_bp),
        ("Mayoristas VIP", "mayoristas vip", 1000)
    );

    // Two customers in it, one in another group, one in none; and a group price.
    let other = create_group(&app, &c, "Minoristas", "").await;
    let a = customer(&app, "Ana Ruiz", "ana@example.es", false);
    let b = customer(&app, "Bruno Gil", "bruno@example.es", false);
    let m = customer(&app, "Marta Sanz", "marta@example.es", false);
    let n = customer(&app, "Nadie Pérez", "nadie@example.es", false);
    app.with_conn(|conn| groups::assign(conn, owner, &Selection::Ids(vec![a, b]), Some(id)))
        .unwrap();
    app.with_conn(|conn| groups::assign(conn, owner, &Selection::Ids(vec![m]), Some(other)))
        .unwrap();
    let mug = product(&app, "MUG-1", "Taza", 1000);
    let p = c
        .post(
            &format!("/customers/groups/{id}/prices"),
            &[(format!("price-{mug}").as_str(), "8,50")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "prices");
    assert_eq!(prices(&app, id), vec![(mug, 850)]);
    c.get("/customers/groups")
        .await
        .assert_contains("data-members=\"2\"");

    // Delete: the confirmation says how many customers will be left without a group.
    let confirm = c.get(&format!("/customers/groups/{id}/delete")).await;
    assert_status(&confirm, StatusCode::OK, "delete confirmation");
    confirm.assert_contains("¿Borrar el grupo «Mayoristas VIP»?");
    confirm.assert_contains("data-members=\"2\"");
    confirm.assert_contains("El grupo tiene 2 clientes: quedarán sin grupo.");
    confirm.assert_contains("Los precios propios del grupo se eliminan.");
    let before_a = row(&app, a).version;
    let p = c.post(&format!("/customers/groups/{id}/delete"), &[]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "delete");
    assert_eq!(p.location(), Some("/customers/groups"));
    c.get("/customers/groups")
        .await
        .assert_contains("Grupo borrado; sus clientes han quedado sin grupo.");
    assert!(find_group(&app, id).is_none());
    assert_eq!(group_of(&app, a), None);
    assert_eq!(group_of(&app, b), None);
    assert_eq!(group_of(&app, m), Some(other), "other groups are untouched");
    assert_eq!(group_of(&app, n), None);
    assert!(
        row(&app, a).version > before_a,
        "an open edit form goes stale"
    );
    assert!(
        prices(&app, id).is_empty(),
        "the group's prices went with it"
    );
    assert_eq!(
        c.get(&format!("/customers/groups/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );

    // The audit trail of the group.
    assert_eq!(
        audit_actions(&app, "group", id),
        vec![
            "group.create",
            "group.update",
            "group.assign",
            "group.price",
            "group.delete"
        ]
    );
    let entries = app
        .with_conn(|conn| AuditRow::for_entity(conn, "group", id))
        .unwrap();
    let deleted = &entries[0];
    assert_eq!(deleted.actor_staff_id, Some(owner));
    assert!(
        deleted
            .before_state
            .as_deref()
            .unwrap()
            .contains("Mayoristas VIP")
    );
    assert_eq!(deleted.after_state.as_deref(), Some("2"));
    let updated = entries.iter().find(|e| e.action == "group.update").unwrap();
    assert!(updated.before_state.as_deref().unwrap().contains("1250"));
    assert!(updated.after_state.as_deref().unwrap().contains("1000"));

    // A deleted group can be deleted no more.
    assert_eq!(
        c.post(&format!("/customers/groups/{id}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn deleting_an_empty_group_says_it_has_no_customers() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let id = create_group(&app, &c, "Vacío", "").await;
    let confirm = c.get(&format!("/customers/groups/{id}/delete")).await;
    confirm.assert_contains("data-members=\"0\"");
    confirm.assert_contains("El grupo no tiene clientes.");
    let p = c.post(&format!("/customers/groups/{id}/delete"), &[]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "delete");
    assert!(all_groups(&app).is_empty());
}

// ---------------------------------------------------------------------------------------
// Assignment: one customer, ticked rows, a whole view
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn the_customer_form_puts_a_customer_into_a_group_moves_it_and_takes_it_out() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let wholesale = create_group(&app, &c, "Mayoristas", "").await;
    let retail = create_group(&app, &c, "Minoristas", "").await;
    let ws = wholesale.to_string();
    let rt = retail.to_string();

    // "Nuevo cliente" with a group.
    let form = c.get("/customers/new").await;
    form.assert_contains("Grupo de clientes");
    form.assert_contains(&format!(
        "<option value=\"{wholesale}\">Mayoristas</option>"
    ));
    let p = c
        .post(
            "/customers",
            &[
                ("full_name", "Lucía Fernández"),
                ("email", "lucia@example.es"),
                ("language", "es"),
                ("group", ws.as_str()),
                ("discount_kind", "percent"),
                ("discount_value", "5"),
            ],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "create customer");
    let id: i64 = p.created_id();
    let r = row(&app, id);
    assert_eq!(r.group_id, Some(wholesale));
    assert_eq!(
        (r.discount_kind.as_deref(), r.discount_value),
        (Some("percent"), 500)
    );
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("data-group=\"Mayoristas\"");
    card.assert_contains("5\u{a0}%");

    // The edit form shows the saved group and discount.
    let edit = c.get(&format!("/customers/{id}/edit")).await;
    edit.assert_contains(&format!(
        "<option value=\"{wholesale}\" selected>Mayoristas</option>"
    ));
    edit.assert_contains("value=\"percent\" checked");
    edit.assert_contains("value=\"5,00\"");

    // Moved to another group, with an amount off each unit.
    let p = edit_customer(&app, &c, id, "Lucía Fernández", &rt, "amount", "2,50").await;
    assert_status(&p, StatusCode::SEE_OTHER, "move");
    let r = row(&app, id);
    assert_eq!(r.group_id, Some(retail));
    assert_eq!(
        (r.discount_kind.as_deref(), r.discount_value),
        (Some("amount"), 250)
    );
    c.get(&format!("/customers/{id}"))
        .await
        .assert_contains("2,50\u{a0}€ menos por unidad");

    // Out of any group, no personal discount.
    let p = edit_customer(&app, &c, id, "Lucía Fernández", "", "", "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "ungroup");
    let r = row(&app, id);
    assert_eq!(r.group_id, None);
    assert_eq!((r.discount_kind, r.discount_value), (None, 0));
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("data-group=\"\"");
    card.assert_contains("Sin grupo");
    card.assert_contains("<dd data-personal-discount>Ninguno</dd>");

    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "customer", id))
        .unwrap();
    assert!(
        audit[1]
            .after_state
            .as_deref()
            .unwrap()
            .contains(&format!("\"group_id\":{retail}")),
        "the customer's audit entry records the group: {:?}",
        audit[1].after_state
    );
}

#[actix_web::test]
async fn ticked_customers_are_put_into_a_group_after_a_confirmation_with_their_count() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &c, "Mayoristas", "").await;
    let a = customer(&app, "Ana Ruiz", "ana@example.es", false);
    let b = customer(&app, "Bruno Gil", "bruno@example.es", false);
    let other = customer(&app, "Carla Mora", "carla@example.es", false);

    // The list offers the bulk form with a checkbox per row.
    let list = c.get("/customers").await;
    list.assert_contains("id=\"bulk-form\"");
    list.assert_contains(&format!("name=\"ids\" value=\"{a}\" form=\"bulk-form\""));

    let (a_s, b_s, g_s) = (a.to_string(), b.to_string(), g.to_string());
    let confirm = c
        .post(
            "/customers/bulk/group",
            &[
                ("ids", a_s.as_str()),
                ("ids", b_s.as_str()),
                ("group", g_s.as_str()),
                ("criteria", ""),
            ],
        )
        .await;
    assert_status(&confirm, StatusCode::OK, "confirmation");
    assert_eq!(bulk_count(&confirm), 2);
    confirm.assert_contains("¿Poner 2 clientes en el grupo «Mayoristas»?");
    assert_eq!(group_of(&app, a), None, "nothing changes before confirming");

    // A confirmation with a count that is not the count is refused (409), nothing changes.
    let mut wrong = hidden_fields(&confirm, "/customers/bulk/group");
    for f in &mut wrong {
        if f.0 == "confirmed_count" {
            f.1 = "3".into();
        }
    }
    let p = post_owned(&c, "/customers/bulk/group", &wrong).await;
    assert_status(&p, StatusCode::CONFLICT, "wrong count");
    p.assert_contains("El número de clientes ha cambiado");
    assert_eq!(bulk_count(&p), 2);
    assert_eq!((group_of(&app, a), group_of(&app, b)), (None, None));

    // Confirming sends back what the page holds.
    let fields = hidden_fields(&confirm, "/customers/bulk/group");
    assert!(fields.contains(&("confirmed_count".into(), "2".into())));
    let p = post_owned(&c, "/customers/bulk/group", &fields).await;
    assert_status(&p, StatusCode::SEE_OTHER, "apply");
    assert_eq!(p.location(), Some("/customers"));
    c.get("/customers").await.assert_contains("Grupo asignado.");
    assert_eq!(group_of(&app, a), Some(g));
    assert_eq!(group_of(&app, b), Some(g));
    assert_eq!(group_of(&app, other), None);
    let assigned = audit_with_action(&app, "group.assign");
    assert_eq!(assigned.len(), 1);
    assert_eq!(assigned[0].entity_id, Some(g));
    assert_eq!(assigned[0].after_state.as_deref(), Some("2"));

    // group="" takes them out again.
    let confirm = c
        .post(
            "/customers/bulk/group",
            &[("ids", a_s.as_str()), ("group", "")],
        )
        .await;
    assert_eq!(bulk_count(&confirm), 1);
    confirm.assert_contains("¿Quitar a 1 cliente de su grupo?");
    let p = post_owned(
        &c,
        "/customers/bulk/group",
        &hidden_fields(&confirm, "/customers/bulk/group"),
    )
    .await;
    assert_status(&p, StatusCode::SEE_OTHER, "ungroup");
    assert_eq!(group_of(&app, a), None);
    assert_eq!(group_of(&app, b), Some(g));

    // No ticked row: nothing to confirm.
    let p = c
        .post("/customers/bulk/group", &[("group", g_s.as_str())])
        .await;
    assert_status(&p, StatusCode::OK, "empty selection");
    assert_eq!(bulk_count(&p), 0);
    p.assert_contains("No hay ningún cliente seleccionado.");
    assert!(!p.body.contains("name=\"confirmed_count\""));
}

#[actix_web::test]
async fn all_customers_of_a_filtered_view_are_assigned_only_when_the_confirmed_count_still_holds() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &c, "Mayoristas", "").await;
    let ids: Vec<i64> = (0..6)
        .map(|i| {
            customer(
                &app,
                &format!("Cliente {i}"),
                &format!("c{i}@example.es"),
                false,
            )
        })
        .collect();
    // Three of six carry the tag.
    let t = tag(&app, owner, ids[0], "Frecuente");
    tag(&app, owner, ids[2], "Frecuente");
    tag(&app, owner, ids[4], "Frecuente");

    // The list filtered by the tag carries its criteria into the bulk form.
    let list = c.get(&format!("/customers?tag={t}")).await;
    assert_status(&list, StatusCode::OK, "filtered list");
    let criteria = hidden_fields(&list, "/customers/bulk/group")
        .into_iter()
        .find(|(k, _)| k == "criteria")
        .map(|(_, v)| v)
        .unwrap();
    assert_eq!(criteria, format!("tag={t}"));

    let g_s = g.to_string();
    let confirm = c
        .post(
            "/customers/bulk/group",
            &[
                ("all", "on"),
                ("criteria", criteria.as_str()),
                ("group", g_s.as_str()),
            ],
        )
        .await;
    assert_status(&confirm, StatusCode::OK, "confirmation");
    assert_eq!(bulk_count(&confirm), 3);
    confirm.assert_contains("¿Poner 3 clientes en el grupo «Mayoristas»?");
    let fields = hidden_fields(&confirm, "/customers/bulk/group");
    assert!(fields.contains(&("criteria".into(), criteria.clone())));
    assert!(fields.contains(&("confirmed_count".into(), "3".into())));

    // Someone tags a fourth customer meanwhile: the confirmed 3 is stale.
    tag(&app, owner, ids[5], "Frecuente");
    let p = post_owned(&c, "/customers/bulk/group", &fields).await;
    assert_status(&p, StatusCode::CONFLICT, "stale count");
    p.assert_contains("El número de clientes ha cambiado desde que lo viste.");
    assert_eq!(bulk_count(&p), 4);
    assert!(
        ids.iter().all(|id| group_of(&app, *id).is_none()),
        "a refused confirmation changes nothing"
    );
    assert!(audit_with_action(&app, "group.assign").is_empty());

    // The refusal shows the new count to confirm; that one goes through.
    let fields = hidden_fields(&p, "/customers/bulk/group");
    assert!(fields.contains(&("confirmed_count".into(), "4".into())));
    let p = post_owned(&c, "/customers/bulk/group", &fields).await;
    assert_status(&p, StatusCode::SEE_OTHER, "apply");
    assert_eq!(p.location(), Some(format!("/customers?tag={t}").as_str()));
    let grouped: Vec<bool> = ids
        .iter()
        .map(|id| group_of(&app, *id) == Some(g))
        .collect();
    assert_eq!(grouped, vec![true, false, true, false, true, true]);
    let list = c.get(&format!("/customers?group={g}")).await;
    list.assert_contains("Grupo: Mayoristas");
    c.get("/customers/groups")
        .await
        .assert_contains("data-members=\"4\"");
}

#[actix_web::test]
async fn a_search_view_is_taken_out_of_its_group_with_an_empty_group() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &c, "Mayoristas", "").await;
    let f1 = customer(&app, "Ferretería Pons", "pons@example.es", false);
    let f2 = customer(&app, "Ferretería Soler", "soler@example.es", false);
    let other = customer(&app, "Librería Vidal", "vidal@example.es", false);
    app.with_conn(|conn| {
        groups::assign(conn, owner, &Selection::Ids(vec![f1, f2, other]), Some(g))
    })
    .unwrap();

    let confirm = c
        .post(
            "/customers/bulk/group",
            &[("all", "on"), ("criteria", "q=ferreter"), ("group", "")],
        )
        .await;
    assert_status(&confirm, StatusCode::OK, "confirmation");
    assert_eq!(bulk_count(&confirm), 2);
    confirm.assert_contains("¿Quitar a 2 clientes de su grupo?");
    let p = post_owned(
        &c,
        "/customers/bulk/group",
        &hidden_fields(&confirm, "/customers/bulk/group"),
    )
    .await;
    assert_status(&p, StatusCode::SEE_OTHER, "apply");
    assert_eq!(p.location(), Some("/customers?q=ferreter"));
    assert_eq!(group_of(&app, f1), None);
    assert_eq!(group_of(&app, f2), None);
    assert_eq!(group_of(&app, other), Some(g));
}

#[actix_web::test]
async fn an_anonymized_customer_in_the_view_is_neither_counted_nor_assigned() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &c, "Mayoristas", "").await;
    let gone = customer(&app, "Ana Ruiz", "ana@example.es", false);
    let b = customer(&app, "Bruno Gil", "bruno@example.es", false);
    let d = customer(&app, "Dora Luna", "dora@example.es", false);
    // A customer with orders is anonymized, not removed: the list still shows the row.
    order(&app, gone, "A-1", 1000, "delivered", 1);
    order(&app, b, "B-1", 1000, "delivered", 1);
    app.with_conn(|conn| customers::delete(conn, owner, gone))
        .unwrap();
    assert!(row(&app, gone).anonymized_at.is_some());

    let gs = g.to_string();
    // The whole list, and a view the anonymized row still matches (it keeps its orders).
    for (criteria, expected) in [("", vec![b, d]), ("orders_min=1", vec![b])] {
        let confirm = c
            .post(
                "/customers/bulk/group",
                &[
                    ("all", "on"),
                    ("criteria", criteria),
                    ("group", gs.as_str()),
                ],
            )
            .await;
        assert_status(&confirm, StatusCode::OK, criteria);
        assert_eq!(
            bulk_count(&confirm),
            i64::try_from(expected.len()).unwrap(),
            "{criteria:?}: the confirmation counts what will move"
        );
        let p = post_owned(
            &c,
            "/customers/bulk/group",
            &hidden_fields(&confirm, "/customers/bulk/group"),
        )
        .await;
        assert_status(&p, StatusCode::SEE_OTHER, criteria);
        for id in &expected {
            assert_eq!(group_of(&app, *id), Some(g), "{criteria:?}");
        }
        assert_eq!(group_of(&app, gone), None, "{criteria:?}");
        // Out again for the next view.
        app.with_conn(|conn| groups::assign(conn, owner, &Selection::Ids(vec![b, d]), None))
            .unwrap();
    }
    // Ticked, the anonymized id is not counted either.
    let (gone_s, b_s) = (gone.to_string(), b.to_string());
    let confirm = c
        .post(
            "/customers/bulk/group",
            &[
                ("ids", gone_s.as_str()),
                ("ids", b_s.as_str()),
                ("group", gs.as_str()),
            ],
        )
        .await;
    assert_eq!(bulk_count(&confirm), 1);
}

#[actix_web::test]
async fn a_segment_of_a_group_is_recounted_when_customers_move_and_when_the_group_goes() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &c, "Mayoristas", "").await;
    let ids: Vec<i64> = (0..3)
        .map(|i| {
            customer(
                &app,
                &format!("Cliente {i}"),
                &format!("c{i}@example.es"),
                false,
            )
        })
        .collect();
    app.with_conn(|conn| {
        clientela::domain::segments::create(conn, owner, "Los mayoristas", &format!("group={g}"))
    })
    .unwrap();
    let shown = |page: &Page| -> i64 {
        let doc = Html::parse_document(&page.body);
        doc.select(&sel(
            "[data-segment=\"Los mayoristas\"] [data-segment-count]",
        ))
        .next()
        .unwrap_or_else(|| panic!("no segment tab:\n{}", page.body))
        .value()
        .attr("data-segment-count")
        .unwrap()
        .parse()
        .unwrap()
    };
    assert_eq!(shown(&c.get("/customers").await), 0);

    // Two by bulk assignment.
    let (a, b, gs) = (ids[0].to_string(), ids[1].to_string(), g.to_string());
    let confirm = c
        .post(
            "/customers/bulk/group",
            &[
                ("ids", a.as_str()),
                ("ids", b.as_str()),
                ("group", gs.as_str()),
            ],
        )
        .await;
    let p = post_owned(
        &c,
        "/customers/bulk/group",
        &hidden_fields(&confirm, "/customers/bulk/group"),
    )
    .await;
    assert_status(&p, StatusCode::SEE_OTHER, "bulk");
    assert_eq!(shown(&c.get("/customers").await), 2);

    // One more through the customer form.
    let p = edit_customer(&app, &c, ids[2], "Cliente 2", &gs, "", "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "edit");
    assert_eq!(shown(&c.get("/customers").await), 3);

    // The group goes: nobody is in it any more.
    let p = c.post(&format!("/customers/groups/{g}/delete"), &[]).await;
    assert_status(&p, StatusCode::SEE_OTHER, "delete");
    assert_eq!(shown(&c.get("/customers").await), 0);
}

// ---------------------------------------------------------------------------------------
// The pricing rule
// ---------------------------------------------------------------------------------------

/// The groups of the price table.
#[derive(Debug, Clone, Copy)]
enum G {
    None,
    /// The group's own price, 0,84 €, for the product (its 10 % default discount must not
    /// be added on top).
    OwnPrice,
    /// No own price; a 12,5 % default discount.
    Default,
}

/// The personal discounts of the price table.
#[derive(Debug, Clone, Copy)]
enum P {
    None,
    /// 12,5 %.
    Percent,
    /// 0,10 € off each unit.
    Amount,
}

/// (group, personal, unit price in cents, group discount, personal discount) for a product
/// listed at 0,99 €, worked out by hand.
///
/// Rounding rule under test: every percentage is taken of the unit price in cents and
/// rounded to the cent, halves up (x.5 → x+1, never to even, never truncated), once per
/// unit; amounts are not rounded; a line is unit × quantity, so it never carries a
/// fraction of a cent. Hence:
/// - 12,5 % of 0,99 = 12,375 c → 12 c (down);
/// - 12,5 % of 0,84 = 10,5 c → 11 c (a half, up: bankers' rounding would give 10);
/// - 12,5 % of 0,87 = 10,875 c → 11 c (up: truncation would give 10).
const TABLE: [(G, P, i64, i64, i64); 9] = [
    (G::None, P::None, 99, 0, 0),
    (G::None, P::Percent, 87, 0, 12),
    (G::None, P::Amount, 89, 0, 10),
    (G::OwnPrice, P::None, 84, 0, 0),
    (G::OwnPrice, P::Percent, 73, 0, 11),
    (G::OwnPrice, P::Amount, 74, 0, 10),
    (G::Default, P::None, 87, 12, 0),
    (G::Default, P::Percent, 76, 12, 11),
    (G::Default, P::Amount, 77, 12, 10),
];

const LIST: i64 = 99;

/// The unit price, in [`TABLE`]'s order, of a product listed at 1,00 € that no group has a
/// price for: the own-price group's 10 % default applies to it (10 c off → 0,90; 12,5 % of
/// 0,90 = 11,25 c → 11 c → 0,79), the other group's 12,5 % is a clean half (12,5 c → 13 c →
/// 0,87; 12,5 % of 0,87 = 10,875 c → 11 c → 0,76).
const ANCLA: [i64; 9] = [100, 87, 90, 90, 79, 80, 87, 76, 77];

fn terms(g: G) -> Option<GroupTerms> {
    match g {
        G::None => None,
        G::OwnPrice => Some(GroupTerms {
            price_cents: Some(84),
            discount: Percent(1000),
        }),
        G::Default => Some(GroupTerms {
            price_cents: None,
            discount: Percent(1250),
        }),
    }
}

fn personal(p: P) -> PersonalDiscount {
    match p {
        P::None => PersonalDiscount::None,
        P::Percent => PersonalDiscount::Percent(Percent(1250)),
        P::Amount => PersonalDiscount::Amount(10),
    }
}

#[test]
fn the_pricing_rule_applies_group_then_personal_discount_rounding_each_unit_halves_up() {
    for (g, p, unit, group_off, personal_off) in TABLE {
        for quantity in [1, 3] {
            let b = pricing::price(LIST, terms(g), personal(p), quantity).unwrap();
            let case = format!("{g:?} × {p:?} × {quantity}: {b:?}");
            assert_eq!(b.list_cents, LIST, "{case}");
            assert_eq!(
                b.group_price_cents,
                matches!(g, G::OwnPrice).then_some(84),
                "{case}"
            );
            assert_eq!(b.group_discount_cents, group_off, "{case}");
            assert_eq!(b.personal_discount_cents, personal_off, "{case}");
            assert_eq!(b.unit_cents, unit, "{case}");
            assert_eq!(b.quantity, quantity, "{case}");
            // A line is the rounded unit price times the quantity, never rounded again.
            assert_eq!(b.line_cents, unit * quantity, "{case}");
        }
    }
    // Three units at 12,5 % off 0,99: 3 × 0,87 = 2,61, not 2,97 − 12,5 % (2,60).
    let b = pricing::price(99, None, personal(P::Percent), 3).unwrap();
    assert_eq!(b.line_cents, 261);
    // A clean half: 12,5 % of 1,00 = 12,5 c → 13 c.
    let b = pricing::price(100, terms(G::Default), PersonalDiscount::None, 1).unwrap();
    assert_eq!((b.group_discount_cents, b.unit_cents), (13, 87));
    // Half a cent: 50 % of 0,01 → 1 c off, 0 left.
    let b = pricing::price(1, None, PersonalDiscount::Percent(Percent(5000)), 3).unwrap();
    assert_eq!((b.unit_cents, b.line_cents), (0, 0));
    // An amount beyond what is left stops at zero.
    let b = pricing::price(99, terms(G::Default), PersonalDiscount::Amount(500), 3).unwrap();
    assert_eq!(
        (b.personal_discount_cents, b.unit_cents, b.line_cents),
        (87, 0, 0)
    );
    // 100 % off a group price.
    let b = pricing::price(
        99,
        terms(G::OwnPrice),
        PersonalDiscount::Percent(Percent(10_000)),
        3,
    )
    .unwrap();
    assert_eq!((b.unit_cents, b.line_cents), (0, 0));
}

#[actix_web::test]
async fn the_customer_card_prices_the_sample_product_by_the_same_rule() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    // The table's product, and another one (first by name) that has no group price.
    let item = product(&app, "CLIP-1", "Clip", LIST);
    let other = product(&app, "ANCLA-1", "Ancla", 100);
    let own = create_group(&app, &c, "Precio propio", "10").await;
    let default = create_group(&app, &c, "Descuento", "12,5").await;
    let p = c
        .post(
            &format!("/customers/groups/{own}/prices"),
            &[(format!("price-{item}").as_str(), "0,84")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "group price");
    assert_eq!(prices(&app, own), vec![(item, 84)]);
    c.get(&format!("/customers/groups/{own}/edit"))
        .await
        .assert_contains(&format!(
            "name=\"price-{item}\" inputmode=\"decimal\" maxlength=\"20\" value=\"0,84\""
        ));

    for (i, (g, p, unit, _, _)) in TABLE.into_iter().enumerate() {
        let id = customer(
            &app,
            &format!("Cliente {i}"),
            &format!("c{i}@example.es"),
            false,
        );
        let group = match g {
            G::None => String::new(),
            G::OwnPrice => own.to_string(),
            G::Default => default.to_string(),
        };
        let (kind, value) = match p {
            P::None => ("", ""),
            P::Percent => ("percent", "12,5"),
            P::Amount => ("amount", "0,10"),
        };
        let saved = edit_customer(&app, &c, id, &format!("Cliente {i}"), &group, kind, value).await;
        assert_status(&saved, StatusCode::SEE_OTHER, "customer pricing");
        let card = c.get(&format!("/customers/{id}?product={item}")).await;
        assert_status(&card, StatusCode::OK, "card");
        card.assert_contains("id=\"pricing\"");
        card.assert_contains("data-sample=\"CLIP-1\"");
        assert_eq!(card_price(&card), unit, "{g:?} × {p:?}");
        match g {
            G::OwnPrice => {
                card.assert_contains("Precio del grupo");
                assert!(
                    !card.body.contains("Descuento del grupo"),
                    "no group discount on top of a group price"
                );
            }
            G::Default => card.assert_contains("descuento del grupo 12,5\u{a0}%"),
            G::None => card.assert_contains("Sin grupo"),
        }
        // Without `?product=` the card prices the first active product by name, "Ancla"
        // (1,00 €), which has no group price: there the own-price group's 10 % applies.
        let first = c.get(&format!("/customers/{id}")).await;
        first.assert_contains("data-sample=\"ANCLA-1\"");
        assert_eq!(card_price(&first), ANCLA[i], "{g:?} × {p:?} on Ancla");
    }
    // A clean half on the card: 12,5 % of 1,00 € is 0,13 € off → 0,87 €.
    let id = customer(&app, "Mitad", "mitad@example.es", false);
    let saved = edit_customer(&app, &c, id, "Mitad", &default.to_string(), "", "").await;
    assert_status(&saved, StatusCode::SEE_OTHER, "customer");
    let card = c.get(&format!("/customers/{id}?product={other}")).await;
    assert_eq!(card_price(&card), 87);
    card.assert_contains("−0,13\u{a0}€");
}

// ---------------------------------------------------------------------------------------
// Bad input
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn bad_group_names_and_discounts_are_refused_with_a_translated_message_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let id = create_group(&app, &c, "Mayoristas", "5").await;
    create_group(&app, &c, "Minoristas", "").await;
    let long = "x".repeat(61);

    // (name, discount, message, a value the page keeps)
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        ("", "10", "Escribe un nombre para el grupo.", "value=\"10\""),
        (
            "   ",
            "10",
            "Escribe un nombre para el grupo.",
            "value=\"10\"",
        ),
        (
            "mayoristas",
            "",
            "Ya existe un grupo con ese nombre.",
            "value=\"mayoristas\"",
        ),
        (
            " MAYORISTAS ",
            "",
            "Ya existe un grupo con ese nombre.",
            "value=\" MAYORISTAS \"",
        ),
        (
            "Nuevo",
            "150",
            "El porcentaje debe estar entre 0 y 100.",
            "value=\"150\"",
        ),
        (
            "Nuevo",
            "-5",
            "El porcentaje debe estar entre 0 y 100.",
            "value=\"-5\"",
        ),
        (
            "Nuevo",
            "diez",
            "Escribe un porcentaje como 10 o 12,5.",
            "value=\"diez\"",
        ),
        (
            "Nuevo",
            "12,345",
            "Usa como máximo dos decimales.",
            "value=\"12,345\"",
        ),
        (&long, "", "Es demasiado largo.", "value=\"xxxxxxxx"),
    ];
    for (name, discount, message, kept) in &cases {
        let what = format!("create {name:?} / {discount:?}");
        let p = c
            .post(
                "/customers/groups",
                &[("name", name), ("discount", discount)],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &what);
        p.assert_contains(message);
        p.assert_contains("aria-invalid=\"true\"");
        p.assert_contains(kept);
        if *name == "Nuevo" {
            p.assert_contains("value=\"Nuevo\"");
        }
    }
    // The same through "Editar" on the existing group.
    for (name, discount, message, kept) in cases
        .iter()
        .filter(|c| !c.0.to_lowercase().contains("mayoristas"))
    {
        let what = format!("update {name:?} / {discount:?}");
        let p = c
            .post(
                &format!("/customers/groups/{id}"),
                &[("name", name), ("discount", discount)],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &what);
        p.assert_contains(message);
        p.assert_contains(kept);
    }
    // Renaming to another group's name, in another case.
    let p = c
        .post(
            &format!("/customers/groups/{id}"),
            &[("name", "MINORISTAS"), ("discount", "5")],
        )
        .await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "rename to a taken name",
    );
    p.assert_contains("Ya existe un grupo con ese nombre.");
    p.assert_contains("value=\"MINORISTAS\"");

    // Nothing changed.
    let names: Vec<(String, i64)> = all_groups(&app)
        .into_iter()
        .map(|g| (g.name, g.discount_bp))
        .collect();
    assert_eq!(
        names,
        vec![("Mayoristas".to_owned(), 500), ("Minoristas".to_owned(), 0)]
    );
    assert_eq!(audit_with_action(&app, "group.create").len(), 2);
    assert!(audit_with_action(&app, "group.update").is_empty());

    // A group may be renamed to its own name in another case.
    let p = c
        .post(
            &format!("/customers/groups/{id}"),
            &[("name", "MAYORISTAS"), ("discount", "5")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "own name, other case");
    assert_eq!(find_group(&app, id).unwrap().name, "MAYORISTAS");
}

#[actix_web::test]
async fn bad_group_prices_are_refused_together_with_the_typed_values_kept() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let id = create_group(&app, &c, "Mayoristas", "").await;
    let mug = product(&app, "MUG-1", "Taza", 1000);
    let tee = product(&app, "TEE-1", "Camiseta", 2000);
    let (pm, pt) = (format!("price-{mug}"), format!("price-{tee}"));
    c.get(&format!("/customers/groups/{id}/edit"))
        .await
        .assert_contains(&format!("name=\"{pm}\""));

    for (bad, message) in [
        ("abc", "Introduce un importe como 12 o 12,50."),
        ("-5", "El importe no puede ser negativo."),
        ("-0,01", "El importe no puede ser negativo."),
        ("1,999", "Usa como máximo dos decimales."),
        ("12 €", "Introduce un importe como 12 o 12,50."),
    ] {
        // One good price beside the bad one: neither is saved.
        let p = c
            .post(
                &format!("/customers/groups/{id}/prices"),
                &[(pm.as_str(), "8"), (pt.as_str(), bad)],
            )
            .await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, bad);
        p.assert_contains(message);
        p.assert_contains("Revisa los campos marcados.");
        p.assert_contains(&format!(
            "name=\"{pt}\" inputmode=\"decimal\" maxlength=\"20\" value=\"{bad}\" aria-invalid=\"true\""
        ));
        p.assert_contains(&format!(
            "name=\"{pm}\" inputmode=\"decimal\" maxlength=\"20\" value=\"8\">"
        ));
        assert!(prices(&app, id).is_empty(), "{bad}: nothing saved");
    }
    assert!(audit_with_action(&app, "group.price").is_empty());

    // Zero is a price; an emptied field removes the group price.
    let p = c
        .post(
            &format!("/customers/groups/{id}/prices"),
            &[(pm.as_str(), "0"), (pt.as_str(), "15,5")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "good prices");
    assert_eq!(
        p.location(),
        Some(format!("/customers/groups/{id}/edit").as_str())
    );
    let mut expected = vec![(mug, 0), (tee, 1550)];
    expected.sort_unstable();
    assert_eq!(prices(&app, id), expected);
    c.get(&format!("/customers/groups/{id}/edit"))
        .await
        .assert_contains("Precios del grupo guardados.");
    let p = c
        .post(
            &format!("/customers/groups/{id}/prices"),
            &[(pm.as_str(), ""), (pt.as_str(), "15,50")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "remove a price");
    assert_eq!(prices(&app, id), vec![(tee, 1550)]);
    // Two changes, then one (15,50 is the price already saved).
    assert_eq!(audit_with_action(&app, "group.price").len(), 3);
}

#[actix_web::test]
async fn bad_personal_discounts_and_groups_on_the_customer_form_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &c, "Mayoristas", "").await;
    let id = customer(&app, "Ana Ruiz", "ana@example.es", false);
    let before = row(&app, id);
    let gs = g.to_string();

    // (group, kind, value, message)
    let cases = [
        (
            gs.as_str(),
            "percent",
            "150",
            "El porcentaje debe estar entre 0 y 100.",
        ),
        (
            gs.as_str(),
            "percent",
            "-5",
            "El porcentaje debe estar entre 0 y 100.",
        ),
        (
            gs.as_str(),
            "percent",
            "diez",
            "Escribe un porcentaje como 10 o 12,5.",
        ),
        (gs.as_str(), "percent", "", "Este campo es obligatorio."),
        (
            gs.as_str(),
            "amount",
            "-1",
            "El importe no puede ser negativo.",
        ),
        (
            gs.as_str(),
            "amount",
            "-0,50",
            "El importe no puede ser negativo.",
        ),
        (
            gs.as_str(),
            "amount",
            "dos",
            "Introduce un importe como 12 o 12,50.",
        ),
        (
            gs.as_str(),
            "amount",
            "1,555",
            "Usa como máximo dos decimales.",
        ),
        (gs.as_str(), "bogus", "5", "Elige un tipo de descuento."),
        ("999999", "percent", "5", "Ese grupo no existe."),
        ("abc", "", "", "Ese grupo no existe."),
    ];
    for (group, kind, value, message) in cases {
        let what = format!("{group:?} {kind:?} {value:?}");
        let p = edit_customer(&app, &c, id, "Ana Ruiz Cambiada", group, kind, value).await;
        assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, &what);
        p.assert_contains(message);
        p.assert_contains("aria-invalid=\"true\"");
        p.assert_contains("value=\"Ana Ruiz Cambiada\"");
        if !value.is_empty() {
            p.assert_contains(&format!(
                "name=\"discount_value\" inputmode=\"decimal\" maxlength=\"20\" value=\"{value}\""
            ));
        }
        if kind == "percent" || kind == "amount" {
            p.assert_contains(&format!("value=\"{kind}\" checked"));
        }
        let after = row(&app, id);
        assert_eq!(after.full_name, before.full_name, "{what}");
        assert_eq!(after.group_id, None, "{what}");
        assert_eq!(after.discount_kind, None, "{what}");
        assert_eq!(after.discount_value, 0, "{what}");
        assert_eq!(after.version, before.version, "{what}");
    }
    // The same refusals when creating: no customer is made.
    let count = app.with_conn(clientela::db::store::customer_count).unwrap();
    let p = c
        .post(
            "/customers",
            &[
                ("full_name", "Nueva"),
                ("email", ""),
                ("language", "es"),
                ("group", gs.as_str()),
                ("discount_kind", "percent"),
                ("discount_value", "150"),
            ],
        )
        .await;
    assert_status(&p, StatusCode::UNPROCESSABLE_ENTITY, "create");
    p.assert_contains("El porcentaje debe estar entre 0 y 100.");
    p.assert_contains(&format!(
        "<option value=\"{g}\" selected>Mayoristas</option>"
    ));
    let p = c
        .post(
            "/customers",
            &[
                ("full_name", "Nueva"),
                ("email", ""),
                ("language", "es"),
                ("group", "999999"),
            ],
        )
        .await;
    assert_status(
        &p,
        StatusCode::UNPROCESSABLE_ENTITY,
        "create, unknown group",
    );
    p.assert_contains("Ese grupo no existe.");
    assert_eq!(
        app.with_conn(clientela::db::store::customer_count).unwrap(),
        count
    );
}

// ---------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------

#[actix_web::test]
async fn support_cannot_change_groups_prices_or_discounts_while_a_manager_can() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    app.create_staff(owner, "manager@example.com", Role::Manager);
    let o = Client::signed_in(&app, OWNER_EMAIL).await;
    let g = create_group(&app, &o, "Mayoristas", "10").await;
    let g2 = create_group(&app, &o, "Minoristas", "").await;
    let mug = product(&app, "MUG-1", "Taza", 1000);
    let id = customer(&app, "Ana Ruiz", "ana@example.es", false);
    let saved = edit_customer(&app, &o, id, "Ana Ruiz", &g.to_string(), "amount", "0,50").await;
    assert_status(&saved, StatusCode::SEE_OTHER, "owner sets pricing");
    let loose = customer(&app, "Bruno Gil", "bruno@example.es", false);

    let s = Client::signed_in(&app, "support@example.com").await;
    // Support sees groups but is offered no change.
    let list = s.get("/customers/groups").await;
    assert_status(&list, StatusCode::OK, "support list");
    list.assert_contains("data-group=\"Mayoristas\"");
    assert!(!list.body.contains("/customers/groups/new"));
    assert!(!list.body.contains(&format!("/customers/groups/{g}/edit")));
    assert!(!list.body.contains(&format!("/customers/groups/{g}/delete")));
    assert!(!s.get("/customers").await.body.contains("id=\"bulk-form\""));
    for path in [
        "/customers/groups/new".to_owned(),
        format!("/customers/groups/{g}/edit"),
        format!("/customers/groups/{g}/delete"),
    ] {
        assert_eq!(
            s.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "support GET {path}"
        );
    }
    let (gs, g2s, ids) = (g.to_string(), g2.to_string(), loose.to_string());
    let price_field = format!("price-{mug}");
    let attempts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            "/customers/groups".into(),
            vec![("name", "Soporte"), ("discount", "50")],
        ),
        (
            format!("/customers/groups/{g}"),
            vec![("name", "Renombrado"), ("discount", "90")],
        ),
        (
            format!("/customers/groups/{g}/prices"),
            vec![(price_field.as_str(), "1")],
        ),
        (format!("/customers/groups/{g}/delete"), vec![]),
        (
            "/customers/bulk/group".into(),
            vec![("ids", ids.as_str()), ("group", gs.as_str())],
        ),
        (
            "/customers/bulk/group".into(),
            vec![
                ("ids", ids.as_str()),
                ("group", gs.as_str()),
                ("confirmed_count", "1"),
            ],
        ),
        (
            "/customers/bulk/group".into(),
            vec![
                ("all", "on"),
                ("criteria", ""),
                ("group", ""),
                ("confirmed_count", "2"),
            ],
        ),
    ];
    for (path, fields) in &attempts {
        let p = s.post(path, fields).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "support POST {path}");
    }

    // Support edits the customer's contact data: the pricing fields are not offered, and
    // sent anyway they are ignored.
    let form = s.get(&format!("/customers/{id}/edit")).await;
    assert_status(&form, StatusCode::OK, "support edit form");
    form.assert_contains(
        "Solo el propietario y los gerentes cambian el grupo y el descuento personal.",
    );
    form.assert_contains("<strong>Mayoristas</strong>");
    assert!(!form.body.contains("name=\"group\""));
    assert!(!form.body.contains("name=\"discount_kind\""));
    let p = edit_customer(&app, &s, id, "Ana Ruiz Soler", &g2s, "percent", "50").await;
    assert_status(&p, StatusCode::SEE_OTHER, "support saves contact data");
    let r = row(&app, id);
    assert_eq!(r.full_name, "Ana Ruiz Soler", "the contact change is saved");
    assert_eq!(r.group_id, Some(g), "the group is not changed by support");
    assert_eq!(
        (r.discount_kind.as_deref(), r.discount_value),
        (Some("amount"), 50),
        "the personal discount is not changed by support"
    );
    // Emptied pricing fields do not take the customer out of the group either.
    let p = edit_customer(&app, &s, id, "Ana Ruiz Soler", "", "", "").await;
    assert_status(&p, StatusCode::SEE_OTHER, "support saves again");
    let r = row(&app, id);
    assert_eq!(
        (r.group_id, r.discount_kind.as_deref()),
        (Some(g), Some("amount"))
    );
    // Pricing fields support may not set are ignored, not checked: a hand-made 150 % does
    // not refuse the contact change, nor lands.
    let p = edit_customer(&app, &s, id, "Ana Ruiz", "", "percent", "150").await;
    assert_status(
        &p,
        StatusCode::SEE_OTHER,
        "support's save ignores the pricing fields",
    );
    let r = row(&app, id);
    assert_eq!(r.full_name, "Ana Ruiz");
    assert_eq!(
        (r.discount_kind.as_deref(), r.discount_value),
        (Some("amount"), 50)
    );
    // A customer support creates gets no group.
    let p = s
        .post(
            "/customers",
            &[
                ("full_name", "Creada por soporte"),
                ("email", ""),
                ("language", "es"),
                ("group", gs.as_str()),
                ("discount_kind", "percent"),
                ("discount_value", "10"),
            ],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "support creates a customer");
    let new_id: i64 = p.created_id();
    let r = row(&app, new_id);
    assert_eq!(
        (r.group_id, r.discount_kind, r.discount_value),
        (None, None, 0)
    );

    // Nothing support tried went through.
    let groups_now: Vec<(String, i64)> = all_groups(&app)
        .into_iter()
        .map(|x| (x.name, x.discount_bp))
        .collect();
    assert_eq!(
        groups_now,
        vec![
            ("Mayoristas".to_owned(), 1000),
            ("Minoristas".to_owned(), 0)
        ]
    );
    assert!(prices(&app, g).is_empty());
    assert_eq!(group_of(&app, loose), None);
    assert!(audit_with_action(&app, "group.assign").is_empty());
    assert!(audit_with_action(&app, "group.price").is_empty());

    // A manager may.
    let m = Client::signed_in(&app, "manager@example.com").await;
    m.get("/customers/groups")
        .await
        .assert_contains("href=\"/customers/groups/new\"");
    let p = m
        .post(
            &format!("/customers/groups/{g}/prices"),
            &[(price_field.as_str(), "7,5")],
        )
        .await;
    assert_status(&p, StatusCode::SEE_OTHER, "manager prices");
    assert_eq!(prices(&app, g), vec![(mug, 750)]);
    let confirm = m
        .post(
            "/customers/bulk/group",
            &[("ids", ids.as_str()), ("group", g2s.as_str())],
        )
        .await;
    assert_eq!(bulk_count(&confirm), 1);
    let p = post_owned(
        &m,
        "/customers/bulk/group",
        &hidden_fields(&confirm, "/customers/bulk/group"),
    )
    .await;
    assert_status(&p, StatusCode::SEE_OTHER, "manager bulk");
    assert_eq!(group_of(&app, loose), Some(g2));
    let p = edit_customer(&app, &m, id, "Ana Ruiz Soler", &g2s, "percent", "12,5").await;
    assert_status(&p, StatusCode::SEE_OTHER, "manager customer pricing");
    let r = row(&app, id);
    assert_eq!(
        (r.group_id, r.discount_kind.as_deref(), r.discount_value),
        (Some(g2), Some("percent"), 1250)
    );
}
