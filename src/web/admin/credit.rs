//! Store credit pages: the customer's panel ("Más acciones" → "Créditos de tienda"), granting
//! ("Agregar crédito"), deleting what is left of a credit, the settings ("Configurar créditos
//! de tienda") and the liability report. Every movement goes through `domain::credit`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;

use crate::auth::extract::{ManageMoney, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::credit::{EntryRow, HistoryEntry, LotRow, ReasonRow};
use crate::db::customers::CustomerRow;
use crate::domain::credit::{self, CreditError, GrantInput, Settings, SettingsInput};
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

/// A credit error that is not about the input: a page of its own.
fn fatal(e: CreditError) -> AppError {
    match e {
        CreditError::NotFound => AppError::NotFound,
        CreditError::Db(e) => e.into(),
        other => AppError::Internal(other.into()),
    }
}

/// A reason as the forms and tables show it.
#[derive(Debug, Clone)]
pub struct ReasonView {
    pub id: i64,
    pub label: String,
    pub active: bool,
}

fn reason_views(reasons: Vec<ReasonRow>, ui: &Ui) -> Vec<ReasonView> {
    reasons
        .into_iter()
        .map(|r| ReasonView {
            id: r.id,
            label: reason_label(&r, ui),
            active: r.active,
        })
        .collect()
}

pub fn reason_label(r: &ReasonRow, ui: &Ui) -> String {
    match (&r.code, &r.name) {
        (Some(code), _) => ui.t(&format!("credit-reason-{code}")),
        (None, Some(name)) => name.clone(),
        (None, None) => String::new(),
    }
}

/// A granted credit as the panel lists it.
#[derive(Debug, Clone)]
pub struct LotView {
    pub lot: LotRow,
    pub reason: String,
    pub by: Option<String>,
}

// ---------------------------------------------------------------------------------------
// The panel
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/credit/panel.html")]
struct PanelPage {
    ui: Ui,
    c: CustomerRow,
    balance: i64,
    currency: String,
    settings: Settings,
    lots: Vec<LotView>,
    history: Vec<HistoryEntry>,
    reasons: Vec<ReasonView>,
    form: GrantInput,
    errors: FieldErrors,
    can_manage: bool,
}

struct PanelData {
    c: CustomerRow,
    balance: i64,
    currency: String,
    settings: Settings,
    lots: Vec<LotRow>,
    history: Vec<HistoryEntry>,
    reasons: Vec<ReasonRow>,
    staff: HashMap<i64, String>,
}

async fn panel_data(state: &AppState, id: i64) -> Result<PanelData, AppError> {
    db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok(PanelData {
            balance: credit::balance(conn, id)?,
            currency: crate::domain::settings::store_currency(conn)?,
            settings: credit::settings(conn)?,
            lots: LotRow::for_customer(conn, id)?,
            history: EntryRow::for_customer(conn, id, 200)?,
            reasons: ReasonRow::all(conn)?,
            staff: crate::domain::staff::list(conn)?
                .into_iter()
                .map(|s| (s.id, s.name))
                .collect(),
            c,
        })
    })
    .await
}

fn panel_page(
    auth: &CurrentStaff,
    d: PanelData,
    form: Option<GrantInput>,
    errors: FieldErrors,
) -> PanelPage {
    let ui = Ui::staff(
        auth,
        Area::Customers,
        &format!("/customers/{}/credit", d.c.id),
    );
    let by_id: HashMap<i64, String> = d
        .reasons
        .iter()
        .map(|r| (r.id, reason_label(r, &ui)))
        .collect();
    let lots = d
        .lots
        .into_iter()
        .map(|lot| LotView {
            reason: by_id.get(&lot.reason_id).cloned().unwrap_or_default(),
            by: lot.granted_by.and_then(|s| d.staff.get(&s).cloned()),
            lot,
        })
        .collect();
    // A fresh operation id per form shown; a refused form keeps its own (nothing was written).
    let form = form.unwrap_or_else(|| GrantInput {
        expires_on: credit::default_expiry(&d.settings, Utc::now().date_naive()),
        idempotency_key: crate::auth::random_token(),
        ..GrantInput::default()
    });
    PanelPage {
        reasons: reason_views(d.reasons, &ui)
            .into_iter()
            .filter(|r| r.active)
            .collect(),
        ui,
        c: d.c,
        balance: d.balance,
        currency: d.currency,
        settings: d.settings,
        lots,
        history: d.history,
        form,
        errors,
        can_manage: auth.can(Permission::ManageMoney),
    }
}

