//! The REST API (`/api/v1`, JSON): customers, their points and store credit, and orders,
//! for other systems of the store. Authentication is a bearer token the owner creates under
//! Settings → API; each handler names the scope it needs as an extractor argument
//! ([`Api<Read>`], [`Api<Write>`], [`Api<Money>`]). Errors are RFC 9457 problem documents.
//! Every rule is the pages' own: handlers call the same domain functions.

mod addresses;
mod customers;
mod docs;
mod groups;
mod money;
mod notes_tags;
mod orders;

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::http::StatusCode;
use actix_web::http::header::ContentType;
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use serde_json::{Value, json};

use crate::domain::api_tokens::{self, ApiToken, Scope};
use crate::i18n::Lang;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/openapi.json", web::get().to(docs::openapi))
        .route("/api/docs", web::get().to(docs::page))
        .configure(customers::routes)
        .configure(addresses::routes)
        .configure(groups::routes)
        .configure(money::routes)
        .configure(notes_tags::routes)
        .configure(orders::routes);
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// A refused API request, answered as `application/problem+json`.
#[derive(Debug)]
pub enum ApiError {
    /// No token, an unknown one, or a revoked one.
    Unauthorized,
    /// The token lacks the scope.
    Forbidden(Scope),
    NotFound,
    /// Fields refused: (field, message key); the message is given in English.
    Invalid(Vec<(&'static str, &'static str)>),
    /// The record changed since the version the client sent.
    Stale,
    /// The request cannot be done as asked (not enough credit, and the like).
    Refused(&'static str),
    /// An Idempotency-Key seen before with another request.
    KeyReused,
    BadRequest(String),
    Internal(anyhow::Error),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self:?}")
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl From<r2d2::Error> for ApiError {
    fn from(e: r2d2::Error) -> Self {
        ApiError::Internal(e.into())
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str, String) {
        let en = |key: &str| Lang::En.t(key);
        match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Authentication required",
                "Send a live API token as `Authorization: Bearer <token>`.".into(),
            ),
            ApiError::Forbidden(s) => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Scope missing",
                format!("This token does not have the `{}` scope.", s.code()),
            ),
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Not found",
                "There is no such resource.".into(),
            ),
            ApiError::Invalid(errors) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Invalid input",
                errors
                    .iter()
                    .map(|(f, k)| format!("{f}: {}", en(k)))
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            ApiError::Stale => (
                StatusCode::CONFLICT,
                "stale",
                "Changed meanwhile",
                "The record changed since the version you sent; read it again.".into(),
            ),
            ApiError::Refused(key) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "refused",
                "Refused",
                en(key),
            ),
            ApiError::KeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "Idempotency-Key reused",
                "This Idempotency-Key was used with another request.".into(),
            ),
            ApiError::BadRequest(d) => (
                StatusCode::BAD_REQUEST,
                "bad-request",
                "Bad request",
                d.clone(),
            ),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "Something went wrong on our side; it was logged.".into(),
            ),
        }
    }

    fn body(&self) -> Value {
        let (status, kind, title, detail) = self.parts();
        let mut v = json!({
            "type": format!("/api/problems/{kind}"),
            "title": title,
            "status": status.as_u16(),
            "detail": detail,
        });
        if let ApiError::Invalid(errors) = self {
            v["errors"] = errors
                .iter()
                .map(|(f, k)| json!({"field": f, "code": k, "message": Lang::En.t(k)}))
                .collect();
        }
        v
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        if let ApiError::Internal(e) = self {
            tracing::error!("API request failed: {e:#}");
        }
        HttpResponse::build(self.status_code())
            .content_type("application/problem+json")
            .body(self.body().to_string())
    }
}

/// Runs database work on the blocking pool.
pub(crate) async fn run<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::DbConn) -> Result<T, ApiError> + Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("blocking pool: {e}")))?
}

pub(crate) fn json_response(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(ContentType::json())
        .body(body.to_string())
}

// ---------------------------------------------------------------------------------------
// Authentication: the token and its scope, as an extractor
// ---------------------------------------------------------------------------------------

pub trait RequiredScope {
    const SCOPE: Scope;
}

pub struct Read;
pub struct Write;
pub struct Money;

impl RequiredScope for Read {
    const SCOPE: Scope = Scope::Read;
}
impl RequiredScope for Write {
    const SCOPE: Scope = Scope::Write;
}
impl RequiredScope for Money {
    const SCOPE: Scope = Scope::Money;
}

/// A request with a live token that has scope `S`.
pub struct Api<S: RequiredScope> {
    pub token: ApiToken,
    _scope: PhantomData<S>,
}

impl<S: RequiredScope> FromRequest for Api<S> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let secret = req
            .headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(secret), Some(state)) = (secret, state) else {
                return Err(ApiError::Unauthorized);
            };
            let token = run(&state, move |conn| {
                let Some(t) = api_tokens::authenticate(conn, &secret)? else {
                    return Ok(None);
                };
                // A token of a staff member who was disabled works no more.
                let active =
                    crate::domain::staff::find(conn, t.staff_id)?.is_some_and(|s| s.active);
                Ok(active.then_some(t))
            })
            .await?
            .ok_or(ApiError::Unauthorized)?;
            if !token.allows(S::SCOPE) {
                return Err(ApiError::Forbidden(S::SCOPE));
            }
            Ok(Api {
                token,
                _scope: PhantomData,
            })
        })
    }
}

/// The `Idempotency-Key` header, when sent: 1 to 100 visible ASCII characters.
pub(crate) fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let v = v
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 100 && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key: 1 to 100 visible characters".into())
        })?;
    Ok(Some(v.to_owned()))
}

/// Answers a money request once per Idempotency-Key: the same key with the same request gets
/// the first answer again (and the domain, given the key, makes one movement); the same key
/// with another request is refused. Without a key the request simply runs.
pub(crate) async fn once<F>(
    state: &AppState,
    token: &ApiToken,
    key: Option<String>,
    request: String,
    f: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(&mut crate::db::DbConn, Option<&str>) -> Result<(StatusCode, Value), ApiError>
        + Send
        + 'static,
{
    let token_id = token.id;
    let request_hash = api_tokens::hash(&request);
    let (status, body) = run(state, move |conn| {
        if let Some(k) = &key
            && let Some((h, status, body)) = crate::db::api_tokens::remembered(conn, token_id, k)?
        {
            if h != request_hash {
                return Err(ApiError::KeyReused);
            }
            let status = u16::try_from(status)
                .ok()
                .and_then(|s| StatusCode::from_u16(s).ok())
                .unwrap_or(StatusCode::OK);
            return Ok((status, serde_json::from_str(&body).unwrap_or(Value::Null)));
        }
        let (status, body) = f(conn, key.as_deref())?;
        if let Some(k) = &key {
            // A concurrent twin may have stored it first: its answer is the same one.
            let _ = crate::db::api_tokens::remember(
                conn,
                token_id,
                k,
                &request_hash,
                i32::from(status.as_u16()),
                &body.to_string(),
                chrono::Utc::now().naive_utc(),
            );
        }
        Ok((status, body))
    })
    .await?;
    Ok(json_response(status, &body))
}

/// A JSON body, or a problem document saying what is wrong with it.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::BadRequest(format!("JSON body: {e}")))
}

pub(crate) fn iso(ts: chrono::NaiveDateTime) -> String {
    ts.and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
