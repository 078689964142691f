//! Filing a claim: checks against the incident, the duplicate rule, verification against the
//! outage windows and the opening status, all in the caller's transaction.

use chrono::Duration;
use serde_json::json;

use super::owner_kind;
use std::sync::Arc;

use crate::db::audit::NewEvent;
use crate::db::claims::{self, ClaimRow, ClaimWindowRow, NewClaim};
use crate::db::context::WriteContext;
use crate::db::{windows, DbConnection};
use crate::domain::claim::{reason, Channel, ClaimStatus};
use crate::domain::claim_input::{ClaimDraft, Evidence};
use crate::domain::claimant::ClaimantKind;
use crate::domain::interval::Interval;
use crate::domain::money::Money;
use crate::domain::role::{Actor, Role};
use crate::domain::service::ServiceSlug;
use crate::domain::signals::{Signal, Thresholds};
use crate::domain::time::Timestamp;
use crate::domain::verification::{OutageWindow, Verification};
use crate::usecases::claims::screen::{self, Client};
use crate::usecases::error::{ConflictKind, ExistingClaim};
use crate::usecases::incidents::{self, Incident};
use crate::usecases::policies::{self, StoredPolicy};
use crate::usecases::Error;

/// How long a claimant has to answer a deficiency, unless finance says otherwise.
pub const DEFAULT_CURE_DAYS: i64 = 14;

/// Who files, and so who may later read the claim.
#[derive(Debug, Clone)]
pub struct Filer {
    pub channel: Channel,
    pub owner_kind: crate::domain::claim::OwnerKind,
    pub owner: String,
    /// How the filer is named in the audit chain.
    pub audit_name: String,
    /// Who files, for integrity screening's `filing_velocity`.
    pub client: Client,
    pub thresholds: Thresholds,
}

impl Filer {
    /// Claimants file for themselves, partners for their members; staff and status tokens
    /// do not file. `None` is the public web form.
    pub fn for_actor(actor: Option<&Actor>) -> Result<Filer, Error> {
        let Some(actor) = actor else {
            return Ok(Filer {
                channel: Channel::Web,
                owner_kind: owner_kind::PUBLIC,
                owner: String::new(),
                audit_name: "public".into(),
                client: Client::Uncounted,
                thresholds: Thresholds::default(),
            });
        };
        if actor.claim_scope.is_some() {
            return Err(Error::Forbidden);
        }
        match (actor.role, &actor.org) {
            (Role::Claimant, _) => Ok(Filer {
                channel: Channel::Api,
                owner_kind: owner_kind::CLAIMANT,
                owner: actor.sub.clone(),
                audit_name: actor.audit_name(),
                client: Client::Person(format!("sub:{}", actor.sub)),
                thresholds: Thresholds::default(),
            }),
            (Role::Partner, Some(org)) => Ok(Filer {
                channel: Channel::Api,
                owner_kind: owner_kind::PARTNER,
                owner: org.clone(),
                audit_name: actor.audit_name(),
                client: Client::Partner(format!("org:{org}")),
                thresholds: Thresholds::default(),
            }),
            _ => Err(Error::Forbidden),
        }
    }

    /// The same filer uploading in bulk (not counted for `filing_velocity`).
    pub fn bulk(mut self) -> Filer {
        self.channel = Channel::Bulk;
        self.client = Client::Uncounted;
        self
    }

    /// Screens this filer's claims with the configured thresholds; a public filer is counted
    /// by its client address.
    pub fn screened(mut self, thresholds: Thresholds, client_address: Option<std::net::IpAddr>) -> Filer {
        self.thresholds = thresholds;
        if let (owner_kind::PUBLIC, Some(address)) = (self.owner_kind, client_address) {
            self.client = Client::Person(format!("ip:{address}"));
        }
        self
    }
}

/// A stored claim with its window overlaps.
#[derive(Debug, Clone)]
pub struct FiledClaim {
    pub row: ClaimRow,
    pub windows: Vec<ClaimWindowRow>,
}

