//! The one web error type. It logs its cause and answers with a status; the error-page
//! middleware ([`crate::web::errors`]) turns every 4xx/5xx without a page of its own into a
//! translated page that shows no internals.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// Not signed in: answered by a redirect to the sign-in page.
    #[error("sign-in required")]
    SignInRequired { next: Option<String> },
    /// A storefront page for signed-in customers: to the shop's sign-in, never the admin's.
    #[error("customer sign-in required")]
    CustomerSignInRequired { next: Option<String> },
    #[error("CSRF check failed")]
    Csrf,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        AppError::Internal(e.into())
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(e.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking pool: {e}"))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(anyhow::anyhow!("template: {e}"))
    }
}

impl From<actix_session::SessionInsertError> for AppError {
    fn from(e: actix_session::SessionInsertError) -> Self {
        AppError::Internal(anyhow::anyhow!("session: {e}"))
    }
}

/// True when `e` (or any cause of it) is the database reporting that its disk is full:
/// SQLite's SQLITE_FULL ("database or disk is full"), PostgreSQL's `disk_full` (53100) or
/// "No space left on device", or an I/O error of that kind. The failed transaction has rolled
/// back, so the user is told that nothing was saved; the next write after space is freed works.
pub fn is_storage_full(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        if let Some(diesel::result::Error::DatabaseError(_, info)) =
            cause.downcast_ref::<diesel::result::Error>()
        {
            let m = info.message();
            return m.contains("disk is full")
                || m.contains("No space left on device")
                || m.contains("could not extend file");
        }
        if cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::StorageFull)
        {
            return true;
        }
        // Domain errors wrap the database's error transparently (`#[error(transparent)]`),
        // which hides it from the chain; its text is still theirs.
        let text = cause.to_string();
        text.contains("database or disk is full") || text.contains("No space left on device")
    })
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Internal(e) if is_storage_full(e) => StatusCode::INSUFFICIENT_STORAGE,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::SignInRequired { .. } | AppError::CustomerSignInRequired { .. } => {
                StatusCode::SEE_OTHER
            }
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Internal(_) | AppError::Unavailable(_) => {
                tracing::error!(error = %self, "request failed")
            }
            AppError::Csrf | AppError::Forbidden => {
                tracing::warn!(error = %self, "request refused")
            }
            _ => {}
        }
        let sign_in = match self {
            AppError::SignInRequired { next } => Some(("/login", next)),
            AppError::CustomerSignInRequired { next } => Some(("/shop/login", next)),
            _ => None,
        };
        if let Some((page, next)) = sign_in {
            let location = match next {
                Some(n) => format!(
                    "{page}?next={}",
                    url::form_urlencoded::byte_serialize(n.as_bytes()).collect::<String>()
                ),
                None => page.to_owned(),
            };
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location))
                .finish();
        }
        // A plain body: the error-page middleware replaces it with the translated page.
        HttpResponse::build(self.status_code())
            .insert_header((
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ))
            .body(self.status_code().canonical_reason().unwrap_or("Error"))
    }
}
