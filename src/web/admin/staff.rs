//! The owner's staff page: list, create, change role, disable and enable accounts.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::ManageStaff;
use crate::auth::{Authorized, FlashKind};
use crate::domain::staff::{self, NewStaffInput, Role, Staff, StaffError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, ok, render, see_other};

#[derive(Template)]
#[template(path = "admin/staff/list.html")]
struct ListPage {
    ui: Ui,
    staff: Vec<Staff>,
    me: i64,
    roles: [Role; 3],
}

pub async fn list(
    auth: Authorized<ManageStaff>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let staff = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(staff::list(&mut conn)?)
    })
    .await??;
    ok(&ListPage {
        ui: Ui::staff(&auth, Area::Staff, "/staff"),
        staff,
        me: auth.staff.id,
        roles: Role::ALL,
    })
}

#[derive(Template)]
#[template(path = "admin/staff/new.html")]
struct NewPage {
    ui: Ui,
    input: NewStaffInput,
    errors: FieldErrors,
    roles: [Role; 3],
}

pub async fn new_form(auth: Authorized<ManageStaff>) -> Result<HttpResponse, AppError> {
    let input = NewStaffInput {
        role: "support".into(),
        ..NewStaffInput::default()
    };
    ok(&NewPage {
        ui: Ui::staff(&auth, Area::Staff, "/staff/new"),
        input,
        errors: FieldErrors::default(),
        roles: Role::ALL,
    })
}

pub async fn create(
    auth: Authorized<ManageStaff>,
    state: web::Data<AppState>,
    form: web::Form<NewStaffInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let pool = state.pool.clone();
    let actor = auth.staff.id;
    let submitted = input.clone();
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| StaffError::Other(e.into()))?;
        staff::create(&mut conn, actor, &submitted)
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-staff-created");
            Ok(see_other("/staff"))
        }
        Err(StaffError::Invalid(errors)) => {
            // Passwords are never sent back into the form.
            let input = NewStaffInput {
                password: String::new(),
                password_confirm: String::new(),
                ..input
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &NewPage {
                    ui: Ui::staff(&auth, Area::Staff, "/staff/new"),
                    input,
                    errors: FieldErrors(errors),
                    roles: Role::ALL,
                },
            )
        }
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

fn outcome(
    auth: &Authorized<ManageStaff>,
    result: Result<(), StaffError>,
    success_key: &str,
) -> Result<HttpResponse, AppError> {
    match result {
        Ok(()) => auth.session.flash(FlashKind::Success, success_key),
        Err(StaffError::NotAllowed(key)) => auth.session.flash(FlashKind::Error, key),
        Err(StaffError::NotFound) => return Err(AppError::NotFound),
        Err(e) => return Err(AppError::Internal(e.into())),
    }
    Ok(see_other("/staff"))
}

pub async fn change_role(
    auth: Authorized<ManageStaff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RoleForm>,
) -> Result<HttpResponse, AppError> {
    let role =
        Role::from_code(&form.role).ok_or_else(|| AppError::BadRequest("unknown role".into()))?;
    let (pool, actor, id) = (state.pool.clone(), auth.staff.id, id.into_inner());
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| StaffError::Other(e.into()))?;
        staff::change_role(&mut conn, actor, id, role)
    })
    .await?;
    outcome(&auth, result, "flash-role-changed")
}

async fn set_active(
    auth: Authorized<ManageStaff>,
    state: web::Data<AppState>,
    id: i64,
    active: bool,
) -> Result<HttpResponse, AppError> {
    let (pool, actor) = (state.pool.clone(), auth.staff.id);
    let result = web::block(move || {
        let mut conn = pool.get().map_err(|e| StaffError::Other(e.into()))?;
        staff::set_active(&mut conn, actor, id, active)
    })
    .await?;
    outcome(
        &auth,
        result,
        if active {
            "flash-staff-enabled"
        } else {
            "flash-staff-disabled"
        },
    )
}

pub async fn disable(
    auth: Authorized<ManageStaff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_active(auth, state, id.into_inner(), false).await
}

pub async fn enable(
    auth: Authorized<ManageStaff>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_active(auth, state, id.into_inner(), true).await
}
