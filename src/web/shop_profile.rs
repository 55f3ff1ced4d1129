//! The customer's own profile in the storefront: name, phone, language and newsletter
//! consent (giving consent earns the newsletter points once, by the loyalty rules). The
//! e-mail is shown, not edited here: changing it needs a confirmation by e-mail.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::{CurrentCustomer, FlashKind};
use crate::domain::customers::{self, CustomerError, CustomerInput};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, db, ok, render, see_other};
use crate::web::shop::{ShopNav, area_ui};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop/account/profile", web::get().to(form))
        .route("/shop/account/profile", web::post().to(save));
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
}

fn page(
    c: &CurrentCustomer,
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
    }
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

pub async fn form(c: CurrentCustomer) -> Result<HttpResponse, AppError> {
    let input = saved_input(&c);
    ok(&page(&c, input, FieldErrors::default(), false))
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
            &page(&c, input, FieldErrors(errors), false),
        ),
        Err(CustomerError::Stale) => {
            // What was typed stays, over the saved version, so saving again is a choice.
            let version = c.customer.version;
            render(
                StatusCode::CONFLICT,
                &page(
                    &c,
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
