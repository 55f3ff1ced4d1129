//! Failed-login counters, shared by every app server through the database.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::login_throttle;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = login_throttle)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub window_start: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

impl ThrottleRow {
    pub fn find(conn: &mut DbConn, key: &str) -> QueryResult<Option<ThrottleRow>> {
        login_throttle::table
            .find(key)
            .select(ThrottleRow::as_select())
            .first(conn)
            .optional()
    }

    /// Writes the counter. Call inside a write transaction: update, then insert when the
    /// row is new (diesel's multi-backend connection has no ON CONFLICT).
    pub fn upsert(conn: &mut DbConn, row: &ThrottleRow) -> QueryResult<()> {
        let updated = diesel::update(login_throttle::table.find(&row.key))
            .set((
                login_throttle::failures.eq(row.failures),
                login_throttle::window_start.eq(row.window_start),
                login_throttle::locked_until.eq(row.locked_until),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(login_throttle::table)
                .values((
                    login_throttle::key.eq(&row.key),
                    login_throttle::failures.eq(row.failures),
                    login_throttle::window_start.eq(row.window_start),
                    login_throttle::locked_until.eq(row.locked_until),
                ))
                .execute(conn)?;
        }
        Ok(())
    }

    pub fn clear(conn: &mut DbConn, key: &str) -> QueryResult<usize> {
        diesel::delete(login_throttle::table.find(key)).execute(conn)
    }
}