/// The status the rules give a claim from its terms and its verification, and why (docs/contract.md §4):
/// at filing, and again when its owner amends it.
pub fn automatic_status(
    policy: Option<&StoredPolicy>,
    incident: &Incident,
    kind: ClaimantKind,
    service: &ServiceSlug,
    evidence: &Evidence,
    claimed: Money,
    verification: &Verification,
) -> (ClaimStatus, Option<String>) {
    if !verification.has_outage() {
        return (ClaimStatus::Rejected, Some(reason::NO_RECORDED_OUTAGE.into()));
    }
    if let Some(policy) = policy {
        let rule = policy.policy.rule_for(kind, service);
        let missing = rule.map(|r| evidence.missing(r.method.required_evidence())).unwrap_or_default();
        if !missing.is_empty() {
            let names: Vec<_> = missing.iter().map(|f| f.as_str()).collect();
            return (
                ClaimStatus::Deficient,
                Some(format!("{}: {}", reason::MISSING_EVIDENCE, names.join(", "))),
            );
        }
    }
    if incident.review_threshold().is_some_and(|t| claimed.minor() > t.minor()) {
        return (ClaimStatus::NeedsReview, Some(reason::ABOVE_REVIEW_THRESHOLD.into()));
    }
    (ClaimStatus::Verified, None)
}

/// The opening status of a verified-against-windows claim, and why.
fn opening_status(
    policy: Option<&StoredPolicy>,
    incident: &Incident,
    draft: &ClaimDraft,
    verification: &Verification,
) -> (ClaimStatus, Option<String>) {
    let claimant = &draft.claimant;
    automatic_status(
        policy,
        incident,
        claimant.kind,
        &draft.service,
        &draft.evidence,
        draft.claimed,
        verification,
    )
}

/// Files one claim in the caller's transaction; its audit event goes to `context`, which the
/// transaction helper appends before commit. Incident, windows and policy are read once per
/// transaction.
pub fn file(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    filer: &Filer,
    draft: ClaimDraft,
) -> Result<FiledClaim, Error> {
    let now = Timestamp::now();
    let incident_id = draft.incident_id.clone();
    let incident = open_incident(conn, context, &draft, now)?;
    let service = draft.service.as_str();
    let identity = draft.claimant.identity_key();
    refuse_second_filing(conn, context, filer, &draft, &incident.row.id, &identity)?;
    let windows = context.memo(format!("windows:{incident_id}:{service}"), || {
        service_windows(conn, &incident_id, service).map(Arc::new)
    })?;
    let verification = Verification::compute(draft.loss, &windows);
    let policy = context.memo(format!("policy:{incident_id}"), || {
        policies::latest(conn, &incident_id).map(|p| p.map(Arc::new))
    })?;
    let (status, status_reason) = opening_status(policy.as_deref(), &incident, &draft, &verification);
    let cure_deadline = (status == ClaimStatus::Deficient)
        .then(|| Timestamp::from_utc(now.as_utc() + Duration::days(DEFAULT_CURE_DAYS)).to_db());
    let number = claims::next_reference_number(conn)?;
    let mut row = new_row(
        filer,
        &incident,
        draft,
        &identity,
        &verification,
        status,
        status_reason,
        cure_deadline,
        number,
        now,
    );
    let window_rows = window_rows(&row.id, &verification);
    // Peers change little within one transaction: they are counted once per group.
    let peers_key = format!("peers:{incident_id}:{}:{}", row.service, row.claimant_kind);
    let peers = context.memo(peers_key, || screen::peers_of(conn, (&row).into()))?;
    let signals = screen::screen(conn, &filer.thresholds, (&row).into(), &filer.client, peers, now)?;
    if let Some((status, reason)) = held_for_signals(row.status, &signals) {
        (row.status, row.status_reason, row.cure_deadline) = (status, Some(reason), None);
    }
    claims::insert(conn, std::slice::from_ref(&row), &window_rows)?;
    screen::record(conn, &row.id, &filer.client, &signals, now)?;
    context.audit(&filer.audit_name, filed_event(&row, &signals));
    Ok(FiledClaim { row: ClaimRow::from(row), windows: window_rows })
}

