//! The storefront (`/shop`): the catalogue, customer sign-up, sign-in and sign-out, and the
//! customer's own area. Which of these exist follows the store's login mode (seed 003):
//! disabled — no sign-in or sign-up anywhere, those addresses answer 404; optional — both
//! offered; required — both offered, the catalogue stays visible.
//!
//! Handlers take [`Shopper`] or [`CurrentCustomer`]: the staff identity is never consulted,
//! and a customer's own data is always read through their own id.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::auth::{CurrentCustomer, FlashKind, Shopper};
use crate::db::customers::CustomerRow;
use crate::db::orders::{HistoryRow, LineRow, OrderRow};
use crate::domain::accounts::{self, AccountError, SignIn, SignUpInput};
use crate::domain::shop::{self, Item};
use crate::domain::storefront::LoginMode;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, db, ok, render, safe_local_path, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop", web::get().to(catalogue))
        .route("/shop/login", web::get().to(login_form))
        .route("/shop/login", web::post().to(login))
        .route("/shop/signup", web::get().to(signup_form))
        .route("/shop/signup", web::post().to(signup))
        .route("/shop/logout", web::post().to(logout))
        .route("/shop/account", web::get().to(orders))
        .route("/shop/account/orders/{id}", web::get().to(order));
}

/// What the storefront header shows.
#[derive(Debug, Clone)]
pub struct ShopNav {
    pub mode: LoginMode,
    /// The signed-in customer's name.
    pub customer: Option<String>,
}

impl ShopNav {
    pub(crate) fn of(mode: LoginMode, customer: Option<&CustomerRow>) -> ShopNav {
        ShopNav {
            mode,
            customer: customer.map(|c| c.full_name.clone()),
        }
    }
}

fn ui(s: &Shopper, here: &str) -> Ui {
    Ui::public(s.lang, &s.session, here)
}

// ---------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "shop/catalogue.html")]
struct CataloguePage {
    ui: Ui,
    nav: ShopNav,
    items: Vec<Item>,
}

pub async fn catalogue(
    shopper: Shopper,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let customer = shopper.customer.as_ref().map(|c| c.id);
    let items = db(&state, move |conn| {
        shop::catalogue(conn, customer).map_err(|e| AppError::Internal(e.into()))
    })
    .await?;
    ok(&CataloguePage {
        ui: ui(&shopper, "/shop"),
        nav: ShopNav::of(shopper.mode, shopper.customer.as_ref()),
        items,
    })
}

// ---------------------------------------------------------------------------------------
// Sign-in, sign-up, sign-out
// ---------------------------------------------------------------------------------------

/// Sign-in and sign-up exist only while accounts are on.
fn accounts_on(s: &Shopper) -> Result<(), AppError> {
    if s.mode.accounts_on() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "shop/login.html")]
