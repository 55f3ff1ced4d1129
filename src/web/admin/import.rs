//! Customers → "Importar": upload a CSV file, review what it would do row by row, import it
//! in batches while a progress bar moves, download the rows that were refused and why.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use futures_util::{StreamExt, stream};

use crate::auth::extract::ManageCustomers;
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::imports::{self, ImportRow};
use crate::domain::customer_import::{
    self, Field, FileProblem, Import, ImportError, Line, MAX_BYTES, MAX_ROWS, Mode, Separator,
    Upload,
};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::admin::export::encode;
use crate::web::page::{Area, Ui, db, ok, render, see_other};

/// Refused rows shown on the page (all of them are in the download).
const SHOWN_ERRORS: i64 = 100;
/// Rows shown as a sample of what will be imported.
const SHOWN_SAMPLE: i64 = 10;
/// Imports listed on the upload page.
const RECENT: i64 = 10;
/// Rows per chunk of the rejected-rows download.
const DOWNLOAD_CHUNK: i64 = 2000;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/customers/import", web::get().to(upload_form))
        .route("/customers/import", web::post().to(upload))
        .route("/customers/import/{id}", web::get().to(show))
        .route("/customers/import/{id}/progress", web::get().to(progress))
        .route("/customers/import/{id}/start", web::post().to(start))
        .route("/customers/import/{id}/delete", web::post().to(discard))
        .route(
            "/customers/import/{id}/rejected.csv",
            web::get().to(rejected_csv),
        );
}

fn import_error(e: ImportError) -> AppError {
    match e {
        ImportError::NotFound => AppError::NotFound,
        other => AppError::Internal(other.into()),
    }
}

/// An import in the history table.
pub struct RecentImport {
    pub row: ImportRow,
    pub by: String,
}

#[derive(Template)]
#[template(path = "admin/customers/import.html")]
struct UploadPage {
    ui: Ui,
    problem: Option<String>,
    mode: &'static str,
    separator: &'static str,
    fields: Vec<Field>,
    recent: Vec<RecentImport>,
    max_rows: i64,
    max_mb: i64,
}

impl UploadPage {
    fn new(auth: &CurrentStaff, recent: Vec<RecentImport>) -> UploadPage {
        UploadPage {
            ui: Ui::staff(auth, Area::Customers, "/customers/import"),
            problem: None,
            mode: "create",
            separator: "auto",
            fields: Field::ALL.to_vec(),
            recent,
            max_rows: i64::try_from(MAX_ROWS).unwrap_or(i64::MAX),
            max_mb: i64::try_from(MAX_BYTES / (1024 * 1024)).unwrap_or(i64::MAX),
        }
    }
}

async fn recent(state: &AppState) -> Result<Vec<RecentImport>, AppError> {
    db(state, |conn| {
        Ok(imports::recent(conn, RECENT)?
            .into_iter()
            .map(|(row, by)| RecentImport { row, by })
            .collect())
    })
    .await
}

pub async fn upload_form(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let recent = recent(&state).await?;
    ok(&UploadPage::new(&auth, recent))
}

/// The upload form's parts.
#[derive(Default)]
struct Submitted {
    file_name: String,
    bytes: Vec<u8>,
    has_file: bool,
    mode: String,
    separator: String,
}

/// Reads the multipart form; the CSRF token part was checked by the middleware.
async fn read_form(mut payload: Multipart) -> Result<Submitted, AppError> {
    let mut out = Submitted::default();
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|e| AppError::BadRequest(e.to_string()))?;
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            out.has_file = true;
            out.file_name = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect();
        }
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|e| AppError::BadRequest(e.to_string()))?;
            if value.len() + chunk.len() > MAX_BYTES + 1 {
                return Err(AppError::PayloadTooLarge);
            }
            value.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "file" => out.bytes = value,
            "mode" => out.mode = String::from_utf8_lossy(&value).into_owned(),
            "separator" => out.separator = String::from_utf8_lossy(&value).into_owned(),
            _ => {}
        }
    }
    Ok(out)
}

