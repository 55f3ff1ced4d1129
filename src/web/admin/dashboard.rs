//! The dashboard: the store at a glance, with real figures.

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Utc;

use crate::auth::Authorized;
use crate::auth::extract::ViewCustomers;
use crate::domain::dashboard::{self, Figures};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, Ui, ok};

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage {
    ui: Ui,
    f: Figures,
}

pub async fn show(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let pool = state.pool.clone();
    let f = web::block(move || -> Result<Figures, AppError> {
        let mut conn = pool.get()?;
        Ok(dashboard::figures(&mut conn, Utc::now().naive_utc())?)
    })
    .await??;
    ok(&DashboardPage {
        ui: Ui::staff(&auth, Area::Dashboard, "/"),
        f,
    })
}
