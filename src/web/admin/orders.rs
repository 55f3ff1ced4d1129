//! The orders area: list, detail and status changes.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use crate::auth::extract::{ManageCustomers, ViewCustomers};
use crate::auth::{Authorized, FlashKind};
use crate::db::customers::CustomerRow;
use crate::db::orders::{self, HistoryRow, LineRow, OrderFilter, OrderListRow, OrderRow};
use crate::domain::orders::{self as domain, OrderError, STATUSES};
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, Ui, ok, see_other};

const PAGE_SIZE: i64 = 50;
const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderQuery {
    pub q: Option<String>,
    pub status: Option<String>,
    pub customer: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub before: Option<String>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[derive(Template)]
#[template(path = "admin/orders/list.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<OrderListRow>,
    query: OrderQuery,
    statuses: [&'static str; 5],
    next_href: Option<String>,
    errors: Vec<&'static str>,
}

fn date(v: &Option<String>, errors: &mut Vec<&'static str>) -> Option<NaiveDate> {
    let s = non_empty(v)?;
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| errors.push("filter-error-date"))
        .ok()
}

pub async fn list(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    query: web::Query<OrderQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let mut errors = Vec::new();
    let filter = OrderFilter {
        search: non_empty(&q.q).map(str::to_lowercase),
        status: non_empty(&q.status)
            .filter(|s| domain::is_status(s))
            .map(str::to_owned),
        customer_id: non_empty(&q.customer).and_then(|c| c.parse().ok()),
        from: date(&q.from, &mut errors),
        to: date(&q.to, &mut errors),
    };
    let before = non_empty(&q.before).and_then(|c| {
        let (t, id) = c.rsplit_once('~')?;
        Some((
            NaiveDateTime::parse_from_str(t, CURSOR_TIME).ok()?,
            id.parse::<i64>().ok()?,
        ))
    });
    let pool = state.pool.clone();
    let (rows, more) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(orders::list(&mut conn, &filter, before, PAGE_SIZE)?)
    })
    .await??;
    let next_href = match (more, rows.last()) {
        (true, Some(last)) => {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in [
                ("q", &q.q),
                ("status", &q.status),
                ("customer", &q.customer),
                ("from", &q.from),
                ("to", &q.to),
            ] {
                if let Some(v) = non_empty(v) {
                    s.append_pair(k, v);
                }
            }
            s.append_pair(
                "before",
                &format!("{}~{}", last.placed_at.format(CURSOR_TIME), last.id),
            );
            Some(format!("/orders?{}", s.finish()))
        }
        _ => None,
    };
    let here = match req.query_string() {
        "" => "/orders".to_owned(),
        qs => format!("/orders?{qs}"),
    };
    ok(&ListPage {
        ui: Ui::staff(&auth, Area::Orders, &here),
        rows,
        query: q,
        statuses: STATUSES,
        next_href,
        errors,
    })
}

#[derive(Template)]
#[template(path = "admin/orders/show.html")]
struct ShowPage {
    ui: Ui,
    o: OrderRow,
    customer: CustomerRow,
    lines: Vec<LineRow>,
    history: Vec<HistoryRow>,
    statuses: [&'static str; 5],
    can_change: bool,
}

pub async fn show(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let pool = state.pool.clone();
    let (o, customer, lines, history) = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        let o = orders::find(&mut conn, id)?.ok_or(AppError::NotFound)?;
        let customer = CustomerRow::find(&mut conn, o.customer_id)?.ok_or(AppError::NotFound)?;
        Ok((
            o,
            customer,
            orders::lines(&mut conn, id)?,
            orders::history(&mut conn, id)?,
        ))
    })
    .await??;
    ok(&ShowPage {
        ui: Ui::staff(&auth, Area::Orders, &format!("/orders/{id}")),
        o,
        customer,
        lines,
        history,
        statuses: STATUSES,
        can_change: auth.can(Permission::ManageCustomers),
    })
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
}

pub async fn change_status(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, status) = (id.into_inner(), auth.staff.id, form.into_inner().status);
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(domain::change_status(&mut conn, actor, id, &status))
    })
    .await??;
    match result {
        Ok(()) => auth
            .session
            .flash(FlashKind::Success, "flash-order-status-changed"),
        Err(OrderError::InvalidStatus) => {
            return Err(AppError::BadRequest("unknown status".into()));
        }
        Err(OrderError::NotFound) => return Err(AppError::NotFound),
        Err(OrderError::Db(e)) => return Err(e.into()),
    }
    Ok(see_other(&format!("/orders/{id}")))
}
