//! The REST API over HTTP: tokens (shown once, scoped, revocable), customers (list with
//! cursor pages, get, create, update with the version, delete), points and store credit
//! with the Idempotency-Key rules, orders and their status, problem documents for every
//! refusal, and the OpenAPI document and docs page.

use clientela::db::credit::ReasonRow;
use clientela::domain::api_tokens::{self, NewTokenInput};
use clientela::domain::credit::{self, SettingsInput};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};

fn token(app: &TestApp, owner: i64, scopes: &[&str]) -> String {
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

struct Api {
    base: String,
    http: reqwest::Client,
    token: Option<String>,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Value,
}

impl Api {
    fn new(app: &TestApp, token: Option<&str>) -> Api {
        Api {
            base: app.address.clone(),
            http: reqwest::Client::new(),
            token: token.map(str::to_owned),
        }
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
        key: Option<&str>,
    ) -> Answer {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        if let Some(k) = key {
            r = r.header("Idempotency-Key", k);
        }
        if let Some(b) = body {
            r = r
                .header("content-type", "application/json")
                .body(b.to_string());
        }
        let res = r.send().await.unwrap();
        let status = res.status();
        let content_type = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = res.text().await.unwrap();
        Answer {
            status,
            content_type,
            body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(reqwest::Method::GET, path, None, None).await
    }
    async fn post(&self, path: &str, body: &Value, key: Option<&str>) -> Answer {
        self.send(reqwest::Method::POST, path, Some(body), key)
            .await
    }
}

#[track_caller]
fn assert_problem(a: &Answer, status: StatusCode) {
    assert_eq!(a.status, status, "{:?}", a.body);
    assert_eq!(a.content_type, "application/problem+json", "{:?}", a.body);
    assert_eq!(a.body["status"], status.as_u16());
    assert!(a.body["title"].is_string());
}

#[actix_web::test]
async fn a_token_is_shown_once_works_within_its_scopes_and_is_refused_once_revoked() {
    let app = TestApp::spawn().await;
    app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.get("/settings/api-tokens").await;
    let p = c
        .post(
            "/settings/api-tokens",
            &[("name", "Almacén"), ("scopes", "read")],
        )
        .await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let start = p.body.find("data-secret>").unwrap() + "data-secret>".len();
    let secret = &p.body[start..start + 36];
    assert!(secret.starts_with("clt_"), "{secret}");
    // Shown once: the list afterwards has only its first characters.
    let list = c.get("/settings/api-tokens").await;
    assert!(!list.body.contains(secret));
    list.assert_contains(&secret[..8]);

    let api = Api::new(&app, Some(secret));
    let a = api.get("/api/v1/customers").await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    let a = api
        .post("/api/v1/customers", &json!({"full_name": "Ana"}), None)
        .await;
    assert_problem(&a, StatusCode::FORBIDDEN);
    assert!(a.body["detail"].as_str().unwrap().contains("write"));
    assert_problem(
        &Api::new(&app, None).get("/api/v1/customers").await,
        StatusCode::UNAUTHORIZED,
    );
    assert_problem(
        &Api::new(&app, Some("clt_not-a-token"))
            .get("/api/v1/customers")
            .await,
        StatusCode::UNAUTHORIZED,
    );

    let id = clientela::db::api_tokens::all(&mut app.conn()).unwrap()[0].id;
    let p = c
        .post(&format!("/settings/api-tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_problem(
        &api.get("/api/v1/customers").await,
        StatusCode::UNAUTHORIZED,
    );
    // A token needs a name and a scope.
    let p = c.post("/settings/api-tokens", &[("name", "")]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    p.assert_contains("Elige al menos un permiso.");
}

#[actix_web::test]
async fn customers_are_paged_by_cursor_searched_created_updated_with_their_version_and_deleted() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    for i in 0..55 {
        customer(
            &app,
            &format!("Cliente {i:02}"),
            &format!("c{i}@example.es"),
            true,
        );
    }
    let api = Api::new(&app, Some(&token(&app, owner, &["read", "write"])));
    let first = api.get("/api/v1/customers?sort=name&dir=asc").await;
    assert_eq!(first.status, StatusCode::OK, "{:?}", first.body);
    assert_eq!(first.body["data"].as_array().unwrap().len(), 50);
    assert_eq!(first.body["data"][0]["full_name"], "Cliente 00");
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = api
        .get(&format!(
            "/api/v1/customers?sort=name&dir=asc&after={}",
            url::form_urlencoded::byte_serialize(cursor.as_bytes()).collect::<String>()
        ))
        .await;
    let rest = second.body["data"].as_array().unwrap();
    assert_eq!(rest.len(), 5);
    assert_eq!(rest[0]["full_name"], "Cliente 50");
    assert!(second.body["next_cursor"].is_null());
    let found = api.get("/api/v1/customers?q=c17%40example.es").await;
    assert_eq!(found.body["data"].as_array().unwrap().len(), 1);

    let made = api
        .post(
            "/api/v1/customers",
            &json!({"full_name": "Jan Kowalski", "email": "jan@example.pl", "language": "pl", "registered": true}),
            None,
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{:?}", made.body);
    let id = made.body["id"].as_i64().unwrap();
    assert_eq!(made.body["language"], "pl");
    let version = made.body["version"].as_i64().unwrap();
    let got = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(got.body["email"], "jan@example.pl");

    let patch = |v: i64| json!({"phone": "+48 600 100 200", "version": v});
    let a = api
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/customers/{id}"),
            Some(&patch(version)),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["phone"], "+48 600 100 200");
    assert_eq!(
        a.body["full_name"], "Jan Kowalski",
        "absent fields keep their value"
    );
    // The same version again is stale: someone (this very client) saved meanwhile.
    let a = api
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/customers/{id}"),
            Some(&patch(version)),
            None,
        )
        .await;
    assert_problem(&a, StatusCode::CONFLICT);

    let with_order = customer(&app, "Con Pedido", "pedido@example.es", true);
    order(&app, with_order, "1001", 1_000, "paid", 1);
    let a = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/customers/{with_order}"),
            None,
            None,
        )
        .await;
    assert_eq!(a.body["result"], "anonymized");
    let a = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/customers/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(a.body["result"], "removed");
    assert_problem(
        &api.get(&format!("/api/v1/customers/{id}")).await,
        StatusCode::NOT_FOUND,
    );
}

#[actix_web::test]
async fn bad_customer_input_gets_a_problem_document_with_field_errors_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    customer(&app, "Ana García", "ana@example.es", true);
    let api = Api::new(&app, Some(&token(&app, owner, &["read", "write"])));
    let count = || {
        use clientela::db::schema::customers;
        use diesel::prelude::*;
        app.with_conn(|c| customers::table.count().get_result::<i64>(c))
            .unwrap()
    };
    let before = count();
    for (body, field) in [
        (json!({"full_name": "X", "email": "no-es-correo"}), "email"),
        (
            json!({"full_name": "X", "email": "ana@example.es", "registered": true}),
            "email",
        ),
        (json!({"full_name": ""}), "full_name"),
        (json!({"full_name": "x".repeat(500)}), "full_name"),
    ] {
        let a = api.post("/api/v1/customers", &body, None).await;
        assert_problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
        let errors = a.body["errors"].as_array().unwrap();
        assert!(errors.iter().any(|e| e["field"] == field), "{:?}", a.body);
        assert!(
            errors
                .iter()
                .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty()))
        );
    }
    let a = api
        .post(
            "/api/v1/customers",
            &json!({"full_name": "X", "colour": "red"}),
            None,
        )
        .await;
    assert_problem(&a, StatusCode::BAD_REQUEST);
    let a = api
        .send(
            reqwest::Method::PATCH,
            "/api/v1/customers/1",
            Some(&json!({"phone": "1"})),
            None,
        )
        .await;
    assert_problem(&a, StatusCode::UNPROCESSABLE_ENTITY);
    assert_problem(
        &api.get("/api/v1/customers/999999").await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &api.get("/api/v1/no-such-thing").await,
        StatusCode::NOT_FOUND,
    );
    assert_problem(
        &api.get("/api/v1/customers/abc").await,
        StatusCode::NOT_FOUND,
    );
    assert_eq!(count(), before, "nothing created");
}

