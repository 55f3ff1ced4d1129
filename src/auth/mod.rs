//! Staff and storefront-customer authentication: passwords, sessions, CSRF and the authorization extractors.

pub mod csrf;
pub mod customer;
pub mod extract;
pub mod password;
pub mod session;
pub mod session_store;

pub use customer::{CurrentCustomer, Shopper};
pub use extract::{Authorized, CurrentStaff, PublicLang};
pub use session::{AppSession, FlashKind};

/// A random 32-character token (idempotency keys of forms, and the like).
pub fn random_token() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 32)
}
