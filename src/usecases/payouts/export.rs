//! The bank payment file of an approved batch (docs/contract.md §6): rendered once at approval and
//! stored in parts, then the same bytes on every export, streamed part by part, with its line
//! count, total and SHA-256 known before the first byte.

use sha2::{Digest, Sha256};

use super::{currency_of, load};
use crate::db::batches::{self, BatchRow, ExportRow};
use crate::db::DbConnection;
use crate::domain::brn::Brn;
use crate::domain::csv_cell::guard;
use crate::domain::money::{Currency, Money};
use crate::usecases::Error;

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
    /// Whether the file was stored at approval; otherwise it is rendered from the lines.
    pub stored_file: bool,
}

/// The header row (with the BOM when asked for).
pub fn head(bom: bool) -> Vec<u8> {
    let mut out = if bom { BOM.to_vec() } else { Vec::new() };
    out.extend_from_slice(COLUMNS.join(",").as_bytes());
    out.extend_from_slice(b"\r\n");
    out
}

/// CSV bytes of a page of lines. Fields are written borrowed, and the three that need
/// formatting share one scratch buffer: no allocation per line beyond the output itself.
pub fn render(rows: &[ExportRow], batch_id: &str, currency: Currency) -> Vec<u8> {
    use std::fmt::Write as _;
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(rows.len() * 160));
    let mut scratch = String::new();
    for row in rows {
        // Writing to a Vec or a String cannot fail.
        let field = |writer: &mut csv::Writer<Vec<u8>>, text: &str| {
            let _ = writer.write_field(text);
        };
        scratch.clear();
        let _ = write!(scratch, "{}", row.line_no);
        field(&mut writer, &scratch);
        field(&mut writer, batch_id);
        field(&mut writer, &row.claim_id);
        field(&mut writer, &guard(&row.claim_reference));
        field(&mut writer, &guard(&row.claimant_name));
        scratch.clear();
        if let Some(brn) = row.claimant_brn.as_deref().and_then(|b| Brn::parse(b).ok()) {
            let _ = write!(scratch, "{brn}");
        }
        field(&mut writer, &scratch);
        field(&mut writer, &guard(&row.bank_code));
        field(&mut writer, &guard(&row.account_number));
        field(&mut writer, &guard(&row.account_holder));
        field(&mut writer, currency.code());
        scratch.clear();
        let _ = write!(scratch, "{}", Money::from_minor(row.payout_minor, currency));
        field(&mut writer, &scratch);
        // An empty record ends the line.
        let _ = writer.write_record(None::<&[u8]>);
    }
    writer.into_inner().unwrap_or_default()
}

/// What identifies the payment file: its line count, total and SHA-256, without and with the
/// byte order mark. Taken once, when the batch is approved (the file cannot change after:
/// lines and payee details are never edited), and announced in every export's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub line_count: i64,
    pub total_minor: i64,
    pub sha256: String,
    pub sha256_bom: String,
}

/// Renders the whole file once, page by page (bounded memory), and gives its fingerprint; with
/// `store`, each page is stored as the next part of the file, as approval does.
pub fn fingerprint(conn: &mut DbConnection, batch: &BatchRow, store: bool) -> Result<Fingerprint, Error> {
    let currency = currency_of(batch)?;
    let (mut plain, mut with_bom) = (Sha256::new(), Sha256::new());
    plain.update(head(false));
    with_bom.update(head(true));
    let (mut after, mut count, mut total, mut part) = (0_i64, 0_i64, 0_i64, 0_i64);
    loop {
        let rows = batches::export_page(conn, &batch.id, after, PAGE)?;
        let Some(last) = rows.last() else { break };
        after = last.line_no;
        count += i64::try_from(rows.len()).unwrap_or(i64::MAX);
        total = rows.iter().fold(total, |sum, r| sum.saturating_add(r.payout_minor));
        let page = render(&rows, &batch.id, currency);
        plain.update(&page);
        with_bom.update(&page);
        if store {
            part += 1;
            batches::store_file_part(conn, &batch.id, part, &page)?;
        }
    }
    Ok(Fingerprint {
        line_count: count,
        total_minor: total,
        sha256: hex::encode(plain.finalize()),
        sha256_bom: hex::encode(with_bom.finalize()),
    })
}

/// The fingerprint stored at approval; `None` for batches approved before it was stored.
fn stored(batch: &BatchRow) -> Option<Fingerprint> {
    Some(Fingerprint {
        line_count: batch.export_line_count?,
        total_minor: batch.export_total_minor?,
        sha256: batch.export_sha256.clone()?,
        sha256_bom: batch.export_sha256_bom.clone()?,
    })
}

/// Checks the batch may be exported and gives what the answer's headers announce: the
/// fingerprint stored at approval, so the file is read once, while it is streamed.
pub fn summarize(conn: &mut DbConnection, batch_id: &str, bom: bool) -> Result<ExportSummary, Error> {
    let batch = load(conn, batch_id)?;
    if !matches!(batch.status.as_str(), "approved" | "settled") {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::WrongStatus {
                incident_id: Some(batch.incident_id.clone()),
            },
            format!("only approved batches are exported; this one is {}", batch.status),
        ));
    }
    let currency = currency_of(&batch)?;
    let print = match stored(&batch) {
        Some(print) => print,
        None => fingerprint(conn, &batch, false)?,
    };
    let stored_file = batches::has_stored_file(conn, &batch.id)?;
    Ok(ExportSummary {
        stored_file,
        batch,
        line_count: print.line_count,
        total: Money::from_minor(print.total_minor, currency),
        sha256: if bom { print.sha256_bom } else { print.sha256 },
    })
}
