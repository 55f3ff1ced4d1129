//! Store settings (owner only): the default language.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::ManageSettings;
use crate::auth::{Authorized, FlashKind};
use crate::domain::settings;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::page::{Area, Ui, ok, see_other};

#[derive(Template)]
#[template(path = "admin/settings.html")]
struct SettingsPage {
    ui: Ui,
    default_lang: Lang,
}

pub async fn show(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let default_lang = web::block(move || -> Result<_, AppError> {
        let mut conn = pool.get()?;
        Ok(settings::default_lang(&mut conn)?)
    })
    .await??;
    ok(&SettingsPage {
        ui: Ui::staff(&auth, Area::Settings, "/settings"),
        default_lang,
    })
}

#[derive(Deserialize)]
pub struct SettingsForm {
    default_language: String,
}

pub async fn save(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_code(&form.default_language)
        .ok_or_else(|| AppError::BadRequest("unknown language".into()))?;
    let (pool, actor) = (state.pool.clone(), auth.staff.id);
    web::block(move || -> Result<(), AppError> {
        let mut conn = pool.get()?;
        Ok(settings::set_default_lang(&mut conn, actor, lang)?)
    })
    .await??;
    state.remember_default_lang(lang);
    auth.session
        .flash(FlashKind::Success, "flash-settings-saved");
    Ok(see_other("/settings"))
}
