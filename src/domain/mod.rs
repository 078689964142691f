//! Pure domain types and rules: no HTTP, no database.

pub mod amendment;
pub mod audit;
pub mod batch;
pub mod brn;
pub mod claim;
pub mod claim_input;
pub mod claimant;
pub mod csv_cell;
pub mod document;
pub mod id;
pub mod interval;
pub mod lang;
pub mod money;
pub mod notice;
pub mod payout;
pub mod policy;
pub mod role;
pub mod service;
pub mod severity;
pub mod signals;
pub mod time;
#[cfg(test)]
pub mod tricky_text;
pub mod upload;
pub mod validation;
pub mod verification;