pub async fn upload(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let form = read_form(payload).await?;
    let mode = Mode::from_code(&form.mode).unwrap_or(Mode::Create);
    let separator = Separator::from_code(&form.separator);
    let staff_id = auth.staff.id;
    let result = if form.has_file && !form.bytes.is_empty() {
        let name = if form.file_name.is_empty() {
            "customers.csv".to_owned()
        } else {
            form.file_name.clone()
        };
        let bytes = form.bytes;
        db(&state, move |conn| {
            Ok(customer_import::prepare(
                conn,
                &Upload {
                    staff_id,
                    file_name: &name,
                    bytes: &bytes,
                    separator,
                    mode,
                },
            ))
        })
        .await?
    } else {
        Err(ImportError::File(FileProblem {
            key: "import-error-no-file",
            column: None,
        }))
    };
    match result {
        Ok(id) => Ok(see_other(&format!("/customers/import/{id}"))),
        Err(ImportError::File(p)) => {
            let recent = recent(&state).await?;
            let mut page = UploadPage::new(&auth, recent);
            page.problem = Some(match &p.column {
                Some(c) => page.ui.ts(p.key, "column", c),
                None => page.ui.t(p.key),
            });
            page.mode = mode.code();
            page.separator = separator.map_or("auto", |s| match s {
                Separator::Comma => "comma",
                Separator::Semicolon => "semicolon",
            });
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(import_error(e)),
    }
}

/// A column of the file and what it is read as.
pub struct ColumnView {
    pub header: String,
    pub field: Option<Field>,
}

/// A refused row as shown.
pub struct RejectedView {
    pub line_no: i64,
    pub cells: Vec<String>,
    pub reasons: Vec<String>,
}

#[derive(Template)]
#[template(path = "admin/customers/import_show.html")]
struct ShowPage {
    ui: Ui,
    imp: ImportRow,
    mode: &'static str,
    columns: Vec<ColumnView>,
    /// The preview's plan: rows to create, to update, refused.
    to_create: i64,
    to_update: i64,
    to_reject: i64,
    rejected: Vec<RejectedView>,
    sample: Vec<Line>,
    /// How far the import is, for the progress block.
    percent: i64,
}

/// The progress block; while the import runs it asks for itself again every second.
#[derive(Template)]
#[template(path = "admin/customers/import_progress.html")]
struct ProgressFragment {
    ui: Ui,
    imp: ImportRow,
    percent: i64,
}

fn percent(imp: &ImportRow) -> i64 {
    match imp.total_rows {
        0 => 100,
        total => imp.processed_rows.saturating_mul(100) / total,
    }
}

pub async fn show(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lang = auth.lang;
    let (imp, plan, rejected, sample) = db(&state, move |conn| {
        let imp = Import::load(conn, id).map_err(import_error)?;
        let plan = imports::plan_counts(conn, id)?;
        let rejected: Vec<RejectedView> =
            imports::lines(conn, id, Some("rejected"), 0, SHOWN_ERRORS)?
                .into_iter()
                .map(Line::of)
                .map(|l| RejectedView {
                    reasons: customer_import::reasons(&l.errors, lang),
                    line_no: l.line_no,
                    cells: l.cells,
                })
                .collect();
        let sample = if imp.row.state == "preview" {
            imports::lines(conn, id, Some("pending"), 0, SHOWN_SAMPLE)?
                .into_iter()
                .map(Line::of)
                .collect()
        } else {
            Vec::new()
        };
        Ok((imp, plan, rejected, sample))
    })
    .await?;
    let ui = Ui::staff(&auth, Area::Customers, &format!("/customers/import/{id}"));
    let columns = imp
        .header
        .iter()
        .enumerate()
        .map(|(i, h)| ColumnView {
            header: h.clone(),
            field: imp.fields.get(i).copied().flatten(),
        })
        .collect();
    ok(&ShowPage {
        percent: percent(&imp.row),
        ui,
        mode: imp.mode.code(),
        imp: imp.row,
        columns,
        to_create: plan.0,
        to_update: plan.1,
        to_reject: plan.2,
        rejected,
        sample,
    })
}

pub async fn progress(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let imp = db(&state, move |conn| {
        imports::find(conn, id)?.ok_or(AppError::NotFound)
    })
    .await?;
    let done = imp.state == "done";
    let ui = Ui::staff(&auth, Area::Customers, &format!("/customers/import/{id}"));
    let html = ProgressFragment {
        ui,
        percent: percent(&imp),
        imp,
    }
    .render()?;
    let mut resp = HttpResponse::Ok();
    resp.insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"));
    if done {
        // The whole page changes when the import ends (results, rejected rows): reload it.
        resp.insert_header(("HX-Refresh", "true"));
    }
    Ok(resp.body(html))
}

pub async fn start(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let pool = state.pool.clone();
    let result = db(&state, move |conn| {
        Ok(customer_import::start(&pool, conn, id))
    })
    .await?;
    match result {
        Ok(()) => auth
            .session
            .flash(FlashKind::Success, "flash-import-started"),
        Err(ImportError::Started) => auth
            .session
            .flash(FlashKind::Error, "flash-import-already-started"),
        Err(e) => return Err(import_error(e)),
    }
    Ok(see_other(&format!("/customers/import/{id}")))
}

pub async fn discard(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let removed = db(&state, move |conn| {
        Ok(crate::db::write_tx(conn, |conn| {
            imports::delete_preview(conn, id)
        })?)
    })
    .await?;
    if removed {
        auth.session
            .flash(FlashKind::Success, "flash-import-discarded");
        Ok(see_other("/customers/import"))
    } else {
        auth.session
            .flash(FlashKind::Error, "flash-import-already-started");
        Ok(see_other(&format!("/customers/import/{id}")))
    }
}

/// The refused rows as a CSV file: the file's own columns and separator, and one more column
/// with the reasons in the staff member's language. Cells that would run as a formula are
/// neutralised, as in every export.
pub async fn rejected_csv(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let lang = auth.lang;
    let imp = db(&state, move |conn| {
        Import::load(conn, id).map_err(import_error)
    })
    .await?;
    let delimiter = Separator::from_code(&imp.row.separator)
        .unwrap_or(Separator::Comma)
        .byte();
    let width = imp.header.len();
    let mut header = imp.header.clone();
    header.push(lang.t("import-col-reasons"));
    let pool = state.pool.clone();
    // (after which line, header still to write); None when done.
    let body = stream::unfold(Some((0i64, Some(header))), move |cursor| {
        let pool = pool.clone();
        async move {
            let (after, header) = cursor?;
            let fetched = web::block(move || -> Result<_, AppError> {
                let mut conn = pool.get()?;
                Ok(imports::lines(
                    &mut conn,
                    id,
                    Some("rejected"),
                    after,
                    DOWNLOAD_CHUNK,
                )?)
            })
            .await
            .map_err(AppError::from)
            .and_then(|r| r);
            let lines = match fetched {
                Ok(l) => l,
                Err(e) => return Some((Err(actix_web::Error::from(e)), None)),
            };
            let last = lines.last().map(|l| l.line_no);
            let mut records: Vec<Vec<String>> = header.into_iter().collect();
            for l in lines.into_iter().map(Line::of) {
                let mut cells = l.cells;
                cells.resize(width.max(cells.len()), String::new());
                cells.push(customer_import::reasons(&l.errors, lang).join("; "));
                records.push(cells);
            }
            let next = last.map(|after| (after, None));
            if records.is_empty() {
                return None;
            }
            Some((
                encode(&records, delimiter).map_err(actix_web::Error::from),
                next,
            ))
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"import-{id}-rejected.csv\""),
        ))
        .streaming(body))
}
