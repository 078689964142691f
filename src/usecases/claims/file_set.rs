//! Filing many claims in one go: the one filing path, for a single claim (a set of one) and for
//! a chunk of a bulk upload alike. Every rule is checked in memory or by one query for the whole
//! set, then the claims, their window overlaps and screenings are written with multi-row
//! statements. No draft needs a savepoint: a draft that fails its checks is simply not written,
//! and the outcome of each draft is exactly what filing the drafts one by one, in order, gives.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Duration;

use super::file::{self, FiledClaim, Filer};
use super::screen::{self, PeerMedian};
use crate::db::claims::{self, ClaimRow, ClaimWindowRow, ExistingClaim, NewClaim};
use crate::db::context::WriteContext;
use crate::db::screening;
use crate::db::DbConnection;
use crate::domain::claim::{ClaimStatus, OwnerKind};
use crate::domain::claim_input::ClaimDraft;
use crate::domain::time::Timestamp;
use crate::domain::verification::Verification;
use crate::usecases::error::ConflictKind;
use crate::usecases::incidents::Incident;
use crate::usecases::policies::{self, StoredPolicy};
use crate::usecases::Error;

/// A draft whose incident takes it now, on its way to being filed.
struct Candidate<'f> {
    index: usize,
    filer: &'f Filer,
    draft: ClaimDraft,
    incident: Arc<Incident>,
    identity: String,
}

impl Candidate<'_> {
    /// The one live claim per claimant rule is about this key (docs/contract.md §4).
    fn claimant(&self) -> (String, String) {
        (self.draft.service.as_str().to_owned(), self.identity.clone())
    }
}

/// What becomes of a draft, before the accepted ones have their rows.
enum Outcome {
    Refused(Error),
    /// Its `external_ref` is that of the accepted claim at this position, earlier in the set.
    SameExternalRef(usize),
    /// Its claimant already has the accepted claim at this position, earlier in the set.
    SameClaimant {
        earlier: usize,
        business: bool,
    },
    /// Accepted, at this position.
    Filed(usize),
}

/// Files `drafts`, each with its filer, in the caller's transaction, in order; one outcome per
/// draft. A draft's own
/// refusal (invalid for its incident, a duplicate, a claimant another transaction is filing) is
/// its outcome; the database failing fails the whole set, and the caller's transaction with it.
pub fn file_many(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    drafts: Vec<(&Filer, ClaimDraft)>,
) -> Result<Vec<Result<FiledClaim, Error>>, Error> {
    let now = Timestamp::now();
    crate::db::plan_for_parameters(conn)?;
    let mut outcomes = Vec::with_capacity(drafts.len());
    let mut candidates = Vec::with_capacity(drafts.len());
    let mut filers = Vec::with_capacity(drafts.len());
    for (index, (filer, draft)) in drafts.into_iter().enumerate() {
        filers.push(filer);
        match file::open_incident(conn, context, &draft, now) {
            Ok(incident) => {
                let identity = draft.claimant.identity_key();
                candidates.push(Candidate { index, filer, draft, incident, identity });
                outcomes.push(Outcome::Filed(usize::MAX));
            }
            Err(error) => outcomes.push(Outcome::Refused(own(error)?)),
        }
    }
    let accepted = decide(conn, context, candidates, &mut outcomes)?;
    let filed = write(conn, context, accepted, now)?;
    // Duplicates of drafts earlier in the set name those claims: copied before the claims move
    // out to their own drafts' answers.
    let named: HashMap<usize, ClaimRow> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            Outcome::SameExternalRef(earlier) | Outcome::SameClaimant { earlier, .. } => Some(*earlier),
            _ => None,
        })
        .filter_map(|earlier| Some((earlier, filed.get(earlier)?.row.clone())))
        .collect();
    let row_of =
        |earlier: usize| named.get(&earlier).ok_or_else(|| Error::internal("a set's claim is missing"));
    let mut filed: Vec<Option<FiledClaim>> = filed.into_iter().map(Some).collect();
    Ok(outcomes
        .into_iter()
        .zip(filers)
        .map(|(outcome, filer)| match outcome {
            Outcome::Filed(position) => filed
                .get_mut(position)
                .and_then(Option::take)
                .ok_or_else(|| Error::internal("a set's claim is missing")),
            Outcome::Refused(error) => Err(error),
            Outcome::SameExternalRef(earlier) => Err(external_ref_used(row_of(earlier)?)),
            Outcome::SameClaimant { earlier, business } => {
                let row = row_of(earlier)?;
                let existing = ExistingClaim {
                    id: row.id.clone(),
                    reference: row.reference.clone(),
                    owner_kind: row.owner_kind,
                    owner: row.owner.clone(),
                };
                Err(file::duplicate(filer, business, existing))
            }
        })
        .collect())
}

