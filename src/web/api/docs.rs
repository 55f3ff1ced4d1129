//! The OpenAPI document (`/api/openapi.json`) and a readable page of it (`/api/docs`), both
//! served from the binary: no outside download, no script (the strict CSP holds).

use actix_web::HttpResponse;
use actix_web::http::header::ContentType;
use serde_json::Value;

/// The API's description, kept beside the handlers it describes.
pub const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(OPENAPI)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Every operation of the document: method, path, summary, scope, parameters and the
/// request body's fields.
pub async fn page() -> HttpResponse {
    let doc: Value = serde_json::from_str(OPENAPI).unwrap_or(Value::Null);
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Clientela API</title>\
         <link rel=\"stylesheet\" href=\"/static/css/app.css\"></head><body><main class=\"content\">",
    );
    html.push_str("<h1>Clientela API</h1>");
    if let Some(d) = doc["info"]["description"].as_str() {
        html.push_str(&format!("<p>{}</p>", esc(d)));
    }
    html.push_str("<p><a href=\"/api/openapi.json\">openapi.json</a></p>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, ops) in paths {
            let Some(ops) = ops.as_object() else { continue };
            for (method, op) in ops {
                html.push_str(&format!(
                    "<section class=\"card\" data-op=\"{} {}\"><h2><code>{} {}</code></h2><p>{}</p><p class=\"muted\">{}</p>",
                    method.to_uppercase(),
                    esc(path),
                    method.to_uppercase(),
                    esc(path),
                    esc(op["summary"].as_str().unwrap_or("")),
                    esc(op["description"].as_str().unwrap_or("")),
                ));
                if let Some(params) = op["parameters"].as_array() {
                    html.push_str("<ul>");
                    for p in params {
                        html.push_str(&format!(
                            "<li><code>{}</code> ({}) {}</li>",
                            esc(p["name"].as_str().unwrap_or("")),
                            esc(p["in"].as_str().unwrap_or("")),
                            esc(p["description"].as_str().unwrap_or(""))
                        ));
                    }
                    html.push_str("</ul>");
                }
                let body =
                    &op["requestBody"]["content"]["application/json"]["schema"]["properties"];
                if let Some(props) = body.as_object() {
                    let fields: Vec<String> = props
                        .keys()
                        .map(|k| format!("<code>{}</code>", esc(k)))
                        .collect();
                    html.push_str(&format!("<p>Body: {}</p>", fields.join(", ")));
                }
                html.push_str("</section>");
            }
        }
    }
    html.push_str("</main></body></html>");
    HttpResponse::Ok()
        .insert_header(ContentType::html())
        .body(html)
}
