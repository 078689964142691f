//! A page of a keyset-paginated list: its validated request and its answer.

use serde::Serialize;

use crate::usecases::Error;

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 500;

/// The schema of `?limit=`: an integer from 1 to [`MAX_LIMIT`].
pub fn limit_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
    use schemars::schema::{InstanceType, NumberValidation, SchemaObject};
    SchemaObject {
        instance_type: Some(InstanceType::Integer.into()),
        number: Some(Box::new(NumberValidation {
            minimum: Some(1.0),
            maximum: Some(f64::from(MAX_LIMIT)),
            ..Default::default()
        })),
        ..Default::default()
    }
    .into()
}

/// A validated page request; `after` is the decoded key of the last item already seen.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: u32,
    pub after: Option<String>,
}

impl PageRequest {
    /// `after` is the already validated cursor key.
    pub fn parse(limit: Option<u32>, after: Option<String>) -> Result<PageRequest, Error> {
        let limit = limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(Error::field("limit", "out_of_range", format!("must be between 1 and {MAX_LIMIT}")));
        }
        Ok(PageRequest { limit, after })
    }

    /// Rows to fetch: one more than the page, to learn whether another page follows.
    pub fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }
}

/// `{"items": [...], "next_cursor": "..." | null}`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` fetched items; `key` names an item's cursor key.
    pub fn from_fetched(mut items: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Page<T> {
        let more = items.len() > request.limit as usize;
        items.truncate(request.limit as usize);
        let next_cursor = if more { items.last().map(key) } else { None };
        Page { items, next_cursor }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}
