//! Exporting a batch's bank payment file: the checks, the audit event that records the export,
//! and the file page by page (docs/contract.md §5). The API and the finance page both export through here,
//! so the file and its record are the same whichever way it leaves.

use super::export::{self, ExportSummary};
use crate::db::audit::NewEvent;
use crate::db::context::WriteContext;
use crate::db::DbConnection;
use crate::domain::money::Currency;
use crate::domain::role::Actor;
use crate::usecases::Error;

/// The checks and the numbers of an export, without recording it: what HEAD answers.
pub fn inspect(conn: &mut DbConnection, batch_id: &str, bom: bool) -> Result<ExportSummary, Error> {
    export::summarize(conn, batch_id, bom)
}

/// The checks and the numbers of an export, recorded as `payout_batch.exported` in the same
/// transaction: once this returns, the file may leave.
pub fn record(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    batch_id: &str,
    bom: bool,
) -> Result<ExportSummary, Error> {
    let summary = export::summarize(conn, batch_id, bom)?;
    let event = NewEvent {
        action: "payout_batch.exported",
        entity_type: "payout_batch",
        entity_id: batch_id.to_owned(),
        details: serde_json::json!({
            "line_count": summary.line_count, "total_minor": summary.total.minor(),
            "sha256": summary.sha256, "bom": bom,
        }),
    };
    context.audit(&actor.audit_name(), event);
    Ok(summary)
}

/// The currency the file is written in.
pub fn currency(summary: &ExportSummary) -> Result<Currency, Error> {
    super::currency_of(&summary.batch)
}

/// The lines after line number `after`, as CSV, with the last line number: `None` past the end.
pub fn page(
    conn: &mut DbConnection,
    batch_id: &str,
    after: i64,
    currency: Currency,
) -> Result<Option<(Vec<u8>, i64)>, Error> {
    let rows = crate::db::batches::export_page(conn, batch_id, after, export::PAGE)?;
    Ok(rows.last().map(|last| (export::render(&rows, batch_id, currency), last.line_no)))
}
