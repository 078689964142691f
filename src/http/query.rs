//! Typed query parameters: the ids and cursors of list queries belong to the use cases that
//! read them, and are re-exported here for the extractors.

pub use crate::usecases::query::{IdParam, SeqParam};
