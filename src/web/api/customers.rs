//! `/api/v1/customers`: the list (the panel's search, filters and sort, with cursor
//! pagination), one customer, create, update (with the version, like the edit form) and
//! delete (anonymized when the customer has orders).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Api, ApiError, Read, Write, iso, json_response, parse_json, run};
use crate::db::customer_list;
use crate::db::customers::CustomerRow;
use crate::domain::customer_query::{ListQuery, cursor, list_state};
use crate::domain::customers::{self, CustomerError, CustomerInput, Deleted, Editor};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers", web::get().to(list))
        .route("/api/v1/customers", web::post().to(create))
        .route("/api/v1/customers/{id}", web::get().to(get))
        .route("/api/v1/customers/{id}", web::patch().to(update))
        .route("/api/v1/customers/{id}", web::delete().to(delete));
}

/// Customers per page of the list.
const PAGE: i64 = 50;

pub(crate) fn customer_json(c: &CustomerRow) -> Value {
    json!({
        "id": c.id,
        "full_name": c.full_name,
        "email": c.email,
        "phone": c.phone,
        "language": c.language,
        "registered": c.registered,
        "newsletter": c.newsletter,
        "city": c.city,
        "country": c.country,
        "order_count": c.order_count,
        "spent_cents": c.spent_cents,
        "credit_cents": c.credit_cents,
        "points": c.points,
        "group_id": c.group_id,
        "anonymized": c.anonymized_at.is_some(),
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at),
        "version": c.version,
    })
}

fn customer_error(e: CustomerError) -> ApiError {
    match e {
        CustomerError::Invalid(errors) => ApiError::Invalid(errors),
        CustomerError::Stale => ApiError::Stale,
        CustomerError::NotFound => ApiError::NotFound,
        CustomerError::Db(e) => e.into(),
    }
}

pub async fn list(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner();
    if q.before.is_some() || q.last.is_some() {
        return Err(ApiError::BadRequest(
            "the API pages forward only: use `after` with the `next_cursor` given".into(),
        ));
    }
    let st = list_state(&q);
    if let Some(e) = st.errors.first() {
        return Err(ApiError::Invalid(vec![("query", e)]));
    }
    let (rows, more) = run(&state, move |conn| {
        Ok(customer_list::page(
            conn,
            &st.filter,
            st.sort,
            st.descending,
            &st.position,
            PAGE,
        )?)
    })
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let next = more
        .then(|| rows.last().map(|r| cursor(r, list_state(&q).sort)))
        .flatten();
    let full = run(&state, move |conn| {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(c) = CustomerRow::find(conn, id)? {
                out.push(customer_json(&c));
            }
        }
        Ok(out)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "data": full, "next_cursor": next }),
    ))
}

pub async fn get(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let c = run(&state, move |conn| Ok(CustomerRow::find(conn, id)?))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(json_response(StatusCode::OK, &customer_json(&c)))
}

/// A customer as a client sends it; on update, absent fields keep their value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerBody {
    full_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    language: Option<String>,
    registered: Option<bool>,
    newsletter: Option<bool>,
    /// Required on update: the version read.
    version: Option<i64>,
}

fn on(b: bool) -> Option<String> {
    b.then(|| "on".to_owned())
}

pub async fn create(
    auth: Api<Write>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let b: CustomerBody = parse_json(&body)?;
    let input = CustomerInput {
        full_name: b.full_name.unwrap_or_default(),
        email: b.email.unwrap_or_default(),
        phone: b.phone.unwrap_or_default(),
        language: b.language.unwrap_or_else(|| "es".into()),
        registered: on(b.registered.unwrap_or(false)),
        newsletter: on(b.newsletter.unwrap_or(false)),
        ..CustomerInput::default()
    };
    let editor = Editor {
        id: auth.token.staff_id,
        may_price: false,
    };
    let c = run(&state, move |conn| {
        let id = customers::create(conn, editor, &input).map_err(customer_error)?;
        CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/customers/{}", c.id)))
        .content_type("application/json")
        .body(customer_json(&c).to_string()))
}

pub async fn update(
    auth: Api<Write>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let b: CustomerBody = parse_json(&body)?;
    let Some(version) = b.version else {
        return Err(ApiError::Invalid(vec![("version", "error-required")]));
    };
    let editor = Editor {
        id: auth.token.staff_id,
        may_price: false,
    };
    let c = run(&state, move |conn| {
        let cur = CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let input = CustomerInput {
            full_name: b.full_name.unwrap_or(cur.full_name),
            email: b.email.or(cur.email).unwrap_or_default(),
            phone: b.phone.or(cur.phone).unwrap_or_default(),
            language: b.language.unwrap_or(cur.language),
            registered: on(b.registered.unwrap_or(cur.registered)),
            newsletter: on(b.newsletter.unwrap_or(cur.newsletter)),
            version,
            ..CustomerInput::default()
        };
        customers::update(conn, editor, id, &input).map_err(customer_error)?;
        CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &customer_json(&c)))
}

pub async fn delete(
    auth: Api<Write>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let done = run(&state, move |conn| {
        customers::delete(conn, actor, id).map_err(customer_error)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "id": id,
            "result": match done {
                Deleted::Anonymized => "anonymized",
                Deleted::Removed => "removed",
            }
        }),
    ))
}
