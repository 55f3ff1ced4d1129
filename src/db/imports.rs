//! CSV imports of customers and their rows (see the migration for the invariants).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{customer_import_rows, customer_imports, customers, staff};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_imports)]
pub struct ImportRow {
    pub id: i64,
    pub staff_id: i64,
    pub file_name: String,
    pub separator: String,
    pub mode: String,
    pub state: String,
    pub header: String,
    pub fields: String,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_rows: i64,
    pub updated_rows: i64,
    pub rejected_rows: i64,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub finished_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = customer_import_rows)]
pub struct LineRow {
    pub line_no: i64,
    pub cells: String,
    pub errors: Option<String>,
    pub planned: String,
    pub state: String,
    pub customer_id: Option<i64>,
}

/// A new import, in preview.
pub struct NewImport<'a> {
    pub staff_id: i64,
    pub file_name: &'a str,
    pub separator: &'a str,
    pub mode: &'a str,
    pub header: &'a str,
    pub fields: &'a str,
    pub total_rows: i64,
    pub rejected_rows: i64,
    pub created_at: NaiveDateTime,
}

/// A row of a new import.
pub struct NewLine {
    pub line_no: i64,
    pub cells: String,
    pub errors: Option<String>,
    pub planned: &'static str,
}

/// Rows per INSERT: 5 parameters each stays far below SQLite's limit of 32 766.
const INSERT_CHUNK: usize = 1000;

