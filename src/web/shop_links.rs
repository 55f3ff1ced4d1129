//! The storefront pages behind e-mailed links: "forgot your password?", the reset form, and
//! the confirmation of an e-mail (after sign-up or an e-mail change). Links open a page
//! with a button rather than acting on the GET, so a mail scanner that fetches links
//! changes nothing. They exist only while customer accounts are on.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::{CurrentCustomer, FlashKind, Shopper};
use crate::domain::account_links::{self, CHANGE, CONFIRM, LinkError, RESET};
use crate::domain::accounts::AccountError;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, db, ok, render, see_other};
use crate::web::shop::ShopNav;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop/password/forgot", web::get().to(forgot_form))
        .route("/shop/password/forgot", web::post().to(forgot))
        .route("/shop/password/reset/{token}", web::get().to(reset_form))
        .route("/shop/password/reset/{token}", web::post().to(reset))
        .route("/shop/confirm/{token}", web::get().to(confirm_form))
        .route("/shop/confirm/{token}", web::post().to(confirm))
        .route("/shop/account/confirm/resend", web::post().to(resend));
}

fn on(s: &Shopper) -> Result<(), AppError> {
    if s.mode.accounts_on() {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn ui(s: &Shopper, here: &str) -> Ui {
    Ui::public(s.lang, &s.session, here)
}

fn nav(s: &Shopper) -> ShopNav {
    ShopNav::of(s.mode, s.customer.as_ref())
}

fn account_error(e: AccountError) -> AppError {
    match e {
        AccountError::Db(e) => e.into(),
        AccountError::Other(e) => AppError::Internal(e),
        AccountError::Invalid(_) => AppError::Internal(anyhow::anyhow!("unexpected form error")),
    }
}

// ---------------------------------------------------------------------------------------
// Forgot password
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "shop/forgot.html")]
struct ForgotPage {
    ui: Ui,
    nav: ShopNav,
    email: String,
    /// The request was taken: the page says a link is on its way if the e-mail is known.
    sent: bool,
}

pub async fn forgot_form(shopper: Shopper) -> Result<HttpResponse, AppError> {
    on(&shopper)?;
    ok(&ForgotPage {
        ui: ui(&shopper, "/shop/password/forgot"),
        nav: nav(&shopper),
        email: String::new(),
        sent: false,
    })
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    shopper: Shopper,
    state: web::Data<AppState>,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    on(&shopper)?;
    let email = form.into_inner().email;
    let (e, base) = (email.clone(), state.public_url.clone());
    db(&state, move |conn| {
        account_links::request_reset(conn, &e, &base).map_err(account_error)
    })
    .await?;
    // The same answer whether or not the e-mail has an account.
    ok(&ForgotPage {
        ui: ui(&shopper, "/shop/password/forgot"),
        nav: nav(&shopper),
        email,
        sent: true,
    })
}

// ---------------------------------------------------------------------------------------
// Reset password
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "shop/reset.html")]
struct ResetPage {
    ui: Ui,
    nav: ShopNav,
    /// `None`: the link is unknown, used or expired.
    token: Option<String>,
    errors: FieldErrors,
}

fn gone(shopper: &Shopper, here: &str) -> Result<HttpResponse, AppError> {
    render(
        StatusCode::GONE,
        &ResetPage {
            ui: ui(shopper, here),
            nav: nav(shopper),
            token: None,
            errors: FieldErrors::default(),
        },
    )
}

