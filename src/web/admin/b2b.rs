//! B2B pages: a customer's credit options (seed 002 "Acciones" → "Ver opciones de crédito" →
//! "Agregar opción" → form → "Agregar"; an option is changed and "Guardar"), placing an order
//! for a customer in the panel (priced by `domain::pricing`, on account only as the credit
//! option allows), and recording that an invoice on account was paid.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::extract::{ManageMoney, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::customers::CustomerRow;
use crate::db::loyalty::ActiveProduct;
use crate::domain::credit_options::{self, AccountRefusal, OptionError, OptionInput, Standing};
use crate::domain::orders::{self, OrderError, OrderInput, PANEL_PAYMENT_METHODS};
use crate::domain::pricing::Quote;
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::i18n::format::format_input_amount;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

fn fatal(e: OptionError) -> AppError {
    match e {
        OptionError::NotFound => AppError::NotFound,
        OptionError::Db(e) => e.into(),
        other => AppError::Internal(other.into()),
    }
}

// ---------------------------------------------------------------------------------------
// Credit options
// ---------------------------------------------------------------------------------------

/// An option with the form that edits it (as saved, or as typed when refused).
pub struct OptionView {
    pub standing: Standing,
    pub input: OptionInput,
    pub errors: FieldErrors,
}

#[derive(Template)]
#[template(path = "admin/customers/credit_options.html")]
struct OptionsPage {
    ui: Ui,
    c: CustomerRow,
    options: Vec<OptionView>,
    new_input: OptionInput,
    new_errors: FieldErrors,
    can_manage: bool,
}

fn input_of(s: &Standing, auth: &CurrentStaff) -> OptionInput {
    OptionInput {
        currency: s.option.currency.clone(),
        limit: format_input_amount(s.option.limit_cents, auth.lang),
        terms_days: s.option.terms_days.to_string(),
        block_overdue: s.option.block_overdue.then(|| "on".to_owned()),
        active: s.option.active.then(|| "on".to_owned()),
    }
}

/// What a refused form changes on the page: the new-option form, or one option's form.
enum Refused {
    None,
    New(OptionInput, FieldErrors),
    Existing(i64, OptionInput, FieldErrors),
}

async fn options_page(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    refused: Refused,
) -> Result<OptionsPage, AppError> {
    let (c, standings, currency) = db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        let s = credit_options::standings(conn, id)?;
        Ok((c, s, crate::domain::settings::store_currency(conn)?))
    })
    .await?;
    let mut new_input = OptionInput {
        currency,
        terms_days: "30".to_owned(),
        block_overdue: Some("on".to_owned()),
        active: Some("on".to_owned()),
        ..OptionInput::default()
    };
    let mut new_errors = FieldErrors::default();
    let mut options: Vec<OptionView> = standings
        .into_iter()
        .map(|s| OptionView {
            input: input_of(&s, auth),
            standing: s,
            errors: FieldErrors::default(),
        })
        .collect();
    match refused {
        Refused::None => {}
        Refused::New(input, errors) => {
            new_input = input;
            new_errors = errors;
        }
        Refused::Existing(oid, input, errors) => {
            if let Some(v) = options.iter_mut().find(|v| v.standing.option.id == oid) {
                v.input = input;
                v.errors = errors;
            }
        }
    }
    Ok(OptionsPage {
        ui: Ui::staff(
            auth,
            Area::Customers,
            &format!("/customers/{id}/credit-options"),
        ),
        c,
        options,
        new_input,
        new_errors,
        can_manage: auth.can(Permission::ManageMoney),
    })
}

pub async fn options(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ok(&options_page(&auth, &state, id.into_inner(), Refused::None).await?)
}

