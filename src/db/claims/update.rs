//! Changes of a stored claim, each named by its purpose and applied only from the status the
//! caller read, so a concurrent change is never overwritten.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::schema::{claim_windows, claims};
use super::super::DbConnection;
use crate::domain::claim::{reason, ClaimStatus};

use super::ClaimWindowRow;

/// A purpose-named change of a claim's status, each setting exactly the columns its purpose
/// changes (and `updated_at`). Which statuses a claim may leave this way is the domain's rule
/// (`ClaimStatus::can_withdraw` and its siblings), checked by the caller before it applies one.
#[derive(Debug, Clone, Copy)]
pub enum ClaimUpdate<'a> {
    /// The claimant withdrew it: any deadline to cure a deficiency lapses with it.
    Withdrawn { at: NaiveDateTime },
    /// Finance decided on it: `approved_minor` only with an approval that assessed an amount,
    /// `cure_deadline` only with a request for information. A rejection records who made it
    /// and when (an appeal runs from then and goes to someone else).
    Reviewed {
        status: ClaimStatus,
        reason: &'a str,
        approved_minor: Option<i64>,
        cure_deadline: Option<NaiveDateTime>,
        reviewer: &'a str,
        at: NaiveDateTime,
    },
    /// Its owner appealed the rejection: back to a person, once.
    Appealed { at: NaiveDateTime },
    /// A deficiency was not answered by its deadline: rejected by the rules.
    CureExpired { at: NaiveDateTime },
    /// Its owner gave a new payout account; `status` and `reason` are where that leaves it
    /// (unchanged, or back to a person after a failed payment or a signal).
    AccountChanged {
        status: ClaimStatus,
        reason: Option<&'a str>,
        bank_code: &'a str,
        account_number: &'a str,
        holder: &'a str,
        at: NaiveDateTime,
    },
    /// The claimant answered a deficiency: the evidence as it now stands, and where that
    /// leaves the claim (a reason only when it goes back to a person).
    DocumentsReceived {
        status: ClaimStatus,
        reason: Option<&'a str>,
        evidence: EvidenceMinor,
        at: NaiveDateTime,
    },
    /// A payout batch found it needs a person (or evidence, with a deadline) before it pays.
    HeldAtBatch {
        status: ClaimStatus,
        reason: &'a str,
        cure_deadline: Option<NaiveDateTime>,
        at: NaiveDateTime,
    },
}

/// A claim's evidence amounts, in minor units of its currency.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvidenceMinor {
    pub baseline_revenue_minor: Option<i64>,
    pub outage_revenue_minor: Option<i64>,
    pub monthly_fee_minor: Option<i64>,
}

impl ClaimUpdate<'_> {
    /// The status the update moves a claim to.
    pub fn status(&self) -> ClaimStatus {
        match *self {
            ClaimUpdate::Withdrawn { .. } => ClaimStatus::Withdrawn,
            ClaimUpdate::Appealed { .. } => ClaimStatus::NeedsReview,
            ClaimUpdate::CureExpired { .. } => ClaimStatus::Rejected,
            ClaimUpdate::AccountChanged { status, .. }
            | ClaimUpdate::Reviewed { status, .. }
            | ClaimUpdate::DocumentsReceived { status, .. }
            | ClaimUpdate::HeldAtBatch { status, .. } => status,
        }
    }
}

