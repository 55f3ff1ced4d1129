//! Customer groups (seed 002 "Grupos de clientes", seed 003 "Categorías": one concept), their
//! prices and default discounts, and putting customers into them.
//!
//! Invariants:
//! - a customer is in at most one group (a column on the customer);
//! - group names are unique, compared lower-cased;
//! - deleting a group leaves its customers ungrouped and removes its prices;
//! - every change writes an audit entry in the same transaction, and segment counts that
//!   depend on groups are recounted in it.

use chrono::Utc;
use diesel::QueryResult;
use serde::Deserialize;

use crate::db::customer_list::{self, Filter};
use crate::db::groups::{self as q, GroupRow};
use crate::db::segments::SegmentRow;
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::customers::FormErrors;
use crate::domain::types::{Cents, FieldError, Percent};

#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    #[error("invalid input")]
    Invalid(FormErrors),
    /// Group prices that could not be read: (product id, message key).
    #[error("invalid prices")]
    Prices(Vec<(i64, FieldError)>),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

const MAX_NAME: usize = 60;

/// The group form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupInput {
    #[serde(default)]
    pub name: String,
    /// The default discount in percent; empty means none.
    #[serde(default)]
    pub discount: String,
}

struct Valid {
    name: String,
    key: String,
    discount: Percent,
}

fn validate(input: &GroupInput) -> Result<Valid, FormErrors> {
    let mut errors = FormErrors::new();
    let name = input.name.trim();
    if name.is_empty() {
        errors.push(("name", "error-group-name-required"));
    } else if name.chars().count() > MAX_NAME {
        errors.push(("name", "error-too-long"));
    } else if name.chars().any(char::is_control) {
        errors.push(("name", "error-invalid-characters"));
    }
    let discount = if input.discount.trim().is_empty() {
        Percent(0)
    } else {
        Percent::parse(&input.discount)
            .map_err(|e| errors.push(("discount", e)))
            .unwrap_or_default()
    };
    if errors.is_empty() {
        Ok(Valid {
            name: name.to_owned(),
            key: name.to_lowercase(),
            discount,
        })
    } else {
        Err(errors)
    }
}

fn snapshot(name: &str, discount_bp: i64) -> Option<String> {
    serde_json::to_string(&serde_json::json!({ "name": name, "discount_bp": discount_bp })).ok()
}

/// A group with the number of customers in it.
#[derive(Debug, Clone)]
pub struct GroupWithCount {
    pub group: GroupRow,
    pub members: i64,
}

pub fn all_with_counts(conn: &mut DbConn) -> QueryResult<Vec<GroupWithCount>> {
    GroupRow::all(conn)?
        .into_iter()
        .map(|group| {
            let members = GroupRow::member_count(conn, group.id)?;
            Ok(GroupWithCount { group, members })
        })
        .collect()
}

/// "Nuevo grupo" → name → "Guardar". Returns the new group's id.
pub fn create(conn: &mut DbConn, actor: i64, input: &GroupInput) -> Result<i64, GroupError> {
    let v = validate(input).map_err(GroupError::Invalid)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        if GroupRow::name_taken(conn, &v.key, None)? {
            return Err(GroupError::Invalid(vec![(
                "name",
                "error-group-name-taken",
            )]));
        }
        let id = GroupRow::insert(conn, &v.name, &v.key, v.discount.0, now)?;
        audit::record(
            conn,
            Some(actor),
            "group.create",
            "group",
            Some(id),
            None,
            snapshot(&v.name, v.discount.0),
            now,
        )?;
        Ok(id)
    })
}

/// "Editar": a new name and default discount.
pub fn update(
    conn: &mut DbConn,
    actor: i64,
    id: i64,
    input: &GroupInput,
) -> Result<(), GroupError> {
    let v = validate(input).map_err(GroupError::Invalid)?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = GroupRow::find(conn, id)?.ok_or(GroupError::NotFound)?;
        if GroupRow::name_taken(conn, &v.key, Some(id))? {
            return Err(GroupError::Invalid(vec![(
                "name",
                "error-group-name-taken",
            )]));
        }
        GroupRow::update(conn, id, &v.name, &v.key, v.discount.0, now)?;
        audit::record(
            conn,
            Some(actor),
            "group.update",
            "group",
            Some(id),
            snapshot(&before.name, before.discount_bp),
            snapshot(&v.name, v.discount.0),
            now,
        )?;
        Ok(())
    })
}

/// "Borrar": the group goes, its customers stay, ungrouped. Returns how many were in it.
pub fn delete(conn: &mut DbConn, actor: i64, id: i64) -> Result<usize, GroupError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = GroupRow::find(conn, id)?.ok_or(GroupError::NotFound)?;
        let moved = q::ungroup_all(conn, id, now)?;
        GroupRow::delete(conn, id)?;
        recount_group_segments(conn)?;
        audit::record(
            conn,
            Some(actor),
            "group.delete",
            "group",
            Some(id),
            snapshot(&before.name, before.discount_bp),
            Some(format!("{moved}")),
            now,
        )?;
        Ok(moved)
    })
}

