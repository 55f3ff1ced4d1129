//! Translated error pages for every 4xx/5xx response that has no page of its own (our 422
//! forms and the sign-in page's 401/429 render themselves). No internals are ever shown.

use actix_web::dev::ServiceResponse;
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpMessage, HttpResponse, web};
use askama::Template;

use crate::auth::AppSession;
use crate::i18n::{self, Lang};
use crate::state::AppState;
use crate::web::page::Ui;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ui: Ui,
    status: u16,
    title_key: &'static str,
    message_key: &'static str,
}

fn keys(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("error-400-title", "error-400-text"),
        403 => ("error-403-title", "error-403-text"),
        404 | 405 => ("error-404-title", "error-404-text"),
        413 => ("error-413-title", "error-413-text"),
        422 => ("error-422-title", "error-422-text"),
        429 => ("error-429-title", "error-429-text"),
        503 => ("error-503-title", "error-503-text"),
        507 => ("error-507-title", "error-507-text"),
        s if s >= 500 => ("error-500-title", "error-500-text"),
        _ => ("error-400-title", "error-400-text"),
    }
}

fn request_lang(res: &ServiceResponse<impl Sized>) -> Lang {
    let req = res.request();
    if let Some(lang) = req.extensions().get::<Lang>() {
        return *lang;
    }
    let default = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.cached_default_lang())
        .unwrap_or(Lang::Es);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    i18n::negotiate(
        None,
        crate::auth::session::browser_choice(req),
        accept,
        default,
    )
}

pub fn render<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let json = content_type.starts_with("application/json")
        || content_type.starts_with("application/problem+json");
    let api = res.request().path().starts_with("/api/");
    if json || (!api && content_type.starts_with("text/html")) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    if api {
        // An API client gets a problem document, never a page (an unknown address, a query
        // string that does not parse, a body too large).
        let body = serde_json::json!({
            "type": "about:blank",
            "title": status.canonical_reason().unwrap_or("Error"),
            "status": status.as_u16(),
        })
        .to_string();
        let (req, _) = res.into_parts();
        let new = HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, "application/problem+json"))
            .body(body);
        return Ok(ErrorHandlerResponse::Response(
            ServiceResponse::new(req, new).map_into_right_body(),
        ));
    }
    let lang = request_lang(&res);
    let session = AppSession::of(res.request());
    let (title_key, message_key) = keys(status.as_u16());
    let page = ErrorPage {
        ui: if status.is_server_error() {
            Ui::detached(lang, "/")
        } else {
            Ui::public(lang, &session, "/")
        },
        status: status.as_u16(),
        title_key,
        message_key,
    };
    let body = page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page template failed");
        String::from("Error")
    });
    let (req, original) = res.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in original.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    let new = new
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, new).map_into_right_body(),
    ))
}
