//! The claim life cycle after filing: withdrawal, finance review, documents that cure a
//! deficiency. Every transition is checked against the current status (409 otherwise) and
//! audited in the same transaction.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::read::{load_for_change, load_own_for_change};
use super::{unmasked_for, view, ClaimView};
use crate::db::audit::NewEvent;
use crate::db::claims::{self, ClaimRow, ClaimUpdate, EvidenceMinor};
use crate::db::context::WriteContext;
use crate::db::DbConnection;
use crate::domain::claim::{reason, ClaimStatus, Decision};
use crate::domain::claim_input::{Evidence, EvidenceInput};
use crate::domain::money::{DecimalString, Money};
use crate::domain::notice::NoticeKind;
use crate::domain::role::{Actor, Role};
use crate::domain::service::ServiceSlug;
use crate::domain::time::Timestamp;
use crate::domain::validation::Errors;
use crate::usecases::Error;
use crate::usecases::{incidents, notices, policies};

/// The body of `POST /claims/{id}/review`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub decision: Decision,
    #[validate(length(min = 1, max = 2000))]
    pub reason: String,
    /// With `approve`: the amount assessed case by case (at most the claimed amount).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_amount: Option<DecimalString>,
    /// With `request_info`: days the claimant has to answer (1 to 90, default 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 1, max = 90))]
    pub cure_days: Option<u32>,
    /// What the claimant is told, in their timeline; without it they read a standard text for
    /// the decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 2000))]
    pub message: Option<String>,
    /// An internal note for staff, kept in the audit trail and never shown to the claimant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 2000))]
    pub note: Option<String>,
}

/// The body of `POST /claims/{id}/documents`: the claimant's answer to a deficiency.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentsInput {
    #[serde(default)]
    pub evidence: EvidenceInput,
    #[validate(length(min = 1, max = 2000))]
    pub note: String,
}

fn status_of(row: &ClaimRow) -> Result<ClaimStatus, Error> {
    Ok(row.status)
}

fn illegal(row: &ClaimRow, what: &str) -> Error {
    Error::conflict(
        crate::usecases::error::ConflictKind::WrongStatus { incident_id: None },
        format!("a claim that is {} cannot be {what}", row.status),
    )
}

/// Moves the claim from its current status, appends the event, and answers the new view.
pub(super) fn transition(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    row: &ClaimRow,
    change: ClaimUpdate<'_>,
    action: &'static str,
    details: serde_json::Value,
) -> Result<ClaimView, Error> {
    if !claims::update(conn, &row.id, row.status, change)? {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::Stale,
            "the claim changed meanwhile; read it again",
        ));
    }
    let mut details = details;
    details["from"] = json!(row.status);
    details["to"] = json!(change.status());
    context.audit(
        &actor.audit_name(),
        NewEvent { action, entity_type: "claim", entity_id: row.id.clone(), details },
    );
    let updated = claims::find(conn, &row.id)?.ok_or(Error::NotFound)?;
    let windows = claims::windows_of(conn, std::slice::from_ref(&row.id))?;
    Ok(view(&updated, &windows, unmasked_for(Some(actor))))
}

pub fn withdraw(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
) -> Result<ClaimView, Error> {
    if actor.is(&[Role::Admin, Role::Finance]) && actor.claim_scope.is_none() {
        return Err(Error::Forbidden);
    }
    let row = load_for_change(conn, actor, id)?;
    if !status_of(&row)?.can_withdraw() {
        return Err(illegal(&row, "withdrawn"));
    }
    let change = ClaimUpdate::Withdrawn { at: Timestamp::now().to_db() };
    transition(conn, context, actor, &row, change, "claim.withdrawn", json!({}))
}

