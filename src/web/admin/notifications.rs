//! "Notificaciones" (seed 001): which order status changes e-mail the customer, and the
//! internal recipients told of every change ("Cambiar correo destinatario"). Only a role that
//! manages store settings opens it; every change goes through `domain::notifications`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::ManageSettings;
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::outbox::{self, OutboxRow};
use crate::domain::mail;
use crate::domain::notifications::{self, NotificationsError, Settings, SettingsInput};
use crate::domain::orders::STATUSES;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

const PATH: &str = "/settings/notifications";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(save))
        .route(LOG, web::get().to(log))
        .route(
            "/settings/notifications/log/{id}/resend",
            web::post().to(resend),
        );
}

const LOG: &str = "/settings/notifications/log";
const LOG_PAGE: i64 = 50;

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

#[derive(Template)]
#[template(path = "admin/notifications_log.html")]
struct LogPage {
    ui: Ui,
    rows: Vec<OutboxRow>,
    /// (pending, sent, failed)
    counts: (i64, i64, i64),
    status: String,
    /// The link to the next (older) page, when there is one.
    next: Option<String>,
}

impl LogPage {
    fn can_resend(&self, row: &OutboxRow) -> bool {
        mail::can_resend(row)
    }
}

#[derive(Debug, Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    status: String,
    before: Option<i64>,
}

/// The notifications log: every message, newest first, with its state and last error.
pub async fn log(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    query: web::Query<LogQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let status = [outbox::PENDING, outbox::SENT, outbox::FAILED]
        .into_iter()
        .find(|s| *s == q.status);
    let before = q.before;
    let (rows, counts) = db(&state, move |conn| {
        Ok((
            outbox::page(conn, status, before, LOG_PAGE + 1)?,
            outbox::counts(conn)?,
        ))
    })
    .await?;
    let mut rows = rows;
    let next = if rows.len() > usize::try_from(LOG_PAGE).unwrap_or(50) {
        rows.truncate(usize::try_from(LOG_PAGE).unwrap_or(50));
        rows.last()
            .map(|r| format!("{LOG}?status={}&before={}", status.unwrap_or(""), r.id))
    } else {
        None
    };
    ok(&LogPage {
        ui: Ui::staff(&auth, Area::Settings, LOG),
        rows,
        counts,
        status: status.unwrap_or("").to_owned(),
        next,
    })
}

/// "Reenviar": a new copy of the message goes out; the log keeps the original.
pub async fn resend(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (auth.staff.id, id.into_inner());
    let done = db(&state, move |conn| Ok(mail::resend(conn, actor, id)?)).await?;
    auth.session.flash(
        if done.is_some() {
            FlashKind::Success
        } else {
            FlashKind::Error
        },
        if done.is_some() {
            "flash-notification-resent"
        } else {
            "flash-notification-not-resent"
        },
    );
    Ok(see_other(LOG))
}
