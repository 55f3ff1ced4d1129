//! actix-session storage in our own database, so a session can be ended on the server
//! (logout, password change, disabled account) and every app server sees the same sessions.
//!
//! Rows are keyed by the SHA-256 of the session key; the staff id is copied out of the state
//! into its own column so all of a staff member's sessions can be ended at once.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use actix_web::web;
use chrono::Utc;
use rand::distr::{Alphanumeric, SampleString};
use sha2::{Digest, Sha256};

use crate::db::Pool;
use crate::db::sessions::{SessionOwner, SessionRow};

type State = HashMap<String, String>;

/// A reserved key of the loaded state: the signed-in staff member's row and the store's default
/// language, read in the same database visit as the session (a page view then costs one trip
/// to the blocking pool instead of two). Filled on every load, never stored (removed before
/// every save), so it is never older than the request.
pub const LOADED_STAFF: &str = "__loaded_staff";

/// A reserved key of the loaded state: set, alone, when the session could not be read because
/// the database is away. The request is then answered 503 by [`guard`] instead of running as
/// if nobody were signed in, and a state holding it is never written back (it would replace
/// the real session with an empty one once the database returns).
pub const STORE_UNAVAILABLE: &str = "__store_unavailable";

/// Paths that answer without a session even when the session store is away: liveness and
/// readiness for the load balancer, and the static files the error page itself needs.
fn works_without_store(path: &str) -> bool {
    path == "/healthz" || path == "/readyz" || path.starts_with("/static/")
}

