//! Use cases: each state change runs inside the caller's transaction and appends its audit
//! event there, so a change and its record commit together or not at all.

pub mod audit;
pub mod bulk;
pub mod claims;
pub mod idempotency;
pub mod incidents;
pub mod payouts;
pub mod policies;
pub mod reports;
pub mod windows;

use crate::http::ApiError;

/// Parses a path id: anything but a UUID cannot name a resource, so it is simply not found.
pub fn parse_id(text: &str) -> Result<String, ApiError> {
    crate::domain::id::parse(text).ok_or(ApiError::NotFound)
}

/// A fresh UUIDv7 as text: ids sort by creation time, which keyset pagination relies on.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
