//! The customers area (es "Clientes", pl "Klienci"): list, card, create, edit, delete, and the
//! card's addresses, notes and tags.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::extract::{EditCustomerContact, ManageCustomers, ViewCustomers};
use crate::auth::{Authorized, CurrentStaff, FlashKind};
use crate::db::customer_list::{self, ListRow, Position, SortKey};
use crate::db::customers::{AddressRow, CustomerRow, NoteRow, TagRow};
use crate::db::groups::GroupRow;
use crate::db::orders::{self, CurrencyFigures, OrderRow};
use crate::domain::customer_query::{
    FILTER_PARAMS, ListQuery, criteria_of, cursor, list_state, param, parse_criteria,
};
use crate::domain::customers::{self, AddressInput, CustomerError, CustomerInput, Deleted};
use crate::domain::staff::Permission;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::page::{Area, FieldErrors, Ui, db, ok, render, see_other};

const PAGE_SIZE: i64 = 50;
/// Orders shown on the customer card (and in its timeline).
const CARD_ORDERS: i64 = 25;
/// Orders shown with their products in the card's timeline.
const TIMELINE_ORDERS: usize = 10;

fn domain_error(e: CustomerError) -> AppError {
    match e {
        CustomerError::NotFound => AppError::NotFound,
        other => AppError::Internal(other.into()),
    }
}

// ---------------------------------------------------------------------------------------
// The list
// ---------------------------------------------------------------------------------------

/// A filter currently applied, shown as a removable chip.
#[derive(Debug, Clone)]
pub struct Chip {
    pub label: String,
    pub remove_href: String,
}

