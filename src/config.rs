//! Settings from the environment, read and validated once at start.

use std::net::IpAddr;
use std::str::FromStr;
use std::time::Duration;

/// Everything the server needs to start. Built by [`Config::from_env`]; tests build it directly.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: a SQLite path (default `./clientela.db`) or a `postgres://` URL.
    pub database_url: String,
    /// `CLIENTELA_HOST` (default 127.0.0.1).
    pub host: IpAddr,
    /// `CLIENTELA_PORT` (default 8080; 0 picks a free port).
    pub port: u16,
    /// `CLIENTELA_SECURE_COOKIES`: set when the app is served over TLS (directly or behind a
    /// proxy); the session cookie then gets `Secure` and the `__Host-` name.
    pub secure_cookies: bool,
    /// `CLIENTELA_TRUST_PROXY`: take the client address from `X-Forwarded-For` (only behind a
    /// reverse proxy that sets it).
    pub trust_proxy: bool,
    /// `CLIENTELA_SESSION_IDLE_MINUTES` (default 60).
    pub session_idle: Duration,
    /// `CLIENTELA_SESSION_ABSOLUTE_HOURS` (default 12).
    pub session_absolute: Duration,
    /// `CLIENTELA_LOGIN_LOCK_SECONDS` (default 900): how long throttled logins stay refused.
    pub login_lock: Duration,
    /// `CLIENTELA_DB_POOL_SIZE` (default 16).
    pub db_pool_size: u32,
    /// `CLIENTELA_WORKERS` (default: number of CPUs).
    pub workers: usize,
    /// `CLIENTELA_LOG_FORMAT`: `json` or `text` (default text).
    pub log_json: bool,
    /// Where outgoing e-mail goes (see [`MailTransport`]).
    pub mail_transport: MailTransport,
    /// `CLIENTELA_MAIL_FROM` (default `Clientela <no-reply@localhost>`): the sender of every
    /// e-mail.
    pub mail_from: String,
    /// `CLIENTELA_PUBLIC_URL`: the address customers reach the store at, for the links in
    /// e-mails (default `http://HOST:PORT` of this server).
    pub public_url: Option<String>,
    /// `CLIENTELA_MAIL_POLL_SECONDS` (default 5): how often the mail worker looks for
    /// messages to send.
    pub mail_poll: Duration,
}

/// Where the mail worker delivers the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// `CLIENTELA_SMTP_URL`, as lettre reads it: `smtp://user:pass@host:587?tls=required`
    /// (STARTTLS), `smtps://host:465` (TLS), or `smtp://host:25` (plain, local relays only).
    Smtp(String),
    /// No SMTP server configured: each message is written as an `.eml` file into this folder
    /// (`CLIENTELA_MAIL_DIR`, default `./mail`), so a developer can read the links.
    Dir(String),
    /// No worker: messages stay pending in the outbox (the test suite reads them there).
    Hold,
}

/// A setting that could not be understood; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid setting {name}={value:?}: {reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: "./clientela.db".to_owned(),
            host: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            secure_cookies: false,
            trust_proxy: false,
            session_idle: Duration::from_secs(60 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            login_lock: Duration::from_secs(15 * 60),
            db_pool_size: 16,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            log_json: false,
            mail_transport: MailTransport::Hold,
            mail_from: "Clientela <no-reply@localhost>".to_owned(),
            public_url: None,
            mail_poll: Duration::from_secs(5),
        }
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `get`, so tests can pass their own environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut c = Config::default();
        if let Some(url) = get("DATABASE_URL").filter(|v| !v.trim().is_empty()) {
            c.database_url = url;
        }
        if let Some(v) = get("CLIENTELA_HOST") {
            c.host = v
                .parse()
                .map_err(|_| err("CLIENTELA_HOST", &v, "not an IP address"))?;
        }
        if let Some(v) = get("CLIENTELA_PORT") {
            c.port = v
                .parse()
                .map_err(|_| err("CLIENTELA_PORT", &v, "not a port number (0-65535)"))?;
        }
        if let Some(v) = get("CLIENTELA_SECURE_COOKIES") {
            c.secure_cookies = parse_bool("CLIENTELA_SECURE_COOKIES", &v)?;
        }
        if let Some(v) = get("CLIENTELA_TRUST_PROXY") {
            c.trust_proxy = parse_bool("CLIENTELA_TRUST_PROXY", &v)?;
        }
        if let Some(v) = get("CLIENTELA_SESSION_IDLE_MINUTES") {
            c.session_idle =
                Duration::from_secs(60 * positive("CLIENTELA_SESSION_IDLE_MINUTES", &v)?);
        }
        if let Some(v) = get("CLIENTELA_SESSION_ABSOLUTE_HOURS") {
            c.session_absolute =
                Duration::from_secs(3600 * positive("CLIENTELA_SESSION_ABSOLUTE_HOURS", &v)?);
        }
        if let Some(v) = get("CLIENTELA_LOGIN_LOCK_SECONDS") {
            c.login_lock = Duration::from_secs(positive("CLIENTELA_LOGIN_LOCK_SECONDS", &v)?);
        }
        if let Some(v) = get("CLIENTELA_DB_POOL_SIZE") {
            let n = positive("CLIENTELA_DB_POOL_SIZE", &v)?;
            c.db_pool_size = u32::try_from(n)
                .ok()
                .filter(|n| *n <= 1000)
                .ok_or_else(|| err("CLIENTELA_DB_POOL_SIZE", &v, "must be 1 to 1000"))?;
        }
        if let Some(v) = get("CLIENTELA_WORKERS") {
            let n = positive("CLIENTELA_WORKERS", &v)?;
            c.workers = usize::try_from(n)
                .ok()
                .filter(|n| *n <= 256)
                .ok_or_else(|| err("CLIENTELA_WORKERS", &v, "must be 1 to 256"))?;
        }
        if let Some(v) = get("CLIENTELA_LOG_FORMAT") {
            c.log_json = match v.as_str() {
                "json" => true,
                "text" => false,
                _ => return Err(err("CLIENTELA_LOG_FORMAT", &v, "must be json or text")),
            };
        }
        c.mail_transport = match get("CLIENTELA_SMTP_URL").filter(|v| !v.trim().is_empty()) {
            Some(url) => {
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(err(
                        "CLIENTELA_SMTP_URL",
                        "(hidden)",
                        "must start with smtp:// or smtps://",
                    ));
                }
                MailTransport::Smtp(url)
            }
            None => MailTransport::Dir(
                get("CLIENTELA_MAIL_DIR")
                    .filter(|v| !v.trim().is_empty())
                    .unwrap_or_else(|| "./mail".to_owned()),
            ),
        };
        if let Some(v) = get("CLIENTELA_MAIL_FROM") {
            if lettre::message::Mailbox::from_str(v.trim()).is_err() {
                return Err(err("CLIENTELA_MAIL_FROM", &v, "not an e-mail address"));
            }
            c.mail_from = v.trim().to_owned();
        }
        if let Some(v) = get("CLIENTELA_PUBLIC_URL").filter(|v| !v.trim().is_empty()) {
            let v = v.trim().trim_end_matches('/').to_owned();
            if !(v.starts_with("http://") || v.starts_with("https://")) {
                return Err(err(
                    "CLIENTELA_PUBLIC_URL",
                    &v,
                    "must start with http:// or https://",
                ));
            }
            c.public_url = Some(v);
        }
        if let Some(v) = get("CLIENTELA_MAIL_POLL_SECONDS") {
            c.mail_poll = Duration::from_secs(positive("CLIENTELA_MAIL_POLL_SECONDS", &v)?);
        }
        if c.session_idle > c.session_absolute {
            return Err(err(
                "CLIENTELA_SESSION_IDLE_MINUTES",
                &format!("{}", c.session_idle.as_secs() / 60),
                "must not exceed the absolute session lifetime",
            ));
        }
        Ok(c)
    }
}

