//! The customer's own profile in the storefront: name, phone, language and newsletter
//! consent (giving consent earns the newsletter points once, by the loyalty rules). The
//! e-mail has its own form: a change takes effect when the link sent to the new address is
//! opened (see `domain::account_links`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use serde::Deserialize;

use crate::auth::{CurrentCustomer, FlashKind};
use crate::db::accounts;
use crate::domain::account_links::{self, LinkError};
use crate::domain::accounts::AccountError;
use crate::domain::customers::{self, CustomerError, CustomerInput};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, db, ok, render, see_other};
use crate::web::shop::{ShopNav, area_ui};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop/account/profile", web::get().to(form))
        .route("/shop/account/profile", web::post().to(save))
        .route("/shop/account/email", web::post().to(change_email));
}

const PATH: &str = "/shop/account/profile";

#[derive(Template)]
#[template(path = "shop/profile.html")]
struct ProfilePage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    email: String,
    input: CustomerInput,
    errors: FieldErrors,
    /// Someone (staff, or another tab) saved the profile meanwhile.
    stale: bool,
    langs: [Lang; 3],
    /// The customer opened the link that confirms their e-mail.
    confirmed: bool,
    /// The e-mail change form as typed, and its errors.
    new_email: String,
    email_errors: FieldErrors,
}

fn page(
    c: &CurrentCustomer,
    confirmed: bool,
    input: CustomerInput,
    errors: FieldErrors,
    stale: bool,
) -> ProfilePage {
    ProfilePage {
        ui: area_ui(c, PATH),
        nav: ShopNav::of(c.mode, Some(&c.customer)),
        tab: "profile",
        email: c.customer.email.clone().unwrap_or_default(),
        input,
        errors,
        stale,
        langs: Lang::ALL,
        confirmed,
        new_email: String::new(),
        email_errors: FieldErrors::default(),
    }
}

async fn is_confirmed(c: &CurrentCustomer, state: &AppState) -> Result<bool, AppError> {
    let id = c.customer.id;
    db(state, move |conn| Ok(accounts::email_confirmed(conn, id)?)).await
}

fn saved_input(c: &CurrentCustomer) -> CustomerInput {
    let r = &c.customer;
    CustomerInput {
        full_name: r.full_name.clone(),
        email: r.email.clone().unwrap_or_default(),
        phone: r.phone.clone().unwrap_or_default(),
        language: r.language.clone(),
        registered: Some("on".into()),
        newsletter: r.newsletter.then(|| "on".into()),
        version: r.version,
        ..CustomerInput::default()
    }
}

pub async fn form(
    c: CurrentCustomer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let confirmed = is_confirmed(&c, &state).await?;
    let input = saved_input(&c);
    ok(&page(&c, confirmed, input, FieldErrors::default(), false))
}

pub async fn save(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    form: web::Form<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (c.customer.id, form.into_inner());
    let submitted = input.clone();
    match db(&state, move |conn| {
        Ok(customers::update_own_profile(conn, id, &submitted))
    })
    .await?
    {
        Ok(()) => {
            c.session.flash(FlashKind::Success, "flash-customer-saved");
            Ok(see_other(PATH))
        }
        Err(CustomerError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                &c,
                is_confirmed(&c, &state).await?,
                input,
                FieldErrors(errors),
                false,
            ),
        ),
        Err(CustomerError::Stale) => {
            // What was typed stays, over the saved version, so saving again is a choice.
            let version = c.customer.version;
            render(
                StatusCode::CONFLICT,
                &page(
                    &c,
                    is_confirmed(&c, &state).await?,
                    CustomerInput { version, ..input },
                    FieldErrors::default(),
                    true,
                ),
            )
        }
        Err(CustomerError::NotFound) => Err(AppError::NotFound),
        Err(CustomerError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    current_password: String,
}

/// Asks for a new e-mail: a link goes to the new address; nothing changes until it is
/// opened.
pub async fn change_email(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    form: web::Form<EmailForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (id, base) = (c.customer.id, state.public_url.clone());
    let (new_email, pw) = (form.new_email.clone(), form.current_password);
    match db(&state, move |conn| {
        Ok(account_links::request_email_change(
            conn, id, &new_email, &pw, &base,
        ))
    })
    .await?
    {
        Ok(()) => {
            c.session
                .flash(FlashKind::Success, "flash-shop-email-link-sent");
            Ok(see_other(PATH))
        }
        Err(LinkError::Invalid(errors)) => {
            let confirmed = is_confirmed(&c, &state).await?;
            let input = saved_input(&c);
            let mut p = page(&c, confirmed, input, FieldErrors::default(), false);
            p.new_email = form.new_email;
            p.email_errors = FieldErrors(errors);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(LinkError::Gone) => Err(AppError::NotFound),
        Err(LinkError::Account(AccountError::Db(e))) => Err(e.into()),
        Err(LinkError::Account(AccountError::Other(e))) => Err(AppError::Internal(e)),
        Err(LinkError::Account(AccountError::Invalid(_))) => {
            Err(AppError::Internal(anyhow::anyhow!("unexpected form error")))
        }
    }
}
