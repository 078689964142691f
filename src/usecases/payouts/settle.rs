//! Importing the bank's answer (`claim_id,status,bank_reference,failure_reason`): lines and
//! claims become `paid` or `payout_failed`. Importing the same file again changes nothing; the
//! batch is `settled` once no line waits any more. The file is decoded as bulk uploads are
//! (UTF-8, or CP949 as Korean banks write it).

use std::collections::HashMap;

use serde::Serialize;
use serde_json::json;

use crate::domain::notice::NoticeKind;

use super::{load, view, BatchView};
use crate::db::audit::NewEvent;
use crate::db::batches::{self, BatchUpdate};
use crate::db::context::WriteContext;
use crate::db::{self, DbConnection};
use crate::domain::batch::{BatchStatus, LineStatus};
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::domain::validation::FieldError;
use crate::usecases::bulk::decode::decode_csv;
use crate::usecases::Error;

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

/// Rows recorded per transaction. A bank file may hold a million rows; in one transaction it
/// would hold SQLite's write lock (and so every filing) for seconds. Each chunk commits with its
/// own audit event, and an import cut short is finished by importing the same file again: rows
/// already recorded are `unchanged`.
const CHUNK_ROWS: usize = 1_000;

/// Imports a settlement file, chunk by chunk (`conn` must not be in a transaction).
pub fn import(
    conn: &mut DbConnection,
    actor: &Actor,
    batch_id: &str,
    body: &[u8],
) -> Result<SettlementSummary, Error> {
    let batch = load(conn, batch_id)?;
    if !batch.status.is_payable() {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::WrongStatus {
                incident_id: Some(batch.incident_id.clone()),
            },
            format!("only approved batches are settled; this one is {}", batch.status),
        ));
    }
    let rows: Vec<(u64, Result<SettlementLine, RowError>)> = (1_u64..).zip(parse_file(body)?).collect();
    let now = Timestamp::now().to_db();
    let mut summary = Tally::default();
    for chunk in rows.chunks(CHUNK_ROWS) {
        db::write_tx_with_context(conn, |conn, context| {
            record_chunk(conn, context, actor, batch_id, chunk, now, &mut summary)
        })?;
    }
    db::write_tx_with_context(conn, |conn, context| {
        let pending = batches::pending_count(conn, batch_id)?;
        if pending == 0 {
            batches::update(conn, batch_id, BatchStatus::Approved, BatchUpdate::Settled { at: now })?;
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
        context.audit(&actor.audit_name(), event);
        Ok::<_, Error>(())
    })?;
    Ok(SettlementSummary {
        batch: view(&load(conn, batch_id)?)?,
        total_rows: summary.total,
        paid: summary.paid,
        failed: summary.failed,
        unchanged: summary.unchanged,
        errors: summary.errors,
    })
}

/// Records one chunk of rows, with the audit event of what it changed. The tally is updated
/// only once the chunk's work is done (a failed chunk is rolled back and reported as a whole).
fn record_chunk(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    batch_id: &str,
    rows: &[(u64, Result<SettlementLine, RowError>)],
    now: chrono::NaiveDateTime,
    summary: &mut Tally,
) -> Result<(), Error> {
    let mut chunk = Tally::default();
    for (row, parsed) in rows {
        chunk.total += 1;
        let line = match parsed {
            Ok(line) => line.clone(),
            Err(error) => {
                chunk.errors.push(error.clone());
                continue;
            }
        };
        apply(
            conn,
            batch_id,
            &line.claim_id,
            line.paid,
            line.bank_reference,
            line.failure_reason,
            now,
            *row,
            &mut chunk,
        )?;
    }
    if chunk.paid + chunk.failed > 0 {
        let event = NewEvent {
            action: "payout_batch.settlement_rows",
            entity_type: "payout_batch",
            entity_id: batch_id.to_owned(),
            details: json!({
                "from_row": rows.first().map(|(r, _)| *r), "to_row": rows.last().map(|(r, _)| *r),
                "paid": chunk.paid, "failed": chunk.failed,
            }),
        };
        context.audit(&actor.audit_name(), event);
    }
    summary.total += chunk.total;
    summary.paid += chunk.paid;
    summary.failed += chunk.failed;
    summary.unchanged += chunk.unchanged;
    summary.errors.append(&mut chunk.errors);
    Ok(())
}

/// One row of the bank's answer, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementLine {
    pub claim_id: String,
    pub paid: bool,
    pub bank_reference: Option<String>,
    pub failure_reason: Option<String>,
}

/// Reads a settlement file (UTF-8 or CP949, decoded as bulk uploads are) into its rows in
/// order, each checked or with its error. Problems of the whole file (its encoding, its header)
/// are one 4xx.
pub fn parse_file(body: &[u8]) -> Result<Vec<Result<SettlementLine, RowError>>, Error> {
    let text = decode_csv(body, None)?;
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).flexible(false).from_reader(text.as_bytes());
    let headers =
        reader.headers().map_err(|e| Error::Unreadable(format!("unreadable CSV header: {e}")))?.clone();
    let column: HashMap<&str, usize> = headers.iter().enumerate().map(|(i, h)| (h, i)).collect();
    let mut header_errors = Vec::new();
    for name in headers.iter().filter(|h| !KNOWN.contains(h)) {
        header_errors.push(FieldError::new(name, "unknown_column", "is not a settlement column"));
    }
    for name in REQUIRED.iter().filter(|r| !column.contains_key(**r)) {
        header_errors.push(FieldError::new(*name, "missing_column", "is a required column"));
    }
    if !header_errors.is_empty() {
        return Err(Error::Invalid(header_errors));
    }
    let rows = (1_u64..)
        .zip(reader.records())
        .map(|(row, record)| match record {
            Ok(record) => parse_row(&column, &record, row),
            Err(e) => Err(row_error(row, "", "malformed_row", &e.to_string())),
        })
        .collect();
    Ok(rows)
}

