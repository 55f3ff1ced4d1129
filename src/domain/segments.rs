//! Segments (seed 001): saved filters of the customer list with a name. A segment's criteria
//! are the list's own query parameters, so membership is decided by the one list query and
//! can never disagree with what the list shows.
//!
//! Member counts are kept, not counted on every view (a count of a million rows takes
//! seconds). Invariant: for every segment with a count, `member_count` equals the number of
//! customers its list view shows. It holds because a segment is counted in full when it is
//! saved (and at start-up if it never was), and every write that can change how a customer
//! looks to a filter (contact data, location, tags, order figures, creation and deletion)
//! takes a [`Seen`] before the change and settles it after, in the same transaction.

use chrono::Utc;
use diesel::QueryResult;

use crate::db::customer_list::{self, Filter};
use crate::db::segments::SegmentRow;
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::customer_query::{list_state, parse_criteria};

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
        // Counted inside the write transaction, so no customer change slips in between the
        // count and the first settled change.
        let members = customer_list::count_exact(conn, &filter_of(criteria))?;
        SegmentRow::set_count(conn, id, members)?;
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

/// The filter a segment's criteria stand for.
pub fn filter_of(criteria: &str) -> Filter {
    list_state(&parse_criteria(criteria)).filter
}

/// The segments customer `customer_id` is in now.
pub fn containing(conn: &mut DbConn, customer_id: i64) -> QueryResult<Vec<SegmentRow>> {
    let mut found = Vec::new();
    for seg in SegmentRow::all(conn)? {
        if customer_list::contains(conn, &filter_of(&seg.criteria), customer_id)? {
            found.push(seg);
        }
    }
    Ok(found)
}

/// Which counted segments a customer was in before a change. Take it inside the write
/// transaction, change the customer, then [`Seen::settle`] it.
#[derive(Debug)]
#[must_use = "a change that is not settled leaves the segment counts wrong"]
pub struct Seen {
    customer_id: i64,
    segments: Vec<(i64, Filter, bool)>,
}

impl Seen {
    /// Memberships before the change. A customer about to be created is in no segment.
    pub fn before(conn: &mut DbConn, customer_id: i64) -> QueryResult<Seen> {
        let mut segments = Vec::new();
        for seg in SegmentRow::counted(conn)? {
            let filter = filter_of(&seg.criteria);
            let member = customer_list::contains(conn, &filter, customer_id)?;
            segments.push((seg.id, filter, member));
        }
        Ok(Seen {
            customer_id,
            segments,
        })
    }

    /// Memberships before the creation of a customer: none, whatever id it will get.
    pub fn new_customer(conn: &mut DbConn) -> QueryResult<Seen> {
        let segments = SegmentRow::counted(conn)?
            .into_iter()
            .map(|seg| (seg.id, filter_of(&seg.criteria), false))
            .collect();
        Ok(Seen {
            customer_id: 0,
            segments,
        })
    }

    /// For a [`Seen::new_customer`]: the id the customer got.
    pub fn of(mut self, customer_id: i64) -> Seen {
        self.customer_id = customer_id;
        self
    }

    /// Moves each segment's count by the change in this customer's membership.
    pub fn settle(self, conn: &mut DbConn) -> QueryResult<()> {
        for (id, filter, was) in &self.segments {
            let is = customer_list::contains(conn, filter, self.customer_id)?;
            if is != *was {
                SegmentRow::add_to_count(conn, *id, if is { 1 } else { -1 })?;
            }
        }
        Ok(())
    }
}

/// Counts every segment that has no count yet (saved before counts were kept); returns how
/// many it counted. Run at start-up.
pub fn count_uncounted(conn: &mut DbConn) -> QueryResult<usize> {
    let ids = SegmentRow::uncounted_ids(conn)?;
    for id in &ids {
        write_tx(conn, |conn| {
            if let Some(seg) = SegmentRow::find(conn, *id)? {
                let n = customer_list::count_exact(conn, &filter_of(&seg.criteria))?;
                SegmentRow::set_count(conn, *id, n)?;
            }
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(ids.len())
}

/// Counts every segment again in full: after a bulk load that bypassed the domain.
pub fn recount_all(conn: &mut DbConn) -> QueryResult<()> {
    for seg in SegmentRow::all(conn)? {
        write_tx(conn, |conn| {
            let n = customer_list::count_exact(conn, &filter_of(&seg.criteria))?;
            SegmentRow::set_count(conn, seg.id, n)?;
            Ok::<_, diesel::result::Error>(())
        })?;
    }
    Ok(())
}
