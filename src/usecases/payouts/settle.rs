//! Importing the bank's answer (`claim_id,status,bank_reference,failure_reason`): lines and
//! claims become `paid` or `payout_failed`. Importing the same file again changes nothing; the
//! batch is `settled` once no line waits any more.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;

use super::{load, view, BatchView};
use crate::db::audit::{self, NewEvent};
use crate::db::batches;
use crate::db::DbConnection;
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::domain::validation::FieldError;
use crate::http::ApiError;

const REQUIRED: [&str; 2] = ["claim_id", "status"];
const KNOWN: [&str; 4] = ["claim_id", "status", "bank_reference", "failure_reason"];

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RowError {
    /// Data-row number; the first row after the header is 1.
    pub row: u64,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SettlementSummary {
    pub batch: BatchView,
    pub total_rows: u64,
    pub paid: u64,
    pub failed: u64,
    /// Rows that repeat what was already recorded.
    pub unchanged: u64,
    pub errors: Vec<RowError>,
}

/// Imports a settlement file in the caller's transaction.
pub fn import(
    conn: &mut DbConnection,
    actor: &Actor,
    batch_id: &str,
    body: &[u8],
) -> Result<SettlementSummary, ApiError> {
    let batch = load(conn, batch_id)?;
    if !matches!(batch.status.as_str(), "approved" | "settled") {
        return Err(ApiError::conflict(format!(
            "only approved batches are settled; this one is {}",
            batch.status
        )));
    }
    let text = std::str::from_utf8(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body))
        .map_err(|_| ApiError::BadRequest("the settlement file must be UTF-8 CSV".into()))?;
    crate::http::extract::refuse_nul_in_file(text)?;
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let headers =
        reader.headers().map_err(|e| ApiError::BadRequest(format!("unreadable CSV header: {e}")))?.clone();
    let column: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let mut header_errors = Vec::new();
    for name in headers.iter().filter(|h| !KNOWN.contains(h)) {
        header_errors.push(FieldError::new(name, "unknown_column", "is not a settlement column"));
    }
    for name in REQUIRED.iter().filter(|r| !column.contains_key(**r)) {
        header_errors.push(FieldError::new(*name, "missing_column", "is a required column"));
    }
    if !header_errors.is_empty() {
        return Err(ApiError::Validation(header_errors));
    }
    let cell = |record: &csv::StringRecord, name: &str| {
        column.get(name).and_then(|i| record.get(*i)).filter(|v| !v.is_empty()).map(str::to_owned)
    };
    let now = Timestamp::now().to_db();
    let mut summary = Tally::default();
    for (row, record) in (1_u64..).zip(reader.records()) {
        summary.total += 1;
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                summary.error(row, "", "malformed_row", &e.to_string());
                continue;
            }
        };
        let claim_id = cell(&record, "claim_id").unwrap_or_default();
        let Some(claim_id) = crate::domain::id::parse(&claim_id) else {
            summary.error(row, "claim_id", "invalid_id", "must be a claim id");
            continue;
        };
        let paid = match cell(&record, "status").as_deref() {
            Some("paid") => true,
            Some("failed") => false,
            _ => {
                summary.error(row, "status", "invalid_choice", "must be paid or failed");
                continue;
            }
        };
        let reason = cell(&record, "failure_reason");
        if !paid && reason.is_none() {
            summary.error(row, "failure_reason", "required", "is required for a failed payment");
            continue;
        }
        apply(
            conn,
            batch_id,
            &claim_id,
            paid,
            cell(&record, "bank_reference"),
            reason,
            now,
            row,
            &mut summary,
        )?;
    }
    let pending = batches::pending_count(conn, batch_id)?;
    if pending == 0 && batch.status == "approved" {
        batches::change_status(conn, batch_id, "approved", "settled", &actor.audit_name(), now)?;
    }
    let event = NewEvent {
        action: "payout_batch.settlement_imported",
        entity_type: "payout_batch",
        entity_id: batch_id.to_owned(),
        details: json!({
            "rows": summary.total, "paid": summary.paid, "failed": summary.failed,
            "unchanged": summary.unchanged, "errors": summary.errors.len(), "pending_after": pending,
        }),
    };
    audit::append(conn, &actor.audit_name(), &[event])?;
    Ok(SettlementSummary {
        batch: view(&load(conn, batch_id)?)?,
        total_rows: summary.total,
        paid: summary.paid,
        failed: summary.failed,
        unchanged: summary.unchanged,
        errors: summary.errors,
    })
}

#[derive(Default)]
struct Tally {
    total: u64,
    paid: u64,
    failed: u64,
    unchanged: u64,
    errors: Vec<RowError>,
}

impl Tally {
    fn error(&mut self, row: u64, field: &str, code: &str, message: &str) {
        self.errors.push(RowError { row, field: field.into(), code: code.into(), message: message.into() });
    }
}

/// Records one row's answer, or why it cannot be recorded.
#[allow(clippy::too_many_arguments)]
fn apply(
    conn: &mut DbConnection,
    batch_id: &str,
    claim_id: &str,
    paid: bool,
    bank_reference: Option<String>,
    reason: Option<String>,
    now: chrono::NaiveDateTime,
    row: u64,
    tally: &mut Tally,
) -> Result<(), ApiError> {
    if batches::settle_line(
        conn,
        batch_id,
        claim_id,
        paid,
        bank_reference.as_deref(),
        reason.as_deref(),
        now,
    )? {
        if paid {
            tally.paid += 1;
        } else {
            tally.failed += 1;
        }
        return Ok(());
    }
    match batches::line_for_claim(conn, batch_id, claim_id)?.map(|l| l.status) {
        None => tally.error(row, "claim_id", "not_in_batch", "this claim has no line in this batch"),
        Some(status) if (status == "paid" && paid) || (status == "failed" && !paid) => tally.unchanged += 1,
        Some(status) if status == "paid" => {
            tally.error(row, "status", "already_paid", "the line was already recorded as paid")
        }
        Some(status) if status == "failed" => tally.error(
            row,
            "status",
            "already_failed",
            "the line was already recorded as failed; pay it in a new batch",
        ),
        Some(status) => {
            tally.error(row, "claim_id", "not_payable", &format!("the line is {status} and pays nothing"))
        }
    }
    Ok(())
}