#[actix_web::test]
async fn points_and_credit_movements_happen_once_per_idempotency_key_and_another_body_is_refused() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let read_only = Api::new(&app, Some(&token(&app, owner, &["read"])));
    let api = Api::new(&app, Some(&token(&app, owner, &["read", "money"])));
    let add = json!({"points": 40, "direction": "add", "reason": "ERP"});
    assert_problem(
        &read_only
            .post(&format!("/api/v1/customers/{ana}/points"), &add, Some("k1"))
            .await,
        StatusCode::FORBIDDEN,
    );
    let path = format!("/api/v1/customers/{ana}/points");
    let one = api.post(&path, &add, Some("k1")).await;
    assert_eq!(one.status, StatusCode::CREATED, "{:?}", one.body);
    let again = api.post(&path, &add, Some("k1")).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, one.body, "the same answer");
    let other = api
        .post(
            &path,
            &json!({"points": 41, "direction": "add", "reason": "ERP"}),
            Some("k1"),
        )
        .await;
    assert_problem(&other, StatusCode::UNPROCESSABLE_ENTITY);
    let too_many = api
        .post(
            &path,
            &json!({"points": 500, "direction": "subtract", "reason": "ERP"}),
            Some("k2"),
        )
        .await;
    assert_problem(&too_many, StatusCode::UNPROCESSABLE_ENTITY);
    let points = api.get(&path).await;
    assert_eq!(points.body["balance"], 40, "added once");
    assert_eq!(points.body["history"].as_array().unwrap().len(), 1);

    // Store credit: grant, then spend on an order, each once per key.
    app.with_conn(|conn| {
        credit::save_settings(
            conn,
            owner,
            &SettingsInput {
                enabled: Some("on".into()),
                expiry_days: String::new(),
            },
        )
    })
    .unwrap();
    let reason = app.with_conn(ReasonRow::all).unwrap()[0].id;
    let grant = json!({"amount_cents": 3000, "reason_id": reason});
    let cpath = format!("/api/v1/customers/{ana}/credit");
    for _ in 0..2 {
        let a = api.post(&cpath, &grant, Some("g1")).await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    }
    assert_eq!(api.get(&cpath).await.body["balance_cents"], 3000);
    let o = order(&app, ana, "1001", 5_000, "pending", 1);
    let spath = format!("/api/v1/orders/{o}/credit");
    let no_key = api.post(&spath, &json!({"amount_cents": 1000}), None).await;
    assert_problem(&no_key, StatusCode::BAD_REQUEST);
    for _ in 0..2 {
        let a = api
            .post(&spath, &json!({"amount_cents": 1000}), Some("s1"))
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
        assert_eq!(a.body["balance_after_cents"], 2000);
    }
    let over = api
        .post(&spath, &json!({"amount_cents": 2500}), Some("s2"))
        .await;
    assert_problem(&over, StatusCode::UNPROCESSABLE_ENTITY);
    let (balance, ledger, _) = app.with_conn(|conn| credit::sums(conn, ana)).unwrap();
    assert_eq!((balance, ledger), (2000, 2000));
}

