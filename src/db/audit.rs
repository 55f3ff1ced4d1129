//! The audit trail: who changed what, when, with the state before and after.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConn;
use super::schema::{audit_log, staff};

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
pub struct NewAuditEntry<'a> {
    pub actor_staff_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: i64,
    pub actor_staff_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub created_at: NaiveDateTime,
}

impl AuditRow {
    pub fn insert(conn: &mut DbConn, entry: &NewAuditEntry<'_>) -> QueryResult<usize> {
        diesel::insert_into(audit_log::table)
            .values(entry)
            .execute(conn)
    }

    /// The newest `limit` entries about one entity, with the acting staff member's name.
    pub fn for_entity_with_actor(
        conn: &mut DbConn,
        entity: &str,
        id: i64,
        limit: i64,
    ) -> QueryResult<Vec<(AuditRow, Option<String>)>> {
        audit_log::table
            .left_join(staff::table)
            .filter(audit_log::entity.eq(entity))
            .filter(audit_log::entity_id.eq(id))
            .order(audit_log::id.desc())
            .limit(limit)
            .select((AuditRow::as_select(), staff::name.nullable()))
            .load(conn)
    }

    pub fn for_entity(conn: &mut DbConn, entity: &str, id: i64) -> QueryResult<Vec<AuditRow>> {
        audit_log::table
            .filter(audit_log::entity.eq(entity))
            .filter(audit_log::entity_id.eq(id))
            .order(audit_log::id.desc())
            .select(AuditRow::as_select())
            .load(conn)
    }
}
