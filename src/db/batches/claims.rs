//! What a batch does to the claims it takes: which it may take, taking them, closing or
//! releasing them when it is decided, and what was paid.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{claims, payout_batches, payout_lines};
use crate::db::DbConnection;
use crate::domain::batch::LineStatus;
use crate::domain::claim::ClaimStatus;
use crate::domain::claimant::ClaimantKind;
use crate::domain::money::Currency;

/// What a batch reads of an eligible claim.
#[derive(Debug, Clone, Queryable)]
pub struct EligibleClaim {
    pub id: String,
    pub reference: String,
    pub status: ClaimStatus,
    pub claimant_kind: ClaimantKind,
    pub service: String,
    pub claimed_minor: i64,
    pub baseline_revenue_minor: Option<i64>,
    pub outage_revenue_minor: Option<i64>,
    pub monthly_fee_minor: Option<i64>,
    pub approved_minor: Option<i64>,
    pub identity_key: String,
}

/// A page of the incident's claims a batch may take (`ClaimStatus::is_eligible_for_batch`), by id.
pub fn eligible_claims(
    conn: &mut DbConnection,
    incident_id: &str,
    currency: Currency,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<EligibleClaim>> {
    claims::table
        .filter(claims::incident_id.eq(incident_id))
        .filter(claims::status.eq_any(eligible_statuses()))
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

/// The statuses a batch may take a claim from: the domain's rule, as a list for SQL.
fn eligible_statuses() -> Vec<ClaimStatus> {
    ClaimStatus::ALL.into_iter().filter(|s| s.is_eligible_for_batch()).collect()
}

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
        .set((claims::status.eq(ClaimStatus::InBatch), claims::updated_at.eq(now)))
        .execute(conn)
}

/// On approval: claims whose line pays nothing are closed.
pub fn close_unpaid_claims(
    conn: &mut DbConnection,
    batch_id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let closed = payout_lines::table
        .filter(payout_lines::batch_id.eq(batch_id))
        .filter(payout_lines::status.eq(LineStatus::ClosedNoPayout))
        .select(payout_lines::claim_id);
    diesel::update(claims::table.filter(claims::id.eq_any(closed)))
        .set((claims::status.eq(ClaimStatus::ClosedNoPayout), claims::updated_at.eq(now)))
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
        .set((payout_lines::status.eq(LineStatus::Cancelled), payout_lines::active.eq(false)))
        .execute(conn)?;
    Ok(released)
}

/// The amount paid to a claim, if it was paid: `(payout_minor, currency)`.
pub fn paid_amounts(
    conn: &mut DbConnection,
    claim_ids: &[String],
) -> QueryResult<Vec<(String, i64, Currency)>> {
    let mut rows = Vec::new();
    for chunk in claim_ids.chunks(500) {
        rows.extend(
            payout_lines::table
                .inner_join(payout_batches::table)
                .filter(payout_lines::claim_id.eq_any(chunk))
                .filter(payout_lines::status.eq(LineStatus::Paid))
                .select((payout_lines::claim_id, payout_lines::payout_minor, payout_batches::currency))
                .load::<(String, i64, Currency)>(conn)?,
        );
    }
    Ok(rows)
}
