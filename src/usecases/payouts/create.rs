//! Creating a batch: every eligible claim of the incident is assessed under the policy, the
//! budget is shared, and the batch, its lines and the claims' move to `in_batch` commit together.

use std::collections::HashMap;

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use validator::Validate;

use super::facts::StoredFacts;
use super::view;
use super::BatchView;
use crate::db::audit::NewEvent;
use crate::db::batches::{self, BatchRow, EligibleClaim, NewBatch, NewLine};
use crate::db::claims::{self, ClaimUpdate, ClaimWindowRow};
use crate::db::context::WriteContext;
use crate::db::{self, DbConnection};
use crate::domain::batch::{BatchStatus, LineStatus};
use crate::domain::claim::{reason, ClaimStatus, DUPLICATE_IDENTITY_PREFIX};
use crate::domain::payout::trace::NoTrace;
use crate::domain::payout::{allocate_in_id_order, assess, Assessment, Shares};
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::usecases::claims::file::DEFAULT_CURE_DAYS;
use crate::usecases::incidents;
use crate::usecases::policies::StoredPolicy;
use crate::usecases::Error;

/// The body of `POST /payout-batches`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBatchInput {
    #[schemars(schema_with = "crate::domain::id::schema")]
    pub incident_id: String,
    #[schemars(schema_with = "crate::domain::id::schema")]
    pub policy_id: String,
}

/// Claims read per query while calculating.
const PAGE: i64 = 10_000;

struct Hold {
    claim: EligibleClaim,
    status: ClaimStatus,
    reason: String,
}

fn parse_uuid(field: &str, text: &str) -> Result<String, Error> {
    crate::domain::id::parse(text).ok_or_else(|| Error::field(field, "invalid_id", "must be an id"))
}

fn too_large() -> Error {
    Error::field("policy_id", "calculation_overflow", "the amounts are too large to calculate exactly")
}

pub fn create(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    input: NewBatchInput,
) -> Result<BatchView, Error> {
    let (incident_id, policy) = lock_incident_policy(conn, &input)?;
    // Two passes over the claims keep a million-claim batch in bounded memory: the first keeps
    // only each claim's id and gross for the allocation, the second assesses them again and
    // writes the lines.
    let FirstPass { ids, grosses, holds } = assess_eligible(conn, &incident_id, &policy)?;
    if grosses.is_empty() {
        return Err(Error::field(
            "incident_id",
            "no_eligible_claims",
            "has no claims this policy can pay now",
        ));
    }
    let rules = &policy.policy;
    let shares = allocate_in_id_order(&grosses, rules.budget, rules.min_payout, rules.rounding)
        .map_err(|_| too_large())?;

    let now = Timestamp::now();
    let batch_id = crate::usecases::new_id();
    let line_count = grosses.len();
    let batch = NewBatch {
        id: batch_id.clone(),
        incident_id: incident_id.clone(),
        policy_id: policy.row.id.clone(),
        policy_version: policy.row.version,
        status: BatchStatus::Calculated,
        currency: rules.currency,
        line_count: i64::try_from(line_count).unwrap_or(i64::MAX),
        held_count: i64::try_from(holds.len()).unwrap_or(i64::MAX),
        total_gross: shares.total_gross.normalize().to_string(),
        total_payout_minor: shares.total_payout_minor,
        budget_minor: rules.budget.map(|b| b.minor()),
        budget_binding: shares.binding,
        factor: shares.factor.map(|f| f.normalize().to_string()),
        rounding: serde_json::to_value(rules.rounding)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        min_payout_minor: rules.min_payout.minor(),
        created_by: actor.audit_name(),
        created_at: now.to_db(),
    };
    batches::insert_batch(conn, &batch)?;
    let lines_sha256 = store_lines(conn, &batch_id, &incident_id, &policy, (&ids, &grosses, &shares), now)?;
    let mut events = hold_claims(conn, &holds, now)?;
    events.push(NewEvent {
        action: "payout_batch.created",
        entity_type: "payout_batch",
        entity_id: batch_id,
        details: json!({
            "incident_id": incident_id,
            "policy_id": batch.policy_id,
            "policy_version": batch.policy_version,
            "line_count": batch.line_count,
            "held_count": batch.held_count,
            "total_gross": batch.total_gross,
            "total_payout_minor": batch.total_payout_minor,
            "budget_binding": batch.budget_binding,
            "factor": batch.factor,
            "lines_sha256": lines_sha256,
        }),
    });
    let name = actor.audit_name();
    for event in events {
        context.audit(&name, event);
    }
    crate::failpoint::reach(crate::failpoint::point::PAYOUT_BATCH_BEFORE_COMMIT);
    view(&BatchRow::from(batch))
}

fn changed_meanwhile() -> Error {
    Error::conflict(
        crate::usecases::error::ConflictKind::Stale,
        "claims changed while the batch was calculated; nothing was stored, create it again",
    )
}

