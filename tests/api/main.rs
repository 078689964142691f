#![allow(clippy::unwrap_used, clippy::expect_used)]

//! One integration test binary: every test starts the real server on port 0 with its own fresh
//! database. SQLite by default; `TEST_DATABASE_URL=postgres://...` runs the same tests on
//! PostgreSQL, each in a database it creates and drops.

mod access;
mod audit;
mod auth;
mod browser;
mod browser_support;
mod bulk;
mod claim_lifecycle;
mod claimant_journey;
mod claims;
mod documents;
mod finance_page;
mod health;
mod helpers;
mod hygiene;
mod idempotency;
mod incidents;
mod layers;
mod mail_support;
mod migrations;
mod money_safety;
mod notices;
mod payouts;
mod pg_template;
mod policies;
mod reports;
mod resilience;
mod schemas;
mod settlement;
mod signals;
mod tokens;
mod walkthrough;
mod windows;
