//! The outbox of e-mail: written inside the transaction of the change that causes a message,
//! read and updated by the mail worker.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::outbox;

/// A message as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub customer_id: Option<i64>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

pub fn insert(
    conn: &mut DbConn,
    kind: &str,
    recipient: &str,
    subject: &str,
    body: &str,
    customer_id: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::kind.eq(kind),
            outbox::recipient.eq(recipient),
            outbox::subject.eq(subject),
            outbox::body.eq(body),
            outbox::customer_id.eq(customer_id),
            outbox::status.eq(PENDING),
            outbox::attempts.eq(0),
            outbox::next_attempt_at.eq(now),
            outbox::created_at.eq(now),
        ))
        .returning(outbox::id)
        .get_result(conn)
}

/// Pending messages whose time has come and that no worker holds, oldest first.
/// Call inside the claiming write transaction: on PostgreSQL the rows are locked
/// (`FOR UPDATE SKIP LOCKED`), so workers of several servers take disjoint batches at once
/// instead of queueing on each other's rows; on SQLite the transaction is `BEGIN IMMEDIATE`,
/// so one claimer runs at a time.
pub fn due(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
    let query = outbox::table
        .filter(outbox::status.eq(PENDING))
        .filter(outbox::next_attempt_at.le(now))
        .filter(
            outbox::claimed_until
                .is_null()
                .or(outbox::claimed_until.lt(now)),
        )
        .order(outbox::id)
        .limit(limit)
        .select(outbox::id);
    match conn {
        DbConn::Pg(c) => query.for_update().skip_locked().load(c),
        DbConn::Sqlite(c) => query.load(c),
    }
}

/// Claims a due message for one worker until `until`; `None` when another worker has it
/// (the guarded update lets exactly one of several claimers win, on both backends).
pub fn claim(
    conn: &mut DbConn,
    id: i64,
    now: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Option<OutboxRow>> {
    let n = diesel::update(
        outbox::table
            .find(id)
            .filter(outbox::status.eq(PENDING))
            .filter(
                outbox::claimed_until
                    .is_null()
                    .or(outbox::claimed_until.lt(now)),
            ),
    )
    .set(outbox::claimed_until.eq(until))
    .execute(conn)?;
    if n == 0 {
        return Ok(None);
    }
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}

/// Claims up to `limit` due messages for one worker until `until`, in one write transaction:
/// of several workers claiming at once (on one server or several), each message goes to
/// exactly one.
pub fn claim_due(
    conn: &mut DbConn,
    now: NaiveDateTime,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    super::write_tx(conn, |conn| {
        let mut rows = Vec::new();
        for id in due(conn, now, limit)? {
            if let Some(row) = claim(conn, id, now, until)? {
                rows.push(row);
            }
        }
        Ok(rows)
    })
}

pub fn mark_sent(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(SENT),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::sent_at.eq(now),
            outbox::claimed_until.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(None::<String>),
        ))
        .execute(conn)
}

/// Records a failed attempt: the message waits until `retry_at`, or is given up (`failed`)
/// when `retry_at` is `None`.
pub fn mark_attempt_failed(
    conn: &mut DbConn,
    id: i64,
    error: &str,
    retry_at: Option<NaiveDateTime>,
) -> QueryResult<usize> {
    let target = outbox::table.find(id);
    let common = (
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::claimed_until.eq(None::<NaiveDateTime>),
        outbox::last_error.eq(Some(error)),
    );
    match retry_at {
        Some(at) => diesel::update(target)
            .set((common, outbox::next_attempt_at.eq(at)))
            .execute(conn),
        None => diesel::update(target)
            .set((common, outbox::status.eq(FAILED)))
            .execute(conn),
    }
}

/// Every message to one address, newest first (tests and the customer's history).
pub fn to_recipient(conn: &mut DbConn, recipient: &str) -> QueryResult<Vec<OutboxRow>> {
    outbox::table
        .filter(outbox::recipient.eq(recipient))
        .order(outbox::id.desc())
        .select(OutboxRow::as_select())
        .load(conn)
}

/// When the newest message of `kind` to a customer was written (a guard against resending
/// a link on every click).
pub fn latest_of_kind(
    conn: &mut DbConn,
    customer_id: i64,
    kind: &str,
) -> QueryResult<Option<NaiveDateTime>> {
    outbox::table
        .filter(outbox::customer_id.eq(customer_id))
        .filter(outbox::kind.eq(kind))
        .order(outbox::id.desc())
        .select(outbox::created_at)
        .first(conn)
        .optional()
}

/// A page of the log, newest first: messages older than `before` (an id), of `status` when
/// given.
pub fn page(
    conn: &mut DbConn,
    status: Option<&str>,
    before: Option<i64>,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    let mut q = outbox::table
        .select(OutboxRow::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = status {
        q = q.filter(outbox::status.eq(s));
    }
    if let Some(b) = before {
        q = q.filter(outbox::id.lt(b));
    }
    q.load(conn)
}

/// How many messages are pending, sent and failed.
pub fn counts(conn: &mut DbConn) -> QueryResult<(i64, i64, i64)> {
    let mut n = |s: &str| -> QueryResult<i64> {
        outbox::table
            .filter(outbox::status.eq(s))
            .count()
            .get_result(conn)
    };
    Ok((n(PENDING)?, n(SENT)?, n(FAILED)?))
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<OutboxRow>> {
    outbox::table
        .find(id)
        .select(OutboxRow::as_select())
        .first(conn)
        .optional()
}