/// A draft's own refusal, or the database failing (which ends the whole set).
fn own(error: Error) -> Result<Error, Error> {
    match error {
        Error::Invalid(_) | Error::Conflict(_) | Error::Busy => Ok(error),
        other => Err(other),
    }
}

/// Takes the claimants' locks, then refuses reused `external_ref`s and second claims of one
/// claimant for one service, against the stored claims and the drafts before in the set. The
/// rest are accepted, in order.
fn decide<'f>(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    candidates: Vec<Candidate<'f>>,
    outcomes: &mut [Outcome],
) -> Result<Vec<Candidate<'f>>, Error> {
    // Two filings of one claimant for one service are decided one after the other, on every
    // instance. The group-commit writer never waits for a lock (see `WriteContext::lock`).
    let keys: Vec<String> = candidates
        .iter()
        .map(|c| file::claimant_lock_key(&c.incident.row.id, c.draft.service.as_str(), &c.identity))
        .collect();
    let taken = context.lock_all(conn, &keys.iter().map(String::as_str).collect::<Vec<_>>())?;
    let stored = Stored::read(conn, &candidates)?;
    let mut set_refs: HashMap<(Owner, String), usize> = HashMap::new();
    let mut set_claimants: HashMap<(String, (String, String)), usize> = HashMap::new();
    let mut accepted = Vec::with_capacity(candidates.len());
    for (candidate, taken) in candidates.into_iter().zip(taken) {
        let index = candidate.index;
        if !taken {
            outcomes[index] = Outcome::Refused(Error::Busy);
            continue;
        }
        let filer = candidate.filer;
        if let Some(external_ref) = &candidate.draft.external_ref {
            let external_ref = (owner(filer), external_ref.clone());
            if let Some(existing_id) = stored.external_refs.get(&external_ref) {
                outcomes[index] = Outcome::Refused(Error::conflict(
                    ConflictKind::ExternalRefUsed { existing_id: existing_id.clone() },
                    external_ref_detail(&external_ref.1),
                ));
                continue;
            }
            if let Some(&earlier) = set_refs.get(&external_ref) {
                outcomes[index] = Outcome::SameExternalRef(earlier);
                continue;
            }
        }
        let claimant = (candidate.incident.row.id.clone(), candidate.claimant());
        let business = candidate.draft.claimant.brn.is_some();
        if let Some(existing) = stored.claimants.get(&claimant) {
            outcomes[index] = Outcome::Refused(file::duplicate(filer, business, existing.clone()));
            continue;
        }
        if let Some(&earlier) = set_claimants.get(&claimant) {
            outcomes[index] = Outcome::SameClaimant { earlier, business };
            continue;
        }
        let position = accepted.len();
        if let Some(external_ref) = &candidate.draft.external_ref {
            set_refs.insert((owner(filer), external_ref.clone()), position);
        }
        set_claimants.insert(claimant, position);
        outcomes[index] = Outcome::Filed(position);
        accepted.push(candidate);
    }
    Ok(accepted)
}

fn external_ref_detail(external_ref: &str) -> String {
    format!("external_ref {external_ref:?} was already used for another claim")
}

/// The refusal of a reused `external_ref`: the filer's own reference, so it may read that claim.
fn external_ref_used(existing: &ClaimRow) -> Error {
    let external_ref = existing.external_ref.as_deref().unwrap_or_default();
    Error::conflict(
        ConflictKind::ExternalRefUsed { existing_id: existing.id.clone() },
        external_ref_detail(external_ref),
    )
}

/// Whose `external_ref`s are one namespace.
type Owner = (OwnerKind, String);

fn owner(filer: &Filer) -> Owner {
    (filer.owner_kind, filer.owner.clone())
}

/// The stored claims in the way of a set: by their filer's `external_ref`, and by claimant.
struct Stored {
    external_refs: HashMap<(Owner, String), String>,
    claimants: HashMap<(String, (String, String)), ExistingClaim>,
}

impl Stored {
    fn read(conn: &mut DbConnection, candidates: &[Candidate]) -> Result<Stored, Error> {
        let mut refs_by_owner: HashMap<Owner, Vec<&str>> = HashMap::new();
        for candidate in candidates {
            if let Some(external_ref) = candidate.draft.external_ref.as_deref() {
                refs_by_owner.entry(owner(candidate.filer)).or_default().push(external_ref);
            }
        }
        let mut external_refs = HashMap::new();
        for ((owner_kind, owner), refs) in refs_by_owner {
            for (external_ref, id) in claims::external_refs_in(conn, owner_kind, &owner, &refs)? {
                external_refs.insert(((owner_kind, owner.clone()), external_ref), id);
            }
        }
        let mut by_incident: HashMap<&str, Vec<&str>> = HashMap::new();
        for candidate in candidates {
            by_incident.entry(&candidate.incident.row.id).or_default().push(&candidate.identity);
        }
        let mut claimants = HashMap::new();
        for (incident_id, identities) in by_incident {
            for (service, identity, existing) in
                claims::live_claims_of_identities(conn, incident_id, &identities)?
            {
                claimants.insert((incident_id.to_owned(), (service, identity)), existing);
            }
        }
        Ok(Stored { external_refs, claimants })
    }
}

