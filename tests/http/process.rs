//! The real binary as a new user runs it: it starts on an empty database, logs the setup
//! link, keeps secrets out of its logs, and shuts down cleanly on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use reqwest::StatusCode;

use crate::client::csrf_in;
use crate::common::{PASSWORD, fresh_database_url};

fn wait_for(rx: &mpsc::Receiver<String>, seen: &mut Vec<String>, needle: &str) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
            seen.push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }
    panic!(
        "the server never logged {needle:?}; it logged:\n{}",
        seen.join("\n")
    );
}

#[actix_web::test]
async fn the_binary_logs_the_setup_link_keeps_secrets_out_of_its_logs_and_stops_cleanly() {
    let (url, _dir) = fresh_database_url();
    let mut child = Command::new(env!("CARGO_BIN_EXE_clientela"))
        .env("DATABASE_URL", &url)
        .env("CLIENTELA_PORT", "0")
        .env("CLIENTELA_LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    let mut seen = Vec::new();
    let setup = wait_for(&rx, &mut seen, "/setup/");
    let token: String = setup
        .split("/setup/")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let listening = wait_for(&rx, &mut seen, "listening on http://");
    let port: String = listening
        .split("127.0.0.1:")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let base = format!("http://127.0.0.1:{port}");

    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = http
        .get(format!("{base}/setup/{token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_in(&form).unwrap();
    let res = http
        .post(format!("{base}/setup/{token}"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("name", "Olga"),
            ("email", "olga@example.com"),
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .split('=')
        .nth(1)
        .unwrap()
        .to_owned();
    let page = http.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let wrong = "wrong-password-that-must-not-be-logged";
    let other = reqwest::Client::new();
    let login = other
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let _ = csrf_in(&login);
    let _ = http
        .post(format!("{base}/login"))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("email", "olga@example.com"),
            ("password", wrong),
        ])
        .send()
        .await;

    let kill = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(300)) {
        seen.push(line);
    }
    let log = seen.join("\n");
    assert!(
        status.success(),
        "a clean exit on SIGTERM, got {status}:\n{log}"
    );
    assert!(log.contains("shut down cleanly"), "{log}");
    assert!(
        log.contains("request_id"),
        "request lines carry a request id:\n{log}"
    );
    for secret in [PASSWORD, wrong, cookie.as_str(), csrf.as_str()] {
        assert!(
            !log.contains(secret),
            "the log contains a secret {secret:?}:\n{log}"
        );
    }
}
