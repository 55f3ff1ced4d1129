//! A customer's addresses over the API: list and read (scope `read`); add, edit (PATCH keeps
//! absent fields, PUT replaces the address), delete and make an address the default of its
//! kind (scope `write`). Every rule is the card's own: the same functions of
//! `domain::customers` the address forms call (the first address of a kind is its default,
//! the customer's location follows the default shipping address, and so on).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use super::{Api, ApiError, Read, Write, iso, json_response, parse_json, run};
use crate::db::DbConn;
use crate::db::customers::{AddressRow, CustomerRow};
use crate::domain::customers::{self, AddressInput, CustomerError};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/customers/{id}/addresses", web::get().to(list))
        .route("/api/v1/customers/{id}/addresses", web::post().to(create))
        .route(
            "/api/v1/customers/{id}/addresses/{address}",
            web::get().to(get),
        )
        .route(
            "/api/v1/customers/{id}/addresses/{address}",
            web::patch().to(patch),
        )
        .route(
            "/api/v1/customers/{id}/addresses/{address}",
            web::put().to(replace),
        )
        .route(
            "/api/v1/customers/{id}/addresses/{address}",
            web::delete().to(delete),
        )
        .route(
            "/api/v1/customers/{id}/addresses/{address}/default",
            web::post().to(make_default),
        );
}

pub(crate) fn address_json(a: &AddressRow) -> Value {
    json!({
        "id": a.id,
        "customer_id": a.customer_id,
        "kind": a.kind,
        "full_name": a.full_name,
        "line1": a.line1,
        "line2": a.line2,
        "postal_code": a.postal_code,
        "city": a.city,
        "region": a.region,
        "country": a.country,
        "phone": a.phone,
        "is_default": a.is_default,
        "created_at": iso(a.created_at),
    })
}

/// The form names two fields apart from the customer's own (`address_name`,
/// `address_phone`); the API's body calls them `full_name` and `phone`.
fn api_field(field: &'static str) -> &'static str {
    match field {
        "address_name" => "full_name",
        "address_phone" => "phone",
        other => other,
    }
}

fn err(e: CustomerError) -> ApiError {
    match e {
        CustomerError::Invalid(errors) => ApiError::Invalid(
            errors
                .into_iter()
                .map(|(field, key)| (api_field(field), key))
                .collect(),
        ),
        CustomerError::Stale => ApiError::Stale,
        CustomerError::NotFound => ApiError::NotFound,
        CustomerError::Db(e) => e.into(),
    }
}

fn customer(conn: &mut DbConn, id: i64) -> Result<CustomerRow, ApiError> {
    CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)
}

/// The customer's address `address`: another customer's address is not found either.
fn address(conn: &mut DbConn, id: i64, address: i64) -> Result<AddressRow, ApiError> {
    AddressRow::for_customer(conn, id)?
        .into_iter()
        .find(|a| a.id == address)
        .ok_or(ApiError::NotFound)
}

/// A present field, `null` included (`Some(None)`), told apart from an absent one (`None`).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// An address as a client sends it. On PATCH absent fields keep their value and `null`
/// empties an optional one; on POST and PUT absent fields are empty.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    #[serde(default, deserialize_with = "present")]
    kind: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    full_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    line1: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    line2: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    city: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    region: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    country: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    phone: Option<Option<String>>,
    /// Makes the address the default of its kind.
    is_default: Option<bool>,
}

impl AddressBody {
    /// The address form this body fills in over `base` (the stored address on PATCH, an
    /// empty form otherwise).
    fn over(self, base: AddressInput) -> AddressInput {
        let pick = |sent: Option<Option<String>>, kept: String| match sent {
            Some(v) => v.unwrap_or_default(),
            None => kept,
        };
        AddressInput {
            kind: pick(self.kind, base.kind),
            full_name: pick(self.full_name, base.full_name),
            line1: pick(self.line1, base.line1),
            line2: pick(self.line2, base.line2),
            postal_code: pick(self.postal_code, base.postal_code),
            city: pick(self.city, base.city),
            region: pick(self.region, base.region),
            country: pick(self.country, base.country),
            phone: pick(self.phone, base.phone),
            // Only a request to make it the default counts: the default of a kind moves
            // by making another address the default, as on the card.
            is_default: self.is_default.unwrap_or(false).then(|| "on".to_owned()),
        }
    }
}

pub async fn list(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let rows = run(&state, move |conn| {
        customer(conn, id)?;
        Ok(AddressRow::for_customer(conn, id)?)
    })
    .await?;
    let data: Vec<Value> = rows.iter().map(address_json).collect();
    Ok(json_response(StatusCode::OK, &json!({ "data": data })))
}

pub async fn get(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let (id, address_id) = path.into_inner();
    let a = run(&state, move |conn| address(conn, id, address_id)).await?;
    Ok(json_response(StatusCode::OK, &address_json(&a)))
}

pub async fn create(
    auth: Api<Write>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let input = parse_json::<AddressBody>(&body)?.over(AddressInput::default());
    let a = run(&state, move |conn| {
        customer(conn, id)?;
        let address_id = customers::add_address(conn, Some(actor), id, &input).map_err(err)?;
        address(conn, id, address_id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            "Location",
            format!("/api/v1/customers/{id}/addresses/{}", a.id),
        ))
        .content_type("application/json")
        .body(address_json(&a).to_string()))
}

/// Saves `body` over the stored address (`merge`) or in its place.
async fn save(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
    merge: bool,
) -> Result<HttpResponse, ApiError> {
    let ((id, address_id), actor) = (path.into_inner(), auth.token.staff_id);
    let b: AddressBody = parse_json(&body)?;
    let a = run(&state, move |conn| {
        customer(conn, id)?;
        let stored = address(conn, id, address_id)?;
        let input = if merge {
            b.over(customers::address_input(&stored))
        } else {
            b.over(AddressInput::default())
        };
        customers::update_address(conn, Some(actor), id, address_id, &input).map_err(err)?;
        address(conn, id, address_id)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &address_json(&a)))
}

pub async fn patch(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    save(auth, state, path, body, true).await
}

pub async fn replace(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    save(auth, state, path, body, false).await
}

pub async fn delete(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, address_id), actor) = (path.into_inner(), auth.token.staff_id);
    run(&state, move |conn| {
        customer(conn, id)?;
        customers::delete_address(conn, Some(actor), id, address_id).map_err(err)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "Predeterminada": the address becomes the default of its kind (shipping or billing).
pub async fn make_default(
    auth: Api<Write>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    let ((id, address_id), actor) = (path.into_inner(), auth.token.staff_id);
    let a = run(&state, move |conn| {
        customer(conn, id)?;
        customers::set_default_address(conn, Some(actor), id, address_id).map_err(err)?;
        address(conn, id, address_id)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &address_json(&a)))
}
