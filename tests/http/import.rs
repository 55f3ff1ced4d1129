//! CSV import of customers over HTTP: upload, preview with per-row reasons, the batched import
//! with its progress, the rejected rows download; `,` and `;`, BOM, duplicates, formula-looking
//! cells, "create only" and "update by e-mail", and a file refused whole.

use std::time::{Duration, Instant};

use chrono::Utc;
use clientela::db::customers::{CustomerRow, TagRow};
use clientela::domain::customer_import;
use clientela::domain::customers::{self, Contact};
use clientela::domain::staff::Role;
use clientela::i18n::Lang;
use reqwest::StatusCode;

use crate::client::{Client, Page};
use crate::common::{OWNER_EMAIL, TestApp};

async fn owner(app: &TestApp) -> Client {
    app.create_owner();
    Client::signed_in(app, OWNER_EMAIL).await
}

fn customer(app: &TestApp, name: &str, email: &str, phone: Option<&str>, registered: bool) -> i64 {
    app.with_conn(|conn| {
        customers::insert(
            conn,
            &Contact {
                full_name: name.into(),
                email: Some(email.into()),
                phone: phone.map(str::to_owned),
                language: Lang::Es,
                registered,
                newsletter: false,
            },
            Utc::now().naive_utc(),
        )
    })
    .unwrap()
}

fn count_customers(app: &TestApp) -> i64 {
    app.with_conn(clientela::db::customer_list::total).unwrap()
}

fn find_by_email(app: &TestApp, email: &str) -> Vec<CustomerRow> {
    let ids: Vec<i64> = app
        .with_conn(|c| clientela::db::imports::customers_by_email(c, &[email.to_owned()]))
        .unwrap()
        .into_iter()
        .map(|(_, id, _)| id)
        .collect();
    ids.into_iter()
        .map(|id| {
            app.with_conn(|c| CustomerRow::find(c, id))
                .unwrap()
                .unwrap()
        })
        .collect()
}