#[actix_web::test]
async fn orders_are_listed_read_and_their_status_changed_like_in_the_panel() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let o1 = order(&app, ana, "1001", 1_000, "pending", 3);
    let o2 = order(&app, ana, "1002", 2_000, "paid", 1);
    let api = Api::new(&app, Some(&token(&app, owner, &["read", "write"])));
    let list = api.get(&format!("/api/v1/orders?customer_id={ana}")).await;
    let ids: Vec<i64> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [o2, o1]);
    let paid = api.get("/api/v1/orders?status=paid").await;
    assert_eq!(paid.body["data"].as_array().unwrap().len(), 1);
    assert_problem(
        &api.get("/api/v1/orders?status=volado").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let one = api.get(&format!("/api/v1/orders/{o1}")).await;
    assert_eq!(one.body["lines"][0]["sku"], "SKU-1");
    let a = api
        .post(
            &format!("/api/v1/orders/{o1}/status"),
            &json!({"status": "shipped"}),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{:?}", a.body);
    assert_eq!(a.body["status"], "shipped");
    let mails = app
        .with_conn(|c| clientela::db::outbox::to_recipient(c, "ana@example.es"))
        .unwrap();
    assert_eq!(
        mails.len(),
        1,
        "the customer's e-mail follows, as from the panel"
    );
    let history = api.get(&format!("/api/v1/orders/{o1}")).await;
    assert_eq!(history.body["status_history"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn the_openapi_document_and_the_docs_page_are_served_from_the_binary() {
    let app = TestApp::spawn().await;
    let api = Api::new(&app, None);
    let doc = api.get("/api/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(doc.body["openapi"], "3.1.0");
    let paths = doc.body["paths"].as_object().unwrap();
    for p in [
        "/api/v1/customers",
        "/api/v1/customers/{id}",
        "/api/v1/customers/{id}/points",
        "/api/v1/customers/{id}/credit",
        "/api/v1/orders",
        "/api/v1/orders/{id}/status",
        "/api/v1/orders/{id}/credit",
    ] {
        assert!(paths.contains_key(p), "{p}");
    }
    let page = Client::new(&app).get("/api/docs").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("data-op=\"PATCH /api/v1/customers/{id}\"");
    page.assert_contains("Idempotency-Key");
}

#[actix_web::test]
async fn a_customers_notes_and_tags_are_read_added_and_removed_and_bad_ones_refused() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let ana = customer(&app, "Ana García", "ana@example.es", true);
    let read_only = Api::new(&app, Some(&token(&app, owner, &["read"])));
    let api = Api::new(&app, Some(&token(&app, owner, &["read", "write"])));
    let notes = format!("/api/v1/customers/{ana}/notes");
    assert_problem(
        &read_only
            .post(&notes, &json!({"body": "Llamar"}), None)
            .await,
        StatusCode::FORBIDDEN,
    );
    let a = api
        .post(
            &notes,
            &json!({"body": "<script>alert(1)</script> Llamar"}),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let note = a.body["id"].as_i64().unwrap();
    assert_problem(
        &api.post(&notes, &json!({"body": ""}), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let list = api.get(&notes).await;
    assert_eq!(list.body["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        list.body["data"][0]["body"],
        "<script>alert(1)</script> Llamar"
    );
    let d = api
        .send(
            reqwest::Method::DELETE,
            &format!("{notes}/{note}"),
            None,
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert!(
        api.get(&notes).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let tags = format!("/api/v1/customers/{ana}/tags");
    let a = api.post(&tags, &json!({"name": "VIP"}), None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.body);
    let tag = a.body["data"][0]["id"].as_i64().unwrap();
    assert_eq!(api.get(&tags).await.body["data"][0]["name"], "VIP");
    assert_problem(
        &api.post(&tags, &json!({"name": ""}), None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    let d = api
        .send(
            reqwest::Method::DELETE,
            &format!("{tags}/{tag}"),
            None,
            None,
        )
        .await;
    assert_eq!(d.status, StatusCode::NO_CONTENT);
    assert!(
        api.get(&tags).await.body["data"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_problem(
        &api.get("/api/v1/customers/999999/tags").await,
        StatusCode::NOT_FOUND,
    );
}
