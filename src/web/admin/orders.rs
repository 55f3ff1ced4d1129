//! The orders area: list, detail and status changes.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use actix_web::http::StatusCode;

use crate::auth::extract::{ManageCustomers, ManageMoney, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::customers::CustomerRow;
use crate::db::orders::{self, HistoryRow, LineRow, OrderFilter, OrderListRow, OrderRow};
use crate::domain::credit::{self, CreditError};
use crate::domain::orders::{self as domain, OrderError, STATUSES};
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, Ui, ok, render, see_other};

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
    can_money: bool,
    /// The customer's store credit balance and whether it can pay orders.
    credit_balance: i64,
    credit_enabled: bool,
    /// A fresh idempotency key for the "apply credit" form: a double submit spends once.
    credit_key: String,
    /// The form that was refused, with its message.
    credit_form: CreditForm,
    credit_error: Option<(&'static str, &'static str)>,
    /// Loyalty points the order earned, and how many of them were taken back since.
    points_earned: i64,
    points_reversed: i64,
}

impl ShowPage {
    /// The rules are `domain::credit`'s; the page only asks.
    fn due(&self) -> i64 {
        credit::due(&self.o)
    }

    fn refundable(&self) -> i64 {
        credit::refundable(&self.o)
    }

    fn can_pay(&self) -> bool {
        credit::can_pay(&self.o)
    }

    fn can_refund(&self) -> bool {
        credit::can_refund(&self.o)
    }
}

/// The credit forms of the order page as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreditForm {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub idempotency_key: String,
}

async fn show_page(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    credit_form: CreditForm,
    credit_error: Option<(&'static str, &'static str)>,
) -> Result<ShowPage, AppError> {
    let pool = state.pool.clone();
    let (o, customer, lines, history, balance, enabled, points) =
        web::block(move || -> Result<_, AppError> {
            let mut conn = pool.get()?;
            let o = orders::find(&mut conn, id)?.ok_or(AppError::NotFound)?;
            let customer =
                CustomerRow::find(&mut conn, o.customer_id)?.ok_or(AppError::NotFound)?;
            Ok((
                orders::lines(&mut conn, id)?,
                orders::history(&mut conn, id)?,
                credit::balance(&mut conn, o.customer_id)?,
                credit::settings(&mut conn)?.enabled,
                crate::db::loyalty::EntryRow::for_order(&mut conn, id)?,
                o,
                customer,
            ))
        })
        .await?
        .map(|(lines, history, balance, enabled, points, o, customer)| {
            (o, customer, lines, history, balance, enabled, points)
        })?;
    let sum_of = |kind: &str| -> i64 {
        points
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| e.points)
            .sum()
    };
    Ok(ShowPage {
        ui: Ui::staff(auth, Area::Orders, &format!("/orders/{id}")),
        o,
        customer,
        lines,
        history,
        statuses: STATUSES,
        can_change: auth.can(Permission::ManageCustomers),
        can_money: auth.can(Permission::ManageMoney),
        credit_balance: balance,
        credit_enabled: enabled,
        credit_key: crate::auth::random_token(),
        credit_form,
        credit_error,
        points_earned: sum_of("earn_order"),
        points_reversed: -sum_of("reversal"),
    })
}

pub async fn show(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ok(&show_page(&auth, &state, id.into_inner(), CreditForm::default(), None).await?)
}

/// A refused credit movement: the order page again with the message next to its form.
async fn refused(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    form: CreditForm,
    which: &'static str,
    e: CreditError,
) -> Result<HttpResponse, AppError> {
    match e {
        CreditError::NotFound => Err(AppError::NotFound),
        CreditError::Db(e) => Err(e.into()),
        e => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &show_page(auth, state, id, form, Some((which, e.message()))).await?,
        ),
    }
}

/// Staff apply the customer's store credit to an unpaid order (a phone order), choosing the
/// amount. The form's idempotency key makes a double submit spend once.
pub async fn apply_credit(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CreditForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let amount = match credit::parse_amount(&input.amount) {
        Ok(a) => a,
        Err(key) => {
            return refused(
                &auth,
                &state,
                id,
                input,
                "apply",
                CreditError::Invalid(vec![("amount", key)]),
            )
            .await;
        }
    };
    let key = input.idempotency_key.clone();
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(credit::spend(&mut conn, Some(actor), id, amount, &key))
    })
    .await??;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-applied");
            Ok(see_other(&format!("/orders/{id}")))
        }
        Err(e) => refused(&auth, &state, id, input, "apply", e).await,
    }
}

/// Refunds part of a paid order into the customer's store credit.
pub async fn refund_credit(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CreditForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let (amount, key) = (input.amount.clone(), input.idempotency_key.clone());
    let pool = state.pool.clone();
    let result = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(credit::refund(&mut conn, actor, id, &amount, &key))
    })
    .await??;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-refunded");
            Ok(see_other(&format!("/orders/{id}")))
        }
        Err(e) => refused(&auth, &state, id, input, "refund", e).await,
    }
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
        Err(OrderError::Credit(e)) => return Err(AppError::Internal(e.into())),
        Err(e @ (OrderError::Loyalty(_) | OrderError::Invalid(_) | OrderError::Refused(_))) => {
            return Err(AppError::Internal(e.into()));
        }
    }
    Ok(see_other(&format!("/orders/{id}")))
}