/// Uploads a file; returns the import's page address.
async fn upload(c: &Client, bytes: &[u8], mode: &str) -> String {
    let p = c
        .upload(
            "/customers/import",
            "clientes.csv",
            bytes.to_vec(),
            &[("mode", mode), ("separator", "auto")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    p.location().unwrap().to_owned()
}

/// The number a preview or result figure shows, by its data attribute (`data-plan="create"`).
fn figure(p: &Page, attr: &str) -> i64 {
    let marker = format!("{attr}\">");
    let start = p
        .body
        .find(&marker)
        .unwrap_or_else(|| panic!("no {attr} in {}", p.body))
        + marker.len();
    let end = p.body[start..].find('<').unwrap() + start;
    p.body[start..end]
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap()
}

/// Starts the import and waits until its progress block says it is done.
async fn run(c: &Client, page: &str) -> Page {
    let p = c.post(&format!("{page}/start"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let progress = c.get(&format!("{page}/progress")).await;
        assert_eq!(progress.status, StatusCode::OK);
        if progress.body.contains("data-state=\"done\"") {
            assert_eq!(progress.headers.get("hx-refresh").unwrap(), "true");
            return c.get(page).await;
        }
        assert!(
            Instant::now() < deadline,
            "the import did not finish: {}",
            progress.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const MIXED: &str = "\u{feff}Nombre;Correo electrónico;Teléfono;Idioma;Tipo de cliente;Newsletter;Etiquetas;Pedidos\n\
Ana Pérez;ana@example.com;+34 600 111 222;es;Registrado;sí;VIP|Mayorista;3\n\
Jan Kowalski;JAN@example.PL;;Polski;no;nie;;0\n\
Sin Correo;no-es-un-correo;;es;;;;\n\
Ana Otra Vez;Ana@Example.com;;;;;;\n\
=HYPERLINK(\"http://evil\");formula@example.com;;en;;;;\n\
Bad Lang;lang@example.com;;klingon;;;;\n\
;sin-nombre@example.com;;;;;;\n\
\"Conocida; S.L.\";known@example.com;;;;;;\n\
\n\
Last Row;last@example.com;600-700;;guest;maybe;;\n";

#[actix_web::test]
async fn a_file_with_good_and_bad_rows_is_previewed_row_by_row_and_imports_only_the_good_ones() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    customer(
        &app,
        "Known Customer",
        "known@example.com",
        Some("123"),
        true,
    );
    let before = count_customers(&app);

    let page = upload(&c, MIXED.as_bytes(), "create").await;
    let p = c.get(&page).await;
    assert_eq!(p.status, StatusCode::OK);
    // Nothing changed yet.
    assert_eq!(count_customers(&app), before);
    assert_eq!(figure(&p, "data-plan=\"create"), 3);
    assert_eq!(figure(&p, "data-plan=\"update"), 0);
    assert_eq!(figure(&p, "data-plan=\"reject"), 6);
    // The reasons, in the staff member's language, by the file's own line numbers.
    p.assert_contains("data-line=\"4\"");
    p.assert_contains("El mismo correo ya está en la línea 2");
    p.assert_contains("Ya existe un cliente con este correo");
    p.assert_contains("Usa es, pl o en.");
    p.assert_contains("Escribe sí o no.");
    p.assert_contains("data-line=\"11\"");
    // The ignored column is said to be ignored; the formula-looking cell is shown as text.
    p.assert_contains("Se ignora");
    p.assert_contains("=HYPERLINK(&#34;http://evil&#34;)");
    assert!(!p.body.contains("<a href=\"http://evil\""));

    let done = run(&c, &page).await;
    assert_eq!(figure(&done, "data-figure=\"created"), 3);
    assert_eq!(figure(&done, "data-figure=\"rejected"), 6);
    assert_eq!(count_customers(&app), before + 3);

    let ana = &find_by_email(&app, "ana@example.com")[0];
    assert_eq!(ana.full_name, "Ana Pérez");
    assert_eq!(ana.phone.as_deref(), Some("+34 600 111 222"));
    assert!(ana.registered && ana.newsletter);
    let tags: Vec<String> = app
        .with_conn(|c| TagRow::for_customer(c, ana.id))
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(tags.len(), 2, "{tags:?}");
    assert!(tags.contains(&"VIP".to_owned()) && tags.contains(&"Mayorista".to_owned()));
    // Importing awards no newsletter points.
    assert_eq!(ana.points, 0);
    let jan = &find_by_email(&app, "jan@example.pl")[0];
    assert_eq!(jan.language, "pl");
    assert!(!jan.registered && !jan.newsletter);
    let formula = &find_by_email(&app, "formula@example.com")[0];
    assert_eq!(formula.full_name, "=HYPERLINK(\"http://evil\")");
    assert_eq!(formula.language, "en");
    // The known customer was not touched.
    let known = &find_by_email(&app, "known@example.com")[0];
    assert_eq!(known.full_name, "Known Customer");

    // Every imported customer has an audit entry saying where it came from.
    let card = c.get(&format!("/customers/{}", ana.id)).await;
    card.assert_contains("Cliente importado desde un archivo CSV");
}

#[actix_web::test]
async fn the_rejected_rows_download_keeps_the_files_columns_and_separator_adds_the_reasons_and_neutralises_formulas()
 {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let file = "Name;Email;Phone\n=cmd|'/c calc'!A1;not-an-email;\nGood;good@example.com;\n+Plus;also-bad;\n";
    let page = upload(&c, file.as_bytes(), "create").await;
    let csv = c.get(&format!("{page}/rejected.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 3, "{}", csv.body);
    assert_eq!(lines[0], "Name;Email;Phone;Motivos");
    assert!(
        lines[1].starts_with("'=cmd|'/c calc'!A1;not-an-email;;"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("Correo electrónico: "), "{}", lines[1]);
    assert!(lines[2].starts_with("'+Plus;also-bad;"), "{}", lines[2]);
}

#[actix_web::test]
async fn update_by_email_changes_only_the_filled_cells_creates_the_others_and_never_unregisters() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let maria = customer(&app, "María", "maria@example.com", Some("+34 911"), true);
    customer(&app, "Guest", "guest@example.com", None, false);
    let before = count_customers(&app);
    // Comma separated, no BOM, headers in English.
    let file = "E-mail,Name,Phone,Customer type,Tags\n\
        MARIA@example.com,María López,,,nueva\n\
        guest@example.com,,+48 500,registered,\n\
        new@example.com,New Person,,,\n\
        maria@example.com,Again,,,\n";
    let page = upload(&c, file.as_bytes(), "update").await;
    let p = c.get(&page).await;
    assert_eq!(figure(&p, "data-plan=\"update"), 2);
    assert_eq!(figure(&p, "data-plan=\"create"), 1);
    assert_eq!(figure(&p, "data-plan=\"reject"), 1);
    let done = run(&c, &page).await;
    assert_eq!(figure(&done, "data-figure=\"updated"), 2);
    assert_eq!(figure(&done, "data-figure=\"created"), 1);
    assert_eq!(count_customers(&app), before + 1);

    let m = app
        .with_conn(|conn| CustomerRow::find(conn, maria))
        .unwrap()
        .unwrap();
    assert_eq!(m.full_name, "María López");
    assert_eq!(
        m.phone.as_deref(),
        Some("+34 911"),
        "an empty cell keeps the phone"
    );
    assert!(m.registered);
    let g = &find_by_email(&app, "guest@example.com")[0];
    assert_eq!(g.full_name, "Guest");
    assert_eq!(g.phone.as_deref(), Some("+48 500"));
    assert!(g.registered);
    assert_eq!(find_by_email(&app, "new@example.com").len(), 1);

    // A registered customer is never turned into a guest.
    let file = "Email;Tipo\nmaria@example.com;invitado\n";
    let page = upload(&c, file.as_bytes(), "update").await;
    let p = c.get(&page).await;
    assert_eq!(figure(&p, "data-plan=\"reject"), 1);
    p.assert_contains("Un cliente registrado no puede pasar a ser invitado.");
}

#[actix_web::test]
async fn a_file_that_cannot_be_read_is_refused_whole_with_a_translated_message_and_nothing_kept() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    c.post(
        "/language",
        &[("lang", "pl"), ("back", "/customers/import")],
    )
    .await;
    for (bytes, mode, message) in [
        (
            &b"Name,Email\n\xe9t\xe9,a@b.cd\n"[..],
            "create",
            "Plik nie jest tekstem UTF-8",
        ),
        (
            b"Email,Phone\na@b.cd,1\n",
            "create",
            "W pliku nie ma kolumny z imieniem i nazwiskiem",
        ),
        (
            b"Name\nAna\n",
            "update",
            "Aktualizacja po e-mailu wymaga kolumny z e-mailem",
        ),
        (
            b"Name,Email\n",
            "create",
            "Plik ma wiersz nagłówków, ale żadnego klienta",
        ),
        (b"", "create", "Wybierz plik CSV do przesłania"),
    ] {
        let p = c
            .upload(
                "/customers/import",
                "x.csv",
                bytes.to_vec(),
                &[("mode", mode)],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        p.assert_contains(message);
        // The choices made are kept.
        p.assert_contains(&format!("value=\"{mode}\" checked"));
    }
    assert!(
        app.with_conn(|c| clientela::db::imports::recent(c, 10))
            .unwrap()
            .is_empty()
    );
}

#[actix_web::test]
async fn an_import_is_applied_once_even_when_started_twice_or_run_by_two_workers_at_once() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let mut file = String::from("name,email\n");
    for i in 0..1200 {
        file.push_str(&format!("Customer {i},c{i}@example.com\n"));
    }
    let page = upload(&c, file.as_bytes(), "create").await;
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    // Two workers on the same running import (a resume racing a start, or two servers).
    assert!(
        app.with_conn(|conn| clientela::db::imports::start(conn, id, Utc::now().naive_utc()))
            .unwrap()
    );
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                customer_import::run(&mut conn, id).unwrap();
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    // Starting it again is refused and changes nothing. (A new client: the workers may have
    // outlasted the first one's idle keep-alive connection.)
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let p = c.post(&format!("{page}/start"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let shown = c.get(&page).await;
    shown.assert_contains("Esta importación ya se había iniciado.");
    assert_eq!(figure(&shown, "data-figure=\"created"), 1200);
    assert_eq!(count_customers(&app), 1200);
    assert_eq!(find_by_email(&app, "c1199@example.com").len(), 1);
}

#[actix_web::test]
async fn a_discarded_preview_is_gone_and_support_staff_cannot_import() {
    let app = TestApp::spawn().await;
    let owner_id = app.create_owner();
    let c = Client::signed_in(&app, OWNER_EMAIL).await;
    let page = upload(&c, b"Name\nAna\n", "create").await;
    let p = c.post(&format!("{page}/delete"), &[]).await;
    assert_eq!(p.location(), Some("/customers/import"));
    assert_eq!(c.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(count_customers(&app), 0);

    app.create_staff(owner_id, "support@example.com", Role::Support);
    let s = Client::signed_in(&app, "support@example.com").await;
    assert_eq!(
        s.get("/customers/import").await.status,
        StatusCode::FORBIDDEN
    );
    let p = s
        .upload("/customers/import", "x.csv", b"Name\nAna\n".to_vec(), &[])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(
        !s.get("/customers")
            .await
            .body
            .contains("href=\"/customers/import\"")
    );
    assert_eq!(count_customers(&app), 0);
}

#[actix_web::test]
async fn an_upload_without_the_csrf_token_is_refused() {
    let app = TestApp::spawn().await;
    let c = owner(&app).await;
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"Name\nAna\n".to_vec()).file_name("a.csv"),
    );
    let res = c
        .http
        .post(app.url("/customers/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(
        app.with_conn(|c| clientela::db::imports::recent(c, 10))
            .unwrap()
            .is_empty()
    );
}
