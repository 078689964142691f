//! Keyset pagination: `?limit=` (1..=500, default 100) and `?cursor=`, which is the
//! `next_cursor` of the previous page: the key (id or sequence number) of its last item.

use serde::Deserialize;

use super::query::IdParam;
pub use crate::usecases::page::{limit_schema, Page, PageRequest, DEFAULT_LIMIT, MAX_LIMIT};

/// The query of a plain list: `?limit=&cursor=`. `C` is the list's key: [`IdParam`] for lists
/// ordered by id, [`super::query::SeqParam`] for lists ordered by a sequence number.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageQuery<C = IdParam> {
    #[serde(default)]
    #[schemars(schema_with = "crate::http::page::limit_schema")]
    pub limit: Option<u32>,
    pub cursor: Option<C>,
}
