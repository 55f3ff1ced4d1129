//! CSRF protection for every state-changing request (anything but GET, HEAD, OPTIONS):
//! a cross-site request is refused by `Sec-Fetch-Site`/`Origin`, and the session's token must
//! come back in the `X-CSRF-Token` header (htmx) or the `csrf_token` form field, compared in
//! constant time. Refusals are 403 and change nothing.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpMessage, web};
use subtle::ConstantTimeEq;

use super::session::AppSession;
use crate::error::AppError;

pub const FORM_FIELD: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
/// Forms larger than this are refused before the token is even looked at.
const MAX_FORM_BYTES: usize = 1024 * 1024;
/// File uploads (`multipart/form-data`, the customer CSV import) may be larger; the token is
/// one of their parts.
pub const MAX_UPLOAD_BYTES: usize = crate::domain::customer_import::MAX_BYTES + 64 * 1024;

pub async fn middleware<B: MessageBody>(
    mut req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    // The API authenticates with a bearer token, never with the session cookie, so a forged
    // cross-site request carries no credential: it needs no CSRF token.
    if req.path().starts_with("/api/") {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    if is_cross_site(&req) {
        tracing::warn!("refused a cross-site state-changing request");
        return refuse(req, AppError::Csrf);
    }
    let session = AppSession::of(req.request());
    let Some(expected) = session.expected_csrf() else {
        return refuse(req, AppError::Csrf);
    };
    let mut submitted = req
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if submitted.is_none() && req.content_type() == "application/x-www-form-urlencoded" {
        let body = match read_body(&mut req, MAX_FORM_BYTES).await {
            Ok(body) => body,
            Err(e) => return refuse(req, e),
        };
        submitted = url::form_urlencoded::parse(&body)
            .find(|(k, _)| k == FORM_FIELD)
            .map(|(_, v)| v.into_owned());
        req.set_payload(Payload::from(body));
    } else if submitted.is_none() && req.content_type() == "multipart/form-data" {
        let boundary = req
            .mime_type()
            .ok()
            .flatten()
            .and_then(|m| m.get_param("boundary").map(|b| b.as_str().to_owned()));
        let body = match read_body(&mut req, MAX_UPLOAD_BYTES).await {
            Ok(body) => body,
            Err(e) => return refuse(req, e),
        };
        submitted = boundary.and_then(|b| multipart_field(&body, &b, FORM_FIELD));
        req.set_payload(Payload::from(body));
    }
    match submitted {
        Some(token) if bool::from(token.as_bytes().ct_eq(expected.as_bytes())) => {
            Ok(next.call(req).await?.map_into_left_body())
        }
        _ => refuse(req, AppError::Csrf),
    }
}

/// Refusals are responses, not errors, so the error-page middleware translates them.
fn refuse<B>(
    req: ServiceRequest,
    e: AppError,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    Ok(req.error_response(e).map_into_right_body())
}

async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, AppError> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// The value of the text part `name` of a `multipart/form-data` body, if there is one.
fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let disposition = format!("name=\"{name}\"");
    let mut rest = body;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        let end = find(rest, delimiter.as_bytes()).unwrap_or(rest.len());
        let part = &rest[..end];
        if let Some(head_end) = find(part, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&part[..head_end]);
            let named = head.lines().any(|l| {
                l.to_ascii_lowercase().starts_with("content-disposition:")
                    && l.split(';').any(|p| p.trim() == disposition)
            });
            if named {
                let value = &part[head_end + 4..];
                let value = value.strip_suffix(b"\r\n").unwrap_or(value);
                return String::from_utf8(value.to_vec()).ok();
            }
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A browser tells us where a request came from; anything but our own origin is refused.
fn is_cross_site(req: &ServiceRequest) -> bool {
    if let Some(site) = req
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        && site != "same-origin"
        && site != "none"
    {
        return true;
    }
    if let Some(origin) = req.headers().get("origin").and_then(|v| v.to_str().ok()) {
        let host = req.connection_info().host().to_owned();
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        return origin == "null" || origin_host != host;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_found_among_the_parts_of_a_file_upload() {
        let body =
            b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"csrf_token\"\r\n\
            Content-Type: text/csv\r\n\r\nname=\"csrf_token\"\r\n--XyZ\r\n\
            Content-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc123\r\n--XyZ--\r\n";
        assert_eq!(
            multipart_field(body, "XyZ", FORM_FIELD).as_deref(),
            Some("abc123")
        );
        assert_eq!(multipart_field(body, "XyZ", "other"), None);
        assert_eq!(multipart_field(b"no parts", "XyZ", FORM_FIELD), None);
    }
}
