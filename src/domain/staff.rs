//! Staff accounts: roles and what each may do, creating and changing accounts, signing in.
//!
//! Invariants:
//! - the permission table [`Role::can`] is the only place that decides what a role may do;
//! - there is always at least one active owner once setup is done (the last one cannot be
//!   demoted or disabled);
//! - disabling an account or changing its password ends its sessions in the same transaction.

use chrono::{NaiveDateTime, Utc};
use diesel::QueryResult;
use serde::Serialize;

use crate::auth::password;
use crate::db::sessions::SessionRow;
use crate::db::staff::{NewStaff, StaffRow};
use crate::db::{DbConn, write_tx};
use crate::domain::audit;
use crate::domain::types::{Email, FieldError, NewPassword, PersonName};
use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Manager,
    Support,
}

/// Something a staff member may or may not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// The dashboard, customer lists and cards.
    ViewCustomers,
    /// Contact data, addresses, notes and tags of customers; creating customers.
    EditCustomerContact,
    /// Deleting (anonymizing) customers and changing order statuses.
    ManageCustomers,
    /// Store credit, points, prices, groups, orders' money.
    ManageMoney,
    /// Staff accounts.
    ManageStaff,
    /// Store settings.
    ManageSettings,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Manager, Role::Support];

    pub fn code(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::Support => "support",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The one permission table of the product.
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner => true,
            Role::Manager => !matches!(p, ManageStaff | ManageSettings),
            Role::Support => matches!(p, ViewCustomers | EditCustomerContact),
        }
    }
}

/// A staff member as the rest of the application sees them (no password hash).
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub language: Option<Lang>,
    pub active: bool,
    pub created_at: NaiveDateTime,
}

impl Staff {
    fn from_row(row: StaffRow) -> Staff {
        Staff {
            id: row.id,
            email: row.email,
            name: row.name,
            // A role the code does not know gets the least rights.
            role: Role::from_code(&row.role).unwrap_or(Role::Support),
            language: row.language.as_deref().and_then(Lang::from_code),
            active: row.active,
            created_at: row.created_at,
        }
    }
}

#[derive(Debug, Serialize)]
struct AuditView<'a> {
    email: &'a str,
    name: &'a str,
    role: Role,
    active: bool,
}

fn audit_view(s: &Staff) -> Option<String> {
    serde_json::to_string(&AuditView {
        email: &s.email,
        name: &s.name,
        role: s.role,
        active: s.active,
    })
    .ok()
}

pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Staff>> {
    Ok(StaffRow::find(conn, id)?.map(Staff::from_row))
}

pub fn list(conn: &mut DbConn) -> QueryResult<Vec<Staff>> {
    Ok(StaffRow::all(conn)?
        .into_iter()
        .map(Staff::from_row)
        .collect())
}

pub fn any_exists(conn: &mut DbConn) -> QueryResult<bool> {
    Ok(StaffRow::count(conn)? > 0)
}

/// What a new account needs, as typed into the form.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct NewStaffInput {
    pub name: String,
    pub email: String,
    pub password: String,
    pub password_confirm: String,
    #[serde(default)]
    pub role: String,
}