/// Checks the input's incident and policy, taking the incident's batch lock first.
fn lock_incident_policy(
    conn: &mut DbConnection,
    input: &NewBatchInput,
) -> Result<(String, StoredPolicy), Error> {
    let incident_id = parse_uuid("incident_id", &input.incident_id)?;
    let policy_id = parse_uuid("policy_id", &input.policy_id)?;
    // Batches of one incident are created one at a time, and every change of a claim's state
    // waits for them (it takes the same key shared): the claims read below stay as read until
    // commit, on every instance.
    db::lock_key(conn, &db::batch_key(&incident_id))?;
    match incidents::load(conn, &incident_id) {
        Err(Error::NotFound) => {
            return Err(Error::field("incident_id", "unknown_incident", "no such incident"))
        }
        other => other?,
    };
    let policy = db::policies::find(conn, &policy_id)?
        .ok_or_else(|| Error::field("policy_id", "unknown_policy", "no such policy"))
        .and_then(StoredPolicy::from_row)?;
    if policy.row.incident_id != incident_id {
        return Err(Error::field("policy_id", "policy_mismatch", "is a policy of another incident"));
    }
    Ok((incident_id, policy))
}

/// Stores the batch's lines, assessing the claims again page by page in the order the first
/// pass read them (the lines of a million claims are never all in memory); gives the digest
/// of their payouts (audited). Each page's claims move to `in_batch` with its lines.
///
/// The lock taken first already keeps every claim as it was read, so a claim assessed
/// differently from the first pass, or one not taken from the status its line was calculated
/// from, cannot happen; were it to, the batch fails rather than override the database's word.
fn store_lines(
    conn: &mut DbConnection,
    batch_id: &str,
    incident_id: &str,
    policy: &StoredPolicy,
    (ids, grosses, shares): (&[u128], &[rust_decimal::Decimal], &Shares),
    now: Timestamp,
) -> Result<String, Error> {
    let mut digest = Sha256::new();
    let mut position = 0_usize;
    each_page_assessed(conn, incident_id, policy, |conn, page| {
        let mut lines = Vec::with_capacity(page.len());
        for assessed in page {
            let Assessed::Candidate { claim, facts, rule_index, gross } = assessed else { continue };
            // Filings are not held up by a batch: a claim filed since the first pass read the
            // claims is not one of its lines, and waits for the next batch.
            if ids.get(position) != Some(&claim_key(&claim.id)?) {
                continue;
            }
            if grosses.get(position) != Some(&gross) {
                return Err(changed_meanwhile());
            }
            let outcome = shares.outcome(position, gross).map_err(|_| too_large())?;
            position += 1;
            digest.update(format!("{}:{}\n", claim.id, outcome.payout_minor));
            lines.push(NewLine {
                batch_id: batch_id.to_owned(),
                line_no: i64::try_from(position).unwrap_or(i64::MAX),
                facts: facts.to_text(&outcome).map_err(|e| Error::Internal(e.into()))?,
                claim_id: claim.id,
                claim_reference: claim.reference,
                rule_index: i32::try_from(rule_index).unwrap_or(i32::MAX),
                gross: gross.normalize().to_string(),
                share: outcome.share.map(|s| s.normalize().to_string()),
                payout_minor: outcome.payout_minor,
                status: LineStatus::calculated(outcome.closed),
                prior_status: claim.status,
                active: true,
            });
        }
        batches::insert_lines(conn, &lines)?;
        // Taken by the status each was read in (every line's is one of the eligible ones).
        let mut taken = 0;
        for from in ClaimStatus::eligible_for_batch() {
            let ids: Vec<&str> =
                lines.iter().filter(|l| l.prior_status == from).map(|l| l.claim_id.as_str()).collect();
            taken += batches::take_claims(conn, &ids, from, now.to_db())?;
        }
        if taken != lines.len() {
            return Err(changed_meanwhile());
        }
        Ok(())
    })?;
    if position != grosses.len() {
        return Err(changed_meanwhile());
    }
    Ok(hex::encode(digest.finalize()))
}

/// What the first pass keeps: each payable claim's id and gross in claim id order (32 bytes a
/// claim), and the claims to hold.
struct FirstPass {
    ids: Vec<u128>,
    grosses: Vec<rust_decimal::Decimal>,
    holds: Vec<Hold>,
}

/// A claim id in 16 bytes (ids are UUIDs).
fn claim_key(id: &str) -> Result<u128, Error> {
    uuid::Uuid::try_parse(id)
        .map(|uuid| uuid.as_u128())
        .map_err(|_| Error::Internal(anyhow::anyhow!("claim id {id} is not a UUID")))
}

