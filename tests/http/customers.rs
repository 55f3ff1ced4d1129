//! The customer module: list, card, create, edit, delete, addresses, notes, tags.

use chrono::{Duration, Utc};
use clientela::db::audit::AuditRow;
use clientela::db::customers::{AddressRow, CustomerRow};
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::domain::orders::{self, LineInput};
use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use reqwest::StatusCode;

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};

/// A customer inserted through the domain; returns its id.
pub fn customer(app: &TestApp, name: &str, email: &str, registered: bool) -> i64 {
    app.with_conn(|conn| {
        customers::insert(
            conn,
            &Contact {
                full_name: name.into(),
                email: Some(email.into()),
                phone: None,
                language: Lang::Es,
                registered,
                newsletter: false,
            },
            Utc::now().naive_utc(),
        )
    })
    .unwrap()
}

/// An order of `total` cents (one line) placed `days_ago`.
pub fn order(
    app: &TestApp,
    customer_id: i64,
    number: &str,
    total: i64,
    status: &str,
    days_ago: i64,
) -> i64 {
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::place(
                conn,
                number,
                customer_id,
                status,
                "card",
                "EUR",
                0,
                &[LineInput {
                    product_id: None,
                    sku: "SKU-1".into(),
                    name: "Camisa de lino".into(),
                    quantity: 1,
                    unit_price_cents: total,
                }],
                Utc::now().naive_utc() - Duration::days(days_ago),
            )
        })
    })
    .unwrap()
}

fn find(app: &TestApp, id: i64) -> Option<CustomerRow> {
    app.with_conn(|c| CustomerRow::find(c, id)).unwrap()
}

fn form<'a>(name: &'a str, email: &'a str, registered: bool) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("full_name", name),
        ("email", email),
        ("phone", "+34 600 000 000"),
        ("language", "es"),
    ];
    if registered {
        f.push(("registered", "on"));
    }
    f
}

#[actix_web::test]
async fn staff_create_a_customer_and_see_the_card() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/customers/new")
        .await
        .assert_contains("Nuevo cliente");
    let p = c
        .post(
            "/customers",
            &form("Lucía Fernández", "Lucia@Example.es", true),
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let card = c.get(p.location().unwrap()).await;
    card.assert_contains("Cliente creado.");
    card.assert_contains("Lucía Fernández");
    card.assert_contains("lucia@example.es");
    card.assert_contains("Registrado");
    card.assert_contains("Cliente desde el");
    card.assert_contains("Más acciones");
    let id: i64 = p.created_id();
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "customer", id))
        .unwrap();
    assert_eq!(audit[0].action, "customer.create");
    assert_eq!(audit[0].actor_staff_id, Some(1));
}

#[actix_web::test]
async fn bad_customer_input_is_refused_with_a_translated_message_and_nothing_changes() {
    let app = TestApp::spawn().await;
    app.create_owner();
    customer(&app, "Existing", "taken@example.com", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/customers/new").await;
    let long = "x".repeat(201);
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            form("Ana", "not-an-email", true),
            "Introduce un correo electrónico válido",
        ),
        (
            form("Ana", "TAKEN@example.com", true),
            "Otro cliente registrado ya usa este correo",
        ),
        (form(&long, "ana@example.com", true), "Es demasiado largo"),
        (
            form("Ana", "", true),
            "Un cliente registrado necesita un correo",
        ),
        (
            form("", "ana@example.com", false),
            "Este campo es obligatorio",
        ),
        (
            vec![
                ("full_name", "Ana"),
                ("email", "ana@example.com"),
                ("phone", "call me maybe"),
                ("language", "es"),
            ],
            "Usa solo dígitos",
        ),
    ];
    for (fields, message) in cases {
        let p = c.post("/customers", &fields).await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        p.assert_contains(message);
        p.assert_contains("aria-invalid=\"true\"");
        if fields[0].1 == "Ana" {
            p.assert_contains("value=\"Ana\"");
        }
    }
    assert_eq!(
        app.with_conn(clientela::db::store::customer_count).unwrap(),
        1
    );
    // A guest may share the e-mail of a registered customer (same person, bought as a guest).
    assert_eq!(
        c.post("/customers", &form("Ana", "taken@example.com", false))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
}

