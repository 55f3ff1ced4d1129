//! Server-side sessions. The row id is the SHA-256 of the cookie's session key, so a copy of
//! the database does not hand out live sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::sessions;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub staff_id: Option<i64>,
    pub state: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub customer_id: Option<i64>,
}

/// Who a session is signed in as: a staff member, a storefront customer, or nobody (never
/// both; signing in as one signs out the other).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SessionOwner {
    pub staff_id: Option<i64>,
    pub customer_id: Option<i64>,
}

impl SessionRow {
    /// The state of a session that has not expired.
    /// The state and expiry of a session that has not expired.
    pub fn load_live(
        conn: &mut DbConn,
        id: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<(String, NaiveDateTime)>> {
        sessions::table
            .find(id)
            .filter(sessions::expires_at.gt(now))
            .select((sessions::state, sessions::expires_at))
            .first(conn)
            .optional()
    }

    pub fn insert(
        conn: &mut DbConn,
        id: &str,
        owner: SessionOwner,
        state: &str,
        now: NaiveDateTime,
        expires_at: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::insert_into(sessions::table)
            .values((
                sessions::id.eq(id),
                sessions::staff_id.eq(owner.staff_id),
                sessions::customer_id.eq(owner.customer_id),
                sessions::state.eq(state),
                sessions::created_at.eq(now),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)
    }

    /// Replaces the state of a live session; 0 rows when it is gone (logged out elsewhere).
    pub fn update_state(
        conn: &mut DbConn,
        id: &str,
        owner: SessionOwner,
        state: &str,
        now: NaiveDateTime,
        expires_at: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::expires_at.gt(now)),
        )
        .set((
            sessions::staff_id.eq(owner.staff_id),
            sessions::customer_id.eq(owner.customer_id),
            sessions::state.eq(state),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
    }

    /// Extends a live session. Skipped (0 rows) when the expiry would move by less than a
    /// minute, so a busy session does not cost a durable write on every request.
    pub fn touch(
        conn: &mut DbConn,
        id: &str,
        now: NaiveDateTime,
        expires_at: NaiveDateTime,
    ) -> QueryResult<usize> {
        // Never revives an expired session, never shortens a live one.
        diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::expires_at.gt(now))
                .filter(sessions::expires_at.lt(expires_at)),
        )
        .set(sessions::expires_at.eq(expires_at))
        .execute(conn)
    }

    pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
        diesel::delete(sessions::table.find(id)).execute(conn)
    }

    /// Ends every session of a staff member (logout everywhere, disabled account, new password).
    pub fn delete_for_staff(conn: &mut DbConn, staff_id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::staff_id.eq(staff_id))).execute(conn)
    }

    /// Ends every storefront session of a customer: a new password or a changed e-mail
    /// signs the customer out everywhere, the device that made the change included.
    pub fn delete_for_customer(conn: &mut DbConn, customer_id: i64) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::customer_id.eq(customer_id))).execute(conn)
    }

    pub fn delete_expired(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
    }

    pub fn count_for_staff(conn: &mut DbConn, staff_id: i64) -> QueryResult<i64> {
        sessions::table
            .filter(sessions::staff_id.eq(staff_id))
            .count()
            .get_result(conn)
    }
}