pub async fn add_option(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<OptionInput>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(credit_options::add(conn, actor, id, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-option-added");
            Ok(see_other(&format!("/customers/{id}/credit-options")))
        }
        Err(OptionError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &options_page(&auth, &state, id, Refused::New(input, FieldErrors(errors))).await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

pub async fn save_option(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<OptionInput>,
) -> Result<HttpResponse, AppError> {
    let ((id, oid), actor, input) = (path.into_inner(), auth.staff.id, form.into_inner());
    let submitted = input.clone();
    let result = db(&state, move |conn| {
        Ok(credit_options::update(conn, actor, id, oid, &submitted))
    })
    .await?;
    match result {
        Ok(()) => {
            auth.session
                .flash(FlashKind::Success, "flash-credit-option-saved");
            Ok(see_other(&format!("/customers/{id}/credit-options")))
        }
        Err(OptionError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &options_page(
                &auth,
                &state,
                id,
                Refused::Existing(oid, input, FieldErrors(errors)),
            )
            .await?,
        ),
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// A new order for a customer
// ---------------------------------------------------------------------------------------

/// Rows of the new-order form.
const ORDER_ROWS: usize = 5;

#[derive(Template)]
#[template(path = "admin/orders/new.html")]
struct NewOrderPage {
    ui: Ui,
    c: CustomerRow,
    products: Vec<ActiveProduct>,
    input: OrderInput,
    methods: [&'static str; 3],
    errors: FieldErrors,
    /// The refusal of an order on account, as a translated sentence.
    refusal: Option<String>,
    /// The priced lines of a preview ("Calcular").
    quotes: Vec<Quote>,
    total: Option<i64>,
}

impl NewOrderPage {
    fn product_at(&self, i: &usize) -> &str {
        self.input.product.get(*i).map_or("", String::as_str)
    }

    fn quantity_at(&self, i: &usize) -> &str {
        self.input.quantity.get(*i).map_or("1", String::as_str)
    }

    fn rows(&self) -> Vec<usize> {
        (0..self.input.product.len().max(ORDER_ROWS)).collect()
    }
}

fn refusal_text(r: &AccountRefusal, ui: &Ui) -> String {
    match r {
        AccountRefusal::NoOption => ui.t("order-refused-no-option"),
        AccountRefusal::Overdue { count } => ui.tn(
            "order-refused-overdue",
            i64::try_from(*count).unwrap_or(i64::MAX),
        ),
        AccountRefusal::OverLimit {
            outstanding,
            order,
            limit,
            currency,
        } => ui.lang.t_args(
            "order-refused-limit",
            &[
                ("outstanding", ui.money(outstanding, currency).into()),
                ("order", ui.money(order, currency).into()),
                ("limit", ui.money(limit, currency).into()),
            ],
        ),
    }
}

async fn new_order_page(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    input: OrderInput,
) -> Result<NewOrderPage, AppError> {
    let (c, products) = db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((c, crate::db::loyalty::active_products(conn)?))
    })
    .await?;
    if c.anonymized_at.is_some() {
        return Err(AppError::NotFound);
    }
    Ok(NewOrderPage {
        ui: Ui::staff(auth, Area::Orders, &format!("/customers/{id}/orders/new")),
        c,
        products,
        input,
        methods: PANEL_PAYMENT_METHODS,
        errors: FieldErrors::default(),
        refusal: None,
        quotes: Vec::new(),
        total: None,
    })
}

pub async fn new_order_form(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let input = OrderInput {
        payment_method: "bank_transfer".to_owned(),
        ..OrderInput::default()
    };
    ok(&new_order_page(&auth, &state, id.into_inner(), input).await?)
}

/// "Calcular" shows the priced lines; "Crear pedido" places the order.
pub async fn create_order(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    #[derive(serde::Deserialize)]
    struct Intent {
        #[serde(default)]
        preview: Option<String>,
    }
    let input: OrderInput = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("order form: {e}")))?;
    let preview = serde_html_form::from_bytes::<Intent>(&body)
        .map(|i| i.preview.is_some())
        .unwrap_or(false);
    let req = orders::parse_order(&input);
    let actor = auth.staff.id;
    let outcome = match req {
        Err(errors) => Err(OrderError::Invalid(errors)),
        Ok(req) if preview => {
            let quotes = db(&state, move |conn| {
                Ok(orders::price_lines(conn, id, &req.lines).map(|q| (q, req.shipping_cents)))
            })
            .await?;
            match quotes {
                Ok((quotes, shipping)) => {
                    let total = orders::total_of(&quotes, shipping);
                    let page = NewOrderPage {
                        quotes,
                        total,
                        ..new_order_page(&auth, &state, id, input).await?
                    };
                    return ok(&page);
                }
                Err(e) => Err(e),
            }
        }
        Ok(req) => {
            db(&state, move |conn| {
                Ok(orders::create(conn, actor, id, &req))
            })
            .await?
        }
    };
    match outcome {
        Ok(order) => {
            auth.session
                .flash(FlashKind::Success, "flash-order-created");
            Ok(see_other(&format!("/orders/{order}")))
        }
        Err(OrderError::Invalid(errors)) => {
            let page = NewOrderPage {
                errors: FieldErrors(errors),
                ..new_order_page(&auth, &state, id, input).await?
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(OrderError::Refused(r)) => {
            let mut page = new_order_page(&auth, &state, id, input).await?;
            page.refusal = Some(refusal_text(&r, &page.ui));
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(OrderError::NotFound) => Err(AppError::NotFound),
        Err(OrderError::Db(e)) => Err(e.into()),
        Err(e) => Err(AppError::Internal(e.into())),
    }
}

/// "Registrar pago": the invoice of an order on account was paid.
pub async fn settle(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        credit_options::settle(conn, actor, id).map_err(fatal)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-order-settled");
    Ok(see_other(&format!("/orders/{id}")))
}
