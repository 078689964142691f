//! Payout batches and their lines.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{claims, payout_batches, payout_lines};
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = payout_batches)]
pub struct BatchRow {
    pub id: String,
    pub incident_id: String,
    pub policy_id: String,
    pub policy_version: i32,
    pub status: String,
    pub currency: String,
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
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
    pub status: String,
    pub prior_status: String,
    pub active: bool,
    pub facts: String,
    pub bank_reference: Option<String>,
    pub failure_reason: Option<String>,
    pub settled_at: Option<NaiveDateTime>,
}

/// What a batch reads of an eligible claim.
#[derive(Debug, Clone, Queryable)]
pub struct EligibleClaim {
    pub id: String,
    pub reference: String,
    pub status: String,
    pub claimant_kind: String,
    pub service: String,
    pub claimed_minor: i64,
    pub baseline_revenue_minor: Option<i64>,
    pub outage_revenue_minor: Option<i64>,
    pub monthly_fee_minor: Option<i64>,
    pub approved_minor: Option<i64>,
    pub identity_key: String,
}

/// A page of the incident's claims a batch may take (verified, approved, payout_failed), by id.
pub fn eligible_claims(
    conn: &mut DbConnection,
    incident_id: &str,
    currency: &str,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<EligibleClaim>> {
    claims::table
        .filter(claims::incident_id.eq(incident_id))
        .filter(claims::status.eq_any(ELIGIBLE))
        .filter(claims::currency.eq(currency))
        .filter(claims::id.gt(after))
        .order(claims::id.asc())
        .limit(limit)
        .select((
            claims::id,
            claims::reference,
            claims::status,
            claims::claimant_kind,
            claims::service,
            claims::claimed_minor,
            claims::baseline_revenue_minor,
            claims::outage_revenue_minor,
            claims::monthly_fee_minor,
            claims::approved_minor,
            claims::identity_key,
        ))
        .load(conn)
}

pub fn insert_batch(conn: &mut DbConnection, row: &BatchRow) -> QueryResult<()> {
    diesel::insert_into(payout_batches::table).values(row).execute(conn).map(drop)
}

pub fn insert_lines(conn: &mut DbConnection, rows: &[LineRow]) -> QueryResult<()> {
    // 15 columns a row: 1000 rows stay under SQLite's 32766 bound parameters.
    for chunk in rows.chunks(1000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(payout_lines::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The statuses a batch may take a claim from.
pub const ELIGIBLE: [&str; 3] = ["verified", "approved", "payout_failed"];

/// Moves every claim of the batch's lines to `in_batch`, each only if it is still in the
/// status its line was calculated from; returns how many moved.
pub fn take_claims(conn: &mut DbConnection, batch_id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    let unchanged = payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::claim_id.eq(claims::id))
        .filter(payout_lines::prior_status.eq(claims::status));
    let lines =
        payout_lines::table.filter(payout_lines::batch_id.eq(batch_id)).select(payout_lines::claim_id);
    diesel::update(claims::table.filter(claims::id.eq_any(lines)).filter(diesel::dsl::exists(unchanged)))
        .set((claims::status.eq("in_batch"), claims::updated_at.eq(now)))
        .execute(conn)
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

/// Sets the batch's status if it is still `from`; returns whether it applied.
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

pub fn change_status(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    to: &str,
    actor: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = payout_batches::table.find(id).filter(payout_batches::status.eq(from));
    let updated = match to {
        "approved" => diesel::update(target)
            .set((
                payout_batches::status.eq(to),
                payout_batches::approved_by.eq(actor),
                payout_batches::approved_at.eq(now),
            ))
            .execute(conn)?,
        "cancelled" => diesel::update(target)
            .set((
                payout_batches::status.eq(to),
                payout_batches::cancelled_by.eq(actor),
                payout_batches::cancelled_at.eq(now),
            ))
            .execute(conn)?,
        _ => diesel::update(target)
            .set((payout_batches::status.eq(to), payout_batches::settled_at.eq(now)))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// On approval: claims whose line pays nothing are closed.
pub fn close_unpaid_claims(
    conn: &mut DbConnection,
    batch_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let closed = payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::status.eq("closed_no_payout"))
        .select(payout_lines::claim_id);
    diesel::update(claims::table.filter(claims::id.eq_any(closed)))
        .set((claims::status.eq("closed_no_payout"), claims::updated_at.eq(now)))
        .execute(conn)
}

/// On cancel: the lines let go of their claims, which return to their prior status.
pub fn release_claims(conn: &mut DbConnection, batch_id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    let prior = payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::claim_id.eq(claims::id))
        .select(payout_lines::prior_status)
        .single_value();
    let in_batch =
        payout_lines::table.filter(payout_lines::batch_id.eq(batch_id)).select(payout_lines::claim_id);
    let released = diesel::update(claims::table.filter(claims::id.eq_any(in_batch)))
        .set((claims::status.eq(prior.assume_not_null()), claims::updated_at.eq(now)))
        .execute(conn)?;
    diesel::update(payout_lines::table.filter(payout_lines::batch_id.eq(batch_id)))
        .set((payout_lines::status.eq("cancelled"), payout_lines::active.eq(false)))
        .execute(conn)?;
    Ok(released)
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
        .filter(payout_lines::status.ne("cancelled"))
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
        .filter(payout_lines::status.eq("pending"));
    let updated = diesel::update(line)
        .set((
            payout_lines::status.eq(if paid { "paid" } else { "failed" }),
            // A failed payment lets go of its claim, so a later batch may take it again.
            payout_lines::active.eq(paid),
            payout_lines::bank_reference.eq(bank_reference),
            payout_lines::failure_reason.eq(failure_reason),
            payout_lines::settled_at.eq(now),
        ))
        .execute(conn)?;
    if updated == 1 {
        diesel::update(claims::table.find(claim_id).filter(claims::status.eq("in_batch")))
            .set((claims::status.eq(if paid { "paid" } else { "payout_failed" }), claims::updated_at.eq(now)))
            .execute(conn)?;
    }
    Ok(updated == 1)
}

/// Lines still waiting for the bank's answer.
pub fn pending_count(conn: &mut DbConnection, batch_id: &str) -> QueryResult<i64> {
    payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::status.eq("pending"))
        .count()
        .get_result(conn)
}

/// The amount paid to a claim, if it was paid: `(payout_minor, currency)`.
pub fn paid_amounts(
    conn: &mut DbConnection,
    claim_ids: &[String],
) -> QueryResult<Vec<(String, i64, String)>> {
    let mut rows = Vec::new();
    for chunk in claim_ids.chunks(500) {
        rows.extend(
            payout_lines::table
                .inner_join(payout_batches::table)
                .filter(payout_lines::claim_id.eq_any(chunk))
                .filter(payout_lines::status.eq("paid"))
                .select((payout_lines::claim_id, payout_lines::payout_minor, payout_batches::currency))
                .load::<(String, i64, String)>(conn)?,
        );
    }
    Ok(rows)
}