/// Applies `update` only if the claim is still in `from` (so a concurrent change can never be
/// overwritten); returns whether it applied.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    from: ClaimStatus,
    update: ClaimUpdate<'_>,
) -> QueryResult<bool> {
    use claims::{approved_minor, cure_deadline, status, status_reason, updated_at};
    let target = claims::table.find(id).filter(status.eq(from));
    let to = status.eq(update.status());
    let updated = match update {
        ClaimUpdate::Withdrawn { at } => diesel::update(target)
            .set((
                to,
                status_reason.eq(reason::WITHDRAWN_BY_CLAIMANT),
                cure_deadline.eq(None::<NaiveDateTime>),
                updated_at.eq(at),
            ))
            .execute(conn)?,
        ClaimUpdate::Reviewed {
            status: decided,
            reason,
            approved_minor: approved,
            cure_deadline: deadline,
            reviewer,
            at,
        } => {
            let rejected = decided == ClaimStatus::Rejected;
            let changes = (
                to,
                status_reason.eq(reason),
                approved_minor.eq(approved),
                cure_deadline.eq(deadline),
                updated_at.eq(at),
            );
            if rejected {
                diesel::update(target)
                    .set((changes, claims::rejected_at.eq(at), claims::rejected_by.eq(reviewer)))
                    .execute(conn)?
            } else {
                diesel::update(target).set(changes).execute(conn)?
            }
        }
        ClaimUpdate::Appealed { at } => diesel::update(target)
            .set((to, status_reason.eq(reason::APPEAL), claims::appealed_at.eq(at), updated_at.eq(at)))
            .execute(conn)?,
        ClaimUpdate::CureExpired { at } => diesel::update(target)
            .set((
                to,
                status_reason.eq(reason::CURE_EXPIRED),
                cure_deadline.eq(None::<NaiveDateTime>),
                claims::rejected_at.eq(at),
                claims::rejected_by.eq(None::<String>),
                updated_at.eq(at),
            ))
            .execute(conn)?,
        ClaimUpdate::AccountChanged { reason, bank_code, account_number, holder, at, .. } => {
            diesel::update(target)
                .set((
                    to,
                    status_reason.eq(reason),
                    claims::bank_code.eq(bank_code),
                    claims::account_number.eq(account_number),
                    claims::account_holder.eq(holder),
                    updated_at.eq(at),
                ))
                .execute(conn)?
        }
        ClaimUpdate::DocumentsReceived { reason, evidence, at, .. } => diesel::update(target)
            .set((
                to,
                status_reason.eq(reason),
                claims::baseline_revenue_minor.eq(evidence.baseline_revenue_minor),
                claims::outage_revenue_minor.eq(evidence.outage_revenue_minor),
                claims::monthly_fee_minor.eq(evidence.monthly_fee_minor),
                cure_deadline.eq(None::<NaiveDateTime>),
                updated_at.eq(at),
            ))
            .execute(conn)?,
        ClaimUpdate::HeldAtBatch { reason, cure_deadline: deadline, at, .. } => diesel::update(target)
            .set((to, status_reason.eq(reason), cure_deadline.eq(deadline), updated_at.eq(at)))
            .execute(conn)?,
    };
    Ok(updated == 1)
}

/// A claim's terms after its owner amended them, with its new verification and status.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = claims, treat_none_as_null = true)]
pub struct TermsAmended {
    pub loss_started_at: NaiveDateTime,
    pub loss_ended_at: NaiveDateTime,
    pub claimed_minor: i64,
    pub baseline_revenue_minor: Option<i64>,
    pub outage_revenue_minor: Option<i64>,
    pub monthly_fee_minor: Option<i64>,
    pub description: Option<String>,
    pub outage_seconds: i64,
    pub status: ClaimStatus,
    pub status_reason: Option<String>,
    pub cure_deadline: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

/// Applies an amendment only if the claim is still in `from`, and replaces its window
/// overlaps; returns whether it applied.
pub fn amend_terms(
    conn: &mut DbConnection,
    id: &str,
    from: ClaimStatus,
    terms: &TermsAmended,
    windows: &[ClaimWindowRow],
) -> QueryResult<bool> {
    let updated =
        diesel::update(claims::table.find(id).filter(claims::status.eq(from))).set(terms).execute(conn)?;
    if updated != 1 {
        return Ok(false);
    }
    diesel::delete(claim_windows::table.filter(claim_windows::claim_id.eq(id))).execute(conn)?;
    crate::on_backend!(&mut *conn, |c| diesel::insert_into(claim_windows::table).values(windows).execute(c))?;
    Ok(true)
}