/// The query string of the current view with some parameters replaced or removed (`None`).
fn href_with(q: &ListQuery, changes: &[(&str, Option<&str>)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for k in FILTER_PARAMS.iter().chain(["sort", "dir"].iter()) {
        let v = changes
            .iter()
            .find(|(ck, _)| ck == k)
            .map_or(param(q, k), |(_, cv)| *cv);
        if let Some(v) = v {
            out.append_pair(k, v);
        }
    }
    for (k, v) in changes {
        let known = FILTER_PARAMS.contains(k) || *k == "sort" || *k == "dir";
        if let (false, Some(v)) = (known, v) {
            out.append_pair(k, v);
        }
    }
    let s = out.finish();
    if s.is_empty() {
        "/customers".to_owned()
    } else {
        format!("/customers?{s}")
    }
}

/// A sortable column header.
#[derive(Debug, Clone)]
pub struct SortLink {
    pub key: &'static str,
    pub label_key: &'static str,
    pub href: String,
    /// "ascending", "descending" or "none" (aria-sort).
    pub aria: &'static str,
}

#[derive(Template)]
#[template(path = "admin/customers/list.html")]
struct ListPage {
    ui: Ui,
    rows: Vec<ListRow>,
    /// The number of customers in this view when it is known without counting.
    total: Option<i64>,
    /// Where the number is fetched from when it is not.
    count_href: String,
    query: ListQuery,
    chips: Vec<Chip>,
    errors: Vec<&'static str>,
    tags: Vec<TagRow>,
    groups: Vec<GroupRow>,
    /// Whether the bulk group assignment is offered.
    can_group: bool,
    sort_links: Vec<SortLink>,
    first_href: Option<String>,
    prev_href: Option<String>,
    next_href: Option<String>,
    last_href: Option<String>,
    currency: String,
    can_create: bool,
    /// Whether "Import" (CSV) is offered.
    can_import: bool,
    /// The CSV export of this view (filters and sort, not the page).
    export_href: String,
    tabs: Vec<SegmentTab>,
    /// The current filters, what "save as segment" stores.
    criteria: String,
    all_count: i64,
    /// The segment whose filters are the current ones, if any.
    active_segment: Option<SegmentTab>,
}

/// A segment shown as a tab over the list, with its live count.
#[derive(Debug, Clone)]
pub struct SegmentTab {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub count: i64,
    pub active: bool,
}

/// Every segment with its kept count, and the number of all customers.
fn segment_tabs(
    conn: &mut crate::db::DbConn,
    current: &str,
) -> Result<(Vec<SegmentTab>, i64), AppError> {
    let all = customer_list::total(conn)?;
    let tabs = crate::domain::segments::all(conn)?
        .into_iter()
        .map(|seg| {
            // Counted at start-up when missing; until then the capped count stands in.
            let count = match seg.member_count {
                Some(n) => n,
                None => customer_list::count(
                    conn,
                    &crate::domain::segments::filter_of(&seg.criteria),
                    SortKey::Created,
                )?,
            };
            Ok(SegmentTab {
                id: seg.id,
                href: format!("/customers?{}", seg.criteria),
                active: seg.criteria == current,
                name: seg.name,
                count,
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok((tabs, all))
}

/// The number of customers a filtered view holds, capped: loaded by the list page after it is
/// shown (`hx-trigger="load"`), so a slow count never holds up the rows.
pub async fn count(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let st = list_state(&query.into_inner());
    let (filter, sort) = (st.filter, st.sort);
    let n = db(&state, move |conn| {
        Ok(customer_list::count(conn, &filter, sort)?)
    })
    .await?;
    ok(&CountFragment {
        n,
        text: Ui::staff(&auth, Area::Customers, "/customers").customers_found_capped(n),
    })
}

#[derive(Template)]
#[template(
    source = r#"<span data-count="{{ n }}">{{ text }}</span>"#,
    ext = "html"
)]
struct CountFragment {
    n: i64,
    text: String,
}

pub async fn list(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let st = list_state(&q);
    let (filter, sort, descending, position) = (
        st.filter.clone(),
        st.sort,
        st.descending,
        st.position.clone(),
    );
    let criteria = criteria_of(&q);
    let current = criteria.clone();
    let (rows, more, tags, groups, currency, (tabs, all_count)) = db(&state, move |conn| {
        let (rows, more) =
            customer_list::page(conn, &filter, sort, descending, &position, PAGE_SIZE)?;
        let tags = TagRow::all(conn)?;
        let groups = GroupRow::all(conn)?;
        let currency = crate::domain::settings::store_currency(conn)?;
        Ok((
            rows,
            more,
            tags,
            groups,
            currency,
            segment_tabs(conn, &current)?,
        ))
    })
    .await?;
    let at_start = match st.position {
        Position::First => true,
        Position::Before(..) => !more,
        Position::After(..) => false,
        Position::Last => !more,
    };
    let at_end = match st.position {
        Position::First | Position::After(..) => !more,
        Position::Before(..) => false,
        Position::Last => true,
    };
    let first_href = (!at_start).then(|| href_with(&q, &[]));
    let prev_href = match (at_start, rows.first()) {
        (false, Some(r)) => Some(href_with(&q, &[("before", Some(&cursor(r, sort)))])),
        _ => None,
    };
    let next_href = match (at_end, rows.last()) {
        (false, Some(r)) => Some(href_with(&q, &[("after", Some(&cursor(r, sort)))])),
        _ => None,
    };
    let last_href = (!at_end).then(|| href_with(&q, &[("last", Some("1"))]));
    let lang = auth.lang;
    let chips = chips(&q, &tags, &groups, lang);
    let sort_links = [
        (SortKey::Name, "col-name"),
        (SortKey::Orders, "col-orders"),
        (SortKey::LastOrder, "col-last-order"),
        (SortKey::Spent, "col-spent"),
        (SortKey::Created, "col-created"),
    ]
    .into_iter()
    .map(|(key, label_key)| {
        let active = key == sort;
        let next_dir = if active {
            if descending { "asc" } else { "desc" }
        } else if key == SortKey::Name {
            "asc"
        } else {
            "desc"
        };
        SortLink {
            key: key.code(),
            label_key,
            href: href_with(&q, &[("sort", Some(key.code())), ("dir", Some(next_dir))]),
            aria: match (active, descending) {
                (false, _) => "none",
                (true, true) => "descending",
                (true, false) => "ascending",
            },
        }
    })
    .collect();
    let export_href = href_with(&q, &[]).replacen("/customers", "/customers/export.csv", 1);
    let active_segment = tabs.iter().find(|t| t.active).cloned();
    // Exact counts that cost nothing: all customers, or the segment this view is. Any other
    // filter is counted by `count` after the page is shown.
    let total = if criteria.is_empty() {
        Some(all_count)
    } else {
        active_segment.as_ref().map(|t| t.count)
    };
    let count_href = href_with(&q, &[]).replacen("/customers", "/customers/count", 1);
    let here = match req.query_string() {
        "" => "/customers".to_owned(),
        qs => format!("/customers?{qs}"),
    };
    ok(&ListPage {
        ui: Ui::staff(&auth, Area::Customers, &here),
        rows,
        total,
        count_href,
        query: q,
        chips,
        errors: st.errors,
        tags,
        groups,
        can_group: auth.can(Permission::ManageMoney),
        sort_links,
        first_href,
        prev_href,
        next_href,
        last_href,
        currency,
        can_create: auth.can(Permission::EditCustomerContact),
        can_import: auth.can(Permission::ManageCustomers),
        export_href,
        tabs,
        criteria,
        all_count,
        active_segment,
    })
}

/// The label of one applied filter, e.g. "Country: PL" (chips, segment explanations).
pub(crate) fn filter_label(
    name: &str,
    value: &str,
    tags: &[TagRow],
    groups: &[GroupRow],
    lang: Lang,
) -> Option<String> {
    let arg = |key: &str, v: &str| lang.t_args(key, &[("value", v.into())]);
    Some(match name {
        "q" => arg("chip-search", value),
        "type" if value == "registered" => lang.t("customer-registered"),
        "type" if value == "guest" => lang.t("customer-guest"),
        "tag" => {
            let id = value.parse::<i64>().ok()?;
            arg("chip-tag", &tags.iter().find(|t| t.id == id)?.name)
        }
        "group" => {
            let id = value.parse::<i64>().ok()?;
            arg("chip-group", &groups.iter().find(|g| g.id == id)?.name)
        }
        "country" => arg("chip-country", &value.to_ascii_uppercase()),
        "city" => arg("chip-city", value),
        "created_from" => arg("chip-created-from", value),
        "created_to" => arg("chip-created-to", value),
        "orders_min" => arg("chip-orders-min", value),
        "orders_max" => arg("chip-orders-max", value),
        "spent_min" => arg("chip-spent-min", value),
        "spent_max" => arg("chip-spent-max", value),
        "last_order_from" => arg("chip-last-order-from", value),
        "last_order_to" => arg("chip-last-order-to", value),
        "repeat" => lang.t("filter-repeat"),
        "credit" if value == "yes" => lang.t("chip-credit"),
        "points" if value == "yes" => lang.t("chip-points"),
        "newsletter" if value == "yes" => lang.t("chip-newsletter-yes"),
        "newsletter" if value == "no" => lang.t("chip-newsletter-no"),
        _ => return None,
    })
}

fn chips(q: &ListQuery, tags: &[TagRow], groups: &[GroupRow], lang: Lang) -> Vec<Chip> {
    FILTER_PARAMS
        .iter()
        .filter_map(|name| {
            let label = filter_label(name, param(q, name)?, tags, groups, lang)?;
            Some(Chip {
                label,
                remove_href: href_with(q, &[(name, None)]),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// The card
// ---------------------------------------------------------------------------------------

/// One line of the customer timeline, newest first.
#[derive(Debug, Clone)]
pub enum TimelineItem {
    Order {
        order: OrderRow,
        lines: Vec<orders::LineRow>,
    },
    Note {
        body: String,
        author: Option<String>,
        at: NaiveDateTime,
    },
    Change {
        action: String,
        actor: Option<String>,
        at: NaiveDateTime,
    },
}

impl TimelineItem {
    fn at(&self) -> NaiveDateTime {
        match self {
            TimelineItem::Order { order, .. } => order.placed_at,
            TimelineItem::Note { at, .. } | TimelineItem::Change { at, .. } => *at,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/customers/show.html")]
struct CardPage {
    ui: Ui,
    c: CustomerRow,
    figures: Vec<CurrencyFigures>,
    addresses: Vec<AddressRow>,
    notes: Vec<NoteRow>,
    tags: Vec<TagRow>,
    all_tags: Vec<TagRow>,
    orders: Vec<OrderRow>,
    timeline: Vec<TimelineItem>,
    address: AddressInput,
    errors: FieldErrors,
    note_text: String,
    can_edit: bool,
    can_manage: bool,
    segments: Vec<Membership>,
    /// Store credit balance in the store currency.
    credit_balance: i64,
    currency: String,
    pricing: CardPricing,
    can_money: bool,
}

impl CardPage {
    /// The personal discount in words: "10 %", "2,50 € off each unit", "None".
    fn personal_text(&self) -> String {
        use crate::domain::pricing::PersonalDiscount;
        let currency = self
            .pricing
            .sample
            .as_ref()
            .map_or(self.currency.as_str(), |q| q.product.currency.as_str());
        match self.pricing.personal {
            PersonalDiscount::None => self.ui.t("discount-none"),
            PersonalDiscount::Amount(a) => self.ui.ts(
                "discount-amount-each",
                "amount",
                &self.ui.money(a, currency),
            ),
            PersonalDiscount::Percent(p) => self.ui.percent(p.0),
        }
    }
}

/// The card's pricing section: group, personal discount, and one product priced for the
/// customer with the steps of the rule; and where the customer stands on account.
pub struct CardPricing {
    pub group: Option<GroupRow>,
    pub personal: crate::domain::pricing::PersonalDiscount,
    pub sample: Option<crate::domain::pricing::Quote>,
    pub products: Vec<crate::db::loyalty::ActiveProduct>,
    pub standings: Vec<crate::domain::credit_options::Standing>,
    pub all_groups: Vec<GroupRow>,
}

/// A segment this customer is in, and why: each criterion with the customer's own value.
#[derive(Debug, Clone)]
pub struct Membership {
    pub id: i64,
    pub name: String,
    pub href: String,
    pub reasons: Vec<(String, String)>,
}

struct CardData {
    pricing: CardPricing,
    credit_balance: i64,
    memberships: Vec<(crate::db::segments::SegmentRow, ListQuery)>,
    currency: String,
    c: CustomerRow,
    figures: Vec<CurrencyFigures>,
    addresses: Vec<AddressRow>,
    notes: Vec<NoteRow>,
    tags: Vec<TagRow>,
    all_tags: Vec<TagRow>,
    orders: Vec<OrderRow>,
    timeline: Vec<TimelineItem>,
}

async fn card_data(state: &AppState, id: i64, sample: Option<i64>) -> Result<CardData, AppError> {
    db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        let pricing = card_pricing(conn, id, sample)?;
        let figures = orders::figures_by_currency(conn, id)?;
        let addresses = AddressRow::for_customer(conn, id)?;
        let notes = NoteRow::for_customer(conn, id)?;
        let tags = TagRow::for_customer(conn, id)?;
        let all_tags = TagRow::all(conn)?;
        // The card shows the latest orders; the full history is the order list filtered by
        // this customer (linked from the section).
        let recent = orders::for_customer(conn, id, CARD_ORDERS)?;
        // The timeline lists the products of the newest orders.
        let detailed = recent[..recent.len().min(TIMELINE_ORDERS)].last();
        let mut lines = match detailed {
            Some(o) => orders::lines_since(conn, id, o.placed_at, o.id)?,
            None => Vec::new(),
        };
        let changes = crate::db::audit::AuditRow::for_entity_with_actor(conn, "customer", id, 50)?;
        let mut timeline: Vec<TimelineItem> = recent
            .iter()
            .take(TIMELINE_ORDERS)
            .map(|o| {
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut lines)
                    .into_iter()
                    .partition(|l| l.order_id == o.id);
                lines = rest;
                TimelineItem::Order {
                    order: o.clone(),
                    lines: mine,
                }
            })
            .collect();
        timeline.extend(notes.iter().map(|n| TimelineItem::Note {
            body: n.body.clone(),
            author: n.author.clone(),
            at: n.created_at,
        }));
        timeline.extend(changes.into_iter().map(|(a, actor)| TimelineItem::Change {
            action: a.action,
            actor,
            at: a.created_at,
        }));
        timeline.sort_by_key(|item| std::cmp::Reverse(item.at()));
        timeline.truncate(60);
        let memberships = crate::domain::segments::containing(conn, id)?
            .into_iter()
            .map(|seg| {
                let q = parse_criteria(&seg.criteria);
                (seg, q)
            })
            .collect();
        let currency = crate::domain::settings::store_currency(conn)?;
        Ok(CardData {
            pricing,
            credit_balance: crate::db::credit::balance(conn, id, &currency)?,
            memberships,
            currency,
            c,
            figures,
            addresses,
            notes,
            tags,
            all_tags,
            orders: recent,
            timeline,
        })
    })
    .await
}

fn card_pricing(
    conn: &mut crate::db::DbConn,
    id: i64,
    sample: Option<i64>,
) -> Result<CardPricing, AppError> {
    use crate::domain::pricing;
    let terms = pricing::terms_of(conn, id).map_err(|_| AppError::NotFound)?;
    let sample = match pricing::sample_product(conn, sample)? {
        Some(product) => pricing::quote_with(conn, &terms, product, 1).ok(),
        None => None,
    };
    Ok(CardPricing {
        group: terms.group,
        personal: terms.personal,
        sample,
        products: crate::db::loyalty::active_products(conn)?,
        standings: crate::domain::credit_options::standings(conn, id)?,
        all_groups: GroupRow::all(conn)?,
    })
}

/// What the customer has for one criterion, to show next to it ("why" they are in a segment).
fn fact(
    name: &str,
    c: &CustomerRow,
    tags: &[TagRow],
    group: Option<&str>,
    currency: &str,
    ui: &Ui,
) -> String {
    match name {
        "q" => c.full_name.clone(),
        "type" => ui.t(if c.registered {
            "customer-registered"
        } else {
            "customer-guest"
        }),
        "tag" => tags
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        "country" => c.country.clone().unwrap_or_default(),
        "city" => c.city.clone().unwrap_or_default(),
        "created_from" | "created_to" => ui.date(&c.created_at),
        "orders_min" | "orders_max" | "repeat" => ui.tn("orders-count", c.order_count),
        "spent_min" | "spent_max" => ui.money(c.spent_cents, currency),
        "last_order_from" | "last_order_to" => {
            c.last_order_at.map(|d| ui.date(&d)).unwrap_or_default()
        }
        "credit" => ui.money(c.credit_cents, currency),
        "points" => ui.tn("points-count", c.points),
        "group" => group.unwrap_or_default().to_owned(),
        "newsletter" => ui.t(if c.newsletter {
            "filter-newsletter-yes"
        } else {
            "filter-newsletter-no"
        }),
        _ => String::new(),
    }
}

fn card_page(
    auth: &CurrentStaff,
    d: CardData,
    address: AddressInput,
    errors: FieldErrors,
    note_text: String,
) -> CardPage {
    let here = format!("/customers/{}", d.c.id);
    let ui = Ui::staff(auth, Area::Customers, &here);
    let segments = d
        .memberships
        .iter()
        .map(|(seg, q)| Membership {
            id: seg.id,
            name: seg.name.clone(),
            href: format!("/customers?{}", seg.criteria),
            reasons: FILTER_PARAMS
                .iter()
                .filter_map(|name| {
                    let label = filter_label(
                        name,
                        param(q, name)?,
                        &d.all_tags,
                        &d.pricing.all_groups,
                        auth.lang,
                    )?;
                    let group = d.pricing.group.as_ref().map(|g| g.name.as_str());
                    Some((label, fact(name, &d.c, &d.tags, group, &d.currency, &ui)))
                })
                .collect(),
        })
        .collect();
    CardPage {
        ui,
        pricing: d.pricing,
        segments,
        credit_balance: d.credit_balance,
        currency: d.currency.clone(),
        c: d.c,
        figures: d.figures,
        addresses: d.addresses,
        notes: d.notes,
        tags: d.tags,
        all_tags: d.all_tags,
        orders: d.orders,
        timeline: d.timeline,
        address,
        errors,
        note_text,
        can_edit: auth.can(Permission::EditCustomerContact),
        can_manage: auth.can(Permission::ManageCustomers),
        can_money: auth.can(Permission::ManageMoney),
    }
}

/// The card's query: which product the pricing section prices.
#[derive(Debug, Deserialize)]
pub struct CardQuery {
    product: Option<String>,
}

pub async fn show(
    auth: Authorized<ViewCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    query: web::Query<CardQuery>,
) -> Result<HttpResponse, AppError> {
    let sample = query.product.as_deref().and_then(|p| p.trim().parse().ok());
    let d = card_data(&state, id.into_inner(), sample).await?;
    let address = AddressInput {
        kind: "shipping".into(),
        ..AddressInput::default()
    };
    ok(&card_page(
        &auth,
        d,
        address,
        FieldErrors::default(),
        String::new(),
    ))
}

// ---------------------------------------------------------------------------------------
// Create and edit
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/customers/form.html")]
struct FormPage {
    ui: Ui,
    /// None: a new customer.
    id: Option<i64>,
    input: CustomerInput,
    errors: FieldErrors,
    stale: bool,
    groups: Vec<GroupRow>,
    /// Whether this staff member may change the group and personal discount.
    can_price: bool,
}

impl FormPage {
    fn new(
        auth: &CurrentStaff,
        id: Option<i64>,
        input: CustomerInput,
        groups: Vec<GroupRow>,
    ) -> FormPage {
        let here = match id {
            Some(id) => format!("/customers/{id}/edit"),
            None => "/customers/new".to_owned(),
        };
        FormPage {
            ui: Ui::staff(auth, Area::Customers, &here),
            id,
            input,
            errors: FieldErrors::default(),
            stale: false,
            groups,
            can_price: auth.can(Permission::ManageMoney),
        }
    }

    fn group_name(&self) -> String {
        self.groups
            .iter()
            .find(|g| g.id.to_string() == self.input.group)
            .map_or_else(|| "—".to_owned(), |g| g.name.clone())
    }
}

fn editor(auth: &CurrentStaff) -> customers::Editor {
    customers::Editor {
        id: auth.staff.id,
        may_price: auth.can(Permission::ManageMoney),
    }
}

async fn all_groups(state: &AppState) -> Result<Vec<GroupRow>, AppError> {
    db(state, |conn| Ok(GroupRow::all(conn)?)).await
}

impl FormPage {
    fn action(&self) -> String {
        match self.id {
            Some(id) => format!("/customers/{id}"),
            None => "/customers".to_owned(),
        }
    }
}

pub async fn new_form(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let input = CustomerInput {
        language: auth.lang.code().to_owned(),
        ..CustomerInput::default()
    };
    let groups = all_groups(&state).await?;
    ok(&FormPage::new(&auth, None, input, groups))
}

pub async fn create(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    form: web::Form<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.into_inner();
    let (editor, submitted) = (editor(&auth), input.clone());
    let result = db(&state, move |conn| {
        Ok(customers::create(conn, editor, &submitted))
    })
    .await?;
    match result {
        Ok(id) => {
            auth.session
                .flash(FlashKind::Success, "flash-customer-created");
            Ok(see_other(&format!("/customers/{id}")))
        }
        Err(CustomerError::Invalid(errors)) => {
            let groups = all_groups(&state).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    errors: FieldErrors(errors),
                    ..FormPage::new(&auth, None, input, groups)
                },
            )
        }
        Err(e) => Err(domain_error(e)),
    }
}

fn input_of(c: &CustomerRow, lang: Lang) -> CustomerInput {
    CustomerInput {
        group: c.group_id.map(|g| g.to_string()).unwrap_or_default(),
        discount_kind: c.discount_kind.clone().unwrap_or_default(),
        discount_value: match c.discount_kind {
            Some(_) => crate::i18n::format::format_input_amount(c.discount_value, lang),
            None => String::new(),
        },
        ..CustomerInput::of_contact(c)
    }
}

pub async fn edit_form(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (c, groups) = db(&state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((c, GroupRow::all(conn)?))
    })
    .await?;
    if c.anonymized_at.is_some() {
        return Err(AppError::NotFound);
    }
    ok(&FormPage::new(
        &auth,
        Some(id),
        input_of(&c, auth.lang),
        groups,
    ))
}

pub async fn update(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let input = form.into_inner();
    let (editor, submitted) = (editor(&auth), input.clone());
    let result = db(&state, move |conn| {
        Ok(customers::update(conn, editor, id, &submitted))
    })
    .await?;
    match result {
        Ok(()) => {
            auth.session
                .flash(FlashKind::Success, "flash-customer-saved");
            Ok(see_other(&format!("/customers/{id}")))
        }
        Err(CustomerError::Invalid(errors)) => {
            let groups = all_groups(&state).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    errors: FieldErrors(errors),
                    ..FormPage::new(&auth, Some(id), input, groups)
                },
            )
        }
        Err(CustomerError::Stale) => {
            // Show what is saved now, with the typed values kept, and a new version to save over.
            let (current, groups) = db(&state, move |conn| {
                let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
                Ok((c, GroupRow::all(conn)?))
            })
            .await?;
            let input = CustomerInput {
                version: current.version,
                ..input
            };
            render(
                StatusCode::CONFLICT,
                &FormPage {
                    stale: true,
                    ..FormPage::new(&auth, Some(id), input, groups)
                },
            )
        }
        Err(e) => Err(domain_error(e)),
    }
}

// ---------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "admin/customers/delete.html")]
struct DeletePage {
    ui: Ui,
    c: CustomerRow,
    orders: i64,
    addresses: usize,
    notes: usize,
    /// Store credit history is kept like orders: the customer is anonymized.
    credit_history: bool,
}

pub async fn delete_form(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (c, addresses, notes, credit_history) = db(&state, move |conn| {
        let c = CustomerRow::find(conn, id)?.ok_or(AppError::NotFound)?;
        Ok((
            c,
            AddressRow::for_customer(conn, id)?.len(),
            NoteRow::for_customer(conn, id)?.len(),
            !crate::db::credit::EntryRow::for_customer(conn, id, 1)?.is_empty(),
        ))
    })
    .await?;
    if c.anonymized_at.is_some() {
        return Err(AppError::NotFound);
    }
    let orders = c.order_count;
    ok(&DeletePage {
        ui: Ui::staff(&auth, Area::Customers, &format!("/customers/{id}/delete")),
        c,
        orders,
        addresses,
        notes,
        credit_history,
    })
}

pub async fn delete(
    auth: Authorized<ManageCustomers>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), auth.staff.id);
    let outcome = db(&state, move |conn| {
        customers::delete(conn, actor, id).map_err(domain_error)
    })
    .await?;
    match outcome {
        Deleted::Anonymized => {
            auth.session
                .flash(FlashKind::Success, "flash-customer-anonymized");
            Ok(see_other(&format!("/customers/{id}")))
        }
        Deleted::Removed => {
            auth.session
                .flash(FlashKind::Success, "flash-customer-deleted");
            Ok(see_other("/customers"))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Addresses, notes, tags
// ---------------------------------------------------------------------------------------

pub async fn add_address(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AddressInput>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, input) = (id.into_inner(), auth.staff.id, form.into_inner());
    let submitted = input.clone();
    match db(&state, move |conn| {
        Ok(customers::add_address(conn, Some(actor), id, &submitted))
    })
    .await?
    {
        Ok(_) => {
            auth.session
                .flash(FlashKind::Success, "flash-address-added");
            Ok(see_other(&format!("/customers/{id}#addresses")))
        }
        Err(CustomerError::Invalid(errors)) => {
            let d = card_data(&state, id, None).await?;
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &card_page(&auth, d, input, FieldErrors(errors), String::new()),
            )
        }
        Err(e) => Err(domain_error(e)),
    }
}

#[derive(Template)]
#[template(path = "admin/customers/address_edit.html")]
struct AddressEditPage {
    ui: Ui,
    customer_id: i64,
    customer_name: String,
    address_id: i64,
    address: AddressInput,
    errors: FieldErrors,
}

/// Loads what the address page shows: the customer's name and the address as a form.
async fn address_page(
    auth: &CurrentStaff,
    state: &AppState,
    id: i64,
    address_id: i64,
    typed: Option<AddressInput>,
    errors: FieldErrors,
) -> Result<AddressEditPage, AppError> {
    let (name, stored) = db(state, move |conn| {
        let c = CustomerRow::find(conn, id)?
            .filter(|c| c.anonymized_at.is_none())
            .ok_or(AppError::NotFound)?;
        let a = AddressRow::for_customer(conn, id)?
            .into_iter()
            .find(|a| a.id == address_id)
            .ok_or(AppError::NotFound)?;
        Ok((c.full_name, a))
    })
    .await?;
    let here = format!("/customers/{id}/addresses/{address_id}/edit");
    Ok(AddressEditPage {
        ui: Ui::staff(auth, Area::Customers, &here),
        customer_id: id,
        customer_name: name,
        address_id,
        address: typed.unwrap_or_else(|| customers::address_input(&stored)),
        errors,
    })
}

pub async fn edit_address_form(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, address_id) = path.into_inner();
    ok(&address_page(&auth, &state, id, address_id, None, FieldErrors::default()).await?)
}

pub async fn update_address(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<AddressInput>,
) -> Result<HttpResponse, AppError> {
    let ((id, address_id), actor, input) =
        (path.into_inner(), Some(auth.staff.id), form.into_inner());
    let submitted = input.clone();
    match db(&state, move |conn| {
        Ok(customers::update_address(
            conn, actor, id, address_id, &submitted,
        ))
    })
    .await?
    {
        Ok(()) => {
            auth.session
                .flash(FlashKind::Success, "flash-address-updated");
            Ok(see_other(&format!("/customers/{id}#addresses")))
        }
        Err(CustomerError::Invalid(errors)) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &address_page(
                &auth,
                &state,
                id,
                address_id,
                Some(input),
                FieldErrors(errors),
            )
            .await?,
        ),
        Err(e) => Err(domain_error(e)),
    }
}

