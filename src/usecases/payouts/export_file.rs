//! Exporting a batch's bank payment file: the checks, the audit event that records the export,
//! and the file part by part (docs/contract.md §5). The API and the finance page both export through here,
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

/// Where an export stream is.
#[derive(Debug, Clone, Copy)]
pub enum Position {
    /// The next part of the file stored at approval.
    Part(i64),
    /// After this line, for a batch approved before files were stored: rendered from its lines.
    AfterLine(i64),
}

/// Where the export of `summary` starts.
pub fn start(summary: &ExportSummary) -> Position {
    if summary.stored_file {
        Position::Part(1)
    } else {
        Position::AfterLine(0)
    }
}

/// The file's bytes at `at`, with where the next ones are: `None` past the end.
pub fn page(
    conn: &mut DbConnection,
    batch_id: &str,
    at: Position,
    currency: Currency,
) -> Result<Option<(Vec<u8>, Position)>, Error> {
    match at {
        Position::Part(part) => Ok(crate::db::batches::file_part(conn, batch_id, part)?
            .map(|bytes| (bytes, Position::Part(part + 1)))),
        Position::AfterLine(after) => {
            let rows = crate::db::batches::export_page(conn, batch_id, after, export::PAGE)?;
            Ok(rows
                .last()
                .map(|last| (export::render(&rows, batch_id, currency), Position::AfterLine(last.line_no))))
        }
    }
}
