//! The mail round trip against a real SMTP server (Debian's python3-aiosmtpd, started by the
//! test on a free loopback port, writing what it receives into a Maildir): an order status
//! change reaches the customer and each internal recipient exactly once; a server that is
//! down and then back still gets every message once; a rolled-back change sends nothing.
//! Without aiosmtpd the tests skip, except under `CI=true`, where they fail.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chrono::Utc;
use clientela::config::MailTransport;
use clientela::db::write_tx;
use clientela::domain::customers::{self, Contact};
use clientela::domain::notifications::{self, SettingsInput};
use clientela::domain::orders;
use clientela::i18n::Lang;

use crate::common::{TestApp, ci};
use crate::customers::order;

/// A running aiosmtpd, killed when dropped.
struct Smtpd {
    child: Child,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn python() -> Option<String> {
    let py = std::env::var("CLIENTELA_SMTPD_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".into());
    let ok = Command::new(&py)
        .args(["-c", "import aiosmtpd"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        Some(py)
    } else if ci() {
        panic!("CI=true: python3-aiosmtpd is needed for the SMTP round trip ({py})");
    } else {
        eprintln!("skipped: no aiosmtpd for {py} (apt-get install python3-aiosmtpd)");
        None
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_smtpd(py: &str, port: u16) -> Smtpd {
    let dir = tempfile::tempdir().unwrap();
    let maildir = dir.path().join("Maildir");
    for sub in ["tmp", "new", "cur"] {
        std::fs::create_dir_all(maildir.join(sub)).unwrap();
    }
    let child = Command::new(py)
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(&maildir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("aiosmtpd starts");
    // Owned at once, so the process is killed and reaped however the test ends.
    let smtpd = Smtpd {
        child,
        maildir,
        _dir: dir,
    };
    // Ready when it accepts connections.
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return smtpd;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not listen on {port}");
}

fn received(maildir: &Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(maildir.join("new"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    out.sort();
    out
}

/// Waits (up to 20 s) until the server holds `n` messages.
async fn wait_for(maildir: &Path, n: usize) -> Vec<String> {
    for _ in 0..200 {
        let got = received(maildir);
        if got.len() >= n {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    received(maildir)
}

/// Quoted-printable soft line breaks removed, so words can be looked for.
fn unfolded(message: &str) -> String {
    message.replace("=\r\n", "").replace("=\n", "")
}

fn customer(app: &TestApp, name: &str, email: &str, lang: Lang) -> i64 {
    app.with_conn(|conn| {
        customers::insert(
            conn,
            &Contact {
                full_name: name.into(),
                email: Some(email.into()),
                phone: None,
                language: lang,
                registered: true,
                newsletter: false,
            },
            Utc::now().naive_utc(),
        )
    })
    .unwrap()
}

fn notify_team(app: &TestApp, owner: i64, recipients: &str) {
    app.with_conn(|conn| {
        notifications::save_settings(
            conn,
            owner,
            &SettingsInput {
                statuses: vec!["shipped".into()],
                recipients: recipients.into(),
            },
        )
    })
    .unwrap();
}

async fn app_mailing_to(port: u16) -> TestApp {
    TestApp::spawn_with(|c| {
        c.mail_transport = MailTransport::Smtp(format!("smtp://127.0.0.1:{port}"));
        c.mail_poll = Duration::from_millis(200);
    })
    .await
}

#[actix_web::test]
async fn a_status_change_reaches_the_customer_and_each_internal_recipient_exactly_once_over_smtp() {
    let Some(py) = python() else { return };
    let port = free_port();
    let smtpd = start_smtpd(&py, port).await;
    let app = app_mailing_to(port).await;
    let owner = app.create_owner();
    notify_team(&app, owner, "almacen@tienda.es, jefa@tienda.es");
    let jan = customer(&app, "Jan Kowalski", "jan@example.pl", Lang::Pl);
    let o = order(&app, jan, "1001", 12_345, "paid", 1);
    app.with_conn(|conn| orders::change_status(conn, owner, o, "shipped"))
        .unwrap();
    let got = wait_for(&smtpd.maildir, 3).await;
    // A moment longer: nothing more arrives.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let got_after = received(&smtpd.maildir);
    assert_eq!(got.len(), 3, "{got:#?}");
    assert_eq!(got_after.len(), 3, "each message once");
    let to = |addr: &str| {
        got.iter()
            .filter(|m| m.contains(&format!("To: {addr}")))
            .map(|m| unfolded(m))
            .collect::<Vec<_>>()
    };
    let to_jan = to("jan@example.pl");
    assert_eq!(to_jan.len(), 1);
    assert!(to_jan[0].contains("Twoje zam"), "in Polish: {}", to_jan[0]);
    assert!(to_jan[0].contains("1001"));
    for team in ["almacen@tienda.es", "jefa@tienda.es"] {
        let m = to(team);
        assert_eq!(m.len(), 1, "{team}");
        assert!(
            m[0].contains("El pedido 1001 de Jan Kowalski"),
            "in Spanish: {}",
            m[0]
        );
    }
    let sent = app
        .with_conn(|c| clientela::db::outbox::to_recipient(c, "jan@example.pl"))
        .unwrap();
    assert_eq!(sent[0].status, "sent");
}

#[actix_web::test]
async fn a_server_that_is_down_then_back_gets_every_message_once_and_a_rolled_back_change_sends_nothing()
 {
    use clientela::db::schema::outbox;
    use diesel::prelude::*;
    let Some(py) = python() else { return };
    let port = free_port();
    // Nothing listens yet.
    let app = app_mailing_to(port).await;
    let owner = app.create_owner();
    notify_team(&app, owner, "almacen@tienda.es");
    let ana = customer(&app, "Ana Ruiz", "ana@example.es", Lang::Es);
    let first = order(&app, ana, "2001", 5_000, "paid", 1);
    let second = order(&app, ana, "2002", 7_000, "paid", 1);
    for o in [first, second] {
        app.with_conn(|conn| orders::change_status(conn, owner, o, "shipped"))
            .unwrap();
    }
    // A rolled-back change: never queued, never sent.
    let r: Result<(), orders::OrderError> = app.with_conn(|conn| {
        write_tx(conn, |conn| {
            orders::change_status(conn, owner, first, "delivered")?;
            Err(orders::OrderError::Db(
                diesel::result::Error::RollbackTransaction,
            ))
        })
    });
    assert!(r.is_err());
    // Every message has failed at least once while the server was down.
    let mut failed = false;
    for _ in 0..100 {
        let min_attempts: Option<i32> = app
            .with_conn(|c| {
                outbox::table
                    .select(diesel::dsl::min(outbox::attempts))
                    .first(c)
            })
            .unwrap();
        if min_attempts.unwrap_or(0) >= 1 {
            failed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(failed, "the worker tried while the server was down");
    let pending: i64 = app
        .with_conn(|c| {
            outbox::table
                .filter(outbox::status.eq("pending"))
                .count()
                .get_result(c)
        })
        .unwrap();
    assert_eq!(
        pending, 4,
        "two to the customer, two to the team, none lost"
    );

    // The server comes back; the back-off is cut short so the test need not wait 30 s.
    let smtpd = start_smtpd(&py, port).await;
    app.with_conn(|c| {
        diesel::update(outbox::table)
            .set(outbox::next_attempt_at.eq(Utc::now().naive_utc()))
            .execute(c)
    })
    .unwrap();
    let got = wait_for(&smtpd.maildir, 4).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(got.len(), 4, "{got:#?}");
    assert_eq!(received(&smtpd.maildir).len(), 4, "every message once");
    let numbers: Vec<bool> = ["2001", "2002"]
        .iter()
        .map(|n| got.iter().filter(|m| unfolded(m).contains(n)).count() == 2)
        .collect();
    assert_eq!(numbers, [true, true]);
    assert!(
        !got.iter().any(|m| unfolded(m).contains("Entregado")),
        "the rolled-back change sent nothing"
    );
    let sent: i64 = app
        .with_conn(|c| {
            outbox::table
                .filter(outbox::status.eq("sent"))
                .count()
                .get_result(c)
        })
        .unwrap();
    assert_eq!(sent, 4);
}
