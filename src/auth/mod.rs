//! Staff authentication: passwords, sessions, CSRF and the authorization extractors.

pub mod csrf;
pub mod extract;
pub mod password;
pub mod session;
pub mod session_store;

pub use extract::{Authorized, CurrentStaff, PublicLang};
pub use session::{AppSession, FlashKind};
