//! Loyalty program pages: the customer's "Program lojalnościowy" section (points, exchange
//! orders, history, "Zarządzaj punktami"), the program overview, the exchange-order queue, the
//! rewards catalogue, product reviews awaiting approval and the program settings. Every
//! movement of points goes through `domain::loyalty`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::auth::extract::{EditCustomerContact, ManageMoney, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::customers::CustomerRow;
use crate::db::loyalty::{
    self as q, Earner, EntryRow, ExchangeLine, ExchangeRow, HistoryEntry, ReviewLine, ReviewRow,
    RewardLine, RewardRow,
};
use crate::domain::loyalty::{
    self, AdjustInput, EARN_STATUSES, LoyaltyError, ReviewInput, RewardInput, Settings,
    SettingsInput,
};
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::admin::overview::{Chart, MonthLabels};
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

/// A loyalty error that is not about the input: a page of its own.
fn fatal(e: LoyaltyError) -> AppError {
    match e {
        LoyaltyError::NotFound => AppError::NotFound,
        LoyaltyError::Db(e) => e.into(),
        other => AppError::Internal(other.into()),
    }
}

/// An active product for the pickers: (id, SKU, name, price, currency).
type Product = (i64, String, String, i64, String);

// ---------------------------------------------------------------------------------------
// The customer's section
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/loyalty/panel.html")]
struct PanelPage {
    ui: Ui,
    c: CustomerRow,
    cid: i64,
    /// The customer card, where the left-hand sections lead back to.
    base: String,
    /// Where accept and reject return to.
    back: String,
    balance: i64,
    held: i64,
    settings: Settings,
    exchanges: Vec<ExchangeLine>,
    history: Vec<HistoryEntry>,
    rewards: Vec<RewardLine>,
    /// The offered rewards the customer has enough points for.
    affordable: Vec<RewardLine>,
    reviews: Vec<ReviewLine>,
    products: Vec<Product>,
    adjust: AdjustInput,
    exchange_key: String,
    review: ReviewInput,
    errors: FieldErrors,
    /// A refusal that is not about one field (not enough points, out of stock).
    refusal: Option<&'static str>,
    /// Which form the errors belong to: "adjust", "exchange" or "review".
    form: &'static str,
    can_manage: bool,
    can_edit: bool,
}

struct PanelData {
    c: CustomerRow,
    balance: i64,
    held: i64,
    settings: Settings,
    exchanges: Vec<ExchangeLine>,
    history: Vec<HistoryEntry>,
    rewards: Vec<RewardLine>,
    reviews: Vec<ReviewLine>,
    products: Vec<Product>,
}

async fn panel_data(state: &AppState, id: i64) -> Result<PanelData, AppError> {
    db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok(PanelData {
            balance: loyalty::balance(conn, id)?,
            held: ExchangeRow::held(conn, id)?,
            settings: loyalty::settings(conn)?,
            exchanges: ExchangeRow::list(conn, None, Some(id), 100)?,
            history: EntryRow::for_customer(conn, id, 200)?,
            rewards: RewardRow::all(conn)?,
            reviews: ReviewRow::list(conn, None, Some(id), 50)?,
            products: q::active_products(conn)?,
            c,
        })
    })
    .await
}

/// What the panel shows again after a refused form.
struct Typed {
    adjust: Option<AdjustInput>,
    exchange_key: Option<String>,
    review: Option<ReviewInput>,
    errors: FieldErrors,
    refusal: Option<&'static str>,
    form: &'static str,
}

impl Typed {
    fn none() -> Self {
        Typed {
            adjust: None,
            exchange_key: None,
            review: None,
            errors: FieldErrors::default(),
            refusal: None,
            form: "",
        }
    }
}

