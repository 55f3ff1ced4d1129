//! Building and running the server. Tests call [`Application::build`] with port 0 and get the
//! real application on a free port.

use std::net::TcpListener;

use actix_session::SessionMiddleware;
use actix_session::config::{BrowserSession, CookieContentSecurity, TtlExtensionPolicy};
use actix_web::cookie::{Key, SameSite, time};
use actix_web::dev::Server;
use actix_web::middleware::{ErrorHandlers, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::csrf;
use crate::auth::session_store::DbSessionStore;
use crate::config::Config;
use crate::db::{self, Pool};
use crate::domain::settings;
use crate::state::AppState;
use crate::web as site;

pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    config: Config,
    /// The one-time setup link's token while no staff account exists.
    pub setup_token: Option<String>,
    /// While the server runs, `clientela restore` refuses its SQLite database.
    _in_use: Option<crate::ops::InUse>,
}

/// The session cookie's name: `__Host-` (Secure, no Domain, path /) when served over TLS.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies {
        "__Host-clientela"
    } else {
        "clientela"
    }
}

impl Application {
    /// Connects (running migrations), binds and prepares the server without running it.
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let url = config.database_url.clone();
        let in_use = crate::ops::hold_in_use(&url)?;
        let size = config.db_pool_size;
        let pool = web::block(move || db::connect(&url, size))
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))??;
        let listener = TcpListener::bind((config.host, config.port)).map_err(|e| {
            anyhow::anyhow!("cannot listen on {}:{}: {e}", config.host, config.port)
        })?;
        let port = listener.local_addr()?.port();
        let p = pool.clone();
        let (setup_token, default_lang, cookie_key) = web::block(move || -> anyhow::Result<_> {
            let mut conn = p.get()?;
            crate::db::sessions::SessionRow::delete_expired(
                &mut conn,
                chrono::Utc::now().naive_utc(),
            )?;
            crate::domain::segments::count_uncounted(&mut conn)?;
            Ok((
                settings::issue_setup_token(&mut conn)?,
                settings::default_lang(&mut conn)?,
                settings::cookie_key(&mut conn)?,
            ))
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))??;
        if let Some(token) = &setup_token {
            // The one secret we log on purpose: the link is how the first owner gets in.
            tracing::warn!(
                "No staff account exists yet. Create the owner account at http://{}:{}/setup/{}",
                config.host,
                port,
                token
            );
        }
        let state = web::Data::new(AppState::new(
            pool.clone(),
            config.clone(),
            default_lang,
            port,
        ));
        let server = server(listener, state, &config, Key::from(&cookie_key))?;
        Ok(Application {
            port,
            server,
            pool,
            config,
            setup_token,
            _in_use: in_use,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn pool(&self) -> Pool {
        self.pool.clone()
    }

    /// Serves until SIGINT/SIGTERM, then finishes the requests in flight. Background work
    /// (expiring store credit) runs alongside while the server does.
    pub async fn run(self) -> std::io::Result<()> {
        let worker = actix_web::rt::spawn(expiry_worker(self.pool.clone()));
        // Imports a stop cut short go on where their last committed batch ended.
        if let Err(e) = crate::domain::customer_import::resume(&self.pool) {
            tracing::warn!("could not resume customer imports: {e:#}");
        }
        let mail = match self.mail_worker() {
            Ok(Some(fut)) => Some(actix_web::rt::spawn(fut)),
            Ok(None) => None,
            Err(e) => {
                worker.abort();
                return Err(std::io::Error::other(format!("{e:#}")));
            }
        };
        let result = self.server.await;
        worker.abort();
        if let Some(mail) = mail {
            mail.abort();
        }
        result
    }

    /// The outbox worker the settings ask for (none with [`crate::config::MailTransport::Hold`]).
    fn mail_worker(&self) -> anyhow::Result<Option<impl std::future::Future<Output = ()> + use<>>> {
        use crate::domain::mail;
        let Some(transport) = mail::Transport::from_config(&self.config)? else {
            return Ok(None);
        };
        if let crate::config::MailTransport::Dir(dir) = &self.config.mail_transport {
            tracing::info!(
                "No SMTP server set (CLIENTELA_SMTP_URL): e-mail is written as .eml files to {dir}"
            );
        }
        let from = mail::sender(&self.config)?;
        Ok(Some(mail::worker(
            self.pool.clone(),
            transport,
            from,
            self.config.mail_poll,
        )))
    }
}

/// Once a minute, expires the store credit whose date has passed and the loyalty points of
/// customers who stopped earning. Several servers may run it at once: each lot is emptied by a
/// guarded update and each account is read under its lock, so only one of them writes.
async fn expiry_worker(pool: Pool) {
    let mut tick = actix_web::rt::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let pool = pool.clone();
        let done = web::block(move || -> anyhow::Result<(usize, usize)> {
            let mut conn = pool.get()?;
            let now = chrono::Utc::now().naive_utc();
            let lots = crate::domain::credit::expire_due(&mut conn, None, now)?;
            let accounts = crate::domain::loyalty::expire_due(&mut conn, now)?;
            Ok((lots, accounts))
        })
        .await;
        match done {
            Ok(Ok((0, 0))) => {}
            Ok(Ok((lots, accounts))) => tracing::info!(lots, accounts, "credit or points expired"),
            Ok(Err(e)) => tracing::warn!("expiring credit or points failed: {e:#}"),
            Err(e) => tracing::warn!("expiring credit or points failed: {e}"),
        }
    }
}

fn server(
    listener: TcpListener,
    state: web::Data<AppState>,
    config: &Config,
    key: Key,
) -> anyhow::Result<Server> {
    let idle =
        time::Duration::seconds(i64::try_from(config.session_idle.as_secs()).unwrap_or(3600));
    let store = DbSessionStore::new(state.pool.clone(), idle);
    // The cookie only carries a random session id (the state is on the server); the key,
    // shared through the database by every server of the store, signs it.
    let cookie_name = session_cookie_name(config);
    let secure = config.secure_cookies;
    let workers = config.workers;
    let server = HttpServer::new(move || {
        let session = SessionMiddleware::builder(store.clone(), key.clone())
            .cookie_name(cookie_name.to_owned())
            .cookie_secure(secure)
            .cookie_http_only(true)
            .cookie_same_site(SameSite::Lax)
            .cookie_path("/".to_owned())
            .cookie_domain(None)
            .cookie_content_security(CookieContentSecurity::Signed)
            .session_lifecycle(
                BrowserSession::default()
                    .state_ttl(idle)
                    // The store extends the idle timeout itself when it reads a session.
                    .state_ttl_extension_policy(TtlExtensionPolicy::OnStateChanges),
            )
            .build();
        App::new()
            .app_data(state.clone())
            .app_data(web::FormConfig::default().limit(1024 * 1024))
            .wrap(from_fn(csrf::middleware))
            .wrap(from_fn(crate::auth::session_store::guard))
            .wrap(ErrorHandlers::new().default_handler(site::errors::render))
            .wrap(session)
            .wrap(from_fn(site::security_headers))
            .wrap(TracingLogger::default())
            .configure(site::routes)
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(crate::error::AppError::NotFound)
            }))
    })
    .workers(workers)
    .shutdown_timeout(30)
    .listen(listener)?
    .run();
    Ok(server)
}
