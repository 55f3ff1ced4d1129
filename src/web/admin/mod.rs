//! The staff admin areas, one module each.

pub mod account;
pub mod accounts_settings;
pub mod api_tokens;
pub mod b2b;
pub mod credit;
pub mod customers;
pub mod dashboard;
pub mod export;
pub mod groups;
pub mod import;
pub mod loyalty;
pub mod notifications;
pub mod orders;
pub mod overview;
pub mod settings;
pub mod staff;