/// The prices form: one typed price per product id; an empty one removes the group price.
pub fn set_prices(
    conn: &mut DbConn,
    actor: i64,
    group_id: i64,
    typed: &[(i64, String)],
) -> Result<usize, GroupError> {
    let mut parsed = Vec::with_capacity(typed.len());
    let mut errors = Vec::new();
    for (product, text) in typed {
        if text.trim().is_empty() {
            parsed.push((*product, None));
        } else if text.trim().starts_with('-') {
            errors.push((*product, "error-amount-negative"));
        } else {
            match Cents::parse(text) {
                Ok(c) => parsed.push((*product, Some(c.0))),
                Err(e) => errors.push((*product, e)),
            }
        }
    }
    if !errors.is_empty() {
        return Err(GroupError::Prices(errors));
    }
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        GroupRow::find(conn, group_id)?.ok_or(GroupError::NotFound)?;
        let before: std::collections::HashMap<i64, i64> =
            q::prices(conn, group_id)?.into_iter().collect();
        let mut changed = 0;
        for (product, price) in &parsed {
            if before.get(product).copied() == *price {
                continue;
            }
            if q::product(conn, *product)?.is_none() {
                return Err(GroupError::Prices(vec![(
                    *product,
                    "error-product-unknown",
                )]));
            }
            q::set_price(conn, group_id, *product, *price)?;
            audit::record(
                conn,
                Some(actor),
                "group.price",
                "group",
                Some(group_id),
                before.get(product).map(|p| format!("{product}: {p}")),
                price.map(|p| format!("{product}: {p}")),
                now,
            )?;
            changed += 1;
        }
        Ok(changed)
    })
}

/// Which customers a bulk assignment is for.
#[derive(Debug, Clone)]
pub enum Selection {
    /// The ticked rows of a list page.
    Ids(Vec<i64>),
    /// Every customer the list view shows ("all N matching").
    Matching(Filter),
}

/// The most ids one ticked selection may carry (a list page shows 50).
pub const MAX_IDS: usize = 500;
/// Customers moved per transaction when a whole view is assigned, so other writers get
/// their turn between batches.
const BATCH: i64 = 2_000;

/// How many customers a selection is now (what the confirmation shows).
pub fn selection_count(conn: &mut DbConn, sel: &Selection) -> QueryResult<i64> {
    match sel {
        Selection::Ids(ids) => {
            let mut n = 0;
            for chunk in ids.chunks(MAX_IDS) {
                n += crate::db::customers::CustomerRow::count_live(conn, chunk)?;
            }
            Ok(n)
        }
        // Live customers only, as for ticked rows: anonymized ones are never assigned, so
        // counting them would confirm more than the assignment moves.
        Selection::Matching(f) => customer_list::count_live_exact(conn, f),
    }
}

/// Puts the selected customers into a group (`None`: out of any group). Returns how many
/// customers changed. A whole view is moved in batches of [`BATCH`], each its own
/// transaction with its audit entry; an assignment that stops halfway leaves every batch
/// either done or not.
pub fn assign(
    conn: &mut DbConn,
    actor: i64,
    sel: &Selection,
    group_id: Option<i64>,
) -> Result<usize, GroupError> {
    if let Some(g) = group_id {
        GroupRow::find(conn, g)?.ok_or(GroupError::NotFound)?;
    }
    let apply = |conn: &mut DbConn, ids: &[i64]| -> Result<usize, GroupError> {
        let now = Utc::now().naive_utc();
        write_tx(conn, |conn| {
            if let Some(g) = group_id {
                // The group may have been deleted since the form was shown.
                GroupRow::find(conn, g)?.ok_or(GroupError::NotFound)?;
            }
            let n = q::assign(conn, ids, group_id, now)?;
            if n > 0 {
                recount_group_segments(conn)?;
                audit::record(
                    conn,
                    Some(actor),
                    "group.assign",
                    "group",
                    group_id,
                    None,
                    Some(format!("{n}")),
                    now,
                )?;
            }
            Ok(n)
        })
    };
    match sel {
        Selection::Ids(ids) => {
            if ids.len() > MAX_IDS {
                return Err(GroupError::Invalid(vec![(
                    "ids",
                    "error-selection-too-large",
                )]));
            }
            apply(conn, ids)
        }
        Selection::Matching(f) => {
            let mut total = 0;
            let mut after = 0;
            loop {
                let ids = customer_list::ids_after(conn, f, after, BATCH)?;
                let Some(last) = ids.last().copied() else {
                    break;
                };
                total += apply(conn, &ids)?;
                after = last;
            }
            Ok(total)
        }
    }
}

/// Counts again every segment whose criteria name a group (a group change can move many
/// customers in or out of them at once). Call inside the write transaction.
pub fn recount_group_segments(conn: &mut DbConn) -> QueryResult<()> {
    for seg in SegmentRow::counted(conn)? {
        let filter = crate::domain::segments::filter_of(&seg.criteria);
        if filter.group_id.is_some() {
            let n = customer_list::count_exact(conn, &filter)?;
            SegmentRow::set_count(conn, seg.id, n)?;
        }
    }
    Ok(())
}

/// The group a customer form names: empty for none, else an existing group's id.
pub fn parse_group(conn: &mut DbConn, typed: &str) -> Result<Option<i64>, FieldError> {
    let t = typed.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let id = t.parse::<i64>().map_err(|_| "error-group-unknown")?;
    match GroupRow::find(conn, id) {
        Ok(Some(_)) => Ok(Some(id)),
        _ => Err("error-group-unknown"),
    }
}
