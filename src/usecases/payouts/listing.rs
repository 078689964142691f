//! Listing payout batches, newest last, optionally of one incident, a page at a time.

use super::{view, BatchView};
use crate::db::DbConnection;
use crate::usecases::page::{Page, PageRequest};
use crate::usecases::Error;

/// One page of batches after the cursor of `page`.
pub fn list(
    conn: &mut DbConnection,
    incident_id: Option<&str>,
    page: &PageRequest,
) -> Result<Page<BatchView>, Error> {
    let rows = crate::db::batches::list(conn, incident_id, page.after.as_deref(), page.fetch())?;
    let page = Page::from_fetched(rows, page, |b| b.id.clone());
    let items = page.items.iter().map(view).collect::<Result<Vec<_>, _>>()?;
    Ok(Page { items, next_cursor: page.next_cursor })
}