pub async fn panel(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let d = panel_data(&state, id.into_inner()).await?;
    ok(&panel_page(&auth, d, None, FieldErrors::default()))
}

pub async fn grant(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<GrantInput>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(credit::grant(conn, actor, id, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session.flash(FlashKind::Success, "flash-credit-added");
            Ok(see_other(&format!("/customers/{id}/credit")))
        }
        Err(CreditError::Invalid(errors)) => {
            let d = panel_data(&state, id).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &panel_page(&auth, d, Some(input), FieldErrors(errors)),
            )
        }
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Deleting what is left of a credit
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/credit/void.html")]
struct VoidPage {
    ui: Ui,
    c: CustomerRow,
    lot: LotRow,
    message: Option<&'static str>,
}

async fn void_page(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    lot_id: i64,
    message: Option<&'static str>,
) -> Result<VoidPage, AppError> {
    let (c, lot) = db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        let lot = LotRow::find(conn, lot_id)?
            .filter(|l| l.customer_id == id)
            .ok_or(AppError::NotFound)?;
        Ok((c, lot))
    })
    .await?;
    Ok(VoidPage {
        ui: Ui::staff(
            auth,
            Area::Customers,
            &format!("/customers/{id}/credit/lots/{lot_id}/void"),
        ),
        c,
        lot,
        message,
    })
}

pub async fn void_form(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, lot) = path.into_inner();
    ok(&void_page(&auth, &state, id, lot, None).await?)
}