pub fn review(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
    input: ReviewInput,
) -> Result<ClaimView, Error> {
    if actor.role != Role::Finance || actor.claim_scope.is_some() {
        return Err(Error::Forbidden);
    }
    let row = load_for_change(conn, actor, id)?;
    let currency = row.currency;
    let mut errors = Errors::default();
    if input.reason.trim().is_empty() {
        errors.add("reason", "required", "must not be blank");
    }
    let approved = match (input.decision, input.approved_amount) {
        (Decision::Approve, Some(amount)) => errors.take(
            Money::from_decimal(amount, currency)
                .map_err(|(c, m)| crate::domain::validation::FieldError::new("approved_amount", c, m)),
        ),
        (_, Some(_)) => {
            errors.add("approved_amount", "not_allowed", "goes only with the approve decision");
            None
        }
        _ => None,
    };
    if approved.is_some_and(|a| a.minor() > row.claimed_minor) {
        errors.add("approved_amount", "above_claimed", "must not exceed the claimed amount");
    }
    for (field, text) in [("message", &input.message), ("note", &input.note)] {
        if text.as_deref().is_some_and(|t| t.trim().is_empty()) {
            errors.add(field, "required", "must not be blank when given");
        }
    }
    if input.cure_days.is_some() && input.decision != Decision::RequestInfo {
        errors.add("cure_days", "not_allowed", "goes only with the request_info decision");
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors.into_vec()));
    }
    if !status_of(&row)?.can_review() {
        return Err(illegal(&row, "reviewed"));
    }
    if is_appeal_of(&row, actor) {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::SameReviewer,
            "this appeal must be decided by a finance user other than the one who rejected the claim",
        ));
    }
    let now = Timestamp::now();
    let cure_days = i64::from(input.cure_days.unwrap_or(super::file::DEFAULT_CURE_DAYS as u32));
    let reason = input.reason.trim();
    let approved_minor = approved.map(Money::minor);
    let reviewer = actor.audit_name();
    let change = ClaimUpdate::Reviewed {
        status: input.decision.outcome(),
        reason,
        approved_minor,
        cure_deadline: (input.decision == Decision::RequestInfo)
            .then(|| Timestamp::from_utc(now.as_utc() + Duration::days(cure_days)).to_db()),
        reviewer: &reviewer,
        at: now.to_db(),
    };
    let details = json!({
        "decision": input.decision,
        "reason": reason,
        "approved_minor": approved_minor,
        "cure_days": (input.decision == Decision::RequestInfo).then_some(cure_days),
        "message": input.message.as_deref().map(str::trim),
        "note": input.note.as_deref().map(str::trim),
    });
    let view = transition(conn, context, actor, &row, change, "claim.reviewed", details)?;
    tell_decision(
        conn,
        &row,
        input.decision,
        reason,
        input.message.as_deref(),
        approved_minor,
        now,
        cure_days,
    )?;
    Ok(view)
}

/// The claimant hears of a decision: approved (with the amount when one was assessed),
/// rejected (why, and until when to appeal), or what is needed and by when.
#[allow(clippy::too_many_arguments)]
fn tell_decision(
    conn: &mut DbConnection,
    row: &ClaimRow,
    decision: Decision,
    reason: &str,
    message: Option<&str>,
    approved_minor: Option<i64>,
    now: Timestamp,
    cure_days: i64,
) -> Result<(), Error> {
    let message = message.map(str::trim);
    let (kind, details) = match decision {
        Decision::Approve => (
            NoticeKind::Decision,
            json!({"decision": "approve", "amount_minor": approved_minor, "message": message}),
        ),
        Decision::Reject => {
            let appeal_days = incidents::load(conn, &row.incident_id)?.row.appeal_days;
            let details = json!({
                "decision": "reject",
                "reason": reason,
                "message": message,
                "appeal_deadline": notices::appeal_deadline_text(now.to_db(), appeal_days),
            });
            (NoticeKind::Decision, details)
        }
        Decision::RequestInfo => {
            let deadline = Timestamp::from_utc(now.as_utc() + Duration::days(cure_days));
            (
                NoticeKind::DocumentsRequested,
                json!({"deadline": deadline.to_string(), "message": message.unwrap_or(reason)}),
            )
        }
    };
    notices::tell(conn, row, kind, details)
}

