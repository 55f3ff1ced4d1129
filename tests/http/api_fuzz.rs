//! Schemathesis over the OpenAPI document: the real application on a free port with a fresh
//! database (of the backend under test) and a few customers, orders, addresses and a group;
//! schemathesis (installed by scripts/test.sh, its `st` named by `CLIENTELA_SCHEMATHESIS`)
//! sends generated requests to every operation with a token of all scopes. No answer may be
//! a server error, and every answer must be one the document describes (status code,
//! content type, schema).

use std::process::Command;
use std::time::{Duration, Instant};

use clientela::db::credit::ReasonRow;
use clientela::domain::credit::{self, SettingsInput};
use clientela::domain::customers::{self, AddressInput};
use clientela::domain::groups::{self, GroupInput, Selection};

use crate::api_more::token;
use crate::common::{TestApp, ci};
use crate::customers::{customer, order};

/// Test cases per operation and phase: enough to reach every handler's edges, few enough
/// that the whole run stays well under two minutes on either backend.
/// `CLIENTELA_SCHEMATHESIS_MAX_EXAMPLES` asks for more (a longer hunt by hand).
const MAX_EXAMPLES: &str = "25";
/// A fixed seed: a failure is reproduced by running again. `CLIENTELA_SCHEMATHESIS_SEED`
/// picks another.
const SEED: &str = "20261203";

/// The records the seed made, for schemathesis to aim at.
struct Seeded {
    customers: Vec<i64>,
    orders: Vec<i64>,
    address: i64,
    note: i64,
    tag: i64,
    group: i64,
    reason: i64,
}

/// A store with something to find behind every read operation.
fn seed(app: &TestApp, owner: i64) -> Seeded {
    let ana = customer(app, "Ana García", "ana@example.es", true);
    let jan = customer(app, "Jan Kowalski", "jan@example.pl", false);
    let amy = customer(app, "Amy Smith", "amy@example.co.uk", true);
    let orders = vec![
        order(app, ana, "1001", 12_50, "pending", 3),
        order(app, ana, "1002", 80_00, "paid", 1),
        order(app, jan, "1003", 5_00, "shipped", 2),
    ];
    app.with_conn(|conn| {
        let address = customers::add_address(
            conn,
            Some(owner),
            ana,
            &AddressInput {
                kind: "shipping".into(),
                full_name: "Ana García".into(),
                line1: "Calle Mayor 1".into(),
                postal_code: "28013".into(),
                city: "Madrid".into(),
                country: "ES".into(),
                ..AddressInput::default()
            },
        )
        .unwrap();
        let note = customers::add_note(conn, owner, amy, "Prefers e-mail").unwrap();
        customers::add_tag(conn, owner, amy, "VIP").unwrap();
        let tag = clientela::db::customers::TagRow::for_customer(conn, amy).unwrap()[0].id;
        let g = groups::create(
            conn,
            owner,
            &GroupInput {
                name: "Mayoristas".into(),
                discount: "10".into(),
            },
        )
        .unwrap();
        groups::assign(conn, owner, &Selection::Ids(vec![jan]), Some(g)).unwrap();
        credit::save_settings(
            conn,
            owner,
            &SettingsInput {
                enabled: Some("on".into()),
                expiry_days: String::new(),
            },
        )
        .unwrap();
        Seeded {
            customers: vec![ana, jan, amy],
            orders,
            address,
            note,
            tag,
            group: g,
            reason: ReasonRow::all(conn).unwrap()[0].id,
        }
    })
}