#[actix_web::test]
async fn editing_saves_and_a_stale_edit_is_refused_without_overwriting() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Javier Martínez", "javier@example.es", true);
    let first = Client::signed_in(&app, OWNER_EMAIL).await;
    let second = Client::signed_in(&app, OWNER_EMAIL).await;
    first
        .get(&format!("/customers/{id}/edit"))
        .await
        .assert_contains("value=\"Javier Martínez\"");
    second.get(&format!("/customers/{id}/edit")).await;
    let p = first
        .post(
            &format!("/customers/{id}"),
            &[
                ("full_name", "Javier Martínez López"),
                ("email", "javier@example.es"),
                ("language", "es"),
                ("registered", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let p = second
        .post(
            &format!("/customers/{id}"),
            &[
                ("full_name", "J. Martínez"),
                ("email", "javier@example.es"),
                ("language", "es"),
                ("registered", "on"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT);
    p.assert_contains("Otra persona guardó este cliente");
    p.assert_contains("value=\"J. Martínez\"");
    p.assert_contains("name=\"version\" value=\"2\"");
    let row = find(&app, id).unwrap();
    assert_eq!(row.full_name, "Javier Martínez López");
    assert_eq!(row.version, 2);
    let audit = app
        .with_conn(|conn| AuditRow::for_entity(conn, "customer", id))
        .unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|a| a.action == "customer.update")
            .count(),
        1
    );
    assert!(
        audit[0]
            .before_state
            .as_deref()
            .unwrap()
            .contains("\"Javier Martínez\"")
    );
    assert!(
        audit[0]
            .after_state
            .as_deref()
            .unwrap()
            .contains("Javier Martínez López")
    );
}

#[actix_web::test]
async fn deleting_a_customer_without_orders_removes_it_after_asking() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Sofía Castillo", "sofia@example.es", false);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let confirm = c.get(&format!("/customers/{id}/delete")).await;
    confirm.assert_contains("no tiene pedidos y se eliminará por completo");
    confirm.assert_contains("no se puede deshacer");
    let p = c.post(&format!("/customers/{id}/delete"), &[]).await;
    assert_eq!(p.location(), Some("/customers"));
    assert!(find(&app, id).is_none());
    assert_eq!(
        c.get(&format!("/customers/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn deleting_a_customer_with_orders_erases_personal_data_and_keeps_the_orders() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Zofia Wójcik", "zofia@example.pl", true);
    order(&app, id, "5001", 4990, "delivered", 3);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}")).await;
    c.post(
        &format!("/customers/{id}/notes"),
        &[("note", "Prefiere envío por la tarde")],
    )
    .await;
    c.post(&format!("/customers/{id}/tags"), &[("tag", "Frecuente")])
        .await;
    c.post(
        &format!("/customers/{id}/addresses"),
        &[
            ("kind", "shipping"),
            ("address_name", "Zofia Wójcik"),
            ("line1", "ul. Długa 1"),
            ("postal_code", "00-001"),
            ("city", "Warszawa"),
            ("country", "PL"),
        ],
    )
    .await;
    let confirm = c.get(&format!("/customers/{id}/delete")).await;
    confirm.assert_contains("tiene 1 pedido");
    confirm.assert_contains("1 dirección");
    let p = c.post(&format!("/customers/{id}/delete"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let row = find(&app, id).expect("the row stays for its orders");
    assert!(row.anonymized_at.is_some());
    assert_eq!(row.full_name, "");
    assert_eq!(row.email, None);
    assert!(!row.registered);
    assert!(
        app.with_conn(|conn| AddressRow::for_customer(conn, id))
            .unwrap()
            .is_empty()
    );
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("Cliente anonimizado");
    card.assert_contains("#5001");
    for gone in [
        "Zofia",
        "zofia@example.pl",
        "Prefiere envío",
        "Frecuente",
        "Długa",
    ] {
        assert!(!card.body.contains(gone), "{gone} is still shown");
    }
    let list = c.get("/customers?q=zofia").await;
    assert!(
        !list.body.contains("data-customer=\""),
        "an anonymized customer cannot be found by the old name"
    );
    assert_eq!(
        c.get(&format!("/customers/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn an_address_is_edited_in_place_and_a_bad_edit_changes_nothing() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Zofia Wójcik", "zofia@example.pl", true);
    let other = customer(&app, "Jan Kowalski", "jan@example.pl", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let base = format!("/customers/{id}/addresses");
    c.get(&format!("/customers/{id}")).await;
    c.post(
        &base,
        &[
            ("kind", "shipping"),
            ("address_name", "Zofia Wójcik"),
            ("line1", "ul. Floriańska 3"),
            ("postal_code", "31-019"),
            ("city", "Kraków"),
            ("country", "PL"),
        ],
    )
    .await;
    let address = app
        .with_conn(|conn| AddressRow::for_customer(conn, id))
        .unwrap()[0]
        .id;
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains(&format!("href=\"{base}/{address}/edit\""));
    let form = c.get(&format!("{base}/{address}/edit")).await;
    assert_eq!(form.status, StatusCode::OK);
    form.assert_contains("Editar dirección");
    form.assert_contains("value=\"ul. Floriańska 3\"");

    let fields = |city: &'static str, country: &'static str| {
        vec![
            ("kind", "shipping"),
            ("address_name", "Zofia Wójcik"),
            ("line1", "ul. Piotrkowska 10"),
            ("postal_code", "90-001"),
            ("city", city),
            ("country", country),
        ]
    };
    let saved = c
        .post(&format!("{base}/{address}"), &fields("Łódź", "pl"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    c.get(saved.location().unwrap())
        .await
        .assert_contains("Dirección guardada.");
    let row = app
        .with_conn(|conn| AddressRow::for_customer(conn, id))
        .unwrap();
    assert_eq!(
        (row[0].line1.as_str(), row[0].city.as_str()),
        ("ul. Piotrkowska 10", "Łódź")
    );
    assert!(
        row[0].is_default,
        "the only shipping address stays the default"
    );
    assert_eq!(
        find(&app, id).unwrap().city.as_deref(),
        Some("Łódź"),
        "the location follows"
    );
    c.get("/customers?q=%C5%82%C3%B3d%C5%BA")
        .await
        .assert_contains("Zofia Wójcik");

    // A bad country: 422, the message, the typed values, and nothing saved.
    let bad = c
        .post(&format!("{base}/{address}"), &fields("Gdańsk", "Poland"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("aria-invalid=\"true\"");
    bad.assert_contains("value=\"Gdańsk\"");
    assert_eq!(
        app.with_conn(|conn| AddressRow::for_customer(conn, id))
            .unwrap()[0]
            .city,
        "Łódź"
    );
    // Another customer's address is not found through this customer, and vice versa.
    assert_eq!(
        c.get(&format!("/customers/{other}/addresses/{address}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        c.post(
            &format!("/customers/{other}/addresses/{address}"),
            &fields("Gdańsk", "PL")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let audit = app
        .with_conn(|conn| AuditRow::for_entity_with_actor(conn, "customer", id, 10))
        .unwrap();
    assert!(audit.iter().any(|(a, _)| a.action == "address.update"));
}

#[actix_web::test]
async fn addresses_are_added_set_default_and_deleted_and_give_the_customer_a_location() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Emily Carter", "emily@example.co.uk", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}")).await;
    let base = format!("/customers/{id}/addresses");
    let p = c
        .post(
            &base,
            &[
                ("kind", "shipping"),
                ("address_name", "Emily Carter"),
                ("line1", "14 Camden High Street"),
                ("postal_code", "NW1 0JH"),
                ("city", "London"),
                ("country", "gb"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    c.post(
        &base,
        &[
            ("kind", "shipping"),
            ("address_name", "Emily Carter"),
            ("line1", "2 Rue de Rivoli"),
            ("postal_code", "75004"),
            ("city", "Paris"),
            ("country", "FR"),
        ],
    )
    .await;
    let row = find(&app, id).unwrap();
    assert_eq!(
        (row.city.as_deref(), row.country.as_deref()),
        (Some("London"), Some("GB")),
        "the first address is the default"
    );
    let addresses = app
        .with_conn(|conn| AddressRow::for_customer(conn, id))
        .unwrap();
    let paris = addresses.iter().find(|a| a.city == "Paris").unwrap().id;
    c.post(&format!("{base}/{paris}/default"), &[]).await;
    assert_eq!(find(&app, id).unwrap().city.as_deref(), Some("Paris"));
    c.get("/customers?q=paris")
        .await
        .assert_contains("Emily Carter");
    c.post(&format!("{base}/{paris}/delete"), &[]).await;
    assert_eq!(
        find(&app, id).unwrap().city.as_deref(),
        Some("London"),
        "the other address becomes the default"
    );
    let bad = c
        .post(
            &base,
            &[
                ("kind", "shipping"),
                ("address_name", ""),
                ("line1", "x"),
                ("postal_code", "1"),
                ("city", "Y"),
                ("country", "Spain"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    bad.assert_contains("Usa el código de país de 2 letras");
    bad.assert_contains("Este campo es obligatorio");
    assert_eq!(
        app.with_conn(|conn| AddressRow::for_customer(conn, id))
            .unwrap()
            .len(),
        1
    );
}

#[actix_web::test]
async fn notes_are_added_pinned_and_deleted_with_author_and_date() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Carmen Delgado", "carmen@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{id}")).await;
    c.post(
        &format!("/customers/{id}/notes"),
        &[("note", "Primera nota")],
    )
    .await;
    c.post(
        &format!("/customers/{id}/notes"),
        &[("note", "Segunda nota")],
    )
    .await;
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("Nota añadida.");
    card.assert_contains("Olga Owner");
    let second_first =
        card.body.find("Segunda nota").unwrap() < card.body.find("Primera nota").unwrap();
    assert!(second_first, "newest first");
    let notes = app
        .with_conn(|conn| clientela::db::customers::NoteRow::for_customer(conn, id))
        .unwrap();
    let first = notes.iter().find(|n| n.body == "Primera nota").unwrap().id;
    c.post(
        &format!("/customers/{id}/notes/{first}/pin"),
        &[("pinned", "true")],
    )
    .await;
    let card = c.get(&format!("/customers/{id}")).await;
    assert!(
        card.body.find("Primera nota").unwrap() < card.body.find("Segunda nota").unwrap(),
        "pinned first"
    );
    card.assert_contains("Fijada");
    c.post(&format!("/customers/{id}/notes/{first}/delete"), &[])
        .await;
    let card = c.get(&format!("/customers/{id}")).await;
    assert!(!card.body.contains("<p class=\"note-body\">Primera nota"));
    let empty = c
        .post(&format!("/customers/{id}/notes"), &[("note", "   ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    empty.assert_contains("Este campo es obligatorio");
    let other = customer(&app, "Other", "other@example.es", false);
    let foreign = c
        .post(
            &format!("/customers/{other}/notes/{}/delete", notes[0].id),
            &[],
        )
        .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "a note is only reachable through its own customer"
    );
}

#[actix_web::test]
async fn tags_are_added_freely_reused_case_insensitively_removed_and_filterable() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let a = customer(&app, "Ana", "ana@example.es", true);
    let b = customer(&app, "Bea", "bea@example.es", true);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{a}")).await;
    c.post(&format!("/customers/{a}/tags"), &[("tag", "Exclusivo")])
        .await;
    c.post(&format!("/customers/{b}/tags"), &[("tag", "exclusivo")])
        .await;
    c.post(
        &format!("/customers/{a}/tags"),
        &[("tag", "Interesado en descuentos")],
    )
    .await;
    let tags = app
        .with_conn(clientela::db::customers::TagRow::all)
        .unwrap();
    assert_eq!(tags.len(), 2, "one tag whatever its case: {tags:?}");
    let exclusivo = tags.iter().find(|t| t.name == "Exclusivo").unwrap().id;
    let list = c.get(&format!("/customers?tag={exclusivo}")).await;
    list.assert_contains(&format!("data-customer=\"{a}\""));
    list.assert_contains(&format!("data-customer=\"{b}\""));
    list.assert_contains("Etiqueta: Exclusivo");
    c.post(&format!("/customers/{b}/tags/{exclusivo}/delete"), &[])
        .await;
    let list = c.get(&format!("/customers?tag={exclusivo}")).await;
    assert!(!list.body.contains(&format!("data-customer=\"{b}\"")));
    let too_long = "x".repeat(51);
    c.post(&format!("/customers/{a}/tags"), &[("tag", &too_long)])
        .await;
    c.get(&format!("/customers/{a}"))
        .await
        .assert_contains("como máximo 50 caracteres");
}

#[actix_web::test]
async fn the_list_finds_by_name_email_phone_and_city_and_filters_and_sorts() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let lucia = customer(&app, "Lucía Fernández", "lucia@example.es", true);
    let krzysztof = customer(&app, "Krzysztof Nowak", "k.nowak@example.pl", false);
    let emily = customer(&app, "Emily Carter", "emily@example.co.uk", true);
    order(&app, lucia, "1", 10_000, "delivered", 30);
    order(&app, lucia, "2", 5_000, "delivered", 10);
    order(&app, krzysztof, "3", 50_000, "paid", 5);
    order(&app, emily, "4", 99_000, "cancelled", 2);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{krzysztof}")).await;
    c.post(
        &format!("/customers/{krzysztof}/addresses"),
        &[
            ("kind", "shipping"),
            ("address_name", "K N"),
            ("line1", "ul. Floriańska 22"),
            ("postal_code", "31-021"),
            ("city", "Kraków"),
            ("country", "PL"),
        ],
    )
    .await;
    let ids = |body: &str| -> Vec<i64> {
        body.match_indices("data-customer=\"")
            .map(|(i, m)| {
                body[i + m.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(ids(&c.get("/customers?q=LUCÍA").await.body), vec![lucia]);
    assert_eq!(
        ids(&c.get("/customers?q=nowak%40example").await.body),
        vec![krzysztof]
    );
    assert_eq!(ids(&c.get("/customers?q=krak").await.body), vec![krzysztof]);
    assert_eq!(
        ids(&c.get("/customers?type=guest").await.body),
        vec![krzysztof]
    );
    assert_eq!(
        ids(&c.get("/customers?country=pl").await.body),
        vec![krzysztof]
    );
    assert_eq!(ids(&c.get("/customers?repeat=1").await.body), vec![lucia]);
    assert_eq!(
        ids(&c
            .get("/customers?orders_min=1&orders_max=1&sort=name&dir=asc")
            .await
            .body),
        vec![emily, krzysztof]
    );
    assert_eq!(
        ids(&c.get("/customers?spent_min=150&spent_max=500").await.body),
        vec![krzysztof, lucia]
    );
    // Cancelled orders count as orders but not as money spent.
    assert_eq!(
        ids(&c.get("/customers?sort=spent&dir=desc").await.body),
        vec![krzysztof, lucia, emily]
    );
    let p = c.get("/customers?q=%25").await;
    assert!(ids(&p.body).is_empty(), "% is a character, not a wildcard");
    let bad = c.get("/customers?spent_min=lots&orders_min=-3").await;
    assert_eq!(bad.status, StatusCode::OK);
    bad.assert_contains("no se ha aplicado");
    bad.assert_contains("número entero");
    let list = c.get("/customers?sort=spent&dir=desc").await;
    list.assert_contains("500,00\u{a0}€");
    list.assert_contains("150,00\u{a0}€");
}

#[actix_web::test]
async fn keyset_pages_walk_every_customer_once_and_the_last_page_is_reachable() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let mut all = Vec::new();
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            for i in 0..125 {
                let id = customers::insert(
                    conn,
                    &Contact {
                        full_name: format!("Cliente {:03}", i % 40),
                        email: Some(format!("c{i}@example.es")),
                        phone: None,
                        language: Lang::Es,
                        registered: true,
                        newsletter: false,
                    },
                    Utc::now().naive_utc() - Duration::minutes(i % 7),
                )?;
                all.push(id);
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .unwrap();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let ids = |body: &str| -> Vec<i64> {
        body.match_indices("data-customer=\"")
            .map(|(i, m)| {
                body[i + m.len()..]
                    .split('"')
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect()
    };
    for sort in ["created", "name", "orders"] {
        let mut seen = Vec::new();
        let mut page = c.get(&format!("/customers?sort={sort}")).await;
        page.assert_contains("125 clientes");
        loop {
            seen.extend(ids(&page.body));
            let Some(i) = page.body.find("rel=\"next\"") else {
                break;
            };
            let href_start = page.body[..i].rfind("href=\"").unwrap() + 6;
            let href = page.body[href_start..]
                .split('"')
                .next()
                .unwrap()
                .replace("&#38;", "&")
                .replace("&amp;", "&");
            assert!(seen.len() <= 125, "sort={sort}: the pages never end");
            page = c.get(&href).await;
        }
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(seen.len(), 125, "sort={sort}: every customer once");
        assert_eq!(sorted.len(), 125, "sort={sort}: no duplicates");
        let last = c.get(&format!("/customers?sort={sort}&last=1")).await;
        assert_eq!(
            ids(&last.body),
            seen[seen.len() - 50..].to_vec(),
            "sort={sort}: the last page holds the last rows in order"
        );
        assert!(!last.body.contains("rel=\"next\""));
        assert!(last.body.contains("rel=\"prev\""));
    }
}

#[actix_web::test]
async fn the_card_shows_order_history_with_current_figures_and_a_timeline() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let id = customer(&app, "Pablo Herrera", "pablo@example.es", true);
    order(&app, id, "7001", 10_000, "delivered", 40);
    order(&app, id, "7002", 20_050, "shipped", 20);
    let cancelled = order(&app, id, "7003", 99_999, "pending", 1);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("data-figure=\"orders\">3<");
    card.assert_contains("data-figure=\"spent\">1300,49\u{a0}€<");
    c.get(&format!("/orders/{cancelled}")).await;
    c.post(
        &format!("/orders/{cancelled}/status"),
        &[("status", "cancelled")],
    )
    .await;
    let card = c.get(&format!("/customers/{id}")).await;
    card.assert_contains("data-figure=\"orders\">2<");
    card.assert_contains("data-figure=\"spent\">300,50\u{a0}€<");
    card.assert_contains("data-figure=\"average\">150,25\u{a0}€<");
    card.assert_contains("Pedido #7003");
    card.assert_contains("1 × Camisa de lino");
    let row = find(&app, id).unwrap();
    assert_eq!((row.order_count, row.spent_cents), (3, 30_050));
    assert_eq!(row.last_order_status.as_deref(), Some("cancelled"));
}

#[actix_web::test]
async fn support_edits_contact_data_notes_and_tags_but_cannot_delete() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    app.create_staff(owner, "support@example.com", Role::Support);
    let id = customer(&app, "Ana", "ana@example.es", true);
    let s = Client::signed_in(&app, "support@example.com").await;
    let card = s.get(&format!("/customers/{id}")).await;
    assert!(
        !card.body.contains(&format!("/customers/{id}/delete")),
        "no delete entry for support"
    );
    assert_eq!(
        s.post(&format!("/customers/{id}/notes"), &[("note", "Llamó")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        s.post(&format!("/customers/{id}/tags"), &[("tag", "VIP")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        s.post(
            &format!("/customers/{id}"),
            &[
                ("full_name", "Ana María"),
                ("email", "ana@example.es"),
                ("language", "es"),
                ("registered", "on"),
                ("version", "1")
            ]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        s.get(&format!("/customers/{id}/delete")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        s.post(&format!("/customers/{id}/delete"), &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(find(&app, id).is_some());
}

#[actix_web::test]
async fn markup_in_every_text_field_comes_back_escaped() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let xss = "<script>alert(1)</script>";
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/customers/new").await;
    let p = c
        .post(
            "/customers",
            &[
                ("full_name", xss),
                ("email", "x@example.com"),
                ("language", "es"),
            ],
        )
        .await;
    let card_url = p.location().unwrap().to_owned();
    let id: i64 = card_url.rsplit('/').next().unwrap().parse().unwrap();
    c.post(&format!("/customers/{id}/notes"), &[("note", xss)])
        .await;
    c.post(&format!("/customers/{id}/tags"), &[("tag", xss)])
        .await;
    c.post(
        &format!("/customers/{id}/addresses"),
        &[
            ("kind", "shipping"),
            ("address_name", xss),
            ("line1", xss),
            ("postal_code", "1"),
            ("city", xss),
            ("country", "ES"),
        ],
    )
    .await;
    order(&app, id, "9", 100, "paid", 0);
    let tag_id = app
        .with_conn(clientela::db::customers::TagRow::all)
        .unwrap()[0]
        .id;
    for page in [
        card_url.clone(),
        "/customers".into(),
        format!("/customers?tag={tag_id}"),
        "/orders".into(),
        "/".into(),
        format!("/customers/{id}/edit"),
        format!("/customers/{id}/delete"),
    ] {
        let p = c.get(&page).await;
        assert_eq!(p.status, StatusCode::OK, "{page}");
        assert!(!p.body.contains(xss), "{page} shows the payload unescaped");
    }
    c.get(&card_url)
        .await
        .assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;");
}

#[actix_web::test]
async fn the_csv_export_streams_the_current_view_with_either_separator_and_neutralises_formulas() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let a = customer(&app, "=HYPERLINK(\"http://evil\")", "a@example.es", true);
    let b = customer(&app, "Beatriz Ruiz", "b@example.es", false);
    order(&app, a, "1", 123_456, "paid", 1);
    order(&app, b, "2", 500, "paid", 1);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let list = c.get("/customers?type=registered").await;
    list.assert_contains("/customers/export.csv?type=registered");
    let res = c
        .http
        .get(app.url("/customers/export.csv?type=registered"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "a header and the one registered customer:\n{body}"
    );
    assert!(lines[0].starts_with("ID,Nombre,"), "{}", lines[0]);
    assert!(
        lines[1].contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains(",1234.56,EUR,"), "{}", lines[1]);
    let semi = c
        .http
        .get(app.url("/customers/export.csv?sep=semicolon"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(semi.lines().next().unwrap().starts_with("ID;Nombre;"));
    assert!(semi.contains(";1234,56;EUR;"), "{semi}");
    assert!(semi.contains(";5,00;EUR;"), "{semi}");
    assert_eq!(semi.lines().count(), 3);
}

#[actix_web::test]
async fn the_csv_export_of_many_customers_holds_every_row_once() {
    let app = TestApp::spawn().await;
    app.create_owner();
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            for i in 0..2500 {
                customers::insert(
                    conn,
                    &Contact {
                        full_name: format!("Cliente {i}"),
                        email: Some(format!("c{i}@example.es")),
                        phone: None,
                        language: Lang::Es,
                        registered: true,
                        newsletter: false,
                    },
                    Utc::now().naive_utc(),
                )?;
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .unwrap();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let body = c
        .http
        .get(app.url("/customers/export.csv?sort=name"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut emails: Vec<&str> = body
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert_eq!(emails.len(), 2500);
    emails.sort_unstable();
    emails.dedup();
    assert_eq!(
        emails.len(),
        2500,
        "no row twice across the streamed batches"
    );
}

#[actix_web::test]
async fn a_saved_segment_shows_as_a_tab_with_a_live_count_and_the_card_says_why() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let loyal = customer(&app, "Lucía Fernández", "lucia@example.es", true);
    let once = customer(&app, "Emily Carter", "emily@example.co.uk", true);
    order(&app, loyal, "1", 10_000, "delivered", 30);
    order(&app, loyal, "2", 20_000, "delivered", 3);
    order(&app, once, "3", 5_000, "delivered", 3);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let view = c
        .get("/customers?type=registered&orders_min=2&spent_min=100")
        .await;
    view.assert_contains("Guardar como segmento");
    let p = c
        .post(
            "/segments",
            &[
                ("name", "Fieles"),
                (
                    "criteria",
                    "orders_min=2&type=registered&spent_min=100&sort=name&after=x",
                ),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let list = c.get(p.location().unwrap()).await;
    list.assert_contains("Segmento guardado.");
    list.assert_contains("data-segment=\"Fieles\" aria-current=\"page\"");
    list.assert_contains("data-segment-count=\"1\"");
    list.assert_contains(&format!("data-customer=\"{loyal}\""));
    assert!(!list.body.contains(&format!("data-customer=\"{once}\"")));
    // The count is live: a second order makes Emily a member.
    order(&app, once, "4", 9_000, "delivered", 1);
    c.get("/customers")
        .await
        .assert_contains("data-segment-count=\"2\"");
    let card = c.get(&format!("/customers/{loyal}")).await;
    card.assert_contains("data-member-of=\"Fieles\"");
    card.assert_contains("Registrado — <span class=\"muted\">este cliente: Registrado");
    card.assert_contains("Al menos 2 pedidos — <span class=\"muted\">este cliente: 2 pedidos");
    card.assert_contains("Gasto desde 100 — <span class=\"muted\">este cliente: 300,00\u{a0}€");
    let other = customer(&app, "Nadie", "nadie@example.es", false);
    c.get(&format!("/customers/{other}"))
        .await
        .assert_contains("no está en ningún segmento");
    // Names are unique, case-insensitively, and a segment needs a filter.
    c.post("/segments", &[("name", "fieles"), ("criteria", "repeat=1")])
        .await;
    c.get("/customers?repeat=1")
        .await
        .assert_contains("Ya existe un segmento con este nombre.");
    c.post("/segments", &[("name", "Todo"), ("criteria", "")])
        .await;
    c.get("/customers")
        .await
        .assert_contains("Elige al menos un filtro");
    assert_eq!(
        app.with_conn(clientela::domain::segments::all)
            .unwrap()
            .len(),
        1
    );
    let id = app.with_conn(clientela::domain::segments::all).unwrap()[0].id;
    c.post(&format!("/segments/{id}/delete"), &[]).await;
    assert!(
        app.with_conn(clientela::domain::segments::all)
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn segment_criteria_cover_last_order_date_city_and_newsletter_consent() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let recent = customer(&app, "Reciente", "r@example.es", true);
    let old = customer(&app, "Antiguo", "o@example.es", true);
    order(&app, recent, "1", 1_000, "paid", 2);
    order(&app, old, "2", 1_000, "paid", 400);
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get(&format!("/customers/{recent}")).await;
    c.post(
        &format!("/customers/{recent}/addresses"),
        &[
            ("kind", "shipping"),
            ("address_name", "R"),
            ("line1", "Calle 1"),
            ("postal_code", "28001"),
            ("city", "Madrid"),
            ("country", "ES"),
        ],
    )
    .await;
    let since = (Utc::now() - Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    let p = c.get(&format!("/customers?last_order_from={since}")).await;
    p.assert_contains(&format!("data-customer=\"{recent}\""));
    assert!(!p.body.contains(&format!("data-customer=\"{old}\"")));
    let p = c.get("/customers?city=madrid").await;
    p.assert_contains(&format!("data-customer=\"{recent}\""));
    assert!(!p.body.contains(&format!("data-customer=\"{old}\"")));
    let p = c.get("/customers?newsletter=no").await;
    p.assert_contains(&format!("data-customer=\"{old}\""));
    p.assert_contains("Boletín: no suscrito");
    assert!(
        !c.get("/customers?newsletter=yes")
            .await
            .body
            .contains("data-customer=\"")
    );
}

#[actix_web::test]
async fn the_total_is_exact_and_filtered_counts_above_ten_thousand_are_shown_as_a_floor() {
    let app = TestApp::spawn().await;
    app.create_owner();
    app.with_conn(|conn| {
        write_tx(conn, |conn| {
            for i in 0..10_001 {
                customers::insert(
                    conn,
                    &Contact {
                        full_name: format!("C {i}"),
                        email: None,
                        phone: None,
                        language: Lang::Es,
                        registered: false,
                        newsletter: false,
                    },
                    Utc::now().naive_utc(),
                )?;
            }
            Ok::<_, diesel::result::Error>(())
        })
    })
    .unwrap();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    // All customers: the kept total, exact.
    c.get("/customers").await.assert_contains("10.001 clientes");
    // A filtered view fetches its count after the page; that count stops at 10,000.
    let p = c.get("/customers?type=guest").await;
    p.assert_contains("hx-get=\"/customers/count?type=guest\"");
    let n = c.get("/customers/count?type=guest").await;
    n.assert_contains("Más de 10.000 clientes");
    c.get("/customers/count?q=c%2010000")
        .await
        .assert_contains("1 cliente");
}
