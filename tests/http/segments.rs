//! Segment counts are kept, not counted per view: they must equal a full count after every
//! kind of change a customer can go through.

use clientela::db::DbConn;
use clientela::db::customer_list;
use clientela::domain::customers::{self, AddressInput, CustomerInput};
use clientela::domain::{orders, segments};

use crate::client::Client;
use crate::common::{OWNER_EMAIL, TestApp};
use crate::customers::{customer, order};

/// Every segment's kept count against a count of its list view, plus the customer total.
fn assert_counts_match(app: &TestApp, step: &str) {
    app.with_conn(|conn: &mut DbConn| {
        for seg in segments::all(conn).unwrap() {
            let real =
                customer_list::count_exact(conn, &segments::filter_of(&seg.criteria)).unwrap();
            assert_eq!(
                seg.member_count,
                Some(real),
                "after {step}: segment {:?} ({}) keeps {:?}, its view holds {real}",
                seg.name,
                seg.criteria,
                seg.member_count
            );
        }
        let total = customer_list::total(conn).unwrap();
        let real = customer_list::count_exact(conn, &Default::default()).unwrap();
        assert_eq!(total, real, "after {step}: the customer total");
    });
}

fn input(
    name: &str,
    email: &str,
    registered: bool,
    newsletter: bool,
    version: i64,
) -> CustomerInput {
    CustomerInput {
        full_name: name.into(),
        email: email.into(),
        phone: String::new(),
        language: "es".into(),
        registered: registered.then(|| "on".into()),
        newsletter: newsletter.then(|| "on".into()),
        version,
        ..CustomerInput::default()
    }
}

fn address(city: &str, country: &str, default: bool) -> AddressInput {
    AddressInput {
        kind: "shipping".into(),
        full_name: "Destinatario".into(),
        line1: "Calle Mayor 1".into(),
        postal_code: "28001".into(),
        city: city.into(),
        country: country.into(),
        is_default: default.then(|| "on".into()),
        ..AddressInput::default()
    }
}

#[actix_web::test]
async fn segment_counts_equal_a_full_count_after_every_kind_of_customer_change() {
    let app = TestApp::spawn().await;
    let owner = app.create_owner();
    // Customers that exist before the segments are saved are counted when a segment is saved.
    let early = customer(&app, "Ana García", "ana@example.es", true);
    order(&app, early, "E-1", 12_000, "delivered", 40);
    let criteria = [
        "type=registered",
        "type=guest",
        "q=garc",
        "tag=1",
        "country=PL",
        "city=madrid",
        "newsletter=yes",
        "orders_min=2",
        "repeat=1",
        "spent_min=100",
        "spent_max=50",
        "type=registered&orders_min=1&spent_min=100",
        "credit=yes",
    ];
    app.with_conn(|conn| {
        for (i, c) in criteria.iter().enumerate() {
            segments::create(conn, owner, &format!("S{i}"), c).unwrap();
        }
    });
    assert_counts_match(&app, "saving the segments");

    let ola = customer(&app, "Ola Nowak", "ola@example.pl", false);
    let jan = customer(&app, "Jan García", "jan@example.pl", true);
    assert_counts_match(&app, "creating customers");

    app.with_conn(|conn| {
        customers::update(
            conn,
            customers::Editor {
                id: owner,
                may_price: true,
            },
            ola,
            &input("Ola García", "ola@example.pl", true, true, 1),
        )
        .unwrap();
    });
    assert_counts_match(&app, "editing contact data (registered, newsletter, name)");

    let (warsaw, madrid) = app.with_conn(|conn| {
        let warsaw =
            customers::add_address(conn, Some(owner), ola, &address("Warszawa", "PL", true))
                .unwrap();
        let madrid =
            customers::add_address(conn, Some(owner), ola, &address("Madrid", "ES", false))
                .unwrap();
        (warsaw, madrid)
    });
    assert_counts_match(&app, "adding addresses");
    app.with_conn(|conn| customers::set_default_address(conn, Some(owner), ola, madrid).unwrap());
    assert_counts_match(&app, "changing the default address");
    app.with_conn(|conn| customers::delete_address(conn, Some(owner), ola, madrid).unwrap());
    app.with_conn(|conn| customers::delete_address(conn, Some(owner), ola, warsaw).unwrap());
    assert_counts_match(&app, "deleting addresses");

    app.with_conn(|conn| {
        customers::add_tag(conn, owner, jan, "VIP").unwrap();
        customers::add_tag(conn, owner, ola, "vip").unwrap();
    });
    assert_counts_match(&app, "adding a tag");
    app.with_conn(|conn| customers::remove_tag(conn, owner, ola, 1).unwrap());
    assert_counts_match(&app, "removing a tag");

    let first = order(&app, jan, "J-1", 8_000, "paid", 5);
    order(&app, jan, "J-2", 4_000, "paid", 1);
    assert_counts_match(&app, "placing orders");
    app.with_conn(|conn| orders::change_status(conn, owner, first, "cancelled").unwrap());
    assert_counts_match(&app, "cancelling an order");

    // Store credit moves the "has store credit" segment.
    let reason = app.with_conn(|conn| clientela::db::credit::ReasonRow::all(conn).unwrap()[0].id);
    let lot = app.with_conn(|conn| {
        clientela::domain::credit::grant(
            conn,
            owner,
            jan,
            &clientela::domain::credit::GrantInput {
                amount: "10".into(),
                reason: reason.to_string(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    assert_counts_match(&app, "granting store credit");
    app.with_conn(|conn| clientela::domain::credit::void(conn, owner, jan, lot).unwrap());
    assert_counts_match(&app, "voiding store credit");
    app.with_conn(|conn| {
        clientela::domain::credit::grant(
            conn,
            owner,
            ola,
            &clientela::domain::credit::GrantInput {
                amount: "3,50".into(),
                reason: reason.to_string(),
                ..Default::default()
            },
        )
        .unwrap()
    });
    let c0 = Client::signed_in(&app, OWNER_EMAIL).await;
    let with_credit = c0.get("/customers?credit=yes").await;
    with_credit.assert_contains(&format!("data-customer=\"{ola}\""));
    assert!(
        !with_credit
            .body
            .contains(&format!("data-customer=\"{jan}\""))
    );
    with_credit.assert_contains("Con crédito de tienda");

    // Through the pages as well: a customer created and deleted with the forms.
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    c.post(
        "/customers",
        &[
            ("full_name", "Guest García"),
            ("email", "guest@example.es"),
            ("language", "es"),
        ],
    )
    .await;
    assert_counts_match(&app, "creating a customer with the form");
    c.post(&format!("/customers/{jan}/delete"), &[]).await;
    c.post(&format!("/customers/{ola}/delete"), &[]).await;
    assert_counts_match(
        &app,
        "anonymizing a customer with orders and removing one without",
    );

    // The list shows the kept counts on the tabs.
    let list = c.get("/customers").await;
    for seg in app.with_conn(|conn| segments::all(conn).unwrap()) {
        let at = list
            .body
            .find(&format!("data-segment=\"{}\"", seg.name))
            .expect("a tab per segment");
        let tab = &list.body[at..at + list.body[at..].find("</a>").unwrap()];
        assert!(
            tab.contains(&format!(
                "data-segment-count=\"{}\"",
                seg.member_count.unwrap()
            )),
            "tab {tab}"
        );
    }
}
