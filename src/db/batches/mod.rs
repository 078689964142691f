//! Payout batches; their lines are in `lines`, what they do to claims in `claims`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{payout_batches, payout_files};
use super::DbConnection;
use crate::domain::batch::BatchStatus;
use crate::domain::money::Currency;

mod claims;
mod lines;

pub use claims::{
    close_unpaid_claims, eligible_claims, paid_amounts, release_claims, take_claims, EligibleClaim,
};
pub use lines::{
    export_page, history_of_claim, insert_lines, line_for_claim, lines, pending_count, settle_line,
    ClaimLineHistory, ExportRow, LineRow, NewLine,
};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payout_batches)]
pub struct BatchRow {
    pub id: String,
    pub incident_id: String,
    pub policy_id: String,
    pub policy_version: i32,
    pub status: BatchStatus,
    pub currency: Currency,
    pub line_count: i64,
    pub held_count: i64,
    pub total_gross: String,
    pub total_payout_minor: i64,
    pub budget_minor: Option<i64>,
    pub budget_binding: bool,
    pub factor: Option<String>,
    pub rounding: String,
    pub min_payout_minor: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<NaiveDateTime>,
    pub cancelled_by: Option<String>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    /// The payment file as approved (see `usecases::payouts::export::Fingerprint`).
    pub export_line_count: Option<i64>,
    pub export_total_minor: Option<i64>,
    pub export_sha256: Option<String>,
    pub export_sha256_bom: Option<String>,
}

/// A batch as calculated: nobody has decided on it yet and no payment file is fingerprinted.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payout_batches)]
pub struct NewBatch {
    pub id: String,
    pub incident_id: String,
    pub policy_id: String,
    pub policy_version: i32,
    pub status: BatchStatus,
    pub currency: Currency,
    pub line_count: i64,
    pub held_count: i64,
    pub total_gross: String,
    pub total_payout_minor: i64,
    pub budget_minor: Option<i64>,
    pub budget_binding: bool,
    pub factor: Option<String>,
    pub rounding: String,
    pub min_payout_minor: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl From<NewBatch> for BatchRow {
    /// The row as inserted, without reading it back.
    fn from(new: NewBatch) -> BatchRow {
        let NewBatch {
            id,
            incident_id,
            policy_id,
            policy_version,
            status,
            currency,
            line_count,
            held_count,
            total_gross,
            total_payout_minor,
            budget_minor,
            budget_binding,
            factor,
            rounding,
            min_payout_minor,
            created_by,
            created_at,
        } = new;
        BatchRow {
            id,
            incident_id,
            policy_id,
            policy_version,
            status,
            currency,
            line_count,
            held_count,
            total_gross,
            total_payout_minor,
            budget_minor,
            budget_binding,
            factor,
            rounding,
            min_payout_minor,
            created_by,
            created_at,
            approved_by: None,
            approved_at: None,
            cancelled_by: None,
            cancelled_at: None,
            settled_at: None,
            export_line_count: None,
            export_total_minor: None,
            export_sha256: None,
            export_sha256_bom: None,
        }
    }
}

pub fn insert_batch(conn: &mut DbConnection, row: &NewBatch) -> QueryResult<()> {
    diesel::insert_into(payout_batches::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<BatchRow>> {
    payout_batches::table.find(id).select(BatchRow::as_select()).first(conn).optional()
}

pub fn list(
    conn: &mut DbConnection,
    incident_id: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<BatchRow>> {
    let mut query = payout_batches::table.select(BatchRow::as_select()).into_boxed();
    if let Some(incident) = incident_id {
        query = query.filter(payout_batches::incident_id.eq(incident.to_owned()));
    }
    if let Some(after) = after {
        query = query.filter(payout_batches::id.gt(after.to_owned()));
    }
    query.order(payout_batches::id.asc()).limit(limit).load(conn)
}

/// Stores the fingerprint of the payment file, taken at approval.
pub fn store_export_fingerprint(
    conn: &mut DbConnection,
    id: &str,
    line_count: i64,
    total_minor: i64,
    sha256: &str,
    sha256_bom: &str,
) -> QueryResult<()> {
    diesel::update(payout_batches::table.find(id))
        .set((
            payout_batches::export_line_count.eq(line_count),
            payout_batches::export_total_minor.eq(total_minor),
            payout_batches::export_sha256.eq(sha256),
            payout_batches::export_sha256_bom.eq(sha256_bom),
        ))
        .execute(conn)
        .map(drop)
}

/// Stores one part of the payment file rendered at approval.
pub fn store_file_part(
    conn: &mut DbConnection,
    batch_id: &str,
    part: i64,
    content: &[u8],
) -> QueryResult<()> {
    diesel::insert_into(payout_files::table)
        .values((
            payout_files::batch_id.eq(batch_id),
            payout_files::part.eq(part),
            payout_files::content.eq(content),
        ))
        .execute(conn)
        .map(drop)
}

/// Part `part` of the stored payment file (parts count from 1); `None` past the last.
pub fn file_part(conn: &mut DbConnection, batch_id: &str, part: i64) -> QueryResult<Option<Vec<u8>>> {
    payout_files::table.find((batch_id, part)).select(payout_files::content).first(conn).optional()
}

/// Whether the batch's payment file was stored at approval (batches approved before it was
/// stored are rendered from their lines).
pub fn has_stored_file(conn: &mut DbConnection, batch_id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(payout_files::table.filter(payout_files::batch_id.eq(batch_id))))
        .get_result(conn)
}

/// A purpose-named change of a batch's status, each recording who and when beside it.
#[derive(Debug, Clone, Copy)]
pub enum BatchUpdate<'a> {
    Approved {
        by: &'a str,
        at: NaiveDateTime,
    },
    Cancelled {
        by: &'a str,
        at: NaiveDateTime,
    },
    /// The bank has answered for every line.
    Settled {
        at: NaiveDateTime,
    },
}

impl BatchUpdate<'_> {
    /// The status the update moves a batch to.
    pub fn status(&self) -> BatchStatus {
        match self {
            BatchUpdate::Approved { .. } => BatchStatus::Approved,
            BatchUpdate::Cancelled { .. } => BatchStatus::Cancelled,
            BatchUpdate::Settled { .. } => BatchStatus::Settled,
        }
    }
}

/// Applies `update` only if the batch is still `from` (so a concurrent decision can never be
/// overwritten); returns whether it applied.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    from: BatchStatus,
    update: BatchUpdate<'_>,
) -> QueryResult<bool> {
    let target = payout_batches::table.find(id).filter(payout_batches::status.eq(from));
    let status = payout_batches::status.eq(update.status());
    let updated = match update {
        BatchUpdate::Approved { by, at } => diesel::update(target)
            .set((status, payout_batches::approved_by.eq(by), payout_batches::approved_at.eq(at)))
            .execute(conn)?,
        BatchUpdate::Cancelled { by, at } => diesel::update(target)
            .set((status, payout_batches::cancelled_by.eq(by), payout_batches::cancelled_at.eq(at)))
            .execute(conn)?,
        BatchUpdate::Settled { at } => {
            diesel::update(target).set((status, payout_batches::settled_at.eq(at))).execute(conn)?
        }
    };
    Ok(updated == 1)
}