/// Whether the claim waits on an appeal against a rejection `actor` made (four eyes).
fn is_appeal_of(row: &ClaimRow, actor: &Actor) -> bool {
    row.status == ClaimStatus::NeedsReview
        && row.status_reason.as_deref() == Some(reason::APPEAL)
        && row.rejected_by.as_deref().is_some_and(|by| actor.is_named(by))
}

pub fn documents(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
    input: DocumentsInput,
) -> Result<ClaimView, Error> {
    let row = load_own_for_change(conn, actor, id)?;
    let currency = row.currency;
    let mut errors = Errors::default();
    if input.note.trim().is_empty() {
        errors.add("note", "required", "must not be blank");
    }
    let sent = Evidence::parse(&input.evidence, currency, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Invalid(errors.into_vec()));
    }
    if !status_of(&row)?.can_receive_documents() {
        return Err(illegal(&row, "sent documents (only deficient claims are)"));
    }
    let now = Timestamp::now();
    if row.cure_deadline.is_some_and(|deadline| now > Timestamp::from_db(deadline)) {
        return Err(Error::conflict(
            crate::usecases::error::ConflictKind::DeadlinePassed,
            "the deadline to answer this deficiency has passed",
        ));
    }
    let money = |minor: Option<i64>| minor.map(|m| Money::from_minor(m, currency));
    let stored = Evidence {
        baseline_revenue: money(row.baseline_revenue_minor),
        outage_revenue: money(row.outage_revenue_minor),
        monthly_fee: money(row.monthly_fee_minor),
    };
    let evidence = stored.merged(sent);
    let status = cured_status(conn, &row, &evidence)?;
    let change = ClaimUpdate::DocumentsReceived {
        status,
        reason: (status != ClaimStatus::Verified).then_some(reason::DOCUMENTS_RECEIVED),
        evidence: EvidenceMinor {
            baseline_revenue_minor: evidence.baseline_revenue.map(Money::minor),
            outage_revenue_minor: evidence.outage_revenue.map(Money::minor),
            monthly_fee_minor: evidence.monthly_fee.map(Money::minor),
        },
        at: now.to_db(),
    };
    let details = json!({"note": input.note.trim(), "evidence": input.evidence});
    let view = transition(conn, context, actor, &row, change, "claim.documents_received", details)?;
    notices::tell(conn, &row, NoticeKind::DocumentsReceived, json!({}))?;
    Ok(view)
}

/// A claim held back only for missing evidence is verified once the evidence is complete and
/// it is not above the review threshold; anything else goes back to a person.
fn cured_status(conn: &mut DbConnection, row: &ClaimRow, evidence: &Evidence) -> Result<ClaimStatus, Error> {
    let only_missing_evidence =
        row.status_reason.as_deref().is_some_and(|r| r.starts_with(reason::MISSING_EVIDENCE));
    if !only_missing_evidence {
        return Ok(ClaimStatus::NeedsReview);
    }
    let incident = incidents::load(conn, &row.incident_id)?;
    let (kind, Ok(service)) = (row.claimant_kind, ServiceSlug::parse(&row.service)) else {
        return Ok(ClaimStatus::NeedsReview);
    };
    let still_missing = match policies::latest(conn, &row.incident_id)? {
        Some(policy) => policy
            .policy
            .rule_for(kind, &service)
            .is_some_and(|rule| !evidence.missing(rule.method.required_evidence()).is_empty()),
        None => false,
    };
    let above_threshold = incident.review_threshold().is_some_and(|t| row.claimed_minor > t.minor());
    Ok(if still_missing || above_threshold { ClaimStatus::NeedsReview } else { ClaimStatus::Verified })
}