pub async fn reset_form(
    shopper: Shopper,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    on(&shopper)?;
    let token = token.into_inner();
    let t = token.clone();
    let live = db(&state, move |conn| {
        Ok(account_links::live_link(conn, &t, &[RESET])?)
    })
    .await?;
    // The token is not repeated in "here" (the language switcher's return address).
    let here = "/shop/password/forgot";
    if live.is_none() {
        return gone(&shopper, here);
    }
    ok(&ResetPage {
        ui: ui(&shopper, here),
        nav: nav(&shopper),
        token: Some(token),
        errors: FieldErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
}

pub async fn reset(
    shopper: Shopper,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> Result<HttpResponse, AppError> {
    on(&shopper)?;
    let token = token.into_inner();
    let (t, pw) = (token.clone(), form.into_inner().password);
    let here = "/shop/password/forgot";
    match db(&state, move |conn| {
        Ok(account_links::reset_password(conn, &t, &pw))
    })
    .await?
    {
        Ok(id) => {
            tracing::info!(customer_id = id, "customer password reset");
            // Every session of the customer ended, this one's sign-in included.
            shopper.session.sign_out_customer();
            shopper
                .session
                .flash(FlashKind::Success, "flash-shop-password-reset");
            Ok(see_other("/shop/login"))
        }
        Err(LinkError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ResetPage {
                ui: ui(&shopper, here),
                nav: nav(&shopper),
                token: Some(token),
                errors: FieldErrors(errors),
            },
        ),
        Err(LinkError::Gone) => gone(&shopper, here),
        Err(LinkError::Account(e)) => Err(account_error(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Confirm an e-mail
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "shop/confirm.html")]
struct ConfirmPage {
    ui: Ui,
    nav: ShopNav,
    token: Option<String>,
    /// The address being confirmed.
    email: String,
    /// The link changes the customer's e-mail (not a first confirmation).
    change: bool,
    error_key: Option<&'static str>,
}

/// The page of a confirmation link that no longer works.
fn confirm_gone(shopper: &Shopper) -> ConfirmPage {
    ConfirmPage {
        ui: ui(shopper, "/shop"),
        nav: nav(shopper),
        token: None,
        email: String::new(),
        change: false,
        error_key: None,
    }
}

pub async fn confirm_form(
    shopper: Shopper,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    on(&shopper)?;
    let token = token.into_inner();
    let t = token.clone();
    let live = db(&state, move |conn| {
        Ok(account_links::live_link(conn, &t, &[CONFIRM, CHANGE])?)
    })
    .await?;
    let (status, page) = match live {
        Some(l) => (
            StatusCode::OK,
            ConfirmPage {
                ui: ui(&shopper, "/shop"),
                nav: nav(&shopper),
                token: Some(token),
                change: l.purpose == CHANGE,
                email: l.email,
                error_key: None,
            },
        ),
        None => (StatusCode::GONE, confirm_gone(&shopper)),
    };
    render(status, &page)
}

pub async fn confirm(
    shopper: Shopper,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    on(&shopper)?;
    let token = token.into_inner();
    let t = token.clone();
    match db(&state, move |conn| Ok(account_links::confirm(conn, &t))).await? {
        Ok(done) => {
            tracing::info!(
                customer_id = done.customer_id,
                orders_linked = done.orders_linked,
                "customer e-mail confirmed"
            );
            if done.email_changed {
                // Every session of the customer ended: they sign in with the new e-mail.
                shopper.session.sign_out_customer();
                shopper
                    .session
                    .flash(FlashKind::Success, "flash-shop-email-changed");
                return Ok(see_other("/shop/login"));
            }
            shopper
                .session
                .flash(FlashKind::Success, "flash-shop-email-confirmed");
            let signed_in = shopper.customer.as_ref().map(|c| c.id) == Some(done.customer_id);
            Ok(see_other(if signed_in {
                "/shop/account"
            } else {
                "/shop/login"
            }))
        }
        Err(LinkError::Invalid(errors)) => render(
            StatusCode::CONFLICT,
            &ConfirmPage {
                ui: ui(&shopper, "/shop"),
                nav: nav(&shopper),
                token: None,
                email: String::new(),
                change: true,
                error_key: errors.first().map(|(_, k)| *k),
            },
        ),
        Err(LinkError::Gone) => render(StatusCode::GONE, &confirm_gone(&shopper)),
        Err(LinkError::Account(e)) => Err(account_error(e)),
    }
}

/// "Send the confirmation link again", from the customer's area.
pub async fn resend(
    c: CurrentCustomer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (id, base) = (c.customer.id, state.public_url.clone());
    let sent = db(&state, move |conn| {
        account_links::resend_confirmation(conn, id, &base).map_err(account_error)
    })
    .await?;
    c.session.flash(
        FlashKind::Success,
        if sent {
            "flash-shop-confirmation-sent"
        } else {
            "flash-shop-confirmation-not-sent"
        },
    );
    Ok(see_other("/shop/account/profile"))
}
