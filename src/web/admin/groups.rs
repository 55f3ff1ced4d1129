//! Customer groups (seed 002: "Marketing" → "Clientes" → "Grupos de clientes"; seed 003 calls
//! them "Categorías"): the list, "Nuevo grupo", "Editar" with the group's prices, "Borrar"
//! after a confirmation, and the list's bulk assignment. Every change goes through
//! `domain::groups`.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::extract::{ManageMoney, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::groups::GroupRow;
use crate::db::loyalty::ActiveProduct;
use crate::domain::customer_query::{ListQuery, criteria_of, list_state};
use crate::domain::groups::{self, GroupError, GroupInput, GroupWithCount, Selection};
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::i18n::format::format_input_amount;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

fn fatal(e: GroupError) -> AppError {
    match e {
        GroupError::NotFound => AppError::NotFound,
        GroupError::Db(e) => e.into(),
        other => AppError::Internal(other.into()),
    }
}

/// A percentage in basis points as typed back into a field ("12,50").
fn percent_input(bp: i64, auth: &CurrentStaff) -> String {
    if bp == 0 {
        String::new()
    } else {
        format_input_amount(bp, auth.lang)
    }
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/groups/list.html")]
struct ListPage {
    ui: Ui,
    groups: Vec<GroupWithCount>,
    can_manage: bool,
}

pub async fn list(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let groups = db(&state, |conn| Ok(groups::all_with_counts(conn)?)).await?;
    ok(&ListPage {
        ui: Ui::staff(&auth, Area::Customers, "/customers/groups"),
        groups,
        can_manage: auth.can(Permission::ManageMoney),
    })
}

// ---------------------------------------------------------------------------------------
// New, edit and prices
// ---------------------------------------------------------------------------------------

/// A product row of the group's price table.
#[derive(Debug, Clone)]
pub struct PriceRow {
    pub product: ActiveProduct,
    /// The group price as typed (or as saved).
    pub typed: String,
    pub error: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "admin/groups/form.html")]
struct FormPage {
    ui: Ui,
    /// None: a new group.
    group: Option<GroupRow>,
    input: GroupInput,
    errors: FieldErrors,
    prices: Vec<PriceRow>,
    prices_invalid: bool,
}

impl FormPage {
    fn action(&self) -> String {
        match &self.group {
            Some(g) => format!("/customers/groups/{}", g.id),
            None => "/customers/groups".to_owned(),
        }
    }
}

pub async fn new_form(auth: Authorized<ManageMoney>) -> Result<HttpResponse, AppError> {
    ok(&FormPage {
        ui: Ui::staff(&auth, Area::Customers, "/customers/groups/new"),
        group: None,
        input: GroupInput::default(),
        errors: FieldErrors::default(),
        prices: Vec::new(),
        prices_invalid: false,
    })
}

pub async fn create(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    form: web::Form<GroupInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let (actor, submitted) = (auth.staff.id, input.clone());
    let result = db(&state, move |conn| {
        Ok(groups::create(conn, actor, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-group-created");
            Ok(see_other("/customers/groups"))
        }
        Err(GroupError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                ui: Ui::staff(&auth, Area::Customers, "/customers/groups/new"),
                group: None,
                input,
                errors: FieldErrors(errors),
                prices: Vec::new(),
                prices_invalid: false,
            },
        ),
        Err(e) => Err(fatal(e)),
    }
}

/// The group, its saved prices and the active products.
async fn group_data(
    state: &AppState,
    id: i64,
) -> Result<(GroupRow, HashMap<i64, i64>, Vec<ActiveProduct>), AppError> {
    db(state, move |conn| {
        let g = GroupRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        let prices = crate::db::groups::prices(conn, id)?.into_iter().collect();
        Ok((g, prices, crate::db::loyalty::active_products(conn)?))
    })
    .await
}

fn price_rows(
    products: Vec<ActiveProduct>,
    typed: &dyn Fn(i64) -> String,
    errors: &HashMap<i64, &'static str>,
) -> Vec<PriceRow> {
    products
        .into_iter()
        .map(|p| PriceRow {
            typed: typed(p.0),
            error: errors.get(&p.0).copied(),
            product: p,
        })
        .collect()
}

fn edit_page(
    auth: &CurrentStaff,
    g: GroupRow,
    input: GroupInput,
    errors: FieldErrors,
    prices: Vec<PriceRow>,
    prices_invalid: bool,
) -> FormPage {
    FormPage {
        ui: Ui::staff(
            auth,
            Area::Customers,
            &format!("/customers/groups/{}/edit", g.id),
        ),
        group: Some(g),
        input,
        errors,
        prices,
        prices_invalid,
    }
}

fn saved_prices(prices: &HashMap<i64, i64>, auth: &CurrentStaff) -> impl Fn(i64) -> String {
    let prices = prices.clone();
    let lang = auth.lang;
    move |id| {
        prices
            .get(&id)
            .map(|p| format_input_amount(*p, lang))
            .unwrap_or_default()
    }
}

pub async fn edit_form(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (g, prices, products) = group_data(&state, id.into_inner()).await?;
    let input = GroupInput {
        name: g.name.clone(),
        discount: percent_input(g.discount_bp, &auth),
    };
    let rows = price_rows(products, &saved_prices(&prices, &auth), &HashMap::new());
    ok(&edit_page(
        &auth,
        g,
        input,
        FieldErrors::default(),
        rows,
        false,
    ))
}

pub async fn update(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<GroupInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = form.into_inner();
    let (actor, submitted) = (auth.staff.id, input.clone());
    let result = db(&state, move |conn| {
        Ok(groups::update(conn, actor, id, &submitted))
    })
    .await?;
    match result {
        Ok(()) => {
            auth.session.flash(FlashKind::Success, "flash-group-saved");
            Ok(see_other("/customers/groups"))
        }
        Err(GroupError::Invalid(errors)) => {
            let (g, prices, products) = group_data(&state, id).await?;
            let rows = price_rows(products, &saved_prices(&prices, &auth), &HashMap::new());
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(&auth, g, input, FieldErrors(errors), rows, false),
            )
        }
        Err(e) => Err(fatal(e)),
    }
}