/// The configuration that makes schemathesis aim most requests at the seeded records (the
/// rest of the ids it makes up itself, mostly unknown ones).
fn config(s: &Seeded) -> String {
    let list = |ids: &[i64]| {
        ids.iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let customers = list(&s.customers);
    let orders = list(&s.orders);
    let (address, note, tag, group, reason) = (s.address, s.note, s.tag, s.group, s.reason);
    format!(
        r#"[dictionaries.customers]
values = [{customers}]
[dictionaries.orders]
values = [{orders}]
[dictionaries.groups]
values = [{group}]
[dictionaries.addresses]
values = [{address}]
[dictionaries.notes]
values = [{note}]
[dictionaries.tags]
values = [{tag}]
[dictionaries.reasons]
values = [{reason}]

[parameters]
"path.address" = {{ dictionary = "addresses", probability = 0.75 }}
"path.note" = {{ dictionary = "notes", probability = 0.75 }}
"path.tag" = {{ dictionary = "tags", probability = 0.75 }}
"query.customer_id" = {{ dictionary = "customers", probability = 0.75 }}
"body.group_id" = {{ dictionary = "groups", probability = 0.75 }}
"body.reason_id" = {{ dictionary = "reasons", probability = 0.75 }}

[[operations]]
include-path-regex = '^/api/v1/customers/[{{]id[}}]'
parameters = {{ "path.id" = {{ dictionary = "customers", probability = 0.75 }} }}

[[operations]]
include-path-regex = '^/api/v1/orders/[{{]id[}}]'
parameters = {{ "path.id" = {{ dictionary = "orders", probability = 0.75 }} }}

[[operations]]
include-path-regex = '^/api/v1/groups/[{{]id[}}]'
parameters = {{ "path.id" = {{ dictionary = "groups", probability = 0.75 }} }}
"#
    )
}

#[actix_web::test]
async fn schemathesis_finds_no_server_error_and_every_answer_matches_the_openapi_document() {
    let Some(st) = std::env::var_os("CLIENTELA_SCHEMATHESIS").filter(|s| !s.is_empty()) else {
        assert!(
            !ci(),
            "CLIENTELA_SCHEMATHESIS is unset: scripts/test.sh installs schemathesis (CI=true: \
             nothing may be skipped)"
        );
        eprintln!(
            "skipped: CLIENTELA_SCHEMATHESIS is unset (scripts/test.sh installs schemathesis \
             into target/schemathesis-venv)"
        );
        return;
    };
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    let seeded = seed(&app, owner);
    let secret = token(&app, owner, &["read", "write", "money"]);
    let seed_value =
        std::env::var("CLIENTELA_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.to_owned());
    let examples = std::env::var("CLIENTELA_SCHEMATHESIS_MAX_EXAMPLES")
        .unwrap_or_else(|_| MAX_EXAMPLES.to_owned());
    let bounded = examples == MAX_EXAMPLES;
    let schema = app.url("/api/openapi.json");
    let base = app.address.clone();
    let report = tempfile::tempdir().unwrap();
    let report_dir = report.path().to_path_buf();
    let config_file = report.path().join("schemathesis.toml");
    std::fs::write(&config_file, config(&seeded)).unwrap();
    let started = Instant::now();
    let out = actix_web::rt::task::spawn_blocking(move || {
        Command::new(&st)
            .arg("--no-color")
            .arg("--config-file")
            .arg(&config_file)
            .arg("run")
            .arg(&schema)
            .args(["--url", &base])
            .args(["--header", &format!("Authorization: Bearer {secret}")])
            .args([
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,\
                 response_schema_conformance",
            ])
            .args(["--max-examples", &examples])
            .args(["--seed", &seed_value])
            .args(["--workers", "2"])
            .args(["--request-timeout", "10"])
            .arg("--report-dir")
            .arg(&report_dir)
            .env("SCHEMATHESIS_HOOKS", "")
            .output()
    })
    .await
    .unwrap()
    .expect("schemathesis runs");
    let took = started.elapsed();
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "schemathesis found problems ({}):\n{text}",
        out.status
    );
    assert!(
        text.contains("No issues found") || text.contains("passed"),
        "schemathesis said:\n{text}"
    );
    assert!(
        !bounded || took < Duration::from_secs(120),
        "schemathesis took {took:?}, more than the two minutes it is given"
    );
    eprintln!("schemathesis passed in {took:?}:\n{text}");
}
