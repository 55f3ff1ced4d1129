//! The customer list's parameters: what a list URL, a CSV export and a saved segment ask for,
//! parsed in one place into a [`Filter`], a sort and a position.
//!
//! A segment stores the same parameters as a query string (see [`criteria_of`]), so a segment's
//! members are exactly the customers its list view shows.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;

use crate::db::customer_list::{Filter, ListRow, Position, SortKey, SortValue};
use crate::domain::types::Cents;

/// The list's query string. Every field is text so that a bad value becomes a message, not a
/// 400 page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    pub q: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub tag: Option<String>,
    pub country: Option<String>,
    pub created_from: Option<String>,
    pub created_to: Option<String>,
    pub orders_min: Option<String>,
    pub orders_max: Option<String>,
    pub spent_min: Option<String>,
    pub spent_max: Option<String>,
    pub repeat: Option<String>,
    pub newsletter: Option<String>,
    /// "yes": customers with store credit.
    pub credit: Option<String>,
    /// "yes": customers with loyalty points.
    pub points: Option<String>,
    pub city: Option<String>,
    /// A customer group's id.
    pub group: Option<String>,
    pub last_order_from: Option<String>,
    pub last_order_to: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub after: Option<String>,
    pub before: Option<String>,
    pub last: Option<String>,
}

pub fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The parsed list state: filter, sort, position, and the messages about values that could
/// not be used.
pub struct ListState {
    pub filter: Filter,
    pub sort: SortKey,
    pub descending: bool,
    pub position: Position,
    pub errors: Vec<&'static str>,
}

fn parse_count(v: &Option<String>, errors: &mut Vec<&'static str>) -> Option<i64> {
    let s = non_empty(v)?;
    match s.parse::<i64>() {
        Ok(n) if (0..=1_000_000_000).contains(&n) => Some(n),
        _ => {
            errors.push("filter-error-count");
            None
        }
    }
}

fn parse_money(v: &Option<String>, errors: &mut Vec<&'static str>) -> Option<i64> {
    let s = non_empty(v)?;
    match Cents::parse(s) {
        Ok(c) => Some(c.0),
        Err(_) => {
            errors.push("filter-error-amount");
            None
        }
    }
}

/// Free text of a filter or cursor: control characters are refused (PostgreSQL takes no NUL
/// in a text value).
fn plain_text<'a>(v: &'a Option<String>, errors: &mut Vec<&'static str>) -> Option<&'a str> {
    let s = non_empty(v)?;
    if s.chars().any(char::is_control) {
        errors.push("error-invalid-characters");
        return None;
    }
    Some(s)
}

fn parse_date(v: &Option<String>, errors: &mut Vec<&'static str>) -> Option<NaiveDate> {
    let s = non_empty(v)?;
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            errors.push("filter-error-date");
            None
        }
    }
}

const CURSOR_TIME: &str = "%Y-%m-%dT%H:%M:%S%.f";

pub fn parse_cursor(key: SortKey, raw: &str) -> Option<(SortValue, i64)> {
    let (value, id) = raw.rsplit_once('~')?;
    let id = id.parse().ok()?;
    let value = match key {
        SortKey::Created | SortKey::LastOrder => {
            SortValue::Time(NaiveDateTime::parse_from_str(value, CURSOR_TIME).ok()?)
        }
        SortKey::Name => SortValue::Text(value.to_owned()),
        SortKey::Orders | SortKey::Spent => SortValue::Int(value.parse().ok()?),
    };
    Some((value, id))
}

pub fn cursor(row: &ListRow, key: SortKey) -> String {
    let v = match row.sort_value(key) {
        SortValue::Time(t) => t.format(CURSOR_TIME).to_string(),
        SortValue::Text(s) => s,
        SortValue::Int(n) => n.to_string(),
    };
    format!("{v}~{}", row.id)
}

