//! "Cuentas de clientes" (seed 003): whether the storefront offers no sign-in at all, lets
//! customers choose between an account and a guest checkout, or sells only to customers
//! with an account. Everyone who sees customers may read the setting (support answers "why
//! can't I sign in?"); only a role that manages store settings (the owner) may change it.
//! Every change goes through `domain::storefront`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::{ManageSettings, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::domain::staff::Permission;
use crate::domain::storefront::{self, LoginMode};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

const PATH: &str = "/customers/accounts";

/// One of the three choices as the page shows it.
#[derive(Debug, Clone, Copy)]
pub struct ModeChoice {
    pub mode: LoginMode,
    pub code: &'static str,
    pub label_key: &'static str,
    pub help_key: &'static str,
}

fn choice(mode: LoginMode) -> ModeChoice {
    let (label_key, help_key) = match mode {
        LoginMode::Disabled => ("login-mode-disabled", "login-mode-disabled-help"),
        LoginMode::Optional => ("login-mode-optional", "login-mode-optional-help"),
        LoginMode::Required => ("login-mode-required", "login-mode-required-help"),
    };
    ModeChoice {
        mode,
        code: mode.code(),
        label_key,
        help_key,
    }
}

#[derive(Template)]
#[template(path = "admin/customers/accounts.html")]
struct AccountsPage {
    ui: Ui,
    choices: Vec<ModeChoice>,
    /// The mode in force (also on a refused form: nothing was changed).
    current: LoginMode,
    can_manage: bool,
    errors: FieldErrors,
}

fn page(auth: &CurrentStaff, current: LoginMode, errors: FieldErrors) -> AccountsPage {
    AccountsPage {
        ui: Ui::staff(auth, Area::Customers, PATH),
        choices: LoginMode::ALL.into_iter().map(choice).collect(),
        current,
        can_manage: auth.can(Permission::ManageSettings),
        errors,
    }
}

pub async fn show(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let current = db(&state, |conn| Ok(storefront::login_mode(conn)?)).await?;
    ok(&page(&auth, current, FieldErrors::default()))
}

#[derive(Debug, Deserialize)]
pub struct AccountsForm {
    /// Missing when no choice was sent: refused like an unknown code.
    #[serde(default)]
    mode: String,
}

pub async fn save(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    form: web::Form<AccountsForm>,
) -> Result<HttpResponse, AppError> {
    let Some(mode) = LoginMode::from_code(form.mode.trim()) else {
        let current = db(&state, |conn| Ok(storefront::login_mode(conn)?)).await?;
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(
                &auth,
                current,
                FieldErrors(vec![("mode", "error-login-mode")]),
            ),
        );
    };
    let actor = auth.staff.id;
    db(&state, move |conn| {
        Ok(storefront::set_login_mode(conn, actor, mode)?)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-accounts-saved");
    Ok(see_other(PATH))
}