/// Middleware, wrapped just inside the session middleware: a request whose session could not
/// be loaded gets the translated 503 page, before any extractor or handler sees an empty
/// session (which would sign the user out or fail the CSRF check).
pub async fn guard<B: actix_web::body::MessageBody>(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::EitherBody<B>>, actix_web::Error> {
    use actix_session::SessionExt;
    let away = req.get_session().contains_key(STORE_UNAVAILABLE);
    if away && !works_without_store(req.path()) {
        let e = crate::error::AppError::Unavailable("the session store could not be read".into());
        return Ok(req.error_response(e).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// What [`LOADED_STAFF`] holds.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LoadedStaff {
    /// The staff id the state named, and its row (`None`: no such staff member any more).
    pub staff_id: i64,
    pub staff: Option<StaffSnapshot>,
    pub default_lang: String,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StaffSnapshot {
    pub email: String,
    pub name: String,
    pub role: String,
    pub language: Option<String>,
    pub active: bool,
    pub created_at: chrono::NaiveDateTime,
}

impl LoadedStaff {
    fn read(conn: &mut crate::db::DbConn, staff_id: i64) -> anyhow::Result<LoadedStaff> {
        let staff = crate::domain::staff::find(conn, staff_id)?.map(|s| StaffSnapshot {
            email: s.email,
            name: s.name,
            role: s.role.code().to_owned(),
            language: s.language.map(|l| l.code().to_owned()),
            active: s.active,
            created_at: s.created_at,
        });
        Ok(LoadedStaff {
            staff_id,
            staff,
            default_lang: crate::domain::settings::default_lang(conn)?
                .code()
                .to_owned(),
        })
    }

    /// The staff member as the rest of the application sees them.
    pub fn staff(&self) -> Option<crate::domain::staff::Staff> {
        use crate::domain::staff::{Role, Staff};
        self.staff.as_ref().map(|s| Staff {
            id: self.staff_id,
            email: s.email.clone(),
            name: s.name.clone(),
            role: Role::from_code(&s.role).unwrap_or(Role::Support),
            language: s.language.as_deref().and_then(crate::i18n::Lang::from_code),
            active: s.active,
            created_at: s.created_at,
        })
    }

    pub fn default_lang(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::from_code(&self.default_lang).unwrap_or(crate::i18n::Lang::Es)
    }
}

/// Sessions live in the database; the idle timeout is extended when a session is read, at
/// most once a minute, so a page view costs one read and not a write.
#[derive(Clone)]
pub struct DbSessionStore {
    pool: Pool,
    idle: Duration,
}

impl DbSessionStore {
    pub fn new(pool: Pool, idle: Duration) -> Self {
        DbSessionStore { pool, idle }
    }
}

/// The row id for a session key.
pub fn key_hash(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn staff_id_of(state: &State) -> Option<i64> {
    state
        .get(super::session::STAFF_ID)
        .and_then(|v| serde_json::from_str::<i64>(v).ok())
}

fn owner_of(state: &State) -> SessionOwner {
    SessionOwner {
        staff_id: staff_id_of(state),
        customer_id: state
            .get(super::session::CUSTOMER_ID)
            .and_then(|v| serde_json::from_str::<i64>(v).ok()),
    }
}

fn expiry(ttl: &Duration) -> chrono::NaiveDateTime {
    let secs = ttl.whole_seconds().clamp(0, i64::from(i32::MAX));
    Utc::now().naive_utc() + chrono::Duration::seconds(secs)
}

fn new_key() -> anyhow::Result<SessionKey> {
    // 64 alphanumeric characters: about 380 bits of randomness.
    let key = Alphanumeric.sample_string(&mut rand::rng(), 64);
    SessionKey::try_from(key).map_err(|e| anyhow::anyhow!("invalid session key: {e}"))
}

async fn run<T, F>(pool: &Pool, f: F) -> anyhow::Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConn) -> anyhow::Result<T> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| anyhow::anyhow!("blocking pool: {e}"))?
}

impl SessionStore for DbSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let id = key_hash(session_key.as_ref());
        let expires = expiry(&self.idle);
        // A minute of precision, or half the idle time when that is shorter.
        let slack = chrono::Duration::seconds((self.idle.whole_seconds() / 2).clamp(0, 60));
        let raw = run(&self.pool, move |conn| {
            let found = SessionRow::load_live(conn, &id, Utc::now().naive_utc())?;
            // Extend the idle timeout when it has aged by more than a minute: a durable
            // write per page view would serialize every reader behind SQLite's write lock.
            if let Some((_, current)) = &found
                && *current < expires - slack
            {
                SessionRow::touch(conn, &id, Utc::now().naive_utc(), expires)?;
            }
            let Some((json, _)) = found else {
                return Ok(None);
            };
            let mut state: State = match serde_json::from_str(&json) {
                Ok(s) => s,
                Err(e) => return Ok(Some(Err(e))),
            };
            state.remove(LOADED_STAFF);
            if let Some(staff_id) = staff_id_of(&state) {
                let loaded = LoadedStaff::read(conn, staff_id)?;
                state.insert(LOADED_STAFF.to_owned(), serde_json::to_string(&loaded)?);
            }
            Ok(Some(Ok(state)))
        })
        .await;
        let raw = match raw {
            Ok(raw) => raw,
            Err(e) => {
                // The database is away (or failed mid-read): keep the cookie, mark the request.
                tracing::warn!("session store unavailable: {e:#}");
                return Ok(Some(State::from([(
                    STORE_UNAVAILABLE.to_owned(),
                    "true".to_owned(),
                )])));
            }
        };
        match raw {
            None => Ok(None),
            Some(state) => state
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(&self, mut state: State, ttl: &Duration) -> Result<SessionKey, SaveError> {
        if state.contains_key(STORE_UNAVAILABLE) {
            return Err(SaveError::Other(anyhow::anyhow!(
                "a session read while the store was unavailable is never saved"
            )));
        }
        state.remove(LOADED_STAFF);
        let json = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let key = new_key().map_err(SaveError::Other)?;
        let id = key_hash(key.as_ref());
        let owner = owner_of(&state);
        let expires = expiry(ttl);
        run(&self.pool, move |conn| {
            SessionRow::insert(conn, &id, owner, &json, Utc::now().naive_utc(), expires)?;
            Ok(())
        })
        .await
        .map_err(SaveError::Other)?;
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        mut state: State,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        if state.contains_key(STORE_UNAVAILABLE) {
            // The error page may have touched the placeholder (a CSRF token for its form);
            // the real session stays as the database holds it, under the same cookie.
            return Ok(key);
        }
        state.remove(LOADED_STAFF);
        let json =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let id = key_hash(key.as_ref());
        let owner = owner_of(&state);
        let expires = expiry(ttl);
        let updated = run(&self.pool, move |conn| {
            Ok(SessionRow::update_state(
                conn,
                &id,
                owner,
                &json,
                Utc::now().naive_utc(),
                expires,
            )?)
        })
        .await
        .map_err(UpdateError::Other)?;
        if updated == 1 {
            Ok(key)
        } else {
            // The session was ended meanwhile (logout elsewhere, expiry): never resurrect it
            // under its old key; start a fresh one without the sign-in.
            let mut fresh = state;
            fresh.remove(super::session::STAFF_ID);
            fresh.remove(super::session::CUSTOMER_ID);
            fresh.remove(super::session::AUTH_AT);
            self.save(fresh, ttl).await.map_err(|e| match e {
                SaveError::Serialization(e) => UpdateError::Serialization(e),
                SaveError::Other(e) => UpdateError::Other(e),
            })
        }
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &Duration) -> Result<(), anyhow::Error> {
        let id = key_hash(key.as_ref());
        let expires = expiry(ttl);
        run(&self.pool, move |conn| {
            SessionRow::touch(conn, &id, Utc::now().naive_utc(), expires)?;
            Ok(())
        })
        .await
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        let id = key_hash(key.as_ref());
        run(&self.pool, move |conn| {
            SessionRow::delete(conn, &id)?;
            Ok(())
        })
        .await
    }
}