/// Verifies, screens and stores the accepted drafts, with their audit events.
fn write(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    accepted: Vec<Candidate>,
    now: Timestamp,
) -> Result<Vec<FiledClaim>, Error> {
    if accepted.is_empty() {
        return Ok(Vec::new());
    }
    let count = i64::try_from(accepted.len()).map_err(Error::internal)?;
    let numbers = claims::reserve_reference_numbers(conn, count)?;
    let mut rows = Vec::with_capacity(accepted.len());
    let mut overlaps = Vec::with_capacity(accepted.len());
    let filers: Vec<&Filer> = accepted.iter().map(|c| c.filer).collect();
    for (candidate, number) in accepted.into_iter().zip(numbers) {
        let (row, windows) = verified_row(conn, context, candidate, number, now)?;
        rows.push(row);
        overlaps.push(windows);
    }
    let peers = rows.iter().map(|row| peers_of(conn, context, row)).collect::<Result<Vec<_>, _>>()?;
    let facts = screen::facts_of_set(conn, &rows, &filers, &peers, now)?;
    let mut screenings = Vec::with_capacity(rows.len());
    for ((row, facts), filer) in rows.iter_mut().zip(&facts).zip(filers) {
        let signals = screen::signals(&filer.thresholds, (&*row).into(), &filer.client, facts);
        if let Some((status, reason)) = file::held_for_signals(row.status, &signals) {
            (row.status, row.status_reason, row.cure_deadline) = (status, Some(reason), None);
        }
        screenings.push(screen::record_row(&row.id, &filer.client, &signals, now)?);
        context.audit(&filer.audit_name, file::filed_event(row, &signals));
    }
    claims::insert(conn, &rows, &overlaps.concat())?;
    screening::insert_new(conn, &screenings)?;
    crate::db::notices::queue(conn, &crate::usecases::notices::receipts(&rows, now.to_db()))?;
    Ok(rows
        .into_iter()
        .zip(overlaps)
        .map(|(row, windows)| FiledClaim { row: ClaimRow::from(row), windows })
        .collect())
}

/// The claim's row as verification against its service's outage windows leaves it.
fn verified_row(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    candidate: Candidate,
    number: i64,
    now: Timestamp,
) -> Result<(NewClaim, Vec<ClaimWindowRow>), Error> {
    let Candidate { filer, draft, incident, .. } = candidate;
    let incident_id = incident.row.id.clone();
    let service = draft.service.as_str().to_owned();
    let windows = context.memo(format!("windows:{incident_id}:{service}"), || {
        file::service_windows(conn, &incident_id, &service).map(Arc::new)
    })?;
    let verification = Verification::compute(draft.loss, &windows);
    let policy = context.memo(format!("policy:{incident_id}"), || {
        policies::latest(conn, &incident_id).map(|p| p.map(Arc::new))
    })?;
    let (status, status_reason) = opening_status(policy.as_deref(), &incident, &draft, &verification);
    let cure_deadline = (status == ClaimStatus::Deficient)
        .then(|| Timestamp::from_utc(now.as_utc() + Duration::days(file::DEFAULT_CURE_DAYS)).to_db());
    let row = file::new_row(
        filer,
        &incident,
        draft,
        &verification,
        (status, status_reason, cure_deadline),
        number,
        now,
    );
    let windows = file::window_rows(&row.id, &verification);
    Ok((row, windows))
}

/// The opening status of a claim verified against its windows, and why.
fn opening_status(
    policy: Option<&StoredPolicy>,
    incident: &Incident,
    draft: &ClaimDraft,
    verification: &Verification,
) -> (ClaimStatus, Option<String>) {
    let kind = draft.claimant.kind;
    file::automatic_status(
        policy,
        incident,
        kind,
        &draft.service,
        &draft.evidence,
        draft.claimed,
        verification,
    )
}

/// The claim's peers for `amount_outlier`; they change little within one transaction, so they
/// are counted once per transaction.
fn peers_of(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    row: &NewClaim,
) -> Result<PeerMedian, Error> {
    let key = format!("peers:{}:{}:{}", row.incident_id, row.service, row.claimant_kind);
    context.memo(key, || screen::peers_of(conn, row.into()))
}
