//! The customer list query: filters, sort and keyset pagination.
//!
//! Pages are cut by (sort value, id) instead of OFFSET, so the first, any next and the last
//! page each cost one index range scan, however many customers there are.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{customer_tags, customers};
use super::{Backend, DbConn};

/// Which column the list is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Name,
    Orders,
    Spent,
    LastOrder,
}

impl SortKey {
    pub const ALL: [SortKey; 5] = [
        SortKey::Created,
        SortKey::Name,
        SortKey::Orders,
        SortKey::Spent,
        SortKey::LastOrder,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Name => "name",
            SortKey::Orders => "orders",
            SortKey::Spent => "spent",
            SortKey::LastOrder => "last_order",
        }
    }

    pub fn from_code(s: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// What the list shows: every field is optional; all of them hold at once.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Lower-cased text to find in name, e-mail, phone or city.
    pub search: Option<String>,
    pub registered: Option<bool>,
    pub tag_id: Option<i64>,
    pub country: Option<String>,
    pub created_from: Option<NaiveDate>,
    pub created_to: Option<NaiveDate>,
    pub orders_min: Option<i64>,
    pub orders_max: Option<i64>,
    pub spent_min: Option<i64>,
    pub spent_max: Option<i64>,
    /// Customers who ordered at least twice.
    pub repeat_buyers: bool,
    pub newsletter: Option<bool>,
    /// Exact city, compared case-insensitively.
    pub city: Option<String>,
    pub last_order_from: Option<NaiveDate>,
    pub last_order_to: Option<NaiveDate>,
    /// Only this customer (segment membership of one customer).
    pub customer_id: Option<i64>,
}

/// A sort value as it travels in a cursor.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    Time(NaiveDateTime),
    Text(String),
    Int(i64),
}

/// Where a page starts: after or before the row with this (value, id), or at the last page.
#[derive(Debug, Clone, PartialEq)]
pub enum Position {
    First,
    After(SortValue, i64),
    Before(SortValue, i64),
    Last,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customers)]
pub struct ListRow {
    pub id: i64,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub registered: bool,
    pub city: Option<String>,
    pub country: Option<String>,
    pub order_count: i64,
    pub spent_cents: i64,
    pub last_order_at: Option<NaiveDateTime>,
    pub last_order_status: Option<String>,
    pub last_payment_method: Option<String>,
    pub created_at: NaiveDateTime,
    pub anonymized_at: Option<NaiveDateTime>,
}

impl ListRow {
    /// The sort value of this row for `key` (what the next cursor carries).
    pub fn sort_value(&self, key: SortKey) -> SortValue {
        match key {
            SortKey::Created => SortValue::Time(self.created_at),
            SortKey::Name => SortValue::Text(self.full_name.clone()),
            SortKey::Orders => SortValue::Int(self.order_count),
            SortKey::Spent => SortValue::Int(self.spent_cents),
            SortKey::LastOrder => SortValue::Time(self.last_order_at.unwrap_or(self.created_at)),
        }
    }
}

type Boxed<'a> = customers::BoxedQuery<'a, <DbConn as diesel::Connection>::Backend>;

