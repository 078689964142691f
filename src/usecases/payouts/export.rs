//! The bank payment file of an approved batch (SPEC section 7): the same bytes on every export,
//! streamed page by page, with its line count, total and SHA-256 known before the first byte.

use sha2::{Digest, Sha256};

use super::{currency_of, load};
use crate::db::batches::{self, BatchRow, ExportRow};
use crate::db::DbConnection;
use crate::domain::brn::Brn;
use crate::domain::csv_cell::guard;
use crate::domain::money::{Currency, Money};
use crate::http::ApiError;

pub const COLUMNS: [&str; 11] = [
    "line_no",
    "batch_id",
    "claim_id",
    "claim_reference",
    "payee_name",
    "business_registration_number",
    "bank_code",
    "account_number",
    "account_holder",
    "currency",
    "amount",
];

/// Lines read per page.
pub const PAGE: i64 = 5_000;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// What the headers announce.
#[derive(Debug, Clone)]
pub struct ExportSummary {
    pub batch: BatchRow,
    pub line_count: i64,
    pub total: Money,
    pub sha256: String,
}

/// The header row (with the BOM when asked for).
pub fn head(bom: bool) -> Vec<u8> {
    let mut out = if bom { BOM.to_vec() } else { Vec::new() };
    out.extend_from_slice(COLUMNS.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

/// CSV bytes of a page of lines.
pub fn render(rows: &[ExportRow], batch_id: &str, currency: Currency) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(rows.len() * 160));
    for row in rows {
        let brn = row
            .claimant_brn
            .as_deref()
            .and_then(|b| Brn::parse(b).ok())
            .map(|b| b.to_string())
            .unwrap_or_default();
        let record = [
            row.line_no.to_string(),
            batch_id.to_owned(),
            row.claim_id.clone(),
            guard(&row.claim_reference).into_owned(),
            guard(&row.claimant_name).into_owned(),
            brn,
            guard(&row.bank_code).into_owned(),
            guard(&row.account_number).into_owned(),
            guard(&row.account_holder).into_owned(),
            currency.code().to_owned(),
            Money::from_minor(row.payout_minor, currency).to_string(),
        ];
        // Writing to a Vec cannot fail.
        let _ = writer.write_record(&record);
    }
    writer.into_inner().unwrap_or_default()
}

/// Checks the batch may be exported and renders the whole file once, keeping only its count,
/// total and hash (constant memory), so the answer's headers can announce them.
pub fn summarize(conn: &mut DbConnection, batch_id: &str, bom: bool) -> Result<ExportSummary, ApiError> {
    let batch = load(conn, batch_id)?;
    if !matches!(batch.status.as_str(), "approved" | "settled") {
        return Err(ApiError::conflict(format!(
            "only approved batches are exported; this one is {}",
            batch.status
        )));
    }
    let currency = currency_of(&batch)?;
    let mut hasher = Sha256::new();
    hasher.update(head(bom));
    let (mut after, mut count, mut total) = (0_i64, 0_i64, 0_i64);
    loop {
        let rows = batches::export_page(conn, batch_id, after, PAGE)?;
        let Some(last) = rows.last() else { break };
        after = last.line_no;
        count += i64::try_from(rows.len()).unwrap_or(i64::MAX);
        total = rows.iter().fold(total, |sum, r| sum.saturating_add(r.payout_minor));
        hasher.update(render(&rows, batch_id, currency));
    }
    Ok(ExportSummary {
        batch,
        line_count: count,
        total: Money::from_minor(total, currency),
        sha256: hex::encode(hasher.finalize()),
    })
}
