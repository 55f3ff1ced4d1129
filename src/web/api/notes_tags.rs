//! A customer's notes and tags over the API, through the card's own domain functions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Api, ApiError, Read, Write, iso, json_response, parse_json, run};
use crate::db::customers::{CustomerRow, NoteRow, TagRow};
use crate::domain::customers::{self, CustomerError};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers/{id}/notes", web::get().to(notes))
        .route("/api/v1/customers/{id}/notes", web::post().to(add_note))
        .route(
            "/api/v1/customers/{id}/notes/{note}",
            web::delete().to(delete_note),
        )
        .route("/api/v1/customers/{id}/tags", web::get().to(tags))
        .route("/api/v1/customers/{id}/tags", web::post().to(add_tag))
        .route(
            "/api/v1/customers/{id}/tags/{tag}",
            web::delete().to(remove_tag),
        );
}

fn err(e: CustomerError) -> ApiError {
    match e {
        // The card's form names the fields `note` and `tag`; the API's bodies, `body` and `name`.
        CustomerError::Invalid(errors) => ApiError::Invalid(
            errors
                .into_iter()
                .map(|(field, key)| match field {
                    "note" => ("body", key),
                    "tag" => ("name", key),
                    other => (other, key),
                })
                .collect(),
        ),
        CustomerError::Stale => ApiError::Stale,
        CustomerError::NotFound => ApiError::NotFound,
        CustomerError::Db(e) => e.into(),
    }
}

fn exists(conn: &mut crate::db::DbConn, id: i64) -> Result<(), ApiError> {
    CustomerRow::find(conn, id)?
        .map(|_| ())
        .ok_or(ApiError::NotFound)
}

fn notes_json(rows: &[NoteRow]) -> Value {
    rows.iter()
        .map(|n| {
            json!({"id": n.id, "body": n.body, "pinned": n.pinned, "author": n.author,
                   "created_at": iso(n.created_at)})
        })
        .collect()
}

fn tags_json(rows: &[TagRow]) -> Value {
    rows.iter()
        .map(|t| json!({"id": t.id, "name": t.name}))
        .collect()
}

pub async fn notes(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = run(&state, move |conn| {
        exists(conn, id)?;
        Ok(NoteRow::for_customer(conn, id)?)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "data": notes_json(&rows) }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    body: String,
}

pub async fn add_note(
    auth: Api<Write>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let b: NoteBody = parse_json(&body)?;
    let note = run(&state, move |conn| {
        exists(conn, id)?;
        customers::add_note(conn, actor, id, &b.body).map_err(err)
    })
    .await?;
    Ok(json_response(StatusCode::CREATED, &json!({ "id": note })))
}

pub async fn delete_note(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, note), actor) = (path.into_inner(), auth.token.staff_id);
    run(&state, move |conn| {
        customers::delete_note(conn, actor, id, note).map_err(err)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

pub async fn tags(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = run(&state, move |conn| {
        exists(conn, id)?;
        Ok(TagRow::for_customer(conn, id)?)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "data": tags_json(&rows) }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagBody {
    name: String,
}

pub async fn add_tag(
    auth: Api<Write>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let b: TagBody = parse_json(&body)?;
    let rows = run(&state, move |conn| {
        exists(conn, id)?;
        customers::add_tag(conn, actor, id, &b.name).map_err(err)?;
        Ok(TagRow::for_customer(conn, id)?)
    })
    .await?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "data": tags_json(&rows) }),
    ))
}

pub async fn remove_tag(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, tag), actor) = (path.into_inner(), auth.token.staff_id);
    run(&state, move |conn| {
        exists(conn, id)?;
        customers::remove_tag(conn, actor, id, tag).map_err(err)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