/// Field errors of a form: (field name, Fluent key).
pub type FormErrors = Vec<(&'static str, FieldError)>;

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    #[error("invalid input")]
    Invalid(FormErrors),
    #[error("not allowed: {0}")]
    NotAllowed(&'static str),
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

struct ValidNewStaff {
    name: PersonName,
    email: Email,
    password: NewPassword,
    role: Role,
}

fn validate_new(input: &NewStaffInput, role: Option<Role>) -> Result<ValidNewStaff, FormErrors> {
    let mut errors = FormErrors::new();
    let name = PersonName::parse(&input.name)
        .map_err(|e| errors.push(("name", e)))
        .ok();
    let email = Email::parse(&input.email)
        .map_err(|e| errors.push(("email", e)))
        .ok();
    let password = NewPassword::parse(&input.password)
        .map_err(|e| errors.push(("password", e)))
        .ok();
    if password.is_some() && input.password != input.password_confirm {
        errors.push(("password_confirm", "error-password-mismatch"));
    }
    let role = role.or_else(|| Role::from_code(&input.role));
    if role.is_none() {
        errors.push(("role", "error-required"));
    }
    match (name, email, password, role) {
        (Some(name), Some(email), Some(password), Some(role)) if errors.is_empty() => {
            Ok(ValidNewStaff {
                name,
                email,
                password,
                role,
            })
        }
        _ => Err(errors),
    }
}

fn insert_staff(
    conn: &mut DbConn,
    v: &ValidNewStaff,
    hash: &str,
    actor: Option<i64>,
    now: NaiveDateTime,
) -> Result<i64, StaffError> {
    if StaffRow::find_by_email(conn, v.email.as_str())?.is_some() {
        return Err(StaffError::Invalid(vec![("email", "error-email-taken")]));
    }
    let id = StaffRow::insert(
        conn,
        &NewStaff {
            email: v.email.as_str(),
            name: v.name.as_str(),
            password_hash: hash,
            role: v.role.code(),
            language: None,
            active: true,
            created_at: now,
            updated_at: now,
        },
    )?;
    let created = find(conn, id)?.ok_or(StaffError::NotFound)?;
    audit::record(
        conn,
        actor.or(Some(id)),
        "staff.create",
        "staff",
        Some(id),
        None,
        audit_view(&created),
        now,
    )?;
    Ok(id)
}

/// Creates the first account, an owner, while no account exists yet. Returns its id.
pub fn create_first_owner(conn: &mut DbConn, input: &NewStaffInput) -> Result<i64, StaffError> {
    let valid = validate_new(input, Some(Role::Owner)).map_err(StaffError::Invalid)?;
    // Hash outside the transaction: it takes tens of milliseconds of CPU.
    let hash = password::hash(valid.password.expose())?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        if StaffRow::count(conn)? > 0 {
            return Err(StaffError::NotAllowed("setup already done"));
        }
        let id = insert_staff(conn, &valid, &hash, None, now)?;
        crate::domain::settings::clear_setup_token(conn)?;
        Ok(id)
    })
}

/// Creates an account of any role; the caller must hold `ManageStaff`.
pub fn create(conn: &mut DbConn, actor: i64, input: &NewStaffInput) -> Result<i64, StaffError> {
    let valid = validate_new(input, None).map_err(StaffError::Invalid)?;
    let hash = password::hash(valid.password.expose())?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        insert_staff(conn, &valid, &hash, Some(actor), now)
    })
}

fn guard_last_owner(conn: &mut DbConn, target: &Staff) -> Result<(), StaffError> {
    if target.role == Role::Owner && target.active && StaffRow::count_active_owners(conn)? <= 1 {
        return Err(StaffError::NotAllowed("error-last-owner"));
    }
    Ok(())
}

pub fn change_role(conn: &mut DbConn, actor: i64, id: i64, role: Role) -> Result<(), StaffError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(StaffError::NotFound)?;
        if before.role == role {
            return Ok(());
        }
        guard_last_owner(conn, &before)?;
        StaffRow::set_role(conn, id, role.code(), now)?;
        let after = Staff {
            role,
            ..before.clone()
        };
        audit::record(
            conn,
            Some(actor),
            "staff.role",
            "staff",
            Some(id),
            audit_view(&before),
            audit_view(&after),
            now,
        )?;
        Ok(())
    })
}

/// Enables or disables an account. Disabling ends every session of that account at once.
pub fn set_active(conn: &mut DbConn, actor: i64, id: i64, active: bool) -> Result<(), StaffError> {
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        let before = find(conn, id)?.ok_or(StaffError::NotFound)?;
        if before.active == active {
            return Ok(());
        }
        if !active {
            guard_last_owner(conn, &before)?;
            SessionRow::delete_for_staff(conn, id)?;
        }
        StaffRow::set_active(conn, id, active, now)?;
        let after = Staff {
            active,
            ..before.clone()
        };
        let action = if active {
            "staff.enable"
        } else {
            "staff.disable"
        };
        audit::record(
            conn,
            Some(actor),
            action,
            "staff",
            Some(id),
            audit_view(&before),
            audit_view(&after),
            now,
        )?;
        Ok(())
    })
}

