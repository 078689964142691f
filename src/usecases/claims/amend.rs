//! `POST /claims/{id}/amend`: the owner changes the terms of its one claim (amount, loss
//! period, evidence, description) while no decision is final, and the claim is verified again
//! against the outage windows and the incident's latest policy, as at filing.

use chrono::Duration;
use serde_json::json;

use super::file::{automatic_status, held_for_signals, service_windows, window_rows, DEFAULT_CURE_DAYS};
use super::read::load_own_for_change;
use super::screen::{self, Client};
use super::{unmasked_for, view, ClaimView};
use crate::db::audit::NewEvent;
use crate::db::claims::{self, ClaimRow, TermsAmended};
use crate::db::context::WriteContext;
use crate::db::DbConnection;
use crate::domain::amendment::{AmendInput, LossTerms};
use crate::domain::claim::{reason, ClaimStatus};
use crate::domain::claim_input::Evidence;
use crate::domain::interval::Interval;
use crate::domain::money::{Currency, Money};
use crate::domain::role::Actor;
use crate::domain::service::ServiceSlug;
use crate::domain::signals::Thresholds;
use crate::domain::time::Timestamp;
use crate::domain::verification::Verification;
use crate::usecases::Error;
use crate::usecases::{incidents, policies};

fn corrupt(row: &ClaimRow, what: &str) -> Error {
    Error::Internal(anyhow::anyhow!("claim {} has an unreadable {what}", row.id))
}

/// The terms stored on the claim.
fn stored_terms(row: &ClaimRow, currency: Currency) -> Result<LossTerms, Error> {
    let money = |minor: Option<i64>| minor.map(|m| Money::from_minor(m, currency));
    let loss = Interval::new(Timestamp::from_db(row.loss_started_at), Timestamp::from_db(row.loss_ended_at))
        .ok_or_else(|| corrupt(row, "loss period"))?;
    Ok(LossTerms {
        loss,
        claimed: Money::from_minor(row.claimed_minor, currency),
        evidence: Evidence {
            baseline_revenue: money(row.baseline_revenue_minor),
            outage_revenue: money(row.outage_revenue_minor),
            monthly_fee: money(row.monthly_fee_minor),
        },
        description: row.description.clone(),
    })
}

/// Whether the claim's status was given by the rules (and so may be given again by them), not
/// by a person or a signal that a person must clear.
fn set_by_rules(status: ClaimStatus, status_reason: Option<&str>) -> bool {
    match (status, status_reason) {
        (ClaimStatus::Verified, _) => true,
        (ClaimStatus::NeedsReview, Some(r)) => r == reason::ABOVE_REVIEW_THRESHOLD,
        (ClaimStatus::Deficient, Some(r)) => r.starts_with(reason::MISSING_EVIDENCE),
        _ => false,
    }
}

pub fn amend(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    thresholds: Thresholds,
    id: &str,
    input: AmendInput,
) -> Result<ClaimView, Error> {
    let row = load_own_for_change(conn, actor, id)?;
    let status = row.status;
    if !matches!(status, ClaimStatus::Verified | ClaimStatus::NeedsReview | ClaimStatus::Deficient) {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::WrongStatus { incident_id: None },
            format!("a claim that is {} cannot be amended", row.status),
        ));
    }
    let currency = row.currency;
    let now = Timestamp::now();
    let before = stored_terms(&row, currency)?;
    let terms = input.apply(&before, now)?;
    let incident = incidents::load(conn, &row.incident_id)?;
    let service = ServiceSlug::parse(&row.service).map_err(|_| corrupt(&row, "service"))?;
    let kind = row.claimant_kind;
    let verification =
        Verification::compute(terms.loss, &service_windows(conn, &row.incident_id, service.as_str())?);
    if !verification.has_outage() {
        // An accepted claim is never rejected by its owner's own amendment: it is refused instead.
        return Err(Error::field(
            "loss_started_at",
            reason::NO_RECORDED_OUTAGE,
            "the amended loss period overlaps no recorded outage of this service",
        ));
    }
    let policy = policies::latest(conn, &row.incident_id)?;
    let (to, to_reason) = if set_by_rules(status, row.status_reason.as_deref()) {
        automatic_status(
            policy.as_ref(),
            &incident,
            kind,
            &service,
            &terms.evidence,
            terms.claimed,
            &verification,
        )
    } else if status == ClaimStatus::NeedsReview {
        (ClaimStatus::NeedsReview, row.status_reason.clone())
    } else {
        // Finance asked for something: a person looks at the amended claim.
        (ClaimStatus::NeedsReview, Some(reason::AMENDED.into()))
    };
    // Screened again on the amended terms (docs/contract.md §4); an amendment is not a filing, so it is
    // not counted for velocity.
    let mut screened = row.clone();
    screened.claimed_minor = terms.claimed.minor();
    screened.status = to;
    let peers = screen::peers_of(conn, (&screened).into())?;
    let signals = screen::screen(conn, &thresholds, (&screened).into(), &Client::Uncounted, peers, now)?;
    let (to, to_reason) = match held_for_signals(screened.status, &signals) {
        Some(_) => (ClaimStatus::NeedsReview, Some(reason::INTEGRITY_SIGNAL.to_owned())),
        None => (to, to_reason),
    };
    screen::record(conn, &row.id, &Client::Uncounted, &signals, now)?;
    let cure_deadline = (to == ClaimStatus::Deficient).then(|| {
        row.cure_deadline
            .unwrap_or_else(|| Timestamp::from_utc(now.as_utc() + Duration::days(DEFAULT_CURE_DAYS)).to_db())
    });
    let windows = window_rows(&row.id, &verification);
    let amended = TermsAmended {
        loss_started_at: terms.loss.start().to_db(),
        loss_ended_at: terms.loss.end().to_db(),
        claimed_minor: terms.claimed.minor(),
        baseline_revenue_minor: terms.evidence.baseline_revenue.map(Money::minor),
        outage_revenue_minor: terms.evidence.outage_revenue.map(Money::minor),
        monthly_fee_minor: terms.evidence.monthly_fee.map(Money::minor),
        description: terms.description.clone(),
        outage_seconds: verification.outage_seconds(),
        status: to,
        status_reason: to_reason,
        cure_deadline,
        updated_at: now.to_db(),
    };
    if !claims::amend_terms(conn, &row.id, row.status, &amended, &windows)? {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::Stale,
            "the claim changed meanwhile; read it again",
        ));
    }
    let event = NewEvent {
        action: "claim.amended",
        entity_type: "claim",
        entity_id: row.id.clone(),
        details: json!({
            "from": row.status,
            "to": amended.status,
            "status_reason": amended.status_reason,
            "claimed_minor": {"from": row.claimed_minor, "to": amended.claimed_minor},
            "loss_started_at": {"from": before.loss.start().to_string(), "to": terms.loss.start().to_string()},
            "loss_ended_at": {"from": before.loss.end().to_string(), "to": terms.loss.end().to_string()},
            "outage_seconds": {"from": row.outage_seconds, "to": amended.outage_seconds},
            "evidence": input.evidence,
            "signals": signals.iter().map(|s| s.code).collect::<Vec<_>>(),
        }),
    };
    context.audit(&actor.audit_name(), event);
    let updated = claims::find(conn, &row.id)?.ok_or(Error::NotFound)?;
    Ok(view(&updated, &windows, unmasked_for(Some(actor))))
}
