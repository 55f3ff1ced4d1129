//! Sign-in, sign-out and the first-run setup of the owner account.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use crate::auth::session::lang_cookie;
use crate::auth::{AppSession, CurrentStaff, FlashKind, PublicLang};
use crate::domain::settings;
use crate::domain::staff::{self, NewStaffInput, SignIn, StaffError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, render, safe_local_path, see_other};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ui: Ui,
    email: String,
    next: String,
    error_key: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    PublicLang(lang): PublicLang,
    session: AppSession,
    query: web::Query<NextQuery>,
) -> Result<HttpResponse, AppError> {
    if session.staff().is_some() {
        return Ok(see_other("/"));
    }
    let next = safe_local_path(query.next.as_deref().unwrap_or("/")).to_owned();
    render(
        StatusCode::OK,
        &LoginPage {
            ui: Ui::public(lang, &session, "/login"),
            email: String::new(),
            next,
            error_key: None,
        },
    )
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
    PublicLang(lang): PublicLang,
    session: AppSession,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let ip = state.client_ip(&req);
    let pool = state.pool.clone();
    let lock = state.config.login_lock;
    let (email, password) = (form.email.clone(), form.password);
    let outcome = web::block(move || -> Result<SignIn, StaffError> {
        let mut conn = pool.get().map_err(|e| StaffError::Other(e.into()))?;
        staff::sign_in(&mut conn, &email, &password, &ip, lock)
    })
    .await?
    .map_err(|e| AppError::Internal(e.into()))?;
    let next = safe_local_path(&form.next).to_owned();
    let (status, error_key) = match outcome {
        SignIn::Ok(staff) => {
            session.sign_in(staff.id, Utc::now().timestamp())?;
            if let Some(l) = staff.language {
                session.set_lang(l)?;
            }
            tracing::info!(staff_id = staff.id, "staff signed in");
            return Ok(see_other(&next));
        }
        SignIn::Refused => (StatusCode::UNAUTHORIZED, "login-refused"),
        SignIn::Throttled => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
    };
    render(
        status,
        &LoginPage {
            ui: Ui::public(lang, &session, "/login"),
            email: form.email,
            next,
            error_key: Some(error_key),
        },
    )
}

/// Ends the session; the browser keeps the language it was using for the sign-in page.
pub async fn logout(current: CurrentStaff, state: web::Data<AppState>) -> HttpResponse {
    tracing::info!(staff_id = current.staff.id, "staff signed out");
    current.session.sign_out();
    let mut res = see_other("/login");
    // Adding a cookie to a fresh redirect cannot fail.
    let _ = res.add_cookie(&lang_cookie(current.lang, state.config.secure_cookies));
    res
}

#[derive(Template)]
#[template(path = "auth/setup.html")]
struct SetupPage {
    ui: Ui,
    token: String,
    name: String,
    email: String,
    errors: FieldErrors,
}

async fn token_valid(state: &AppState, token: String) -> Result<bool, AppError> {
    let pool = state.pool.clone();
    web::block(move || -> Result<bool, AppError> {
        let mut conn = pool.get()?;
        Ok(settings::setup_token_valid(&mut conn, &token)?)
    })
    .await?
}

pub async fn setup_form(
    PublicLang(lang): PublicLang,
    session: AppSession,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !token_valid(&state, token.clone()).await? {
        return Err(AppError::NotFound);
    }
    render(
        StatusCode::OK,
        &SetupPage {
            ui: Ui::public(lang, &session, &format!("/setup/{token}")),
            token,
            name: String::new(),
            email: String::new(),
            errors: FieldErrors::default(),
        },
    )
}

pub async fn setup(
    PublicLang(lang): PublicLang,
    session: AppSession,
    state: web::Data<AppState>,
    token: web::Path<String>,
    form: web::Form<NewStaffInput>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    if !token_valid(&state, token.clone()).await? {
        return Err(AppError::NotFound);
    }
    let input = form.into_inner();
    let pool = state.pool.clone();
    let submitted = input.clone();
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| StaffError::Other(e.into()))?;
        staff::create_first_owner(&mut conn, &submitted)
    })
    .await?;
    match result {
        Ok(id) => {
            session.sign_in(id, Utc::now().timestamp())?;
            session.set_lang(lang)?;
            session.flash(FlashKind::Success, "flash-owner-created");
            tracing::info!(
                staff_id = id,
                "owner account created through the setup link"
            );
            Ok(see_other("/"))
        }
        Err(StaffError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                ui: Ui::public(lang, &session, &format!("/setup/{token}")),
                token,
                name: input.name,
                email: input.email,
                errors: FieldErrors(errors),
            },
        ),
        Err(StaffError::NotAllowed(_)) => Err(AppError::NotFound),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// The language switcher: remembered on the staff account or the storefront customer's record
/// when signed in, in the session otherwise.
pub async fn switch_language(
    session: AppSession,
    state: web::Data<AppState>,
    form: web::Form<LanguageForm>,
) -> Result<HttpResponse, AppError> {
    let lang = crate::i18n::Lang::from_code(&form.lang)
        .ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    session.set_lang(lang)?;
    if let Some((staff_id, _)) = session.staff() {
        let pool = state.pool.clone();
        web::block(move || -> Result<(), AppError> {
            let mut conn = pool.get()?;
            Ok(staff::set_language(&mut conn, staff_id, lang)?)
        })
        .await??;
    } else if let Some((customer_id, _)) = session.customer() {
        // A signed-in storefront customer's language is theirs: remembered on their record.
        let pool = state.pool.clone();
        web::block(move || -> Result<usize, AppError> {
            let mut conn = pool.get()?;
            Ok(crate::db::accounts::set_language(
                &mut conn,
                customer_id,
                lang.code(),
                Utc::now().naive_utc(),
            )?)
        })
        .await??;
    }
    let mut res = see_other(safe_local_path(&form.back));
    // Adding a cookie to a fresh redirect cannot fail.
    let _ = res.add_cookie(&lang_cookie(lang, state.config.secure_cookies));
    Ok(res)
}