pub async fn delete_address(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let ((id, address_id), actor) = (path.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        customers::delete_address(conn, Some(actor), id, address_id).map_err(domain_error)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-address-deleted");
    Ok(see_other(&format!("/customers/{id}#addresses")))
}

pub async fn default_address(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let ((id, address_id), actor) = (path.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        customers::set_default_address(conn, Some(actor), id, address_id).map_err(domain_error)
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-address-default");
    Ok(see_other(&format!("/customers/{id}#addresses")))
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

pub async fn add_note(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, text) = (id.into_inner(), auth.staff.id, form.into_inner().note);
    let submitted = text.clone();
    match db(&state, move |conn| {
        Ok(customers::add_note(conn, actor, id, &submitted))
    })
    .await?
    {
        Ok(_) => {
            auth.session.flash(FlashKind::Success, "flash-note-added");
            Ok(see_other(&format!("/customers/{id}#notes")))
        }
        Err(CustomerError::Invalid(errors)) => {
            let d = card_data(&state, id, None).await?;
            let address = AddressInput {
                kind: "shipping".into(),
                ..AddressInput::default()
            };
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &card_page(&auth, d, address, FieldErrors(errors), text),
            )
        }
        Err(e) => Err(domain_error(e)),
    }
}

#[derive(Deserialize)]
pub struct PinForm {
    #[serde(default)]
    pinned: String,
}

pub async fn pin_note(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<PinForm>,
) -> Result<HttpResponse, AppError> {
    let ((id, note_id), actor) = (path.into_inner(), auth.staff.id);
    let pinned = form.pinned == "true";
    db(&state, move |conn| {
        customers::pin_note(conn, actor, id, note_id, pinned).map_err(domain_error)
    })
    .await?;
    auth.session.flash(
        FlashKind::Success,
        if pinned {
            "flash-note-pinned"
        } else {
            "flash-note-unpinned"
        },
    );
    Ok(see_other(&format!("/customers/{id}#notes")))
}

pub async fn delete_note(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let ((id, note_id), actor) = (path.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        customers::delete_note(conn, actor, id, note_id).map_err(domain_error)
    })
    .await?;
    auth.session.flash(FlashKind::Success, "flash-note-deleted");
    Ok(see_other(&format!("/customers/{id}#notes")))
}

