//! Recording audit entries; called inside the transaction of the change it describes, so a
//! change and its audit entry are committed together or not at all.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::DbConn;
use crate::db::audit::{AuditRow, NewAuditEntry};

#[allow(clippy::too_many_arguments)]
pub fn record(
    conn: &mut DbConn,
    actor_staff_id: Option<i64>,
    action: &str,
    entity: &str,
    entity_id: Option<i64>,
    before: Option<String>,
    after: Option<String>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    AuditRow::insert(
        conn,
        &NewAuditEntry {
            actor_staff_id,
            action,
            entity,
            entity_id,
            before_state: before,
            after_state: after,
            created_at: now,
        },
    )?;
    Ok(())
}