/// The incident a claim is filed for, if it takes this claim now.
fn open_incident(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    draft: &ClaimDraft,
    now: Timestamp,
) -> Result<Arc<Incident>, Error> {
    let incident_id = &draft.incident_id;
    let incident =
        context.memo(format!("incident:{incident_id}"), || incidents::load(conn, incident_id).map(Arc::new));
    let incident = match incident {
        Err(Error::NotFound) => {
            return Err(Error::field("incident_id", "unknown_incident", "no such incident"));
        }
        other => other?,
    };
    if !incident.claims_open_at(now) {
        return Err(Error::field("incident_id", "claims_closed", "this incident is not taking claims now"));
    }
    if draft.claimed.currency() != incident.currency {
        return Err(Error::field(
            "currency",
            "currency_mismatch",
            format!("claims for this incident are paid in {}", incident.currency),
        ));
    }
    Ok(incident)
}

/// Takes the claimant's lock, then refuses a reused `external_ref` and a second live claim of
/// the same claimant for the same service (docs/contract.md §4).
fn refuse_second_filing(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    filer: &Filer,
    draft: &ClaimDraft,
    incident_id: &str,
    identity: &str,
) -> Result<(), Error> {
    let service = draft.service.as_str();
    // Two filings of one claimant for one service are decided one after the other, on every
    // instance. The group-commit writer never waits for this lock (see `WriteContext::lock`).
    if !context.lock(conn, &claimant_lock_key(incident_id, service, identity))? {
        return Err(Error::Busy);
    }
    if let Some(external_ref) = &draft.external_ref {
        if let Some(existing) =
            claims::find_by_external_ref(conn, filer.owner_kind, &filer.owner, external_ref)?
        {
            // The same filer's own reference: it may read that claim.
            return Err(Error::conflict(
                ConflictKind::ExternalRefUsed { existing_id: existing },
                format!("external_ref {external_ref:?} was already used for another claim"),
            ));
        }
    }
    if let Some(existing) = claims::find_live_claim_of_identity(conn, incident_id, service, identity)? {
        return Err(duplicate(filer, draft, existing));
    }
    Ok(())
}

/// The lock under which one claimant's filings for one incident and service are decided.
pub fn claimant_lock_key(incident_id: &str, service: &str, identity: &str) -> String {
    format!("claim:{incident_id}:{service}:{identity}")
}

/// The 409 of a second filing for one claimant and service (docs/contract.md §4). Only a filer who may read
/// the existing claim (its own claimant, or the partner that filed it) learns which claim it is;
/// anyone else, such as an anonymous filer who typed someone's registration number, learns only
/// that a claim exists and how its owner reaches it.
fn duplicate(filer: &Filer, draft: &ClaimDraft, existing: claims::ExistingClaim) -> Error {
    let who = if draft.claimant.brn.is_some() { "this business" } else { "this person" };
    let readable = filer.owner_kind != super::owner_kind::PUBLIC
        && existing.owner_kind == filer.owner_kind
        && existing.owner == filer.owner;
    if readable {
        let detail = format!(
            "{who} already has claim {} for this service; amend that claim instead of filing \
             another (POST /api/v1/claims/{}/amend)",
            existing.reference, existing.id
        );
        let existing = ExistingClaim { id: existing.id, reference: existing.reference };
        return Error::conflict(ConflictKind::DuplicateClaim { existing: Some(existing) }, detail);
    }
    Error::conflict(
        ConflictKind::DuplicateClaim { existing: None },
        format!(
            "{who} already has a claim for this service: one claim covers the whole loss. Its \
             owner follows or amends it through the status link of its receipt."
        ),
    )
}

