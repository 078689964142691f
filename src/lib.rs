//! outage-claims: compensation claims after a large service outage.
//!
//! Layout: `domain/` is pure (money, time, policies, audit hashing); `db/` owns the schema,
//! the connection enum and one query module per entity; `usecases/` runs each state change in
//! one transaction with its audit event; `routes/` is thin HTTP; `http/` holds the extractors
//! and the problem+json error type shared by every route.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod failpoint;
pub mod http;
pub mod notify;
pub mod routes;
pub mod schemas;
pub mod startup;
pub mod telemetry;
pub mod usecases;
pub mod web;
