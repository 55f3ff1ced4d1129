//! What every request shares: the pool, the settings, a cached copy of the store language.

use std::sync::RwLock;

use actix_web::HttpRequest;

use crate::config::Config;
use crate::db::Pool;
use crate::i18n::Lang;

pub struct AppState {
    pub pool: Pool,
    pub config: Config,
    /// Last store default language read from the database; used where a request has no
    /// database round trip of its own (error pages).
    default_lang: RwLock<Lang>,
    /// Where customers reach this store: the start of every link in an e-mail, without a
    /// trailing slash.
    pub public_url: String,
}

impl AppState {
    /// `port` is the one the server listens on (the default public address uses it).
    pub fn new(pool: Pool, config: Config, default_lang: Lang, port: u16) -> Self {
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}:{port}", config.host));
        AppState {
            pool,
            config,
            default_lang: RwLock::new(default_lang),
            public_url,
        }
    }

    pub fn cached_default_lang(&self) -> Lang {
        self.default_lang.read().map(|l| *l).unwrap_or(Lang::Es)
    }

    pub fn remember_default_lang(&self, lang: Lang) {
        if let Ok(mut l) = self.default_lang.write() {
            *l = lang;
        }
    }

    /// The client's address: the peer, or the first `X-Forwarded-For` hop when the app is
    /// configured to sit behind a trusted proxy.
    pub fn client_ip(&self, req: &HttpRequest) -> String {
        if self.config.trust_proxy
            && let Some(first) = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
        {
            let ip = first.trim();
            if ip.parse::<std::net::IpAddr>().is_ok() {
                return ip.to_owned();
            }
        }
        req.peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned())
    }
}