/// The stored overlaps of a claim with the outage windows it was verified against.
pub fn window_rows(claim_id: &str, verification: &Verification) -> Vec<ClaimWindowRow> {
    verification
        .overlaps
        .iter()
        .map(|o| ClaimWindowRow {
            claim_id: claim_id.to_owned(),
            window_id: o.window_id.clone(),
            severity: o.severity,
            overlap_seconds: o.seconds,
        })
        .collect()
}

/// The outage windows of one service of an incident, as verification reads them.
pub fn service_windows(
    conn: &mut DbConnection,
    incident_id: &str,
    service: &str,
) -> Result<Vec<OutageWindow>, Error> {
    Ok(windows::list_for_service(conn, incident_id, service)?
        .into_iter()
        .filter_map(|w| {
            let period = Interval::new(Timestamp::from_db(w.started_at), Timestamp::from_db(w.ended_at))?;
            Some(OutageWindow { id: w.id, severity: w.severity, period })
        })
        .collect())
}

/// Human-friendly, unique reference: `OC-0000042`.
pub fn reference(number: i64) -> String {
    format!("OC-{number:07}")
}

#[allow(clippy::too_many_arguments)]
fn new_row(
    filer: &Filer,
    incident: &Incident,
    draft: ClaimDraft,
    identity: &str,
    verification: &Verification,
    status: ClaimStatus,
    status_reason: Option<String>,
    cure_deadline: Option<chrono::NaiveDateTime>,
    number: i64,
    now: Timestamp,
) -> NewClaim {
    let claimant = draft.claimant;
    NewClaim {
        id: crate::usecases::new_id(),
        reference: reference(number),
        incident_id: incident.row.id.clone(),
        service: draft.service.as_str().to_owned(),
        status,
        status_reason,
        channel: filer.channel,
        owner_kind: filer.owner_kind,
        owner: filer.owner.clone(),
        claimant_kind: claimant.kind,
        claimant_name: claimant.name,
        claimant_brn: claimant.brn.map(|b| b.digits().to_owned()),
        claimant_email: claimant.email,
        claimant_phone: claimant.phone,
        identity_key: identity.to_owned(),
        loss_started_at: draft.loss.start().to_db(),
        loss_ended_at: draft.loss.end().to_db(),
        currency: draft.claimed.currency(),
        claimed_minor: draft.claimed.minor(),
        baseline_revenue_minor: draft.evidence.baseline_revenue.map(|m| m.minor()),
        outage_revenue_minor: draft.evidence.outage_revenue.map(|m| m.minor()),
        monthly_fee_minor: draft.evidence.monthly_fee.map(|m| m.minor()),
        bank_code: draft.account.bank_code,
        account_number: draft.account.account_number,
        account_holder: draft.account.holder,
        description: draft.description,
        external_ref: draft.external_ref,
        outage_seconds: verification.outage_seconds(),
        cure_deadline,
        created_at: now.to_db(),
        updated_at: now.to_db(),
    }
}

/// A claim with integrity signals goes to a person (`integrity_signal`), unless the rules already
/// rejected it: no signal rejects a claim, and none lets one through.
pub fn held_for_signals(status: ClaimStatus, signals: &[Signal]) -> Option<(ClaimStatus, String)> {
    let rejected = status == ClaimStatus::Rejected;
    (!signals.is_empty() && !rejected)
        .then(|| (ClaimStatus::NeedsReview, reason::INTEGRITY_SIGNAL.to_owned()))
}

/// The audit record of a filing: what was decided, without personal or bank details.
fn filed_event(row: &NewClaim, signals: &[Signal]) -> NewEvent {
    NewEvent {
        action: "claim.filed",
        entity_type: "claim",
        entity_id: row.id.clone(),
        details: json!({
            "reference": row.reference,
            "incident_id": row.incident_id,
            "service": row.service,
            "channel": row.channel,
            "status": row.status,
            "status_reason": row.status_reason,
            "currency": row.currency,
            "claimed_minor": row.claimed_minor,
            "outage_seconds": row.outage_seconds,
            "signals": signals.iter().map(|s| s.code).collect::<Vec<_>>(),
        }),
    }
}
