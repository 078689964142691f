//! Filing a claim: who files, the checks against the incident, the duplicate rule's answers,
//! the opening status and the stored row. The filing itself, of one claim or many, is
//! [`file_set::file_many`].

use serde_json::json;

use super::{file_set, owner_kind};
use std::sync::Arc;

use crate::db::audit::NewEvent;
use crate::db::claims::{self, ClaimRow, ClaimWindowRow, NewClaim};
use crate::db::context::WriteContext;
use crate::db::{windows, DbConnection};
use crate::domain::claim::{reason, Channel, ClaimStatus};
use crate::domain::claim_input::{ClaimDraft, Evidence};
use crate::domain::claimant::ClaimantKind;
use crate::domain::interval::Interval;
use crate::domain::lang::Lang;
use crate::domain::money::Money;
use crate::domain::role::{Actor, Role};
use crate::domain::service::ServiceSlug;
use crate::domain::signals::{Signal, Thresholds};
use crate::domain::time::Timestamp;
use crate::domain::verification::{OutageWindow, Verification};
use crate::usecases::claims::screen::Client;
use crate::usecases::error::{ConflictKind, ExistingClaim};
use crate::usecases::incidents::{self, Incident};
use crate::usecases::policies::StoredPolicy;
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
    /// The language the claimant reads its notices in.
    pub locale: Lang,
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
                locale: Lang::Ko,
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
                locale: Lang::Ko,
            }),
            (Role::Partner, Some(org)) => Ok(Filer {
                channel: Channel::Api,
                owner_kind: owner_kind::PARTNER,
                owner: org.clone(),
                audit_name: actor.audit_name(),
                client: Client::Partner(format!("org:{org}")),
                thresholds: Thresholds::default(),
                locale: Lang::Ko,
            }),
            _ => Err(Error::Forbidden),
        }
    }

    /// Notices of the claims this filer files are written in `locale`.
    pub fn speaking(mut self, locale: Lang) -> Filer {
        self.locale = locale;
        self
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

/// Files one claim in the caller's transaction: a set of one (see [`file_set::file_many`]). Its
/// audit event goes to `context`, which the transaction helper appends before commit.
pub fn file(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    filer: &Filer,
    draft: ClaimDraft,
) -> Result<FiledClaim, Error> {
    file_set::file_many(conn, context, vec![(filer, draft)])?
        .pop()
        .unwrap_or_else(|| Err(Error::internal("filing one claim gave no outcome")))
}

/// The incident a claim is filed for, if it takes this claim now.
pub(super) fn open_incident(
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

/// The lock under which one claimant's filings for one incident and service are decided.
pub fn claimant_lock_key(incident_id: &str, service: &str, identity: &str) -> String {
    format!("claim:{incident_id}:{service}:{identity}")
}

/// The 409 of a second filing for one claimant and service (docs/contract.md §4). Only a filer who may read
/// the existing claim (its own claimant, or the partner that filed it) learns which claim it is;
/// anyone else, such as an anonymous filer who typed someone's registration number, learns only
/// that a claim exists and how its owner reaches it.
pub(super) fn duplicate(filer: &Filer, business: bool, existing: claims::ExistingClaim) -> Error {
    let who = if business { "this business" } else { "this person" };
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

/// The opening status of a claim: the status, why, and by when a deficiency must be cured.
pub(super) type Opening = (ClaimStatus, Option<String>, Option<chrono::NaiveDateTime>);

/// The row of a claim about to be filed.
pub(super) fn new_row(
    filer: &Filer,
    incident: &Incident,
    draft: ClaimDraft,
    verification: &Verification,
    (status, status_reason, cure_deadline): Opening,
    number: i64,
    now: Timestamp,
) -> NewClaim {
    let identity_key = draft.claimant.identity_key();
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
        identity_key,
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
        rejected_at: (status == ClaimStatus::Rejected).then(|| now.to_db()),
        locale: filer.locale,
        consent_version: draft.consented.then(|| crate::domain::claim_input::CONSENT_VERSION.to_owned()),
        consented_at: draft.consented.then(|| now.to_db()),
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
pub(super) fn filed_event(row: &NewClaim, signals: &[Signal]) -> NewEvent {
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