fn err(name: &'static str, value: &str, reason: &'static str) -> ConfigError {
    ConfigError {
        name,
        value: value.to_owned(),
        reason,
    }
}

fn parse_bool(name: &'static str, v: &str) -> Result<bool, ConfigError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" | "" => Ok(false),
        _ => Err(err(name, v, "must be true or false")),
    }
}

fn positive(name: &'static str, v: &str) -> Result<u64, ConfigError> {
    v.trim()
        .parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| err(name, v, "must be a whole number above zero"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let owned: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| {
            owned
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn no_environment_gives_sqlite_on_localhost_8080() {
        let c = Config::from_lookup(env(&[])).unwrap();
        assert_eq!(c.database_url, "./clientela.db");
        assert_eq!(c.port, 8080);
        assert_eq!(c.host.to_string(), "127.0.0.1");
    }

    #[test]
    fn without_an_smtp_server_mail_is_written_to_a_folder_and_with_one_it_is_sent() {
        let c = Config::from_lookup(env(&[])).unwrap();
        assert_eq!(c.mail_transport, MailTransport::Dir("./mail".into()));
        let c =
            Config::from_lookup(env(&[("CLIENTELA_SMTP_URL", "smtp://127.0.0.1:2525")])).unwrap();
        assert_eq!(
            c.mail_transport,
            MailTransport::Smtp("smtp://127.0.0.1:2525".into())
        );
    }

    #[test]
    fn a_mail_setting_that_is_not_understood_is_refused_without_showing_a_password() {
        let e =
            Config::from_lookup(env(&[("CLIENTELA_SMTP_URL", "http://u:secret@x")])).unwrap_err();
        assert!(e.to_string().contains("CLIENTELA_SMTP_URL"), "{e}");
        assert!(!e.to_string().contains("secret"), "{e}");
        let e = Config::from_lookup(env(&[("CLIENTELA_MAIL_FROM", "not an address")])).unwrap_err();
        assert!(e.to_string().contains("CLIENTELA_MAIL_FROM"), "{e}");
        let e = Config::from_lookup(env(&[("CLIENTELA_PUBLIC_URL", "shop.example")])).unwrap_err();
        assert!(e.to_string().contains("CLIENTELA_PUBLIC_URL"), "{e}");
    }

    #[test]
    fn a_bad_port_is_refused_with_the_variable_named() {
        let e = Config::from_lookup(env(&[("CLIENTELA_PORT", "eighty")])).unwrap_err();
        assert!(e.to_string().contains("CLIENTELA_PORT"), "{e}");
    }

    #[test]
    fn an_idle_timeout_longer_than_the_absolute_one_is_refused() {
        let e = Config::from_lookup(env(&[
            ("CLIENTELA_SESSION_IDLE_MINUTES", "900"),
            ("CLIENTELA_SESSION_ABSOLUTE_HOURS", "1"),
        ]))
        .unwrap_err();
        assert!(e.to_string().contains("absolute"), "{e}");
    }
}
