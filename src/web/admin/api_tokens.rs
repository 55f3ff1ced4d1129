//! Settings → API tokens: the owner creates tokens with scopes (the secret is shown once,
//! on the page that answers the creation) and revokes them. Changes go through
//! `domain::api_tokens`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::extract::ManageSettings;
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::api_tokens::TokenRow;
use crate::domain::api_tokens::{self, NewTokenInput, Scope, TokenError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, render, see_other};

const PATH: &str = "/settings/api-tokens";

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(PATH, web::get().to(show))
        .route(PATH, web::post().to(create))
        .route("/settings/api-tokens/{id}/revoke", web::post().to(revoke));
}

#[derive(Template)]
#[template(path = "admin/api_tokens.html")]
struct TokensPage {
    ui: Ui,
    tokens: Vec<TokenRow>,
    scopes: [Scope; 3],
    input: NewTokenInput,
    errors: FieldErrors,
    /// The secret of the token just created: shown this once.
    secret: Option<String>,
}

impl TokensPage {
    fn ticked(&self, s: &Scope) -> bool {
        self.input.scopes.iter().any(|x| x == s.code())
    }
}

async fn page(
    auth: &CurrentStaff,
    state: &AppState,
    input: NewTokenInput,
    errors: FieldErrors,
    secret: Option<String>,
) -> Result<TokensPage, AppError> {
    let tokens = db(state, |conn| Ok(api_tokens::all(conn)?)).await?;
    Ok(TokensPage {
        ui: Ui::staff(auth, Area::Settings, PATH),
        tokens,
        scopes: Scope::ALL,
        input,
        errors,
        secret,
    })
}

pub async fn show(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = NewTokenInput {
        scopes: vec!["read".into()],
        ..NewTokenInput::default()
    };
    render(
        StatusCode::OK,
        &page(&auth, &state, input, FieldErrors::default(), None).await?,
    )
}

pub async fn create(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let input: NewTokenInput = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("token form: {e}")))?;
    let (actor, typed) = (auth.staff.id, input.clone());
    match db(&state, move |conn| {
        Ok(api_tokens::create(conn, actor, &typed))
    })
    .await?
    {
        // Not a redirect: the secret is on this answer only, never stored to show again.
        Ok((_, secret)) => render(
            StatusCode::CREATED,
            &page(
                &auth,
                &state,
                NewTokenInput::default(),
                FieldErrors::default(),
                Some(secret),
            )
            .await?,
        ),
        Err(TokenError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&auth, &state, input, FieldErrors(errors), None).await?,
        ),
        Err(TokenError::Db(e)) => Err(e.into()),
    }
}

pub async fn revoke(
    auth: Authorized<ManageSettings>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (auth.staff.id, id.into_inner());
    let done = db(&state, move |conn| Ok(api_tokens::revoke(conn, actor, id)?)).await?;
    if !done {
        return Err(AppError::NotFound);
    }
    auth.session
        .flash(FlashKind::Success, "flash-api-token-revoked");
    Ok(see_other(PATH))
}
