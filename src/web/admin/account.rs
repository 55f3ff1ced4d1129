//! The signed-in staff member's own account: password change.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::{CurrentStaff, FlashKind};
use crate::domain::staff::{self, PasswordChangeInput, StaffError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, ok, render, see_other};

#[derive(Template)]
#[template(path = "admin/account.html")]
struct AccountPage {
    ui: Ui,
    email: String,
    errors: FieldErrors,
}

pub async fn show(current: CurrentStaff) -> Result<HttpResponse, AppError> {
    ok(&AccountPage {
        ui: Ui::staff(&current, Area::Account, "/account"),
        email: current.staff.email.clone(),
        errors: FieldErrors::default(),
    })
}

/// A new password ends every session of the account, this one included; this browser then
/// gets a fresh session id and stays signed in.
pub async fn change_password(
    current: CurrentStaff,
    state: web::Data<AppState>,
    form: web::Form<PasswordChangeInput>,
) -> Result<HttpResponse, AppError> {
    let (pool, id) = (state.pool.clone(), current.staff.id);
    let input = form.into_inner();
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| StaffError::Other(e.into()))?;
        staff::change_password(&mut conn, id, &input)
    })
    .await?;
    match result {
        Ok(()) => {
            current.session.renew();
            current
                .session
                .flash(FlashKind::Success, "flash-password-changed");
            Ok(see_other("/account"))
        }
        Err(StaffError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AccountPage {
                ui: Ui::staff(&current, Area::Account, "/account"),
                email: current.staff.email.clone(),
                errors: FieldErrors(errors),
            },
        ),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}
