//! The staff admin areas, one module each.

pub mod account;
pub mod dashboard;
pub mod settings;
pub mod staff;
