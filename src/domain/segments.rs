//! Segments (seed 001): saved filters of the customer list with a name. A segment's criteria
//! are the list's own query parameters, so membership is decided by the one list query and
//! can never disagree with what the list shows.

use chrono::Utc;
use diesel::QueryResult;

use crate::db::segments::SegmentRow;
use crate::db::{DbConn, write_tx};
use crate::domain::audit;

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error("invalid: {0}")]
    Invalid(&'static str),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

const MAX_NAME: usize = 60;

/// Saves the criteria (a list query string without sort or page) under a name.
pub fn create(
    conn: &mut DbConn,
    actor: i64,
    name: &str,
    criteria: &str,
) -> Result<i64, SegmentError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(SegmentError::Invalid("error-segment-name-required"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(SegmentError::Invalid("error-segment-name-too-long"));
    }
    if name.chars().any(char::is_control) {
        return Err(SegmentError::Invalid("error-invalid-characters"));
    }
    if criteria.is_empty() {
        return Err(SegmentError::Invalid("error-segment-no-filter"));
    }
    let key = name.to_lowercase();
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        if SegmentRow::name_taken(conn, &key)? {
            return Err(SegmentError::Invalid("error-segment-name-taken"));
        }
        let id = SegmentRow::insert(conn, name, &key, criteria, actor, now)?;
        audit::record(
            conn,
            Some(actor),
            "segment.create",
            "segment",
            Some(id),
            None,
            Some(format!("{name}: {criteria}")),
            now,
        )?;
        Ok(id)
    })
}

pub fn delete(conn: &mut DbConn, actor: i64, id: i64) -> Result<(), SegmentError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let seg = SegmentRow::find(conn, id)?.ok_or(SegmentError::NotFound)?;
        SegmentRow::delete(conn, id)?;
        audit::record(
            conn,
            Some(actor),
            "segment.delete",
            "segment",
            Some(id),
            Some(format!("{}: {}", seg.name, seg.criteria)),
            None,
            now,
        )?;
        Ok(())
    })
}

pub fn all(conn: &mut DbConn) -> QueryResult<Vec<SegmentRow>> {
    SegmentRow::all(conn)
}
