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
        .filter(claims::status.eq_any(ClaimStatus::eligible_for_batch().collect::<Vec<_>>()))
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

/// Moves the claims `claim_ids` to `in_batch`, each only if it is still `from` (the status its
/// line was calculated from); returns how many moved. By id rather than through the batch's
/// lines: PostgreSQL has no statistics yet for lines written in the same transaction, and
/// plans a join with them as if they were a handful.
pub fn take_claims(
    conn: &mut DbConnection,
    claim_ids: &[&str],
    from: ClaimStatus,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut taken = 0;
    for chunk in claim_ids.chunks(IDS_PER_STATEMENT) {
        taken +=
            diesel::update(claims::table.filter(claims::id.eq_any(chunk)).filter(claims::status.eq(from)))
                .set((claims::status.eq(ClaimStatus::InBatch), claims::updated_at.eq(now)))
                .execute(conn)?;
    }
    Ok(taken)
}

/// Ids bound in one statement: well under SQLite's 32766 parameters.
const IDS_PER_STATEMENT: usize = 10_000;

/// Lines changed per statement by the updates below. One statement over a million lines would
/// have SQLite keep every page it changes in memory until it ends (hundreds of MiB).
const LINES_PER_STATEMENT: i64 = 10_000;

/// The batch's line numbers, `1..=line_count`, a statement's worth at a time.
fn line_ranges(line_count: i64) -> impl Iterator<Item = std::ops::RangeInclusive<i64>> {
    (0..line_count.div_euclid(LINES_PER_STATEMENT) + 1)
        .map(move |page| page * LINES_PER_STATEMENT + 1..=((page + 1) * LINES_PER_STATEMENT).min(line_count))
        .filter(|range| !range.is_empty())
}

/// On approval: claims whose line pays nothing are closed.
pub fn close_unpaid_claims(
    conn: &mut DbConnection,
    batch_id: &str,
    line_count: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut closed = 0;
    for range in line_ranges(line_count) {
        // Read first, then updated by id, for the reason given at `take_claims`.
        let unpaid: Vec<String> = payout_lines::table
            .filter(payout_lines::batch_id.eq(batch_id))
            .filter(payout_lines::line_no.between(*range.start(), *range.end()))
            .filter(payout_lines::status.eq(LineStatus::ClosedNoPayout))
            .select(payout_lines::claim_id)
            .load(conn)?;
        closed += diesel::update(
            claims::table.filter(claims::id.eq_any(&unpaid)).filter(claims::status.eq(ClaimStatus::InBatch)),
        )
        .set((claims::status.eq(ClaimStatus::ClosedNoPayout), claims::updated_at.eq(now)))
        .execute(conn)?;
    }
    Ok(closed)
}

/// On cancel: the lines let go of their claims, which return to their prior status.
pub fn release_claims(
    conn: &mut DbConnection,
    batch_id: &str,
    line_count: i64,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mut released = 0;
    for range in line_ranges(line_count) {
        let (first, last) = (*range.start(), *range.end());
        let prior = payout_lines::table
            .filter(payout_lines::batch_id.eq(batch_id))
            .filter(payout_lines::claim_id.eq(claims::id))
            .select(payout_lines::prior_status)
            .single_value();
        let held = payout_lines::table
            .filter(payout_lines::batch_id.eq(batch_id))
            .filter(payout_lines::line_no.between(first, last))
            .select(payout_lines::claim_id);
        released += diesel::update(claims::table.filter(claims::id.eq_any(held)))
            .set((claims::status.eq(prior.assume_not_null()), claims::updated_at.eq(now)))
            .execute(conn)?;
        let lines = payout_lines::table
            .filter(payout_lines::batch_id.eq(batch_id))
            .filter(payout_lines::line_no.between(first, last));
        diesel::update(lines)
            .set((payout_lines::status.eq(LineStatus::Cancelled), payout_lines::active.eq(false)))
            .execute(conn)?;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ranges_cover_every_line_once() {
        let ranges: Vec<_> = line_ranges(25_001).collect();
        assert_eq!(ranges, vec![1..=10_000, 10_001..=20_000, 20_001..=25_001]);
        assert_eq!(line_ranges(20_000).collect::<Vec<_>>(), vec![1..=10_000, 10_001..=20_000]);
        assert_eq!(line_ranges(0).count(), 0);
        assert_eq!(line_ranges(1).collect::<Vec<_>>(), vec![1..=1]);
    }
}
