//! "Notificaciones" (seed 001): which order status changes e-mail the customer, and the
//! internal recipients told of every change ("Cambiar correo destinatario"). Only a role that
//! manages store settings opens it; every change goes through `domain::notifications`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::extract::ManageSettings;
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::domain::notifications::{self, NotificationsError, Settings, SettingsInput};
use crate::domain::orders::STATUSES;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

const PATH: &str = "/settings/notifications";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save));
}

#[derive(Template)]
#[template(path = "admin/notifications.html")]
struct NotificationsPage {
    ui: Ui,
    statuses: [&'static str; 5],
    /// Ticked statuses, as saved or as typed.
    chosen: Vec<String>,
    recipients: String,
    errors: FieldErrors,
}

impl NotificationsPage {
    fn is_chosen(&self, status: &str) -> bool {
        self.chosen.iter().any(|c| c == status)
    }
}

fn page(
    auth: &CurrentStaff,
    chosen: Vec<String>,
    recipients: String,
    errors: FieldErrors,
) -> NotificationsPage {
    NotificationsPage {
        ui: Ui::staff(auth, Area::Settings, PATH),
        statuses: STATUSES,
        chosen,
        recipients,
        errors,
    }
}

fn saved(auth: &CurrentStaff, s: Settings) -> NotificationsPage {
    page(
        auth,
        s.customer_statuses,
        s.internal_recipients.join("\n"),
        FieldErrors::default(),
    )
}

pub async fn show(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let s = db(&state, |conn| Ok(notifications::settings(conn)?)).await?;
    ok(&saved(&auth, s))
}

pub async fn save(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    // Repeated checkboxes: serde_html_form, like the other multi-choice forms.
    let input: SettingsInput = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("notifications form: {e}")))?;
    let actor = auth.staff.id;
    let typed = input.clone();
    match db(&state, move |conn| {
        Ok(notifications::save_settings(conn, actor, &typed))
    })
    .await?
    {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-notifications-saved");
            Ok(see_other(PATH))
        }
        Err(NotificationsError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&auth, input.statuses, input.recipients, FieldErrors(errors)),
        ),
        Err(NotificationsError::Db(e)) => Err(e.into()),
    }
}