fn assess_eligible(
    conn: &mut DbConnection,
    incident_id: &str,
    policy: &StoredPolicy,
) -> Result<FirstPass, Error> {
    let (mut ids, mut grosses, mut holds) = (Vec::new(), Vec::new(), Vec::new());
    each_page_assessed(conn, incident_id, policy, |_, page| {
        for assessed in page {
            match assessed {
                Assessed::Candidate { claim, gross, .. } => {
                    ids.push(claim_key(&claim.id)?);
                    grosses.push(gross);
                }
                Assessed::Hold(hold) => holds.push(hold),
                Assessed::NoRule => {}
            }
        }
        Ok(())
    })?;
    Ok(FirstPass { ids, grosses, holds })
}

/// What the policy makes of one eligible claim.
enum Assessed {
    Candidate { claim: EligibleClaim, facts: StoredFacts, rule_index: usize, gross: rust_decimal::Decimal },
    Hold(Hold),
    NoRule,
}

/// Assesses every eligible claim of the incident, a page at a time in claim id order, and gives
/// each page to `visit` (with the connection, free again once the page is read).
fn each_page_assessed(
    conn: &mut DbConnection,
    incident_id: &str,
    policy: &StoredPolicy,
    mut visit: impl FnMut(&mut DbConnection, Vec<Assessed>) -> Result<(), Error>,
) -> Result<(), Error> {
    let currency = policy.policy.currency;
    let mut after = String::new();
    loop {
        let page = batches::eligible_claims(conn, incident_id, currency, &after, PAGE)?;
        let Some(last) = page.last() else { return Ok(()) };
        // The allocation's tie-breaks take the claims in id order as Rust compares them; ids are
        // canonical UUIDs, which every collation orders so, but a wrong order must not pay.
        let mut previous = after.as_str();
        for claim in &page {
            if claim.id.as_str() <= previous {
                return Err(Error::Internal(anyhow::anyhow!("claims not read in id order at {}", claim.id)));
            }
            previous = &claim.id;
        }
        after.clone_from(&last.id);
        let ids: Vec<String> = page.iter().map(|c| c.id.clone()).collect();
        let mut windows: HashMap<String, Vec<ClaimWindowRow>> = HashMap::new();
        for window in claims::windows_of(conn, &ids)? {
            windows.entry(window.claim_id.clone()).or_default().push(window);
        }
        let mut assessed = Vec::with_capacity(page.len());
        for claim in page {
            if claim.identity_key.starts_with(DUPLICATE_IDENTITY_PREFIX)
                && claim.status != ClaimStatus::Approved
            {
                let reason = reason::DUPLICATE_IDENTITY.to_owned();
                assessed.push(Assessed::Hold(Hold { claim, status: ClaimStatus::NeedsReview, reason }));
                continue;
            }
            let mut own = windows.remove(&claim.id).unwrap_or_default();
            own.sort_by(|a, b| a.window_id.cmp(&b.window_id));
            let facts = StoredFacts::of(&claim, &own);
            let Some(claim_facts) = facts.to_claim_facts(&claim.id, currency) else {
                return Err(Error::Internal(anyhow::anyhow!("claim {} has unreadable facts", claim.id)));
            };
            assessed.push(
                match assess(&policy.policy, &claim_facts, &mut NoTrace).map_err(|_| too_large())? {
                    Assessment::Gross { rule_index, gross } => {
                        Assessed::Candidate { claim, facts, rule_index, gross }
                    }
                    Assessment::NoRule => Assessed::NoRule,
                    Assessment::Hold { status, reason } => Assessed::Hold(Hold { claim, status, reason }),
                },
            );
        }
        visit(conn, assessed)?;
    }
}

/// Sends held claims back to a person, with their audit events.
fn hold_claims(conn: &mut DbConnection, holds: &[Hold], now: Timestamp) -> Result<Vec<NewEvent>, Error> {
    let mut events = Vec::with_capacity(holds.len() + 1);
    for hold in holds {
        let change = ClaimUpdate::HeldAtBatch {
            status: hold.status,
            reason: &hold.reason,
            cure_deadline: (hold.status == ClaimStatus::Deficient)
                .then(|| Timestamp::from_utc(now.as_utc() + Duration::days(DEFAULT_CURE_DAYS)).to_db()),
            at: now.to_db(),
        };
        if claims::update(conn, &hold.claim.id, hold.claim.status, change)? {
            if let ClaimUpdate::HeldAtBatch {
                status: ClaimStatus::Deficient,
                cure_deadline: Some(deadline),
                ..
            } = change
            {
                // Held claims are few: each is read whole for its claimant's address.
                if let Some(row) = claims::find(conn, &hold.claim.id)? {
                    let details =
                        json!({"deadline": Timestamp::from_db(deadline).to_string(), "reason": hold.reason});
                    let kind = crate::domain::notice::NoticeKind::DocumentsRequested;
                    crate::usecases::notices::tell(conn, &row, kind, details)?;
                }
            }
            events.push(NewEvent {
                action: "claim.held",
                entity_type: "claim",
                entity_id: hold.claim.id.clone(),
                details: json!({"from": hold.claim.status, "to": change.status(), "reason": hold.reason}),
            });
        }
    }
    Ok(events)
}