struct LoginPage {
    ui: Ui,
    nav: ShopNav,
    email: String,
    next: String,
    error_key: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: a storefront page only, never the admin.
fn shop_next(next: &str) -> String {
    let p = safe_local_path(next);
    if p == "/shop" || p.starts_with("/shop/") || p.starts_with("/shop?") {
        p.to_owned()
    } else {
        "/shop/account".to_owned()
    }
}

pub async fn login_form(
    shopper: Shopper,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    accounts_on(&shopper)?;
    if shopper.customer.is_some() {
        return Ok(see_other("/shop/account"));
    }
    ok(&LoginPage {
        ui: ui(&shopper, "/shop/login"),
        nav: ShopNav::of(shopper.mode, None),
        email: String::new(),
        next: shop_next(query.next.as_deref().unwrap_or("")),
        error_key: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn login(
    req: HttpRequest,
    shopper: Shopper,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    accounts_on(&shopper)?;
    let form = form.into_inner();
    let ip = state.client_ip(&req);
    let lock = state.config.login_lock;
    let (email, password) = (form.email.clone(), form.password);
    let outcome = db(&state, move |conn| {
        accounts::sign_in(conn, &email, &password, &ip, lock)
            .map_err(|e| AppError::Internal(e.into()))
    })
    .await?;
    let next = shop_next(&form.next);
    let (status, key) = match outcome {
        SignIn::Ok(id) => {
            shopper
                .session
                .sign_in_customer(id, Utc::now().timestamp())?;
            tracing::info!(customer_id = id, "customer signed in");
            return Ok(see_other(&next));
        }
        SignIn::Refused => (StatusCode::UNAUTHORIZED, "shop-login-refused"),
        SignIn::Throttled => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
    };
    render(
        status,
        &LoginPage {
            ui: ui(&shopper, "/shop/login"),
            nav: ShopNav::of(shopper.mode, None),
            email: form.email,
            next,
            error_key: Some(key),
        },
    )
}

#[derive(Template)]
#[template(path = "shop/signup.html")]
struct SignUpPage {
    ui: Ui,
    nav: ShopNav,
    input: SignUpInput,
    errors: FieldErrors,
}

#[derive(Deserialize)]
pub struct SignUpQuery {
    /// Prefilled after a guest checkout ("create an account?").
    email: Option<String>,
}

pub async fn signup_form(
    shopper: Shopper,
    query: web::Query<SignUpQuery>,
) -> Result<HttpResponse, AppError> {
    accounts_on(&shopper)?;
    if shopper.customer.is_some() {
        return Ok(see_other("/shop/account"));
    }
    ok(&SignUpPage {
        ui: ui(&shopper, "/shop/signup"),
        nav: ShopNav::of(shopper.mode, None),
        input: SignUpInput {
            email: query.into_inner().email.unwrap_or_default(),
            ..SignUpInput::default()
        },
        errors: FieldErrors::default(),
    })
}

pub async fn signup(
    shopper: Shopper,
    state: web::Data<AppState>,
    form: web::Form<SignUpInput>,
) -> Result<HttpResponse, AppError> {
    accounts_on(&shopper)?;
    let input = form.into_inner();
    let submitted = input.clone();
    let (lang, base) = (shopper.lang, state.public_url.clone());
    let result = db(&state, move |conn| {
        Ok(accounts::sign_up(conn, &submitted, lang, &base))
    })
    .await?;
    match result {
        Ok(id) => {
            shopper
                .session
                .sign_in_customer(id, Utc::now().timestamp())?;
            shopper
                .session
                .flash(FlashKind::Success, "flash-shop-signed-up");
            tracing::info!(customer_id = id, "customer signed up");
            Ok(see_other("/shop/account"))
        }
        Err(AccountError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SignUpPage {
                ui: ui(&shopper, "/shop/signup"),
                nav: ShopNav::of(shopper.mode, None),
                // The password is never sent back.
                input: SignUpInput {
                    password: String::new(),
                    ..input
                },
                errors: FieldErrors(errors),
            },
        ),
        Err(AccountError::Db(e)) => Err(e.into()),
        Err(AccountError::Other(e)) => Err(AppError::Internal(e)),
    }
}

/// Ends the customer's session (the staff sign-out is `/logout`, a different identity).
pub async fn logout(customer: CurrentCustomer) -> HttpResponse {
    tracing::info!(customer_id = customer.customer.id, "customer signed out");
    customer.session.sign_out();
    see_other("/shop")
}

// ---------------------------------------------------------------------------------------
// The customer's own area
// ---------------------------------------------------------------------------------------

pub(crate) fn area_ui(c: &CurrentCustomer, here: &str) -> Ui {
    Ui::public(c.lang, &c.session, here)
}

#[derive(Template)]
#[template(path = "shop/orders.html")]
struct OrdersPage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    orders: Vec<OrderRow>,
}

pub async fn orders(
    customer: CurrentCustomer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let id = customer.customer.id;
    let orders = db(&state, move |conn| Ok(shop::orders_of(conn, id)?)).await?;
    ok(&OrdersPage {
        ui: area_ui(&customer, "/shop/account"),
        nav: ShopNav::of(customer.mode, Some(&customer.customer)),
        tab: "orders",
        orders,
    })
}

#[derive(Template)]
#[template(path = "shop/order.html")]
struct OrderPage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    order: OrderRow,
    lines: Vec<LineRow>,
    history: Vec<HistoryRow>,
}

pub async fn order(
    customer: CurrentCustomer,
    state: web::Data<AppState>,
    order_id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, order_id) = (customer.customer.id, order_id.into_inner());
    let (order, lines, history) = db(&state, move |conn| Ok(shop::own_order(conn, id, order_id)?))
        .await?
        .ok_or(AppError::NotFound)?;
    ok(&OrderPage {
        ui: area_ui(&customer, &format!("/shop/account/orders/{order_id}")),
        nav: ShopNav::of(customer.mode, Some(&customer.customer)),
        tab: "orders",
        order,
        lines,
        history,
    })
}
