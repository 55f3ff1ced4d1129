//! The customer's store credit and loyalty points in their own area: balances, history, and
//! exchanging points for a reward (the loyalty program's exchange order, which staff accept
//! or reject). Every movement is the credit or loyalty domain's; this only shows and asks.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CurrentCustomer, FlashKind, random_token};
use crate::domain::loyalty;
use crate::domain::shop::{self, CreditLine, PointsView};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Ui, db, ok, render, see_other};
use crate::web::shop::{ShopNav, area_ui};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop/account/points", web::get().to(points))
        .route("/shop/account/points/exchange", web::post().to(exchange))
        .route("/shop/account/credit", web::get().to(credit));
}

#[derive(Template)]
#[template(path = "shop/points.html")]
struct PointsPage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    view: PointsView,
    key: String,
    refusal: Option<&'static str>,
}

async fn points_page(
    c: &CurrentCustomer,
    state: &AppState,
    refusal: Option<&'static str>,
) -> Result<PointsPage, AppError> {
    let id = c.customer.id;
    let view = db(state, move |conn| Ok(shop::points_view(conn, id)?)).await?;
    Ok(PointsPage {
        ui: area_ui(c, "/shop/account/points"),
        nav: ShopNav::of(c.mode, Some(&c.customer)),
        tab: "points",
        view,
        key: random_token(),
        refusal,
    })
}

pub async fn points(
    c: CurrentCustomer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    ok(&points_page(&c, &state, None).await?)
}

#[derive(Deserialize)]
pub struct ExchangeForm {
    #[serde(default)]
    reward: String,
    #[serde(default)]
    key: String,
}

/// "Canjear": an exchange order for a reward, holding its points until staff decide.
pub async fn exchange(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    form: web::Form<ExchangeForm>,
) -> Result<HttpResponse, AppError> {
    let (id, form) = (c.customer.id, form.into_inner());
    let outcome = db(&state, move |conn| {
        Ok(loyalty::place_exchange(
            conn,
            None,
            id,
            &form.reward,
            &form.key,
        ))
    })
    .await?;
    match outcome {
        Ok(_) => {
            c.session
                .flash(FlashKind::Success, "flash-shop-exchange-placed");
            Ok(see_other("/shop/account/points"))
        }
        Err(loyalty::LoyaltyError::Db(e)) => Err(e.into()),
        Err(e) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &points_page(&c, &state, Some(e.message())).await?,
        ),
    }
}

#[derive(Template)]
#[template(path = "shop/credit.html")]
struct CreditPage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    balance: i64,
    currency: String,
    history: Vec<CreditLine>,
}

pub async fn credit(
    c: CurrentCustomer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = c.customer.id;
    let (balance, history, currency) = db(&state, move |conn| {
        let (balance, history) = shop::credit_view(conn, id)?;
        Ok((
            balance,
            history,
            crate::domain::settings::store_currency(conn)?,
        ))
    })
    .await?;
    ok(&CreditPage {
        ui: area_ui(&c, "/shop/account/credit"),
        nav: ShopNav::of(c.mode, Some(&c.customer)),
        tab: "credit",
        balance,
        currency,
        history,
    })
}
