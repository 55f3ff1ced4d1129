//! The REST API's addresses and customer groups over HTTP: a customer's addresses (list,
//! read, add, PATCH and PUT, make default, delete) and the groups (list, read, create,
//! update, delete, put a customer in or out), with problem documents for bad input, unknown
//! or foreign records and missing scopes.

use clientela::domain::api_tokens::{self, NewTokenInput};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::customers::{customer, order};

/// A token of `owner` with these scopes; returns its secret.
pub fn token(app: &TestApp, owner: i64, scopes: &[&str]) -> String {
    app.with_conn(|conn| {
        api_tokens::create(
            conn,
            owner,
            &NewTokenInput {
                name: "ERP".into(),
                scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            },
        )
    })
    .unwrap()
    .1
}

pub struct Api {
    base: String,
    http: reqwest::Client,
    token: String,
}

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub location: Option<String>,
    pub body: Value,
}

impl Api {
    pub fn new(app: &TestApp, token: &str) -> Api {
        Api {
            base: app.address.clone(),
            http: reqwest::Client::new(),
            token: token.to_owned(),
        }
    }

    pub async fn send(&self, method: Method, path: &str, body: Option<&Value>) -> Answer {
        let mut r = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            r = r
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let res = r.send().await.unwrap();
        let status = res.status();
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header("content-type").unwrap_or_default();
        let location = header("location");
        let text = res.text().await.unwrap();
        Answer {
            status,
            content_type,
            location,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }
    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }
    pub async fn patch(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::PATCH, path, Some(body)).await
    }
    pub async fn put(&self, path: &str, body: &Value) -> Answer {
        self.send(Method::PUT, path, Some(body)).await
    }
    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }
}

#[track_caller]
pub fn assert_problem(a: &Answer, status: StatusCode) {
    assert_eq!(a.status, status, "{:?}", a.body);
    assert_eq!(a.content_type, "application/problem+json", "{:?}", a.body);
    assert_eq!(a.body["status"], status.as_u16());
    assert!(a.body["title"].is_string());
}

