//! Static files embedded in the binary (CSS, vendored htmx, icons), with a content ETag.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

pub async fn serve(req: HttpRequest, path: web::Path<String>) -> HttpResponse {
    let Some(file) = Assets::get(&path) else {
        return HttpResponse::NotFound()
            .insert_header((header::CONTENT_TYPE, "text/plain; charset=utf-8"))
            .body("Not Found");
    };
    let etag = format!("\"{}\"", hex::encode(&file.metadata.sha256_hash()[..16]));
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag);
    let cache = (
        header::CACHE_CONTROL,
        "public, max-age=3600, must-revalidate",
    );
    if matches {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header(cache)
            .finish();
    }
    let mime = mime_guess::from_path(path.as_str()).first_or_octet_stream();
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime.essence_str().to_owned()))
        .insert_header((header::ETAG, etag))
        .insert_header(cache)
        .body(file.data.into_owned())
}

/// An inline SVG icon from static/icons, for templates. Icons are our own files, not input.
pub fn icon(name: &str) -> String {
    Assets::get(&format!("icons/{name}.svg"))
        .and_then(|f| String::from_utf8(f.data.into_owned()).ok())
        .unwrap_or_default()
}
