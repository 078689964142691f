//! The HTTP edge shared by every route: problem+json errors, strict extractors, pagination,
//! authentication and the bridge from async handlers to synchronous database work.

pub mod auth;
pub mod client_ip;
pub mod dto;
pub mod endpoint;
pub mod error;
pub mod export;
pub mod extract;
pub mod metrics;
pub mod page;
pub mod query;
pub mod rate_limit;
pub mod state;

pub use error::ApiError;