fn panel_page(auth: &CurrentStaff, d: PanelData, t: Typed) -> PanelPage {
    let ui = Ui::staff(
        auth,
        Area::Customers,
        &format!("/customers/{}/loyalty", d.c.id),
    );
    // A fresh operation id per form shown; a refused form keeps its own (nothing was written).
    let adjust = t.adjust.unwrap_or_else(|| AdjustInput {
        direction: "add".to_owned(),
        idempotency_key: crate::auth::random_token(),
        ..AdjustInput::default()
    });
    PanelPage {
        ui,
        cid: d.c.id,
        base: format!("/customers/{}", d.c.id),
        back: format!("/customers/{}/loyalty#exchanges", d.c.id),
        c: d.c,
        balance: d.balance,
        held: d.held,
        settings: d.settings,
        exchanges: d.exchanges,
        history: d.history,
        affordable: d
            .rewards
            .iter()
            .filter(|r| r.0.active && r.0.stock > 0 && r.0.points <= d.balance)
            .cloned()
            .collect(),
        rewards: d.rewards.into_iter().filter(|r| r.0.active).collect(),
        reviews: d.reviews,
        products: d.products,
        adjust,
        exchange_key: t.exchange_key.unwrap_or_else(crate::auth::random_token),
        review: t.review.unwrap_or_default(),
        errors: t.errors,
        refusal: t.refusal,
        form: t.form,
        can_manage: auth.can(Permission::ManageMoney),
        can_edit: auth.can(Permission::EditCustomerContact),
    }
}

pub async fn panel(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let d = panel_data(&state, id.into_inner()).await?;
    ok(&panel_page(&auth, d, Typed::none()))
}

/// Shows the panel again with a refused form: 422, what was typed kept.
async fn refused(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    t: Typed,
) -> Result<HttpResponse, AppError> {
    let d = panel_data(state, id).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &panel_page(auth, d, t))
}

/// "Zarządzaj punktami": add or subtract points with a reason.
pub async fn adjust(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AdjustInput>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(loyalty::adjust(conn, actor, id, &submitted))
    })
    .await?;
    let (errors, refusal) = match result {
        Ok(_) => {
            auth.session.flash(FlashKind::Success, "flash-points-saved");
            return Ok(see_other(&format!("/customers/{id}/loyalty")));
        }
        Err(LoyaltyError::Invalid(errors)) => (FieldErrors(errors), None),
        Err(e @ (LoyaltyError::Insufficient | LoyaltyError::KeyReused)) => (
            FieldErrors(vec![("points", e.message())]),
            Some(e.message()),
        ),
        Err(e) => return Err(fatal(e)),
    };
    let t = Typed {
        adjust: Some(input),
        errors,
        refusal,
        form: "adjust",
        ..Typed::none()
    };
    refused(&auth, &state, id, t).await
}

#[derive(Debug, Deserialize)]
pub struct ExchangeForm {
    #[serde(default)]
    reward: String,
    #[serde(default)]
    idempotency_key: String,
}

/// Places an exchange order on the customer's behalf: the points are held.
pub async fn place_exchange(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ExchangeForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, form) = (id.into_inner(), auth.staff.id, form.into_inner());
    let key = form.idempotency_key.clone();
    let result = db(&state, move |conn| {
        Ok(loyalty::place_exchange(
            conn,
            Some(actor),
            id,
            &form.reward,
            &form.idempotency_key,
        ))
    })
    .await?;
    let t = match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-exchange-placed");
            return Ok(see_other(&format!("/customers/{id}/loyalty#exchanges")));
        }
        Err(LoyaltyError::Invalid(errors)) => Typed {
            // Said above the section too: the form is not shown when no reward is affordable,
            // and the operation id has no field of its own.
            refusal: errors.first().map(|e| e.1),
            errors: FieldErrors(errors),
            ..Typed::none()
        },
        Err(
            e @ (LoyaltyError::Insufficient
            | LoyaltyError::Unavailable
            | LoyaltyError::Disabled
            | LoyaltyError::KeyReused),
        ) => Typed {
            errors: FieldErrors(vec![("reward", e.message())]),
            refusal: Some(e.message()),
            ..Typed::none()
        },
        Err(e) => return Err(fatal(e)),
    };
    let t = Typed {
        exchange_key: Some(key),
        form: "exchange",
        ..t
    };
    refused(&auth, &state, id, t).await
}

