//! Business rules. Domain functions take a connection and validated input and hold no HTTP.

pub mod account_links;
pub mod accounts;
pub mod api_tokens;
pub mod audit;
pub mod checkout;
pub mod credit;
pub mod credit_options;
pub mod customer_import;
pub mod customer_query;
pub mod customers;
pub mod dashboard;
pub mod demo;
pub mod groups;
pub mod loyalty;
pub mod mail;
pub mod notifications;
pub mod orders;
pub mod overview;
pub mod pricing;
pub mod segments;
pub mod settings;
pub mod shop;
pub mod staff;
pub mod storefront;
pub mod throttle;
pub mod types;