/// Checks one record under the header's `column` positions.
fn parse_row(
    column: &HashMap<&str, usize>,
    record: &csv::StringRecord,
    row: u64,
) -> Result<SettlementLine, RowError> {
    let cell = |name: &str| {
        column.get(name).and_then(|i| record.get(*i)).filter(|v| !v.is_empty()).map(str::to_owned)
    };
    let claim_id = crate::domain::id::parse(&cell("claim_id").unwrap_or_default())
        .ok_or_else(|| row_error(row, "claim_id", "invalid_id", "must be a claim id"))?;
    let paid = match cell("status").as_deref() {
        Some("paid") => true,
        Some("failed") => false,
        _ => return Err(row_error(row, "status", "invalid_choice", "must be paid or failed")),
    };
    let failure_reason = cell("failure_reason");
    if !paid && failure_reason.is_none() {
        return Err(row_error(row, "failure_reason", "required", "is required for a failed payment"));
    }
    Ok(SettlementLine { claim_id, paid, bank_reference: cell("bank_reference"), failure_reason })
}

fn row_error(row: u64, field: &str, code: &str, message: &str) -> RowError {
    RowError { row, field: field.into(), code: code.into(), message: message.into() }
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

/// The claimant hears of the bank's answer: the amount paid, or how to give a new account.
fn tell_claimant(
    conn: &mut DbConnection,
    batch_id: &str,
    claim_id: &str,
    paid: bool,
    bank_reason: Option<&str>,
) -> Result<(), Error> {
    let Some(claim) = crate::db::claims::find(conn, claim_id)? else { return Ok(()) };
    let (kind, details) = if paid {
        let amount = batches::line_for_claim(conn, batch_id, claim_id)?.map(|line| line.payout_minor);
        (NoticeKind::Paid, json!({"amount_minor": amount}))
    } else {
        (NoticeKind::PaymentFailed, json!({"bank_reason": bank_reason}))
    };
    crate::usecases::notices::tell(conn, &claim, kind, details)
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
) -> Result<(), Error> {
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
        tell_claimant(conn, batch_id, claim_id, paid, reason.as_deref())?;
        return Ok(());
    }
    match batches::line_for_claim(conn, batch_id, claim_id)?.map(|l| l.status) {
        None => tally.error(row, "claim_id", "not_in_batch", "this claim has no line in this batch"),
        Some(status) if status == LineStatus::settled(paid) => tally.unchanged += 1,
        Some(LineStatus::Paid) => {
            tally.error(row, "status", "already_paid", "the line was already recorded as paid")
        }
        Some(LineStatus::Failed) => tally.error(
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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::tricky_text::hostile;

    const HEADER: &str = "claim_id,status,bank_reference,failure_reason";
    const ID: &str = "01890a5d-ac96-774b-bcce-b302099a8057";

    #[test]
    fn a_cp949_bank_file_is_read_like_a_utf8_one() {
        let text = format!("{HEADER}\n{ID},failed,,계좌 해지\n");
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
        let rows = parse_file(&bytes).unwrap();
        let utf8 = parse_file(text.as_bytes()).unwrap();
        assert_eq!(rows[0].as_ref().unwrap(), utf8[0].as_ref().unwrap());
        assert_eq!(rows[0].as_ref().unwrap().failure_reason.as_deref(), Some("계좌 해지"));
    }

    fn cell() -> impl Strategy<Value = String> {
        hostile(&[ID, "paid", "failed", "BANK-1", "계좌 해지", ""])
    }

    proptest! {
        #[test]
        fn rows_never_panic_and_every_row_error_names_its_field(
            cells in proptest::collection::vec((cell(), cell(), cell(), cell()), 0..4),
        ) {
            let mut writer = csv::Writer::from_writer(Vec::new());
            writer.write_record(HEADER.split(',')).unwrap();
            for (a, b, c, d) in &cells {
                writer.write_record([a, b, c, d]).unwrap();
            }
            let body = writer.into_inner().unwrap();
            match parse_file(&body) {
                Ok(rows) => {
                    for error in rows.into_iter().filter_map(Result::err) {
                        prop_assert!(
                            ["claim_id", "status", "failure_reason"].contains(&error.field.as_str()),
                            "{:?}", error
                        );
                    }
                }
                // NUL in a cell refuses the whole file, naming the body.
                Err(Error::Invalid(errors)) => prop_assert!(errors.iter().all(|e| e.field == "body")),
                Err(other) => prop_assert!(false, "{:?}", other),
            }
        }

        #[test]
        fn arbitrary_files_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(rows) = parse_file(&body) {
                prop_assert!(rows.iter().all(|r| r.as_ref().err().is_none_or(|e| !e.code.is_empty())));
            }
        }
    }
}