pub fn insert(conn: &mut DbConn, i: &NewImport<'_>, lines: &[NewLine]) -> QueryResult<i64> {
    let id = diesel::insert_into(customer_imports::table)
        .values((
            customer_imports::staff_id.eq(i.staff_id),
            customer_imports::file_name.eq(i.file_name),
            customer_imports::separator.eq(i.separator),
            customer_imports::mode.eq(i.mode),
            customer_imports::state.eq("preview"),
            customer_imports::header.eq(i.header),
            customer_imports::fields.eq(i.fields),
            customer_imports::total_rows.eq(i.total_rows),
            customer_imports::rejected_rows.eq(i.rejected_rows),
            customer_imports::processed_rows.eq(i.rejected_rows),
            customer_imports::created_at.eq(i.created_at),
        ))
        .returning(customer_imports::id)
        .get_result(conn)?;
    for chunk in lines.chunks(INSERT_CHUNK) {
        let values: Vec<_> = chunk
            .iter()
            .map(|l| {
                (
                    customer_import_rows::import_id.eq(id),
                    customer_import_rows::line_no.eq(l.line_no),
                    customer_import_rows::cells.eq(&l.cells),
                    customer_import_rows::errors.eq(l.errors.as_deref()),
                    customer_import_rows::planned.eq(l.planned),
                    customer_import_rows::state.eq(if l.planned == "reject" {
                        "rejected"
                    } else {
                        "pending"
                    }),
                )
            })
            .collect();
        // Multi-row inserts are backend-specific in diesel: one per backend, same statement.
        let insert = diesel::insert_into(customer_import_rows::table).values(values);
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(id)
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<ImportRow>> {
    customer_imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(conn)
        .optional()
}

/// The newest imports with the name of who made them.
pub fn recent(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(ImportRow, String)>> {
    customer_imports::table
        .inner_join(staff::table)
        .order((
            customer_imports::created_at.desc(),
            customer_imports::id.desc(),
        ))
        .limit(limit)
        .select((ImportRow::as_select(), staff::name))
        .load(conn)
}

/// Imports that were started and not finished (a crash cut them short).
pub fn running_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
    customer_imports::table
        .filter(customer_imports::state.eq("running"))
        .select(customer_imports::id)
        .load(conn)
}

/// preview → running, once: false when the import was already started (or is gone).
pub fn start(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        customer_imports::table
            .find(id)
            .filter(customer_imports::state.eq("preview")),
    )
    .set((
        customer_imports::state.eq("running"),
        customer_imports::started_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Removes an import still in preview (nothing of it was applied).
pub fn delete_preview(conn: &mut DbConn, id: i64) -> QueryResult<bool> {
    let state: Option<String> = customer_imports::table
        .find(id)
        .select(customer_imports::state)
        .first(conn)
        .optional()?;
    if state.as_deref() != Some("preview") {
        return Ok(false);
    }
    diesel::delete(customer_import_rows::table.filter(customer_import_rows::import_id.eq(id)))
        .execute(conn)?;
    let n = diesel::delete(
        customer_imports::table
            .find(id)
            .filter(customer_imports::state.eq("preview")),
    )
    .execute(conn)?;
    Ok(n == 1)
}

/// The next pending rows, in file order.
pub fn pending(conn: &mut DbConn, id: i64, limit: i64) -> QueryResult<Vec<LineRow>> {
    customer_import_rows::table
        .filter(customer_import_rows::import_id.eq(id))
        .filter(customer_import_rows::state.eq("pending"))
        .order(customer_import_rows::line_no)
        .limit(limit)
        .select(LineRow::as_select())
        .load(conn)
}

/// Rows in file order from line `after` on, optionally only those in `state`.
pub fn lines(
    conn: &mut DbConn,
    id: i64,
    state: Option<&str>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<LineRow>> {
    let mut q = customer_import_rows::table
        .filter(customer_import_rows::import_id.eq(id))
        .filter(customer_import_rows::line_no.gt(after))
        .into_boxed();
    if let Some(s) = state {
        q = q.filter(customer_import_rows::state.eq(s.to_owned()));
    }
    q.order(customer_import_rows::line_no)
        .limit(limit)
        .select(LineRow::as_select())
        .load(conn)
}

/// Rows the preview planned as `planned`, in file order.
pub fn planned(conn: &mut DbConn, id: i64, planned: &str, limit: i64) -> QueryResult<Vec<LineRow>> {
    customer_import_rows::table
        .filter(customer_import_rows::import_id.eq(id))
        .filter(customer_import_rows::planned.eq(planned.to_owned()))
        .order(customer_import_rows::line_no)
        .limit(limit)
        .select(LineRow::as_select())
        .load(conn)
}

/// How many rows the preview planned as create, update and reject.
pub fn plan_counts(conn: &mut DbConn, id: i64) -> QueryResult<(i64, i64, i64)> {
    let rows: Vec<(String, i64)> = customer_import_rows::table
        .filter(customer_import_rows::import_id.eq(id))
        .group_by(customer_import_rows::planned)
        .select((customer_import_rows::planned, diesel::dsl::count_star()))
        .load(conn)?;
    let of = |p: &str| rows.iter().find(|(k, _)| k == p).map_or(0, |(_, n)| *n);
    Ok((of("create"), of("update"), of("reject")))
}

/// Takes a pending row for this transaction: false when it is not pending any more. On
/// PostgreSQL the update locks the row, so a second runner waits here and then finds it done.
pub fn claim_line(conn: &mut DbConn, id: i64, line_no: i64) -> QueryResult<bool> {
    let n = diesel::update(
        customer_import_rows::table
            .filter(customer_import_rows::import_id.eq(id))
            .filter(customer_import_rows::line_no.eq(line_no))
            .filter(customer_import_rows::state.eq("pending")),
    )
    .set(customer_import_rows::state.eq("pending"))
    .execute(conn)?;
    Ok(n == 1)
}

/// Marks a pending row as done; false when it was not pending any more.
pub fn settle_line(
    conn: &mut DbConn,
    id: i64,
    line_no: i64,
    state: &str,
    customer_id: Option<i64>,
    errors: Option<&str>,
) -> QueryResult<bool> {
    let n = diesel::update(
        customer_import_rows::table
            .filter(customer_import_rows::import_id.eq(id))
            .filter(customer_import_rows::line_no.eq(line_no))
            .filter(customer_import_rows::state.eq("pending")),
    )
    .set((
        customer_import_rows::state.eq(state),
        customer_import_rows::customer_id.eq(customer_id),
        customer_import_rows::errors.eq(errors),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Adds a batch's outcome to the import's counters.
pub fn add_progress(
    conn: &mut DbConn,
    id: i64,
    created: i64,
    updated: i64,
    rejected: i64,
) -> QueryResult<usize> {
    diesel::update(customer_imports::table.find(id))
        .set((
            customer_imports::processed_rows
                .eq(customer_imports::processed_rows + (created + updated + rejected)),
            customer_imports::created_rows.eq(customer_imports::created_rows + created),
            customer_imports::updated_rows.eq(customer_imports::updated_rows + updated),
            customer_imports::rejected_rows.eq(customer_imports::rejected_rows + rejected),
        ))
        .execute(conn)
}

pub fn finish(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        customer_imports::table
            .find(id)
            .filter(customer_imports::state.eq("running")),
    )
    .set((
        customer_imports::state.eq("done"),
        customer_imports::finished_at.eq(Some(now)),
    ))
    .execute(conn)
}

/// The live (not anonymized) customers with one of these e-mails: (e-mail, id, registered),
/// registered ones first, then the newest.
pub fn customers_by_email(
    conn: &mut DbConn,
    emails: &[String],
) -> QueryResult<Vec<(String, i64, bool)>> {
    // No ORDER BY: sorted here, so the planner has no reason to walk an id index instead of
    // the e-mail one (it did on PostgreSQL right after a bulk load, before statistics).
    let q = customers::table
        .filter(customers::anonymized_at.is_null())
        .select((customers::email, customers::id, customers::registered));
    let mut rows: Vec<(Option<String>, i64, bool)> = match emails {
        [one] => q.filter(customers::email.eq(one)).load(conn)?,
        many => q.filter(customers::email.eq_any(many)).load(conn)?,
    };
    rows.sort_by_key(|r| std::cmp::Reverse((r.2, r.1)));
    Ok(rows
        .into_iter()
        .filter_map(|(e, id, r)| e.map(|e| (e, id, r)))
        .collect())
}