#[derive(Deserialize)]
pub struct TagForm {
    #[serde(default)]
    tag: String,
}

pub async fn add_tag(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<TagForm>,
) -> Result<HttpResponse, AppError> {
    let (id, actor, name) = (id.into_inner(), auth.staff.id, form.into_inner().tag);
    match db(&state, move |conn| {
        Ok(customers::add_tag(conn, actor, id, &name))
    })
    .await?
    {
        Ok(()) => auth.session.flash(FlashKind::Success, "flash-tag-added"),
        Err(CustomerError::Invalid(errors)) => {
            let key = errors.first().map_or("error-required", |(_, k)| *k);
            auth.session.flash(FlashKind::Error, &format!("tag-{key}"));
        }
        Err(e) => return Err(domain_error(e)),
    }
    Ok(see_other(&format!("/customers/{id}#tags")))
}

pub async fn remove_tag(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let ((id, tag_id), actor) = (path.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        customers::remove_tag(conn, actor, id, tag_id).map_err(domain_error)
    })
    .await?;
    auth.session.flash(FlashKind::Success, "flash-tag-removed");
    Ok(see_other(&format!("/customers/{id}#tags")))
}

// ---------------------------------------------------------------------------------------
// Segments
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
pub struct SegmentForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    criteria: String,
}

