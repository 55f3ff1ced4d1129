//! Staff accounts table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::staff;

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: String,
    pub language: Option<String>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = staff)]
pub struct NewStaff<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub language: Option<&'a str>,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl StaffRow {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<StaffRow>> {
        staff::table
            .find(id)
            .select(StaffRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<StaffRow>> {
        staff::table
            .filter(staff::email.eq(email))
            .select(StaffRow::as_select())
            .first(conn)
            .optional()
    }

    pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
        staff::table.count().get_result(conn)
    }

    pub fn count_active_owners(conn: &mut DbConn) -> QueryResult<i64> {
        staff::table
            .filter(staff::role.eq("owner"))
            .filter(staff::active.eq(true))
            .count()
            .get_result(conn)
    }

    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<StaffRow>> {
        staff::table
            .order((staff::active.desc(), staff::name.asc()))
            .select(StaffRow::as_select())
            .load(conn)
    }

    pub fn insert(conn: &mut DbConn, new: &NewStaff<'_>) -> QueryResult<i64> {
        diesel::insert_into(staff::table)
            .values(new)
            .returning(staff::id)
            .get_result(conn)
    }

    pub fn set_role(
        conn: &mut DbConn,
        id: i64,
        role: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set((staff::role.eq(role), staff::updated_at.eq(now)))
            .execute(conn)
    }

    pub fn set_active(
        conn: &mut DbConn,
        id: i64,
        active: bool,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set((staff::active.eq(active), staff::updated_at.eq(now)))
            .execute(conn)
    }

    pub fn set_password_hash(
        conn: &mut DbConn,
        id: i64,
        hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set((staff::password_hash.eq(hash), staff::updated_at.eq(now)))
            .execute(conn)
    }

    pub fn set_language(conn: &mut DbConn, id: i64, lang: &str) -> QueryResult<usize> {
        diesel::update(staff::table.find(id))
            .set(staff::language.eq(Some(lang)))
            .execute(conn)
    }
}
