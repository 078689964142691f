//! The lines of a payout batch: one per claim it took, with the bank's answer once it came.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{claims, payout_batches, payout_lines};
use crate::db::DbConnection;
use crate::domain::batch::{BatchStatus, LineStatus};
use crate::domain::claim::ClaimStatus;
use crate::domain::money::Currency;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payout_lines)]
pub struct LineRow {
    pub batch_id: String,
    pub line_no: i64,
    pub claim_id: String,
    pub claim_reference: String,
    pub rule_index: i32,
    pub gross: String,
    pub share: Option<String>,
    pub payout_minor: i64,
    pub status: LineStatus,
    /// The claim's status when the line was calculated, restored if the batch is cancelled.
    pub prior_status: ClaimStatus,
    pub active: bool,
    pub facts: String,
    pub bank_reference: Option<String>,
    pub failure_reason: Option<String>,
    pub settled_at: Option<NaiveDateTime>,
}

/// A line as calculated, before the bank's answer.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payout_lines)]
// NULL for `None`, so SQLite takes many lines per statement (see `claims::NewClaim`).
#[diesel(treat_none_as_default_value = false)]
pub struct NewLine {
    pub batch_id: String,
    pub line_no: i64,
    pub claim_id: String,
    pub claim_reference: String,
    pub rule_index: i32,
    pub gross: String,
    pub share: Option<String>,
    pub payout_minor: i64,
    pub status: LineStatus,
    /// The claim's status when the line was calculated, restored if the batch is cancelled.
    pub prior_status: ClaimStatus,
    pub active: bool,
    pub facts: String,
}

pub fn insert_lines(conn: &mut DbConnection, rows: &[NewLine]) -> QueryResult<()> {
    // 12 columns a row: 1000 rows stay under SQLite's 32766 bound parameters.
    for chunk in rows.chunks(1000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(payout_lines::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn lines(
    conn: &mut DbConnection,
    batch_id: &str,
    after_line: i64,
    limit: i64,
) -> QueryResult<Vec<LineRow>> {
    payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::line_no.gt(after_line))
        .order(payout_lines::line_no.asc())
        .limit(limit)
        .select(LineRow::as_select())
        .load(conn)
}

pub fn line_for_claim(
    conn: &mut DbConnection,
    batch_id: &str,
    claim_id: &str,
) -> QueryResult<Option<LineRow>> {
    payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::claim_id.eq(claim_id))
        .select(LineRow::as_select())
        .first(conn)
        .optional()
}

/// A line as the bank payment file shows it.
#[derive(Debug, Clone, Queryable)]
pub struct ExportRow {
    pub line_no: i64,
    pub claim_id: String,
    pub claim_reference: String,
    pub payout_minor: i64,
    pub claimant_name: String,
    pub claimant_brn: Option<String>,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder: String,
}

/// A page of the lines to pay (payout above zero), by line number.
pub fn export_page(
    conn: &mut DbConnection,
    batch_id: &str,
    after_line: i64,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    payout_lines::table
        .inner_join(claims::table.on(claims::id.eq(payout_lines::claim_id)))
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::payout_minor.gt(0))
        .filter(payout_lines::status.ne(LineStatus::Cancelled))
        .filter(payout_lines::line_no.gt(after_line))
        .order(payout_lines::line_no.asc())
        .limit(limit)
        .select((
            payout_lines::line_no,
            payout_lines::claim_id,
            payout_lines::claim_reference,
            payout_lines::payout_minor,
            claims::claimant_name,
            claims::claimant_brn,
            claims::bank_code,
            claims::account_number,
            claims::account_holder,
        ))
        .load(conn)
}

/// Records the bank's answer for a pending line; returns whether it applied.
pub fn settle_line(
    conn: &mut DbConnection,
    batch_id: &str,
    claim_id: &str,
    paid: bool,
    bank_reference: Option<&str>,
    failure_reason: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let line = payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::claim_id.eq(claim_id))
        .filter(payout_lines::status.eq(LineStatus::Pending));
    let updated = diesel::update(line)
        .set((
            payout_lines::status.eq(LineStatus::settled(paid)),
            // A failed payment lets go of its claim, so a later batch may take it again.
            payout_lines::active.eq(paid),
            payout_lines::bank_reference.eq(bank_reference),
            payout_lines::failure_reason.eq(failure_reason),
            payout_lines::settled_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 1 {
        diesel::update(claims::table.find(claim_id).filter(claims::status.eq(ClaimStatus::InBatch)))
            .set((
                claims::status.eq(if paid { ClaimStatus::Paid } else { ClaimStatus::PayoutFailed }),
                claims::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(updated == 1)
}

/// Lines still waiting for the bank's answer.
pub fn pending_count(conn: &mut DbConnection, batch_id: &str) -> QueryResult<i64> {
    payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::status.eq(LineStatus::Pending))
        .count()
        .get_result(conn)
}

/// What a claim's timeline shows of one of its lines: the batch it was in and the bank's answer.
#[derive(Debug, Clone, Queryable)]
pub struct ClaimLineHistory {
    pub status: LineStatus,
    pub payout_minor: i64,
    pub failure_reason: Option<String>,
    pub settled_at: Option<NaiveDateTime>,
    pub batch_status: BatchStatus,
    pub currency: Currency,
    pub batch_created_at: NaiveDateTime,
    pub batch_approved_at: Option<NaiveDateTime>,
}

/// Every line a claim had, oldest batch first.
pub fn history_of_claim(conn: &mut DbConnection, claim_id: &str) -> QueryResult<Vec<ClaimLineHistory>> {
    payout_lines::table
        .inner_join(payout_batches::table)
        .filter(payout_lines::claim_id.eq(claim_id))
        .order((payout_batches::created_at.asc(), payout_lines::batch_id.asc()))
        .select((
            payout_lines::status,
            payout_lines::payout_minor,
            payout_lines::failure_reason,
            payout_lines::settled_at,
            payout_batches::status,
            payout_batches::currency,
            payout_batches::created_at,
            payout_batches::approved_at,
        ))
        .load(conn)
}
