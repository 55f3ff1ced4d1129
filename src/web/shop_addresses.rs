//! The customer's own addresses in the storefront: list, add, edit, delete, make default.
//! Every rule (validation, one default per kind, ownership) is the same domain function the
//! admin uses, called with the signed-in customer's id and no staff actor; an address that
//! is not theirs answers 404.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::{CurrentCustomer, FlashKind};
use crate::db::customers::AddressRow;
use crate::domain::customers::{self, AddressInput, CustomerError};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::page::{FieldErrors, Ui, db, ok, render, see_other};
use crate::web::shop::{ShopNav, area_ui};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/shop/account/addresses", web::get().to(list))
        .route("/shop/account/addresses", web::post().to(add))
        .route(
            "/shop/account/addresses/{id}/edit",
            web::get().to(edit_form),
        )
        .route("/shop/account/addresses/{id}", web::post().to(update))
        .route(
            "/shop/account/addresses/{id}/default",
            web::post().to(make_default),
        )
        .route(
            "/shop/account/addresses/{id}/delete",
            web::post().to(delete),
        );
}

const LIST: &str = "/shop/account/addresses";

fn failure(e: CustomerError) -> AppError {
    match e {
        CustomerError::NotFound => AppError::NotFound,
        CustomerError::Db(e) => e.into(),
        e => AppError::Internal(anyhow::anyhow!("{e}")),
    }
}

#[derive(Template)]
#[template(path = "shop/addresses.html")]
struct ListPage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    addresses: Vec<AddressRow>,
    /// The add form: what was typed, and its errors when it was refused.
    address: AddressInput,
    errors: FieldErrors,
}

async fn list_page(
    c: &CurrentCustomer,
    state: &AppState,
    address: AddressInput,
    errors: FieldErrors,
) -> Result<ListPage, AppError> {
    let id = c.customer.id;
    let addresses = db(state, move |conn| Ok(AddressRow::for_customer(conn, id)?)).await?;
    Ok(ListPage {
        ui: area_ui(c, LIST),
        nav: ShopNav::of(c.mode, Some(&c.customer)),
        tab: "addresses",
        addresses,
        address,
        errors,
    })
}

pub async fn list(
    c: CurrentCustomer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let blank = AddressInput {
        kind: "shipping".into(),
        full_name: c.customer.full_name.clone(),
        ..AddressInput::default()
    };
    ok(&list_page(&c, &state, blank, FieldErrors::default()).await?)
}

pub async fn add(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    form: web::Form<AddressInput>,
) -> Result<HttpResponse, AppError> {
    let (id, input) = (c.customer.id, form.into_inner());
    let submitted = input.clone();
    match db(&state, move |conn| {
        Ok(customers::add_address(conn, None, id, &submitted))
    })
    .await?
    {
        Ok(_) => {
            c.session.flash(FlashKind::Success, "flash-address-added");
            Ok(see_other(LIST))
        }
        Err(CustomerError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &list_page(&c, &state, input, FieldErrors(errors)).await?,
        ),
        Err(e) => Err(failure(e)),
    }
}

#[derive(Template)]
#[template(path = "shop/address_edit.html")]
struct EditPage {
    ui: Ui,
    nav: ShopNav,
    tab: &'static str,
    address_id: i64,
    address: AddressInput,
    errors: FieldErrors,
}

fn edit_page(
    c: &CurrentCustomer,
    address_id: i64,
    address: AddressInput,
    errors: FieldErrors,
) -> EditPage {
    EditPage {
        ui: area_ui(c, &format!("{LIST}/{address_id}/edit")),
        nav: ShopNav::of(c.mode, Some(&c.customer)),
        tab: "addresses",
        address_id,
        address,
        errors,
    }
}

pub async fn edit_form(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, address_id) = (c.customer.id, path.into_inner());
    let found = db(&state, move |conn| Ok(AddressRow::for_customer(conn, id)?))
        .await?
        .into_iter()
        .find(|a| a.id == address_id)
        .ok_or(AppError::NotFound)?;
    ok(&edit_page(
        &c,
        address_id,
        customers::address_input(&found),
        FieldErrors::default(),
    ))
}

pub async fn update(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<AddressInput>,
) -> Result<HttpResponse, AppError> {
    let (id, address_id, input) = (c.customer.id, path.into_inner(), form.into_inner());
    let submitted = input.clone();
    match db(&state, move |conn| {
        Ok(customers::update_address(
            conn, None, id, address_id, &submitted,
        ))
    })
    .await?
    {
        Ok(()) => {
            c.session.flash(FlashKind::Success, "flash-address-updated");
            Ok(see_other(LIST))
        }
        Err(CustomerError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &edit_page(&c, address_id, input, FieldErrors(errors)),
        ),
        Err(e) => Err(failure(e)),
    }
}

pub async fn make_default(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, address_id) = (c.customer.id, path.into_inner());
    db(&state, move |conn| {
        customers::set_default_address(conn, None, id, address_id).map_err(failure)
    })
    .await?;
    c.session.flash(FlashKind::Success, "flash-address-default");
    Ok(see_other(LIST))
}

pub async fn delete(
    c: CurrentCustomer,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, address_id) = (c.customer.id, path.into_inner());
    db(&state, move |conn| {
        customers::delete_address(conn, None, id, address_id).map_err(failure)
    })
    .await?;
    c.session.flash(FlashKind::Success, "flash-address-deleted");
    Ok(see_other(LIST))
}