/// The fields a 422 names, in order.
#[track_caller]
fn invalid_fields(a: &Answer) -> Vec<String> {
    assert_problem(a, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = a.body["errors"].as_array().expect("field errors");
    assert!(
        errors
            .iter()
            .all(|e| e["code"].is_string() && e["message"].as_str().is_some_and(|m| !m.is_empty())),
        "{:?}",
        a.body
    );
    errors
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

fn shipping(city: &str) -> Value {
    json!({
        "kind": "shipping",
        "full_name": "Ana García",
        "line1": "Calle Mayor 1",
        "line2": "2º B",
        "postal_code": "28013",
        "city": city,
        "region": "Madrid",
        "country": "es",
        "phone": "+34 600 000 000",
    })
}

fn address_count(app: &TestApp) -> i64 {
    use clientela::db::schema::addresses;
    use diesel::prelude::*;
    app.with_conn(|c| addresses::table.count().get_result::<i64>(c))
        .unwrap()
}

#[actix_web::test]
async fn a_customers_addresses_are_added_edited_made_default_and_deleted_like_on_the_card() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let api = Api::new(&app, &token(&app, owner, &["read", "write"]));
    let list = format!("/api/v1/customers/{ana}/addresses");
    assert_eq!(api.get(&list).await.body, json!({"data": []}));

    let first = api.post(&list, &shipping("Madrid")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
    let a1 = first.body["id"].as_i64().unwrap();
    assert_eq!(
        first.location.as_deref(),
        Some(format!("{list}/{a1}").as_str())
    );
    assert_eq!(first.body["country"], "ES", "stored upper-case");
    assert_eq!(first.body["customer_id"], ana);
    assert_eq!(
        first.body["is_default"], true,
        "the first of its kind is its default"
    );
    let c = api.get(&format!("/api/v1/customers/{ana}")).await;
    assert_eq!(
        (c.body["city"].clone(), c.body["country"].clone()),
        (json!("Madrid"), json!("ES")),
        "the customer's location follows the default shipping address"
    );

    let second = api.post(&list, &shipping("Sevilla")).await;
    assert_eq!(second.status, StatusCode::CREATED, "{:?}", second.body);
    let a2 = second.body["id"].as_i64().unwrap();
    assert_eq!(second.body["is_default"], false);
    let billing = api
        .post(
            &list,
            &json!({"kind": "billing", "full_name": "Ana García SL", "line1": "Gran Vía 5",
                    "postal_code": "28004", "city": "Madrid", "country": "ES"}),
        )
        .await;
    assert_eq!(billing.status, StatusCode::CREATED, "{:?}", billing.body);
    assert_eq!(
        billing.body["is_default"], true,
        "the first billing address"
    );
    assert!(billing.body["line2"].is_null() && billing.body["phone"].is_null());

    let made = api.post(&format!("{list}/{a2}/default"), &json!({})).await;
    assert_eq!(made.status, StatusCode::OK, "{:?}", made.body);
    assert_eq!(made.body["is_default"], true);
    assert_eq!(
        api.get(&format!("{list}/{a1}")).await.body["is_default"],
        false
    );
    assert_eq!(
        api.get(&format!("/api/v1/customers/{ana}")).await.body["city"],
        "Sevilla"
    );
    let billing_id = billing.body["id"].as_i64().unwrap();
    assert_eq!(
        api.get(&format!("{list}/{billing_id}")).await.body["is_default"],
        true,
        "the other kind keeps its default"
    );

    // PATCH: absent fields keep their value, null empties an optional one.
    let p = api
        .patch(
            &format!("{list}/{a1}"),
            &json!({"city": "Toledo", "line2": null}),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{:?}", p.body);
    assert_eq!(p.body["city"], "Toledo");
    assert!(p.body["line2"].is_null());
    assert_eq!(p.body["line1"], "Calle Mayor 1");
    assert_eq!(p.body["phone"], "+34 600 000 000");
    // PUT: the address as sent, absent optional fields emptied.
    let r = api
        .put(
            &format!("{list}/{a1}"),
            &json!({"kind": "shipping", "full_name": "Jan Kowalski", "line1": "ul. Długa 3",
                    "postal_code": "00-001", "city": "Warszawa", "country": "PL"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["city"], "Warszawa");
    assert!(r.body["region"].is_null() && r.body["phone"].is_null());
    let listed = api.get(&list).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 3);

    // Deleting the default of its kind hands the default to the next one of that kind.
    let d = api.delete(&format!("{list}/{a2}")).await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert_problem(
        &api.get(&format!("{list}/{a2}")).await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(
        api.get(&format!("{list}/{a1}")).await.body["is_default"],
        true
    );
    assert_eq!(
        api.get(&format!("/api/v1/customers/{ana}")).await.body["city"],
        "Warszawa"
    );
    let audit = app
        .with_conn(|conn| {
            use clientela::db::schema::audit_log;
            use diesel::prelude::*;
            audit_log::table
                .filter(audit_log::action.like("address.%"))
                .count()
                .get_result::<i64>(conn)
        })
        .unwrap();
    assert_eq!(
        audit, 7,
        "every change leaves an audit entry, as from the card"
    );
}

#[actix_web::test]
async fn bad_unknown_or_foreign_addresses_get_problem_documents_and_change_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let jan = customer(&app, "Jan Kowalski", "jan@example.pl", true);
    let api = Api::new(&app, &token(&app, owner, &["read", "write"]));
    let list = format!("/api/v1/customers/{ana}/addresses");
    let a1 = api.post(&list, &shipping("Madrid")).await.body["id"]
        .as_i64()
        .unwrap();
    let before = address_count(&app);

    let with = |field: &str, value: Value| {
        let mut b = shipping("Madrid");
        b[field] = value;
        b
    };
    for (body, field) in [
        (with("full_name", json!("  ")), "full_name"),
        (with("phone", json!("9".repeat(41))), "phone"),
        (with("line1", json!("x".repeat(201))), "line1"),
        (with("postal_code", json!("1".repeat(21))), "postal_code"),
        (with("country", json!("España")), "country"),
        (with("kind", json!("home")), "kind"),
        (with("city", json!("Ma\u{0}drid")), "city"),
        (json!({"kind": "billing"}), "line1"),
    ] {
        let a = api.post(&list, &body).await;
        assert!(
            invalid_fields(&a).contains(&field.to_owned()),
            "{field}: {:?}",
            a.body
        );
    }
    // The same validation on PATCH and PUT; the address stays as it was.
    let a = api
        .patch(&format!("{list}/{a1}"), &json!({"city": ""}))
        .await;
    assert_eq!(invalid_fields(&a), ["city"]);
    let a = api
        .put(&format!("{list}/{a1}"), &json!({"city": "Toledo"}))
        .await;
    let fields = invalid_fields(&a);
    assert!(
        fields.contains(&"kind".to_owned()) && fields.contains(&"country".to_owned()),
        "{fields:?}"
    );
    assert_eq!(
        api.get(&format!("{list}/{a1}")).await.body["city"],
        "Madrid"
    );

    assert_problem(
        &api.post(&list, &json!({"kind": "shipping", "colour": "red"}))
            .await,
        StatusCode::BAD_REQUEST,
    );
    assert_problem(
        &api.post(&list, &json!({"kind": 7})).await,
        StatusCode::BAD_REQUEST,
    );
    assert_problem(
        &api.post("/api/v1/customers/999999/addresses", &shipping("Madrid"))
            .await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &api.get("/api/v1/customers/999999/addresses").await,
        StatusCode::NOT_FOUND,
    );
    // Ana's address under Jan's id is not found, whatever the method.
    let foreign = format!("/api/v1/customers/{jan}/addresses/{a1}");
    assert_problem(&api.get(&foreign).await, StatusCode::NOT_FOUND);
    assert_problem(
        &api.patch(&foreign, &json!({"city": "Kraków"})).await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &api.put(&foreign, &shipping("Kraków")).await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &api.post(&format!("{foreign}/default"), &json!({})).await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(&api.delete(&foreign).await, StatusCode::NOT_FOUND);
    assert_problem(
        &api.delete(&format!("{list}/999999")).await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(address_count(&app), before, "nothing added or removed");
    assert_eq!(
        api.get(&format!("{list}/{a1}")).await.body["city"],
        "Madrid"
    );

    // An anonymized customer takes no new address.
    let gone = customer(&app, "Con Pedido", "pedido@example.es", true);
    order(&app, gone, "1001", 1_000, "paid", 1);
    let d = api.delete(&format!("/api/v1/customers/{gone}")).await;
    assert_eq!(d.body["result"], "anonymized");
    assert_problem(
        &api.post(
            &format!("/api/v1/customers/{gone}/addresses"),
            &shipping("Madrid"),
        )
        .await,
        StatusCode::NOT_FOUND,
    );
}

#[actix_web::test]
async fn a_read_token_reads_addresses_and_groups_but_cannot_change_them() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let writer = Api::new(&app, &token(&app, owner, &["read", "write", "money"]));
    let reader = Api::new(&app, &token(&app, owner, &["read"]));
    let only_write = Api::new(&app, &token(&app, owner, &["write"]));
    let list = format!("/api/v1/customers/{ana}/addresses");
    let a1 = writer.post(&list, &shipping("Madrid")).await.body["id"]
        .as_i64()
        .unwrap();
    let g = writer
        .post("/api/v1/groups", &json!({"name": "Mayoristas"}))
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let one = format!("{list}/{a1}");

    assert_eq!(reader.get(&list).await.status, StatusCode::OK);
    assert_eq!(reader.get(&one).await.status, StatusCode::OK);
    assert_eq!(reader.get("/api/v1/groups").await.status, StatusCode::OK);
    assert_eq!(
        reader.get(&format!("/api/v1/groups/{g}")).await.status,
        StatusCode::OK
    );
    let group = format!("/api/v1/customers/{ana}/group");
    for a in [
        reader.post(&list, &shipping("Sevilla")).await,
        reader.patch(&one, &json!({"city": "Sevilla"})).await,
        reader.put(&one, &shipping("Sevilla")).await,
        reader.post(&format!("{one}/default"), &json!({})).await,
        reader.delete(&one).await,
    ] {
        assert_problem(&a, StatusCode::FORBIDDEN);
        assert!(a.body["detail"].as_str().unwrap().contains("write"));
    }
    for a in [
        reader.post("/api/v1/groups", &json!({"name": "VIP"})).await,
        reader
            .patch(&format!("/api/v1/groups/{g}"), &json!({"name": "VIP"}))
            .await,
        reader.delete(&format!("/api/v1/groups/{g}")).await,
        reader.put(&group, &json!({"group_id": g})).await,
    ] {
        assert_problem(&a, StatusCode::FORBIDDEN);
        assert!(a.body["detail"].as_str().unwrap().contains("money"));
    }
    let a = only_write.get(&list).await;
    assert_problem(&a, StatusCode::FORBIDDEN);
    assert!(a.body["detail"].as_str().unwrap().contains("read"));
    let unauthenticated = reqwest::get(format!("{}/api/v1/groups", app.address))
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);

    assert_eq!(address_count(&app), 1, "no address added or removed");
    let a = writer.get(&one).await;
    assert_eq!(a.body["city"], "Madrid");
    let groups = writer.get("/api/v1/groups").await;
    assert_eq!(groups.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(groups.body["data"][0]["name"], "Mayoristas");
    assert!(
        writer.get(&format!("/api/v1/customers/{ana}")).await.body["group_id"].is_null(),
        "not put into the group"
    );
}

#[actix_web::test]
async fn groups_are_created_renamed_listed_with_members_assigned_and_deleted_through_the_api() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let jan = customer(&app, "Jan Kowalski", "jan@example.pl", true);
    let api = Api::new(&app, &token(&app, owner, &["read", "write", "money"]));
    // Groups set prices: without the money scope they cannot be changed.
    let no_money = Api::new(&app, &token(&app, owner, &["read", "write"]));
    let refused = no_money
        .post("/api/v1/groups", &json!({"name": "Sin dinero"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
    assert_eq!(
        no_money
            .put(
                &format!("/api/v1/customers/{ana}/group"),
                &json!({"group_id": null})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let made = api
        .post(
            "/api/v1/groups",
            &json!({"name": "Mayoristas", "discount_bp": 1250}),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let g = made.body["id"].as_i64().unwrap();
    assert_eq!(
        made.location.as_deref(),
        Some(format!("/api/v1/groups/{g}").as_str())
    );
    assert_eq!(made.body["discount_bp"], 1250);
    assert_eq!(made.body["members"], 0);
    let other = api.post("/api/v1/groups", &json!({"name": "Amigos"})).await;
    assert_eq!(other.status, StatusCode::CREATED, "{:?}", other.body);
    assert_eq!(other.body["discount_bp"], 0);
    let names: Vec<Value> = api.get("/api/v1/groups").await.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].clone())
        .collect();
    assert_eq!(names, [json!("Amigos"), json!("Mayoristas")], "by name");

    for (body, field) in [
        (json!({"name": "mayoristas"}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": "x".repeat(61)}), "name"),
        (json!({"name": "VIP", "discount_bp": 10_001}), "discount_bp"),
        (json!({"name": "VIP", "discount_bp": -1}), "discount_bp"),
        (
            json!({"name": "VIP", "discount_bp": i64::MIN}),
            "discount_bp",
        ),
        (
            json!({"name": "VIP", "discount_bp": i64::MAX}),
            "discount_bp",
        ),
    ] {
        let a = api.post("/api/v1/groups", &body).await;
        assert_eq!(invalid_fields(&a), [field], "{body}");
    }
    assert_problem(
        &api.post("/api/v1/groups", &json!({"name": "VIP", "discount": "5"}))
            .await,
        StatusCode::BAD_REQUEST,
    );

    let renamed = api
        .patch(&format!("/api/v1/groups/{g}"), &json!({"name": "B2B"}))
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{:?}", renamed.body);
    assert_eq!(renamed.body["name"], "B2B");
    assert_eq!(renamed.body["discount_bp"], 1250, "kept");
    assert_eq!(
        invalid_fields(
            &api.patch(&format!("/api/v1/groups/{g}"), &json!({"name": "AMIGOS"}))
                .await
        ),
        ["name"]
    );
    assert_problem(
        &api.patch("/api/v1/groups/999999", &json!({"name": "X"}))
            .await,
        StatusCode::NOT_FOUND,
    );

    // Put Ana into the group, Jan too, then Ana out of it.
    let put = |c: i64, body: Value| {
        let api = &api;
        async move {
            api.put(&format!("/api/v1/customers/{c}/group"), &body)
                .await
        }
    };
    let a = put(ana, json!({"group_id": g})).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["group_id"], g);
    assert_eq!(
        put(jan, json!({"group_id": g})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get(&format!("/api/v1/groups/{g}")).await.body["members"],
        2
    );
    let a = put(ana, json!({"group_id": null})).await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert!(a.body["group_id"].is_null());
    assert_eq!(
        api.get(&format!("/api/v1/groups/{g}")).await.body["members"],
        1
    );
    assert_eq!(
        invalid_fields(&put(ana, json!({"group_id": 999_999})).await),
        ["group_id"]
    );
    assert_problem(&put(ana, json!({})).await, StatusCode::BAD_REQUEST);
    assert_problem(
        &put(999_999, json!({"group_id": g})).await,
        StatusCode::NOT_FOUND,
    );
    assert!(
        api.get(&format!("/api/v1/customers/{ana}")).await.body["group_id"].is_null(),
        "refused assignments changed nothing"
    );

    // Deleting the group leaves its customers ungrouped.
    let d = api.delete(&format!("/api/v1/groups/{g}")).await;
    assert_eq!(d.status, StatusCode::OK, "{:?}", d.body);
    assert_eq!(d.body, json!({"id": g, "customers_ungrouped": 1}));
    assert_problem(
        &api.get(&format!("/api/v1/groups/{g}")).await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &api.delete(&format!("/api/v1/groups/{g}")).await,
        StatusCode::NOT_FOUND,
    );
    assert!(api.get(&format!("/api/v1/customers/{jan}")).await.body["group_id"].is_null());
}

#[actix_web::test]
async fn the_openapi_document_describes_the_address_and_group_operations_with_their_limits() {
    let app = TestApp::spawn().await;
    let text = reqwest::get(format!("{}/api/openapi.json", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/customers/{id}/addresses", "get"),
        ("/api/v1/customers/{id}/addresses", "post"),
        ("/api/v1/customers/{id}/addresses/{address}", "patch"),
        ("/api/v1/customers/{id}/addresses/{address}", "put"),
        ("/api/v1/customers/{id}/addresses/{address}", "delete"),
        ("/api/v1/customers/{id}/addresses/{address}/default", "post"),
        ("/api/v1/groups", "get"),
        ("/api/v1/groups", "post"),
        ("/api/v1/groups/{id}", "get"),
        ("/api/v1/groups/{id}", "patch"),
        ("/api/v1/groups/{id}", "delete"),
        ("/api/v1/customers/{id}/group", "put"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path}");
    }
    let input = &doc["components"]["schemas"]["AddressInput"];
    assert_eq!(input["properties"]["line1"]["maxLength"], 200);
    assert_eq!(input["properties"]["postal_code"]["maxLength"], 20);
    assert_eq!(input["properties"]["phone"]["maxLength"], 40);
    assert!(
        input["required"]
            .as_array()
            .unwrap()
            .contains(&json!("country"))
    );
    let group =
        &paths["/api/v1/groups"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(group["properties"]["name"]["maxLength"], 60);
    assert_eq!(group["properties"]["discount_bp"]["maximum"], 10_000);
}

#[actix_web::test]
async fn text_with_control_characters_is_refused_with_422_on_every_backend_never_a_server_error() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let api = Api::new(&app, &token(&app, owner, &["read", "write"]));
    // Found by schemathesis on PostgreSQL, which cannot store or compare a NUL in text.
    for query in [
        "q=a%00b",
        "city=Ma%00drid",
        "country=E%00",
        "sort=name&after=Ana%00~1",
    ] {
        let a = api.get(&format!("/api/v1/customers?{query}")).await;
        assert_eq!(invalid_fields(&a), ["query"], "{query}");
    }
    let notes = format!("/api/v1/customers/{ana}/notes");
    let a = api
        .post(&notes, &json!({"body": "Llamar\u{0} mañana"}))
        .await;
    assert_eq!(invalid_fields(&a), ["body"]);
    let a = api
        .post(&notes, &json!({"body": "Llamar\nmañana\t10:00"}))
        .await;
    assert_eq!(
        a.status,
        StatusCode::CREATED,
        "line breaks are a note's own"
    );
    let listed = api.get(&notes).await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(listed.body["data"][0]["body"], "Llamar\nmañana\t10:00");
    let a = api
        .post(
            &format!("/api/v1/customers/{ana}/tags"),
            &json!({"name": ""}),
        )
        .await;
    assert_eq!(invalid_fields(&a), ["name"]);
    let found = api.get("/api/v1/customers?q=ana").await;
    assert_eq!(found.body["data"].as_array().unwrap().len(), 1);
}