pub async fn save_prices(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Fields are `price-<product id>`; anything else (the CSRF token) is ignored.
    let fields: Vec<(String, String)> = serde_html_form::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("prices form: {e}")))?;
    let typed: Vec<(i64, String)> = fields
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("price-")?.parse().ok()?, v)))
        .collect();
    let (actor, submitted) = (auth.staff.id, typed.clone());
    let result = db(&state, move |conn| {
        Ok(groups::set_prices(conn, actor, id, &submitted))
    })
    .await?;
    match result {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-group-prices-saved");
            Ok(see_other(&format!("/customers/groups/{id}/edit")))
        }
        Err(GroupError::Prices(errors)) => {
            let (g, _, products) = group_data(&state, id).await?;
            let typed: HashMap<i64, String> = typed.into_iter().collect();
            let errors: HashMap<i64, &'static str> = errors.into_iter().collect();
            let rows = price_rows(
                products,
                &|pid| typed.get(&pid).cloned().unwrap_or_default(),
                &errors,
            );
            let input = GroupInput {
                name: g.name.clone(),
                discount: percent_input(g.discount_bp, &auth),
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &edit_page(&auth, g, input, FieldErrors::default(), rows, true),
            )
        }
        Err(e) => Err(fatal(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/groups/delete.html")]
struct DeletePage {
    ui: Ui,
    group: GroupRow,
    members: i64,
}

pub async fn delete_form(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (group, members) = db(&state, move |conn| {
        let g = GroupRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((g, GroupRow::member_count(conn, id)?))
    })
    .await?;
    ok(&DeletePage {
        ui: Ui::staff(
            &auth,
            Area::Customers,
            &format!("/customers/groups/{id}/delete"),
        ),
        group,
        members,
    })
}

pub async fn delete(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        groups::delete(conn, actor, id).map_err(fatal)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-group-deleted");
    Ok(see_other("/customers/groups"))
}

// ---------------------------------------------------------------------------------------
// Bulk assignment from the customer list
// ---------------------------------------------------------------------------------------

/// The bulk form: the ticked ids, or `all` with the view's criteria; the target group
/// (empty: out of any group); on the confirmation, the count the staff member saw.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct BulkForm {
    #[serde(default)]
    pub ids: Vec<String>,
    #[serde(default)]
    pub all: Option<String>,
    #[serde(default)]
    pub criteria: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub confirmed_count: Option<String>,
}

impl BulkForm {
    fn selection(&self) -> Result<Selection, AppError> {
        if self.all.is_some() {
            let q: ListQuery = crate::domain::customer_query::parse_criteria(&self.criteria);
            return Ok(Selection::Matching(list_state(&q).filter));
        }
        let ids: Vec<i64> = self
            .ids
            .iter()
            .filter_map(|s| s.trim().parse().ok())
            .collect();
        if ids.len() > groups::MAX_IDS {
            return Err(AppError::BadRequest("too many ids".into()));
        }
        Ok(Selection::Ids(ids))
    }

    /// The view's criteria, normalised (only known filter parameters).
    fn clean_criteria(&self) -> String {
        criteria_of(&crate::domain::customer_query::parse_criteria(
            &self.criteria,
        ))
    }
}

#[derive(Template)]
#[template(path = "admin/groups/bulk.html")]
struct BulkPage {
    ui: Ui,
    form: BulkForm,
    criteria: String,
    count: i64,
    group: Option<GroupRow>,
    /// The count changed between the list and the confirmation.
    changed: bool,
}

fn parse_body(body: &[u8]) -> Result<BulkForm, AppError> {
    serde_html_form::from_bytes(body).map_err(|e| AppError::BadRequest(format!("bulk form: {e}")))
}

/// The confirmation ("Assign N customers to group X?"), then the assignment itself once the
/// count the staff member confirmed is still the count.
pub async fn bulk(
    auth: Authorized<ManageMoney>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = parse_body(&body)?;
    let selection = form.selection()?;
    let group_text = form.group.clone();
    let sel = selection.clone();
    let (count, group) = db(&state, move |conn| {
        let group = match crate::domain::groups::parse_group(conn, &group_text) {
            Ok(Some(id)) => GroupRow::find(conn, id)?,
            Ok(None) => None,
            Err(_) => return Err(AppError::NotFound),
        };
        Ok((groups::selection_count(conn, &sel)?, group))
    })
    .await?;
    let confirmed = form
        .confirmed_count
        .as_deref()
        .and_then(|c| c.parse::<i64>().ok());
    if confirmed != Some(count) || count == 0 {
        let criteria = form.clean_criteria();
        return render(
            if confirmed.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::OK
            },
            &BulkPage {
                ui: Ui::staff(&auth, Area::Customers, "/customers"),
                changed: confirmed.is_some(),
                form,
                criteria,
                count,
                group,
            },
        );
    }
    let (actor, group_id) = (auth.staff.id, group.as_ref().map(|g| g.id));
    db(&state, move |conn| {
        groups::assign(conn, actor, &selection, group_id).map_err(fatal)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-group-assigned");
    Ok(see_other(&match form.all {
        Some(_) if !form.criteria.is_empty() => format!("/customers?{}", form.clean_criteria()),
        _ => "/customers".to_owned(),
    }))
}