pub async fn void(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let ((id, lot), actor) = (path.into_inner(), auth.staff.id);
    let result = db(&state, move |conn| Ok(credit::void(conn, actor, id, lot))).await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-deleted");
            Ok(see_other(&format!("/customers/{id}/credit")))
        }
        Err(e @ CreditError::Order(_)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &void_page(&auth, &state, id, lot, Some(e.message())).await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/credit/settings.html")]
struct SettingsPage {
    ui: Ui,
    settings: Settings,
    expiry_days: String,
    reasons: Vec<ReasonView>,
    reason_name: String,
    errors: FieldErrors,
}

async fn settings_page(
    auth: &CurrentStaff,
    state: &AppState,
    typed: Option<SettingsInput>,
    reason_name: String,
    errors: FieldErrors,
) -> Result<SettingsPage, AppError> {
    let (settings, reasons) = db(state, |conn| {
        Ok((credit::settings(conn)?, ReasonRow::all(conn)?))
    })
    .await?;
    let ui = Ui::staff(auth, Area::Settings, "/settings/store-credit");
    let expiry_days = typed.as_ref().map_or_else(
        || {
            settings
                .default_expiry_days
                .map(|d| d.to_string())
                .unwrap_or_default()
        },
        |t| t.expiry_days.clone(),
    );
    let settings = match typed {
        Some(t) => Settings {
            enabled: t.enabled.is_some(),
            ..settings
        },
        None => settings,
    };
    Ok(SettingsPage {
        reasons: reason_views(reasons, &ui),
        ui,
        settings,
        expiry_days,
        reason_name,
        errors,
    })
}

pub async fn settings_form(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ok(&settings_page(&auth, &state, None, String::new(), FieldErrors::default()).await?)
}

pub async fn save_settings(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    form: web::Form<SettingsInput>,
) -> Result<HttpResponse, AppError> {
    let (actor, input) = (auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(credit::save_settings(conn, actor, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-settings");
            Ok(see_other("/settings/store-credit"))
        }
        Err(CreditError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &settings_page(
                &auth,
                &state,
                Some(input),
                String::new(),
                FieldErrors(errors),
            )
            .await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

#[derive(Debug, Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason_name: String,
}

pub async fn add_reason(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, name) = (auth.staff.id, form.into_inner().reason_name);
    let typed = name.clone();
    let result = db(&state, move |conn| {
        Ok(credit::add_reason(conn, actor, &typed))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-reason-added");
            Ok(see_other("/settings/store-credit#reasons"))
        }
        Err(CreditError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &settings_page(&auth, &state, None, name, FieldErrors(errors)).await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

#[derive(Debug, Deserialize)]
pub struct ToggleForm {
    #[serde(default)]
    active: Option<String>,
}

pub async fn toggle_reason(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ToggleForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, active) = (
        id.into_inner(),
        auth.staff.id,
        form.into_inner().active.as_deref() == Some("1"),
    );
    db(&state, move |conn| {
        credit::set_reason_active(conn, actor, id, active).map_err(fatal)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-credit-reason-changed");
    Ok(see_other("/settings/store-credit#reasons"))
}

// ---------------------------------------------------------------------------------------
// Liability
// ---------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct LiabilityQuery {
    date: Option<String>,
}

/// One point of the liability chart.
#[derive(Debug, Clone)]
pub struct ChartPoint {
    pub x: f64,
    pub y: f64,
    pub label: String,
}

#[derive(Template)]
#[template(path = "admin/credit/liability.html")]
struct LiabilityPage {
    ui: Ui,
    date: String,
    /// The chosen date as the language writes it.
    date_label: String,
    error: Option<&'static str>,
    outstanding: i64,
    now_outstanding: i64,
    currency: String,
    /// The polyline of the chart in a 600 × 200 box, and its first and last dates.
    points: String,
    marks: Vec<ChartPoint>,
    /// The first day of the chart, formatted.
    first_label: String,
    max: i64,
}

pub async fn liability(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    query: web::Query<LiabilityQuery>,
) -> Result<HttpResponse, AppError> {
    let today = Utc::now().date_naive();
    let typed = query.into_inner().date.unwrap_or_default();
    let (at, error) = match typed.trim() {
        "" => (today, None),
        d => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => (d, None),
            Err(_) => (today, Some("filter-error-date")),
        },
    };
    let (series, now_outstanding, currency) = db(&state, move |conn| {
        let currency = crate::domain::settings::store_currency(conn)?;
        Ok((
            credit::liability_by_day(conn, today.max(at))?,
            crate::db::credit::outstanding(conn, &currency)?,
            currency,
        ))
    })
    .await?;
    let outstanding = series
        .iter()
        .take_while(|(d, _)| *d <= at)
        .last()
        .map_or(0, |(_, v)| *v);
    let ui = Ui::staff(&auth, Area::Credit, "/store-credit");
    let max = series.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let first = series.first().map(|(d, _)| *d);
    let span = first.map_or(1, |f| (today.max(at) - f).num_days().max(1));
    let to_point = |d: NaiveDate, v: i64| {
        let x = first.map_or(0.0, |f| (d - f).num_days() as f64 / span as f64 * 600.0);
        let y = 200.0 - v as f64 / max as f64 * 190.0;
        (x, y)
    };
    // A step line: the amount holds until the next day with a movement.
    let mut points = String::new();
    let mut last_y = 200.0;
    for (d, v) in &series {
        let (x, y) = to_point(*d, *v);
        points.push_str(&format!("{x:.1},{last_y:.1} {x:.1},{y:.1} "));
        last_y = y;
    }
    if !series.is_empty() {
        points.push_str(&format!("600.0,{last_y:.1}"));
    }
    let marks = series
        .iter()
        .map(|(d, v)| {
            let (x, y) = to_point(*d, *v);
            ChartPoint {
                x,
                y,
                label: format!(
                    "{}: {}",
                    ui.date(&d.and_time(chrono::NaiveTime::MIN)),
                    ui.money(*v, &currency)
                ),
            }
        })
        .collect();
    let first_label = first
        .map(|f| ui.date(&f.and_time(chrono::NaiveTime::MIN)))
        .unwrap_or_default();
    let date_label = ui.date(&at.and_time(chrono::NaiveTime::MIN));
    let page = LiabilityPage {
        ui,
        date: at.format("%Y-%m-%d").to_string(),
        date_label,
        error,
        outstanding,
        now_outstanding,
        currency,
        points,
        marks,
        first_label,
        max,
    };
    if page.error.is_some() {
        render(StatusCode::UNPROCESSABLE_ENTITY, &page)
    } else {
        ok(&page)
    }
}
