//! Points and store credit over the API: balances and histories (scope `read`), and the
//! movements (scope `money`): add or subtract points, grant credit, spend credit on an order.
//! Movements take an `Idempotency-Key` header: the same key and body answer the same and
//! move once; the same key with another body is refused with 422.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    Api, ApiError, Money, Read, idempotency_key, iso, json_response, once, parse_json, run,
};
use crate::db::customers::CustomerRow;
use crate::domain::credit::{self, CreditError, GrantInput};
use crate::domain::loyalty::{self, AdjustInput, LoyaltyError};
use crate::domain::types::Cents;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers/{id}/points", web::get().to(points))
        .route(
            "/api/v1/customers/{id}/points",
            web::post().to(adjust_points),
        )
        .route("/api/v1/customers/{id}/credit", web::get().to(credit_of))
        .route("/api/v1/customers/{id}/credit", web::post().to(grant))
        .route("/api/v1/orders/{id}/credit", web::post().to(spend));
}

const HISTORY: i64 = 100;

/// The operation id the domain gets for a request's Idempotency-Key: per token, and in the
/// characters every ledger accepts (the header may hold any visible ASCII).
fn domain_key(token: i64, key: &str) -> String {
    let h = crate::domain::api_tokens::hash(&format!("{token}\u{0}{key}"));
    format!("api-{}", &h[..40])
}

fn loyalty_error(e: LoyaltyError) -> ApiError {
    match e {
        LoyaltyError::Invalid(errors) => ApiError::Invalid(errors),
        LoyaltyError::Insufficient => ApiError::Refused("loyalty-error-insufficient"),
        LoyaltyError::KeyReused => ApiError::KeyReused,
        LoyaltyError::NotFound => ApiError::NotFound,
        other => ApiError::Internal(other.into()),
    }
}

fn credit_error(e: CreditError) -> ApiError {
    match e {
        CreditError::Invalid(errors) => ApiError::Invalid(errors),
        CreditError::KeyReused => ApiError::KeyReused,
        CreditError::NotFound => ApiError::NotFound,
        CreditError::Db(e) => e.into(),
        other => ApiError::Refused(other.message()),
    }
}

fn live(conn: &mut crate::db::DbConn, id: i64) -> Result<CustomerRow, ApiError> {
    CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)
}

pub async fn points(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (balance, history) = run(&state, move |conn| {
        live(conn, id)?;
        Ok((
            loyalty::balance(conn, id)?,
            crate::db::loyalty::EntryRow::for_customer(conn, id, HISTORY)?,
        ))
    })
    .await?;
    let history: Vec<Value> = history
        .into_iter()
        .map(|(e, staff, order)| {
            json!({
                "id": e.id,
                "kind": e.kind,
                "points": e.points,
                "balance_after": e.balance_after,
                "reason": e.reason,
                "order_number": order,
                "staff": staff,
                "created_at": iso(e.created_at),
            })
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({ "customer_id": id, "balance": balance, "history": history }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsBody {
    points: i64,
    /// "add" or "subtract".
    direction: String,
    reason: String,
}

/// "Zarządzaj punktami" over the API: nothing is sent to the customer (seed 004).
pub async fn adjust_points(
    req: HttpRequest,
    auth: Api<Money>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let b: PointsBody = parse_json(&body)?;
    let key = idempotency_key(&req)?;
    let (actor, token) = (auth.token.staff_id, auth.token.id);
    let request = format!("POST points {id} {}", String::from_utf8_lossy(&body));
    once(&state, &auth.token, key, request, move |conn, key| {
        live(conn, id)?;
        let done = loyalty::adjust(
            conn,
            actor,
            id,
            &AdjustInput {
                points: b.points.to_string(),
                direction: b.direction,
                reason: b.reason,
                idempotency_key: key.map(|k| domain_key(token, k)).unwrap_or_default(),
            },
        )
        .map_err(loyalty_error)?;
        Ok((
            StatusCode::CREATED,
            json!({ "entry_id": done.entry_id, "balance": done.balance_after }),
        ))
    })
    .await
}

pub async fn credit_of(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (balance, currency, history) = run(&state, move |conn| {
        live(conn, id)?;
        Ok((
            credit::balance(conn, id)?,
            crate::domain::settings::store_currency(conn)?,
            crate::db::credit::EntryRow::for_customer(conn, id, HISTORY)?,
        ))
    })
    .await?;
    let history: Vec<Value> = history
        .into_iter()
        .map(|(e, staff, order)| {
            json!({
                "id": e.id,
                "kind": e.kind,
                "amount_cents": e.amount_cents,
                "balance_after_cents": e.balance_after_cents,
                "currency": e.currency,
                "order_number": order,
                "staff": staff,
                "created_at": iso(e.created_at),
            })
        })
        .collect();
    Ok(json_response(
        StatusCode::OK,
        &json!({
            "customer_id": id,
            "balance_cents": balance,
            "currency": currency,
            "history": history,
        }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    amount_cents: i64,
    /// A reason's id (Settings → Store credit → reasons).
    reason_id: i64,
    /// YYYY-MM-DD; absent: the store's default expiry.
    expires_on: Option<String>,
    note: Option<String>,
}

/// "Agregar crédito" over the API.
pub async fn grant(
    req: HttpRequest,
    auth: Api<Money>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let b: GrantBody = parse_json(&body)?;
    let key = idempotency_key(&req)?;
    let (actor, token) = (auth.token.staff_id, auth.token.id);
    let request = format!("POST credit {id} {}", String::from_utf8_lossy(&body));
    once(&state, &auth.token, key, request, move |conn, key| {
        live(conn, id)?;
        if b.amount_cents <= 0 {
            return Err(ApiError::Invalid(vec![(
                "amount_cents",
                "credit-error-amount-positive",
            )]));
        }
        let entry = credit::grant(
            conn,
            actor,
            id,
            &GrantInput {
                amount: format!("{}.{:02}", b.amount_cents / 100, b.amount_cents % 100),
                reason: b.reason_id.to_string(),
                expires_on: b.expires_on.unwrap_or_default(),
                note: b.note.unwrap_or_default(),
                idempotency_key: key.map(|k| domain_key(token, k)).unwrap_or_default(),
            },
        )
        .map_err(credit_error)?;
        Ok((
            StatusCode::CREATED,
            json!({ "entry_id": entry, "balance_cents": credit::balance(conn, id)? }),
        ))
    })
    .await
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendBody {
    amount_cents: i64,
}

/// Pays part of an order with the customer's store credit. Needs an Idempotency-Key (a
/// retried payment must not pay twice).
pub async fn spend(
    req: HttpRequest,
    auth: Api<Money>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let order_id = id.into_inner();
    let b: SpendBody = parse_json(&body)?;
    let Some(key) = idempotency_key(&req)? else {
        return Err(ApiError::BadRequest(
            "spending store credit needs an Idempotency-Key header".into(),
        ));
    };
    let (actor, token) = (auth.token.staff_id, auth.token.id);
    let request = format!(
        "POST order credit {order_id} {}",
        String::from_utf8_lossy(&body)
    );
    once(&state, &auth.token, Some(key), request, move |conn, key| {
        let spent = credit::spend(
            conn,
            Some(actor),
            order_id,
            Cents(b.amount_cents),
            &domain_key(token, key.unwrap_or_default()),
        )
        .map_err(credit_error)?;
        Ok((
            StatusCode::CREATED,
            json!({
                "entry_id": spent.entry_id,
                "amount_cents": spent.amount_cents,
                "balance_after_cents": spent.balance_after_cents,
            }),
        ))
    })
    .await
}