/// The filter, sort and position a list query string asks for (the list, its CSV export and
/// segments all read it here).
pub fn list_state(q: &ListQuery) -> ListState {
    let mut errors = Vec::new();
    let filter = Filter {
        search: plain_text(&q.q, &mut errors).map(str::to_lowercase),
        registered: match non_empty(&q.kind) {
            Some("registered") => Some(true),
            Some("guest") => Some(false),
            _ => None,
        },
        tag_id: non_empty(&q.tag).and_then(|t| t.parse().ok()),
        country: plain_text(&q.country, &mut errors).map(str::to_ascii_uppercase),
        created_from: parse_date(&q.created_from, &mut errors),
        created_to: parse_date(&q.created_to, &mut errors),
        orders_min: parse_count(&q.orders_min, &mut errors),
        orders_max: parse_count(&q.orders_max, &mut errors),
        spent_min: parse_money(&q.spent_min, &mut errors),
        spent_max: parse_money(&q.spent_max, &mut errors),
        repeat_buyers: non_empty(&q.repeat).is_some(),
        has_credit: non_empty(&q.credit) == Some("yes"),
        has_points: non_empty(&q.points) == Some("yes"),
        newsletter: match non_empty(&q.newsletter) {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
        city: plain_text(&q.city, &mut errors).map(str::to_owned),
        last_order_from: parse_date(&q.last_order_from, &mut errors),
        last_order_to: parse_date(&q.last_order_to, &mut errors),
        group_id: non_empty(&q.group).and_then(|g| g.parse().ok()),
        customer_id: None,
    };
    let sort = non_empty(&q.sort)
        .and_then(SortKey::from_code)
        .unwrap_or(SortKey::Created);
    let descending = match non_empty(&q.dir) {
        Some("asc") => false,
        Some("desc") => true,
        // Names read A→Z; everything else newest or biggest first.
        _ => sort != SortKey::Name,
    };
    let position = if non_empty(&q.last).is_some() {
        Position::Last
    } else if let Some((v, id)) =
        plain_text(&q.after, &mut errors).and_then(|c| parse_cursor(sort, c))
    {
        Position::After(v, id)
    } else if let Some((v, id)) =
        plain_text(&q.before, &mut errors).and_then(|c| parse_cursor(sort, c))
    {
        Position::Before(v, id)
    } else {
        Position::First
    };
    ListState {
        filter,
        sort,
        descending,
        position,
        errors,
    }
}

/// The list's filter parameters, in the order they appear in URLs (and segment criteria).
pub const FILTER_PARAMS: [&str; 18] = [
    "q",
    "type",
    "tag",
    "country",
    "city",
    "created_from",
    "created_to",
    "orders_min",
    "orders_max",
    "spent_min",
    "spent_max",
    "last_order_from",
    "last_order_to",
    "repeat",
    "newsletter",
    "credit",
    "points",
    "group",
];

/// The value of one list parameter, if set.
pub fn param<'a>(q: &'a ListQuery, name: &str) -> Option<&'a str> {
    let v = match name {
        "q" => &q.q,
        "type" => &q.kind,
        "tag" => &q.tag,
        "country" => &q.country,
        "city" => &q.city,
        "created_from" => &q.created_from,
        "created_to" => &q.created_to,
        "orders_min" => &q.orders_min,
        "orders_max" => &q.orders_max,
        "spent_min" => &q.spent_min,
        "spent_max" => &q.spent_max,
        "last_order_from" => &q.last_order_from,
        "last_order_to" => &q.last_order_to,
        "repeat" => &q.repeat,
        "newsletter" => &q.newsletter,
        "credit" => &q.credit,
        "points" => &q.points,
        "group" => &q.group,
        "sort" => &q.sort,
        "dir" => &q.dir,
        _ => return None,
    };
    non_empty(v)
}

/// The filters of a view as a query string without sort or page: what a segment stores.
pub fn criteria_of(q: &ListQuery) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for k in FILTER_PARAMS {
        if let Some(v) = param(q, k) {
            out.append_pair(k, v);
        }
    }
    out.finish()
}

/// The parameters of a stored criteria string (a segment's); unknown or broken ones are ignored.
pub fn parse_criteria(criteria: &str) -> ListQuery {
    serde_html_form::from_str(criteria).unwrap_or_default()
}
