//! HTTP tier: the real application on a free port, one fresh database per test, driven by a
//! cookie-keeping client that does not follow redirects. The same tests run on SQLite and on
//! PostgreSQL (`CLIENTELA_TEST_BACKEND`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

#[path = "../common/mod.rs"]
mod common;

mod client;

mod access;
mod account_links;
mod accounts_settings;
mod api;
mod api_fuzz;
mod api_more;
mod auth;
mod b2b;
mod backup;
mod checkout;
mod crash;
mod credit;
mod credit_model;
mod customers;
mod db_outage;
mod full_disk;
mod groups;
mod import;
mod languages;
mod loyalty;
mod loyalty_model;
mod mail_smtp;
mod notifications;
mod operations;
mod orders;
mod overview;
mod process;
mod security;
mod segments;
mod shop;
mod shop_area;
mod staff_admin;
mod two_servers;
mod writers;
