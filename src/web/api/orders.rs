//! `/api/v1/orders`: the list (by customer, by status; newest first, cursor by id), one
//! order with its lines and status history, and the status change — the panel's own, so
//! the customer's e-mail and the points follow it the same way.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Api, ApiError, Read, Write, iso, json_response, parse_json, run};
use crate::db::orders::{self as q, OrderRow};
use crate::domain::orders::{self, OrderError};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/orders", web::get().to(list))
        .route("/api/v1/orders/{id}", web::get().to(get))
        .route("/api/v1/orders/{id}/status", web::post().to(set_status));
}

const PAGE: i64 = 50;

fn order_json(o: &OrderRow) -> Value {
    json!({
        "id": o.id,
        "number": o.number,
        "customer_id": o.customer_id,
        "status": o.status,
        "payment_method": o.payment_method,
        "currency": o.currency,
        "subtotal_cents": o.subtotal_cents,
        "shipping_cents": o.shipping_cents,
        "points_used": o.points_used,
        "points_discount_cents": o.points_discount_cents,
        "total_cents": o.total_cents,
        "credit_paid_cents": o.credit_paid_cents,
        "credit_refunded_cents": o.credit_refunded_cents,
        "placed_at": iso(o.placed_at),
        "updated_at": iso(o.updated_at),
    })
}

#[derive(Debug, Deserialize)]
pub struct ListParams {
    customer_id: Option<i64>,
    status: Option<String>,
    /// The `next_cursor` of the previous page.
    after: Option<i64>,
}

pub async fn list(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let p = params.into_inner();
    if let Some(s) = &p.status
        && !orders::is_status(s)
    {
        return Err(ApiError::Invalid(vec![(
            "status",
            "notifications-error-status",
        )]));
    }
    let mut rows = run(&state, move |conn| {
        Ok(q::api_page(
            conn,
            p.customer_id,
            p.status.as_deref(),
            p.after,
            PAGE + 1,
        )?)
    })
    .await?;
    let more = rows.len() > usize::try_from(PAGE).unwrap_or(50);
    rows.truncate(usize::try_from(PAGE).unwrap_or(50));
    let next = more.then(|| rows.last().map(|o| o.id)).flatten();
    let data: Vec<Value> = rows.iter().map(order_json).collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "data": data, "next_cursor": next }),
    ))
}

pub async fn get(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (o, lines, history) = run(&state, move |conn| {
        let Some(o) = q::find(conn, id)? else {
            return Err(ApiError::NotFound);
        };
        Ok((o, q::lines(conn, id)?, q::history(conn, id)?))
    })
    .await?;
    let mut v = order_json(&o);
    v["lines"] = lines
        .iter()
        .map(|l| {
            json!({
                "product_id": l.product_id,
                "sku": l.sku,
                "name": l.name,
                "quantity": l.quantity,
                "unit_price_cents": l.unit_price_cents,
                "line_total_cents": l.line_total_cents,
            })
        })
        .collect();
    v["status_history"] = history
        .iter()
        .map(|h| json!({ "from": h.from_status, "to": h.to_status, "at": iso(h.created_at) }))
        .collect();
    Ok(json_response(StatusCode::OK, &v))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    status: String,
}

pub async fn set_status(
    auth: Api<Write>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let b: StatusBody = parse_json(&body)?;
    let o = run(&state, move |conn| {
        orders::change_status(conn, actor, id, &b.status).map_err(|e| match e {
            OrderError::InvalidStatus => {
                ApiError::Invalid(vec![("status", "notifications-error-status")])
            }
            OrderError::NotFound => ApiError::NotFound,
            OrderError::Db(e) => e.into(),
            other => ApiError::Internal(other.into()),
        })?;
        q::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &order_json(&o)))
}