/// Records a product review the customer sent; it waits for approval.
pub async fn add_review(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ReviewInput>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(loyalty::add_review(conn, Some(actor), id, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session.flash(FlashKind::Success, "flash-review-added");
            Ok(see_other(&format!("/customers/{id}/loyalty#reviews")))
        }
        Err(LoyaltyError::Invalid(errors)) => {
            let t = Typed {
                review: Some(input),
                errors: FieldErrors(errors),
                form: "review",
                ..Typed::none()
            };
            refused(&auth, &state, id, t).await
        }
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Exchange orders
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/loyalty/exchanges.html")]
struct ExchangesPage {
    ui: Ui,
    pending: Vec<ExchangeLine>,
    decided: Vec<ExchangeLine>,
}

pub async fn exchanges(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (pending, decided) = db(&state, |conn| {
        let pending = ExchangeRow::list(conn, Some("pending"), None, 500)?;
        let mut decided = ExchangeRow::list(conn, Some("accepted"), None, 50)?;
        decided.extend(ExchangeRow::list(conn, Some("rejected"), None, 50)?);
        decided.sort_by_key(|x| std::cmp::Reverse(x.0.id));
        decided.truncate(50);
        Ok((pending, decided))
    })
    .await?;
    ok(&ExchangesPage {
        ui: Ui::staff(&auth, Area::Loyalty, "/loyalty/exchanges"),
        pending,
        decided,
    })
}

#[derive(Debug, Deserialize)]
pub struct BackForm {
    /// Where the button was pressed: the customer's section or the queue.
    #[serde(default)]
    back: String,
}

fn back_to(back: &str) -> String {
    let safe = crate::web::page::safe_local_path(back);
    if safe.starts_with("/customers/") || safe.starts_with("/loyalty") {
        safe.to_owned()
    } else {
        "/loyalty/exchanges".to_owned()
    }
}

async fn decide_exchange(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: i64,
    back: String,
    accept: bool,
) -> Result<HttpResponse, AppError> {
    let actor = auth.staff.id;
    let result = db(&state, move |conn| {
        Ok(if accept {
            loyalty::accept_exchange(conn, actor, id).map(|_| ())
        } else {
            loyalty::reject_exchange(conn, actor, id)
        })
    })
    .await?;
    match result {
        Ok(()) => auth.session.flash(
            FlashKind::Success,
            if accept {
                "flash-exchange-accepted"
            } else {
                "flash-exchange-rejected"
            },
        ),
        Err(LoyaltyError::Decided) => auth
            .session
            .flash(FlashKind::Error, "loyalty-error-decided"),
        Err(e) => return Err(fatal(e)),
    }
    Ok(see_other(&back_to(&back)))
}

pub async fn accept_exchange(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<BackForm>,
) -> Result<HttpResponse, AppError> {
    decide_exchange(auth, state, id.into_inner(), form.into_inner().back, true).await
}

pub async fn reject_exchange(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<BackForm>,
) -> Result<HttpResponse, AppError> {
    decide_exchange(auth, state, id.into_inner(), form.into_inner().back, false).await
}

// ---------------------------------------------------------------------------------------
// Reviews
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/loyalty/reviews.html")]
struct ReviewsPage {
    ui: Ui,
    pending: Vec<ReviewLine>,
    decided: Vec<ReviewLine>,
    review_points: i64,
    enabled: bool,
}

pub async fn reviews(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (pending, decided, settings) = db(&state, |conn| {
        let pending = ReviewRow::list(conn, Some("pending"), None, 500)?;
        let mut decided = ReviewRow::list(conn, Some("approved"), None, 50)?;
        decided.extend(ReviewRow::list(conn, Some("rejected"), None, 50)?);
        decided.sort_by_key(|r| std::cmp::Reverse(r.0.id));
        decided.truncate(50);
        Ok((pending, decided, loyalty::settings(conn)?))
    })
    .await?;
    ok(&ReviewsPage {
        ui: Ui::staff(&auth, Area::Loyalty, "/loyalty/reviews"),
        pending,
        decided,
        review_points: settings.review_points,
        enabled: settings.enabled,
    })
}

async fn decide_review(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: i64,
    approve: bool,
) -> Result<HttpResponse, AppError> {
    let actor = auth.staff.id;
    let result = db(&state, move |conn| {
        Ok(loyalty::decide_review(conn, actor, id, approve))
    })
    .await?;
    match result {
        Ok(()) => auth.session.flash(
            FlashKind::Success,
            if approve {
                "flash-review-approved"
            } else {
                "flash-review-rejected"
            },
        ),
        Err(LoyaltyError::Decided) => auth
            .session
            .flash(FlashKind::Error, "loyalty-error-decided"),
        Err(e) => return Err(fatal(e)),
    }
    Ok(see_other("/loyalty/reviews"))
}

pub async fn approve_review(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    decide_review(auth, state, id.into_inner(), true).await
}

pub async fn reject_review(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    decide_review(auth, state, id.into_inner(), false).await
}

// ---------------------------------------------------------------------------------------
// Rewards catalogue
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/loyalty/rewards.html")]
struct RewardsPage {
    ui: Ui,
    rewards: Vec<RewardLine>,
    /// Products not offered yet.
    products: Vec<Product>,
    form: RewardInput,
    errors: FieldErrors,
    /// The reward whose row form was refused.
    row_errors: Option<(i64, FieldErrors)>,
}

impl RewardsPage {
    /// The errors of the row form of one reward, if that form was refused.
    fn row_error(&self, id: &i64) -> Option<&FieldErrors> {
        self.row_errors
            .as_ref()
            .filter(|(row, _)| row == id)
            .map(|(_, e)| e)
    }
}

async fn rewards_page(
    auth: &CurrentStaff,
    state: &AppState,
    form: RewardInput,
    errors: FieldErrors,
    row_errors: Option<(i64, FieldErrors)>,
) -> Result<RewardsPage, AppError> {
    let (rewards, products) = db(state, |conn| {
        Ok((RewardRow::all(conn)?, q::active_products(conn)?))
    })
    .await?;
    let products = products
        .into_iter()
        .filter(|p| !rewards.iter().any(|r| r.0.product_id == p.0))
        .collect();
    Ok(RewardsPage {
        ui: Ui::staff(auth, Area::Loyalty, "/loyalty/rewards"),
        rewards,
        products,
        form,
        errors,
        row_errors,
    })
}

pub async fn rewards(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let form = RewardInput {
        stock: "10".to_owned(),
        ..RewardInput::default()
    };
    ok(&rewards_page(&auth, &state, form, FieldErrors::default(), None).await?)
}

pub async fn add_reward(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    form: web::Form<RewardInput>,
) -> Result<HttpResponse, AppError> {
    let (actor, input) = (auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(loyalty::add_reward(conn, actor, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session.flash(FlashKind::Success, "flash-reward-added");
            Ok(see_other("/loyalty/rewards"))
        }
        Err(LoyaltyError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &rewards_page(&auth, &state, input, FieldErrors(errors), None).await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

pub async fn update_reward(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RewardInput>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let result = db(&state, move |conn| {
        Ok(loyalty::update_reward(conn, actor, id, &input))
    })
    .await?;
    match result {
        Ok(()) => {
            auth.session.flash(FlashKind::Success, "flash-reward-saved");
            Ok(see_other("/loyalty/rewards"))
        }
        Err(LoyaltyError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &rewards_page(
                &auth,
                &state,
                RewardInput::default(),
                FieldErrors::default(),
                Some((id, FieldErrors(errors))),
            )
            .await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/loyalty/settings.html")]
struct SettingsPage {
    ui: Ui,
    form: SettingsInput,
    enabled: bool,
    selected: Vec<i64>,
    products: Vec<Product>,
    statuses: &'static [&'static str],
    errors: FieldErrors,
}

fn form_of(s: &Settings) -> SettingsInput {
    SettingsInput {
        enabled: s.enabled.then(|| "1".to_owned()),
        rate: loyalty::rate_text(s.rate_x100),
        scope: if s.selected_only { "selected" } else { "all" }.to_owned(),
        products: s.products.iter().map(i64::to_string).collect(),
        newsletter_points: s.newsletter_points.to_string(),
        review_points: s.review_points.to_string(),
        earn_status: s.earn_status.clone(),
        expiry_days: s.expiry_days.map(|d| d.to_string()).unwrap_or_default(),
        point_value: s
            .point_value_cents
            .map(|c| format!("{},{:02}", c / 100, c % 100))
            .unwrap_or_default(),
    }
}

async fn settings_page(
    auth: &CurrentStaff,
    state: &AppState,
    typed: Option<SettingsInput>,
    errors: FieldErrors,
) -> Result<SettingsPage, AppError> {
    let (settings, products) = db(state, |conn| {
        Ok((loyalty::settings(conn)?, q::active_products(conn)?))
    })
    .await?;
    let form = typed.unwrap_or_else(|| form_of(&settings));
    Ok(SettingsPage {
        ui: Ui::staff(auth, Area::Loyalty, "/settings/loyalty"),
        enabled: form.enabled.is_some(),
        selected: form
            .products
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect(),
        form,
        products,
        statuses: &EARN_STATUSES,
        errors,
    })
}

pub async fn settings_form(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ok(&settings_page(&auth, &state, None, FieldErrors::default()).await?)
}

pub async fn save_settings(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    // The product picker sends `products` once per ticked box: `web::Form` cannot read a
    // repeated field into a list.
    let input: SettingsInput = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("settings form: {e}")))?;
    let actor = auth.staff.id;
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(loyalty::save_settings(conn, actor, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-loyalty-settings");
            Ok(see_other("/settings/loyalty"))
        }
        Err(LoyaltyError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &settings_page(&auth, &state, Some(input), FieldErrors(errors)).await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Overview
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/loyalty/overview.html")]
struct OverviewPage {
    ui: Ui,
    settings: Settings,
    outstanding: i64,
    pending: i64,
    held_total: i64,
    earned_total: i64,
    redeemed_total: i64,
    /// ("earned" | "redeemed", its chart).
    charts: Vec<(&'static str, Chart)>,
    top: Vec<Earner>,
}

pub async fn overview(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let today = Utc::now().date_naive();
    let (settings, outstanding, pending, held_total, months, top) = db(&state, move |conn| {
        Ok((
            loyalty::settings(conn)?,
            q::outstanding(conn)?,
            ExchangeRow::pending_count(conn)?,
            ExchangeRow::held_by(conn, None)?,
            loyalty::monthly(conn, today, 12)?,
            q::top_earners(conn, 10)?,
        ))
    })
    .await?;
    let ui = Ui::staff(&auth, Area::Loyalty, "/loyalty");
    let labels = MonthLabels::new(ui.lang);
    let earned = Chart::build(
        &labels,
        months.iter().map(|(m, e, _)| (*m, vec![("bar", *e)])),
    );
    let redeemed = Chart::build(
        &labels,
        months
            .iter()
            .map(|(m, _, r)| (*m, vec![("bar bar-returning", *r)])),
    );
    ok(&OverviewPage {
        ui,
        settings,
        outstanding,
        pending,
        held_total,
        earned_total: earned.total,
        redeemed_total: redeemed.total,
        charts: vec![("earned", earned), ("redeemed", redeemed)],
        top,
    })
}
