//! Customer groups over the API: the list and one group with its member count (scope
//! `read`); create, rename or change the default discount, delete (its customers stay,
//! ungrouped), and put a customer into a group or out of any (scope `write`). Every change
//! is one function of `domain::groups`, as from the groups pages and the list's assignment.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::customers::customer_json;
use super::{Api, ApiError, Money, Read, iso, json_response, parse_json, run};
use crate::db::customers::CustomerRow;
use crate::db::groups::GroupRow;
use crate::domain::groups::{self, GroupError, GroupInput, GroupWithCount, Selection};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/groups", web::get().to(list))
        .route("/api/v1/groups", web::post().to(create))
        .route("/api/v1/groups/{id}", web::get().to(get))
        .route("/api/v1/groups/{id}", web::patch().to(update))
        .route("/api/v1/groups/{id}", web::delete().to(delete))
        .route("/api/v1/customers/{id}/group", web::put().to(assign));
}

fn group_json(g: &GroupWithCount) -> Value {
    json!({
        "id": g.group.id,
        "name": g.group.name,
        "discount_bp": g.group.discount_bp,
        "members": g.members,
        "created_at": iso(g.group.created_at),
        "updated_at": iso(g.group.updated_at),
    })
}

fn err(e: GroupError) -> ApiError {
    match e {
        GroupError::Invalid(errors) => ApiError::Invalid(
            errors
                .into_iter()
                .map(|(field, key)| {
                    (
                        if field == "discount" {
                            "discount_bp"
                        } else {
                            field
                        },
                        key,
                    )
                })
                .collect(),
        ),
        GroupError::NotFound => ApiError::NotFound,
        GroupError::Db(e) => e.into(),
        other => ApiError::Internal(other.into()),
    }
}

fn with_count(conn: &mut crate::db::DbConn, id: i64) -> Result<GroupWithCount, ApiError> {
    let group = GroupRow::find(conn, id)?.ok_or(ApiError::NotFound)?;
    let members = GroupRow::member_count(conn, id)?;
    Ok(GroupWithCount { group, members })
}

/// Basis points as the group form types a percentage ("12.50"); a negative number keeps its
/// sign so the form's own check refuses it.
fn percent_text(bp: i64) -> String {
    let abs = bp.unsigned_abs();
    let sign = if bp < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

pub async fn list(_auth: Api<Read>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = run(&state, |conn| Ok(groups::all_with_counts(conn)?)).await?;
    let data: Vec<Value> = rows.iter().map(group_json).collect();
    Ok(json_response(StatusCode::OK, &json!({ "data": data })))
}

pub async fn get(
    _auth: Api<Read>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let g = run(&state, move |conn| with_count(conn, id)).await?;
    Ok(json_response(StatusCode::OK, &group_json(&g)))
}

/// A group as a client sends it; on PATCH absent fields keep their value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    name: Option<String>,
    /// The default discount in basis points (1250 = 12.50 %), 0 to 10000.
    discount_bp: Option<i64>,
}

impl GroupBody {
    fn over(self, name: String, discount_bp: i64) -> GroupInput {
        GroupInput {
            name: self.name.unwrap_or(name),
            discount: percent_text(self.discount_bp.unwrap_or(discount_bp)),
        }
    }
}

pub async fn create(
    auth: Api<Money>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let actor = auth.token.staff_id;
    let input = parse_json::<GroupBody>(&body)?.over(String::new(), 0);
    let g = run(&state, move |conn| {
        let id = groups::create(conn, actor, &input).map_err(err)?;
        with_count(conn, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/groups/{}", g.group.id)))
        .content_type("application/json")
        .body(group_json(&g).to_string()))
}

pub async fn update(
    auth: Api<Money>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let b: GroupBody = parse_json(&body)?;
    let g = run(&state, move |conn| {
        let cur = GroupRow::find(conn, id)?.ok_or(ApiError::NotFound)?;
        let input = b.over(cur.name, cur.discount_bp);
        groups::update(conn, actor, id, &input).map_err(err)?;
        with_count(conn, id)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &group_json(&g)))
}

pub async fn delete(
    auth: Api<Money>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let moved = run(&state, move |conn| {
        groups::delete(conn, actor, id).map_err(err)
    })
    .await?;
    Ok(json_response(
        StatusCode::OK,
        &json!({ "id": id, "customers_ungrouped": moved }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The group; `null` takes the customer out of any group. Required.
    #[serde(deserialize_with = "nullable")]
    group_id: Option<i64>,
}

/// A field that must be sent, `null` allowed.
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<i64>::deserialize(d)
}

/// Puts one customer into a group, or out of any: the list's assignment for one row.
pub async fn assign(
    auth: Api<Money>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let (id, actor) = (id.into_inner(), auth.token.staff_id);
    let b: AssignBody = parse_json(&body)?;
    let c = run(&state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)?;
        // Anonymized customers are never assigned (the list's assignment skips them too).
        if c.anonymized_at.is_some() {
            return Err(ApiError::NotFound);
        }
        groups::assign(conn, actor, &Selection::Ids(vec![id]), b.group_id).map_err(
            |e| match e {
                GroupError::NotFound => {
                    ApiError::Invalid(vec![("group_id", "error-group-unknown")])
                }
                other => err(other),
            },
        )?;
        CustomerRow::find(conn, id)?.ok_or(ApiError::NotFound)
    })
    .await?;
    Ok(json_response(StatusCode::OK, &customer_json(&c)))
}
