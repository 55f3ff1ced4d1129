//! Clientela: the admin panel where a store's staff manage their customers.

pub mod auth;
pub mod bench;
pub mod bench_import;
pub mod bench_writes;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod generate;
pub mod i18n;
pub mod ops;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
