//! Saved customer segments.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::segments;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = segments)]
pub struct SegmentRow {
    pub id: i64,
    pub name: String,
    pub criteria: String,
    pub created_at: NaiveDateTime,
    /// How many customers the segment holds; `None` until it has been counted once.
    pub member_count: Option<i64>,
}

impl SegmentRow {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<SegmentRow>> {
        segments::table
            .order((segments::name_key.asc(), segments::id.asc()))
            .select(SegmentRow::as_select())
            .load(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<SegmentRow>> {
        segments::table
            .find(id)
            .select(SegmentRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn name_taken(conn: &mut DbConn, key: &str) -> QueryResult<bool> {
        Ok(segments::table
            .filter(segments::name_key.eq(key))
            .count()
            .get_result::<i64>(conn)?
            > 0)
    }

    pub fn insert(
        conn: &mut DbConn,
        name: &str,
        key: &str,
        criteria: &str,
        actor: i64,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(segments::table)
            .values((
                segments::name.eq(name),
                segments::name_key.eq(key),
                segments::criteria.eq(criteria),
                segments::created_by.eq(Some(actor)),
                segments::created_at.eq(now),
            ))
            .returning(segments::id)
            .get_result(conn)
    }

    /// Segments whose member count is kept (every one counted at least once).
    pub fn counted(conn: &mut DbConn) -> QueryResult<Vec<SegmentRow>> {
        segments::table
            .filter(segments::member_count.is_not_null())
            .order(segments::id.asc())
            .select(SegmentRow::as_select())
            .load(conn)
    }

    pub fn uncounted_ids(conn: &mut DbConn) -> QueryResult<Vec<i64>> {
        segments::table
            .filter(segments::member_count.is_null())
            .select(segments::id)
            .load(conn)
    }

    pub fn set_count(conn: &mut DbConn, id: i64, count: i64) -> QueryResult<usize> {
        diesel::update(segments::table.find(id))
            .set(segments::member_count.eq(Some(count)))
            .execute(conn)
    }

    pub fn add_to_count(conn: &mut DbConn, id: i64, delta: i64) -> QueryResult<usize> {
        diesel::update(segments::table.find(id))
            .set(segments::member_count.eq(segments::member_count + delta))
            .execute(conn)
    }

    pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
        diesel::delete(segments::table.find(id)).execute(conn)
    }
}