/// Saves the current filters as a segment. A refused name comes back as a flash message on
/// the same view (the list is a GET page; its filters are in the URL).
pub async fn create_segment(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    form: web::Form<SegmentForm>,
) -> Result<HttpResponse, AppError> {
    let SegmentForm { name, criteria } = form.into_inner();
    // Keep only the list's own parameters, in their canonical order.
    let criteria = criteria_of(&parse_criteria(&criteria));
    let (actor, saved) = (auth.staff.id, criteria.clone());
    let back = if criteria.is_empty() {
        "/customers".to_owned()
    } else {
        format!("/customers?{criteria}")
    };
    match db(&state, move |conn| {
        Ok(crate::domain::segments::create(conn, actor, &name, &saved))
    })
    .await?
    {
        Ok(_) => auth
            .session
            .flash(FlashKind::Success, "flash-segment-created"),
        Err(crate::domain::segments::SegmentError::Invalid(key)) => {
            auth.session.flash(FlashKind::Error, key)
        }
        Err(e) => return Err(AppError::Internal(e.into())),
    }
    Ok(see_other(&back))
}

pub async fn delete_segment(
    auth: Authorized<EditCustomerContact>,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), auth.staff.id);
    db(&state, move |conn| {
        crate::domain::segments::delete(conn, actor, id).map_err(|e| match e {
            crate::domain::segments::SegmentError::NotFound => AppError::NotFound,
            other => AppError::Internal(other.into()),
        })
    })
    .await?;
    auth.session
        .flash(FlashKind::Success, "flash-segment-deleted");
    Ok(see_other("/customers"))
}