/// What the password form sends.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PasswordChangeInput {
    pub current_password: String,
    pub new_password: String,
    pub new_password_confirm: String,
}

/// Changes one's own password after checking the current one, and ends every session of the
/// account (the caller then renews its own session so this browser stays signed in).
pub fn change_password(
    conn: &mut DbConn,
    id: i64,
    input: &PasswordChangeInput,
) -> Result<(), StaffError> {
    let row = StaffRow::find(conn, id)?.ok_or(StaffError::NotFound)?;
    let mut errors = FormErrors::new();
    if !password::verify(&input.current_password, &row.password_hash) {
        errors.push(("current_password", "error-password-wrong"));
    }
    let new = NewPassword::parse(&input.new_password)
        .map_err(|e| errors.push(("new_password", e)))
        .ok();
    if new.is_some() && input.new_password != input.new_password_confirm {
        errors.push(("new_password_confirm", "error-password-mismatch"));
    }
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Err(StaffError::Invalid(errors));
    };
    let hash = password::hash(new.expose())?;
    let now = Utc::now().naive_utc();
    write_tx(conn, |conn| {
        StaffRow::set_password_hash(conn, id, &hash, now)?;
        SessionRow::delete_for_staff(conn, id)?;
        audit::record(
            conn,
            Some(id),
            "staff.password",
            "staff",
            Some(id),
            None,
            None,
            now,
        )?;
        Ok(())
    })
}

pub fn set_language(conn: &mut DbConn, id: i64, lang: Lang) -> QueryResult<()> {
    StaffRow::set_language(conn, id, lang.code())?;
    Ok(())
}

/// The outcome of a sign-in attempt. Unknown e-mail and wrong password are the same `Refused`.
#[derive(Debug)]
pub enum SignIn {
    Ok(Staff),
    Refused,
    Throttled,
}

/// Checks credentials under the throttling rules of [`crate::domain::throttle`].
pub fn sign_in(
    conn: &mut DbConn,
    email_input: &str,
    password_input: &str,
    client_ip: &str,
    lock: std::time::Duration,
) -> Result<SignIn, StaffError> {
    let now = Utc::now().naive_utc();
    let email = email_input.trim().to_lowercase();
    let keys = crate::domain::throttle::keys(&email, client_ip);
    if crate::domain::throttle::is_locked(conn, &keys, now)? {
        return Ok(SignIn::Throttled);
    }
    let row = StaffRow::find_by_email(conn, &email)?;
    // Always run one Argon2 verification so both refusals take the same time.
    let hash = row
        .as_ref()
        .map_or(password::DUMMY_HASH, |r| r.password_hash.as_str());
    let password_ok = password::verify(password_input, hash);
    match row {
        Some(row) if password_ok && row.active => {
            write_tx(conn, |conn| {
                crate::domain::throttle::record_success(conn, &keys)
            })?;
            Ok(SignIn::Ok(Staff::from_row(row)))
        }
        _ => {
            write_tx(conn, |conn| {
                crate::domain::throttle::record_failure(conn, &keys, now, lock)
            })?;
            Ok(SignIn::Refused)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_sees_and_edits_contact_data_but_never_money_staff_or_settings() {
        assert!(Role::Support.can(Permission::ViewCustomers));
        assert!(Role::Support.can(Permission::EditCustomerContact));
        assert!(!Role::Support.can(Permission::ManageMoney));
        assert!(!Role::Support.can(Permission::ManageCustomers));
        assert!(!Role::Support.can(Permission::ManageStaff));
        assert!(!Role::Support.can(Permission::ManageSettings));
    }

    #[test]
    fn a_manager_does_everything_but_staff_and_settings() {
        assert!(Role::Manager.can(Permission::ManageMoney));
        assert!(!Role::Manager.can(Permission::ManageStaff));
        assert!(!Role::Manager.can(Permission::ManageSettings));
    }

    #[test]
    fn an_owner_does_everything() {
        for p in [
            Permission::ViewCustomers,
            Permission::EditCustomerContact,
            Permission::ManageCustomers,
            Permission::ManageMoney,
            Permission::ManageStaff,
            Permission::ManageSettings,
        ] {
            assert!(Role::Owner.can(p));
        }
    }
}
