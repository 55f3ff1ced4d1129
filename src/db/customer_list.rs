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
    /// Customers with store credit left (in the store currency).
    pub has_credit: bool,
    /// Customers with loyalty points.
    pub has_points: bool,
    /// Exact city, compared case-insensitively.
    pub city: Option<String>,
    pub last_order_from: Option<NaiveDate>,
    pub last_order_to: Option<NaiveDate>,
    /// Customers of this group.
    pub group_id: Option<i64>,
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
        // SQLite's trigram index answers searches of three characters or more; shorter ones,
        // one customer's own row (a segment membership test), and PostgreSQL, whose trigram
        // index serves LIKE itself, use LIKE.
        if backend == Backend::Sqlite && s.chars().count() >= 3 && f.customer_id.is_none() {
            q = q.filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "customers.id IN (SELECT rowid FROM customers_fts WHERE customers_fts MATCH ",
                )
                .bind::<diesel::sql_types::Text, _>(fts_phrase(s))
                .sql(")"),
            );
        } else {
            q = q.filter(like_search(s));
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
    if f.has_credit {
        q = q.filter(customers::credit_cents.gt(0));
    }
    if f.has_points {
        q = q.filter(customers::points.gt(0));
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
    if let Some(g) = f.group_id {
        q = q.filter(customers::group_id.eq(g));
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

/// Whether a customer's `search_text` matches the lower-cased search `s`: it contains it.
/// The same rule as `LIKE '%s%'` over the lower-cased `search_text` (SQLite folds ASCII case
/// only, and both sides are already lower case), which the database applies in [`filtered`].
fn search_matches(search_text: &str, s: &str) -> bool {
    search_text.contains(s)
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

/// The exact number of matching customers, however many (a segment's first count).
pub fn count_exact(conn: &mut DbConn, f: &Filter) -> QueryResult<i64> {
    let backend = super::backend_of(conn);
    filtered(f, SortKey::Created, backend)
        .count()
        .get_result(conn)
}

/// The exact number of live (not anonymized) matching customers: what a bulk action over the
/// view changes ([`ids_after`] walks the same rows).
pub fn count_live_exact(conn: &mut DbConn, f: &Filter) -> QueryResult<i64> {
    let backend = super::backend_of(conn);
    filtered(f, SortKey::Created, backend)
        .filter(customers::anonymized_at.is_null())
        .count()
        .get_result(conn)
}

/// Up to `limit` ids of live customers matching the filter, above `after_id`, in id order (a
/// bulk action walks a whole view in batches with it).
pub fn ids_after(
    conn: &mut DbConn,
    f: &Filter,
    after_id: i64,
    limit: i64,
) -> QueryResult<Vec<i64>> {
    let backend = super::backend_of(conn);
    filtered(f, SortKey::Created, backend)
        .filter(customers::id.gt(after_id))
        .filter(customers::anonymized_at.is_null())
        .order(customers::id.asc())
        .select(customers::id)
        .limit(limit)
        .load(conn)
}

/// Whether customer `id` matches the filter (whatever `f.customer_id` says).
pub fn contains(conn: &mut DbConn, f: &Filter, id: i64) -> QueryResult<bool> {
    let backend = super::backend_of(conn);
    let one = Filter {
        customer_id: Some(id),
        ..f.clone()
    };
    let found: Option<i64> = filtered(&one, SortKey::Created, backend)
        .select(customers::id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The number of customers, kept by database triggers (no scan).
pub fn total(conn: &mut DbConn) -> QueryResult<i64> {
    use super::schema::counters;
    counters::table
        .filter(counters::name.eq("customers"))
        .select(counters::value)
        .first(conn)
}

/// How many rows of the sort order a search first reads and tests with LIKE: enough to fill
/// a page when the searched text is common (one customer in a hundred), cheap when it is not.
const PROBE_ROWS: i64 = 5_000;

/// One page of `limit` rows in display order, plus whether rows exist beyond each end.
///
/// A search is answered in one of two ways, and both give the same rows. A common text
/// ("garcía": tens of thousands of matches) is found fastest by reading the sort order and
/// testing each row, which fills a page after a few thousand rows; a rare one by the search
/// index, which returns few rows to sort. On SQLite the probe tries the first within
/// [`PROBE_ROWS`]; when that does not fill the page the search index answers.
pub fn page(
    conn: &mut DbConn,
    f: &Filter,
    key: SortKey,
    descending: bool,
    at: &Position,
    limit: i64,
) -> QueryResult<(Vec<ListRow>, bool)> {
    let backend = super::backend_of(conn);
    let backwards = matches!(at, Position::Before(..) | Position::Last);
    let read_desc = descending != backwards;
    // PostgreSQL's planner makes this choice itself (its statistics tell a common trigram
    // from a rare one); SQLite's cannot see inside the search index, so it gets the probe.
    if let (Some(s), None, Backend::Sqlite) = (&f.search, f.customer_id, backend) {
        let rest = Filter {
            search: None,
            ..f.clone()
        };
        // Rows are stepped one at a time and the walk stops as soon as the page is full, so a
        // common text costs only the rows read to find it.
        let (hits, read) = {
            let rows = ordered(filtered(&rest, key, backend), key, read_desc, at)
                .select((customers::id, customers::search_text))
                .limit(PROBE_ROWS)
                .load_iter::<(i64, String), diesel::connection::DefaultLoadingMode>(conn)?;
            let mut hits = Vec::new();
            let mut read = 0;
            for row in rows {
                let (id, text) = row?;
                read += 1;
                if search_matches(&text, s) {
                    hits.push(id);
                    if hits.len() as i64 > limit {
                        break;
                    }
                }
            }
            (hits, read)
        };
        // Conclusive when the page is full, or when the window held every candidate.
        if hits.len() as i64 > limit || read < PROBE_ROWS {
            let mut rows: Vec<ListRow> = customers::table
                .filter(customers::id.eq_any(&hits))
                .select(ListRow::as_select())
                .load(conn)?;
            rows.sort_by_key(|r| hits.iter().position(|h| *h == r.id));
            return Ok(finish(rows, limit, backwards));
        }
    }
    let q = ordered(filtered(f, key, backend), key, read_desc, at);
    let rows: Vec<ListRow> = q.select(ListRow::as_select()).limit(limit + 1).load(conn)?;
    Ok(finish(rows, limit, backwards))
}

fn finish(mut rows: Vec<ListRow>, limit: i64, backwards: bool) -> (Vec<ListRow>, bool) {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    // Walking backwards (a "previous" or the last page) read in the opposite order.
    if backwards {
        rows.reverse();
    }
    (rows, more)
}

fn like_search<'a>(
    s: &str,
) -> Box<dyn BoxableExpression<customers::table, DbBackend, SqlType = diesel::sql_types::Bool> + 'a>
{
    Box::new(
        customers::search_text
            .like(format!("%{}%", escape_like(s)))
            .escape('\\'),
    )
}

type DbBackend = <DbConn as diesel::Connection>::Backend;

/// The query cut after or before a cursor and put in the order it is read (`read_desc`).
fn ordered<'a>(mut q: Boxed<'a>, key: SortKey, read_desc: bool, at: &Position) -> Boxed<'a> {
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
    match (key, read_desc) {
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
    }
}