fn filtered<'a>(f: &'a Filter, key: SortKey, backend: Backend) -> Boxed<'a> {
    let mut q = customers::table.into_boxed();
    if let Some(s) = &f.search {
        // SQLite's trigram index answers searches of three characters or more; shorter ones
        // (and PostgreSQL, whose trigram index serves LIKE itself) use LIKE.
        if backend == Backend::Sqlite && s.chars().count() >= 3 {
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "customers.id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ",
                )
                .bind::<diesel::sql_types::Text, _>(fts_phrase(s))
                .sql(")"),
            );
        } else {
            q = q.filter(
                customers::search_text
                    .like(format!("%{}%", escape_like(s)))
                    .escape('\\'),
            );
        }
    }
    if let Some(r) = f.registered {
        q = q.filter(customers::registered.eq(r));
    }
    if let Some(tag) = f.tag_id {
        q = q.filter(diesel::dsl::exists(
            customer_tags::table
                .filter(customer_tags::customer_id.eq(customers::id))
                .filter(customer_tags::tag_id.eq(tag)),
        ));
    }
    if let Some(c) = &f.country {
        q = q.filter(customers::country.eq(c.clone()));
    }
    if let Some(d) = f.created_from {
        q = q.filter(customers::created_at.ge(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(d) = f.created_to.and_then(|d| d.succ_opt()) {
        q = q.filter(customers::created_at.lt(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(n) = f.orders_min {
        q = q.filter(customers::order_count.ge(n));
    }
    if let Some(n) = f.orders_max {
        q = q.filter(customers::order_count.le(n));
    }
    if let Some(n) = f.spent_min {
        q = q.filter(customers::spent_cents.ge(n));
    }
    if let Some(n) = f.spent_max {
        q = q.filter(customers::spent_cents.le(n));
    }
    if f.repeat_buyers {
        q = q.filter(customers::order_count.ge(2));
    }
    if let Some(n) = f.newsletter {
        q = q.filter(customers::newsletter.eq(n));
    }
    if let Some(c) = &f.city {
        q = q.filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("LOWER(customers.city) = ")
                .bind::<diesel::sql_types::Text, _>(c.to_lowercase()),
        );
    }
    if let Some(d) = f.last_order_from {
        q = q.filter(customers::last_order_at.ge(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(d) = f.last_order_to.and_then(|d| d.succ_opt()) {
        q = q.filter(customers::last_order_at.lt(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(id) = f.customer_id {
        q = q.filter(customers::id.eq(id));
    }
    if key == SortKey::LastOrder {
        // Sorting by the last order lists the customers who have one.
        q = q.filter(customers::last_order_at.is_not_null());
    }
    q
}

/// The search text as one FTS5 phrase: quoted, so operators typed by a user are plain text.
fn fts_phrase(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `%` and `_` typed by a user are literal characters, not wildcards.
fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Counts above this are shown as "10 000+": an exact count of a large view reads every
/// matching row, a capped one stops after `COUNT_CAP + 1`.
pub const COUNT_CAP: i64 = 10_000;

/// The number of matching customers, exact up to [`COUNT_CAP`]; anything above comes back as
/// `COUNT_CAP + 1`.
pub fn count(conn: &mut DbConn, f: &Filter, key: SortKey) -> QueryResult<i64> {
    let backend = super::backend_of(conn);
    let ids: Vec<i64> = filtered(f, key, backend)
        .select(customers::id)
        .limit(COUNT_CAP + 1)
        .load(conn)?;
    Ok(i64::try_from(ids.len()).unwrap_or(COUNT_CAP + 1))
}

/// One page of `limit` rows in display order, plus whether rows exist beyond each end.
pub fn page(
    conn: &mut DbConn,
    f: &Filter,
    key: SortKey,
    descending: bool,
    at: &Position,
    limit: i64,
) -> QueryResult<(Vec<ListRow>, bool)> {
    // Walking backwards (a "previous" or the last page) reads in the opposite order and flips
    // the rows afterwards.
    let backwards = matches!(at, Position::Before(..) | Position::Last);
    let read_desc = descending != backwards;
    let mut q = filtered(f, key, super::backend_of(conn));
    macro_rules! keyset {
        ($col:expr, $v:expr, $id:expr, $greater:expr) => {
            if $greater {
                q = q.filter(
                    $col.gt($v.clone())
                        .or($col.eq($v.clone()).and(customers::id.gt($id))),
                );
            } else {
                q = q.filter(
                    $col.lt($v.clone())
                        .or($col.eq($v.clone()).and(customers::id.lt($id))),
                );
            }
        };
    }
    if let Position::After(v, id) | Position::Before(v, id) = at {
        let greater = !read_desc;
        match (key, v) {
            (SortKey::Created, SortValue::Time(t)) => {
                keyset!(customers::created_at, t, *id, greater)
            }
            (SortKey::Name, SortValue::Text(s)) => keyset!(customers::full_name, s, *id, greater),
            (SortKey::Orders, SortValue::Int(n)) => {
                keyset!(customers::order_count, n, *id, greater)
            }
            (SortKey::Spent, SortValue::Int(n)) => keyset!(customers::spent_cents, n, *id, greater),
            (SortKey::LastOrder, SortValue::Time(t)) => {
                let t = Some(*t);
                keyset!(customers::last_order_at, t, *id, greater)
            }
            // A cursor of the wrong kind (a hand-edited URL) starts from the beginning.
            _ => {}
        }
    }
    q = match (key, read_desc) {
        (SortKey::Created, false) => q.order((customers::created_at.asc(), customers::id.asc())),
        (SortKey::Created, true) => q.order((customers::created_at.desc(), customers::id.desc())),
        (SortKey::Name, false) => q.order((customers::full_name.asc(), customers::id.asc())),
        (SortKey::Name, true) => q.order((customers::full_name.desc(), customers::id.desc())),
        (SortKey::Orders, false) => q.order((customers::order_count.asc(), customers::id.asc())),
        (SortKey::Orders, true) => q.order((customers::order_count.desc(), customers::id.desc())),
        (SortKey::Spent, false) => q.order((customers::spent_cents.asc(), customers::id.asc())),
        (SortKey::Spent, true) => q.order((customers::spent_cents.desc(), customers::id.desc())),
        (SortKey::LastOrder, false) => {
            q.order((customers::last_order_at.asc(), customers::id.asc()))
        }
        (SortKey::LastOrder, true) => {
            q.order((customers::last_order_at.desc(), customers::id.desc()))
        }
    };
    let mut rows: Vec<ListRow> = q.select(ListRow::as_select()).limit(limit + 1).load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    if backwards {
        rows.reverse();
    }
    Ok((rows, more))
}
