//! Use cases: each state change runs inside the caller's transaction and appends its audit
//! event there, so a change and its record commit together or not at all.

pub mod audit;
pub mod bulk;
pub mod claims;
pub mod compensation_notice;
pub mod error;
pub mod idempotency;
pub mod incidents;
pub mod notices;
pub mod nul;
pub mod page;
pub mod payouts;
pub mod policies;
pub mod query;
pub mod reports;
pub mod requirements;
pub mod windows;

pub use error::Error;

/// Parses a path id: anything but a UUID cannot name a resource, so it is simply not found.
pub fn parse_id(text: &str) -> Result<String, Error> {
    crate::domain::id::parse(text).ok_or(Error::NotFound)
}

/// A fresh UUIDv7 as text: ids sort by creation time, which keyset pagination relies on.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
