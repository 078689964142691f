//! `GET /incidents/{id}/requirements`: what a claim for one service and claimant kind needs,
//! by the incident's latest policy, so the form can say which evidence pays the claim instead
//! of marking it all optional. Public for incidents open for claims, like the incident itself.

use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::domain::claimant::{ClaimantKind, EvidenceField};
use crate::domain::role::Actor;
use crate::domain::service::ServiceSlug;
use crate::usecases::{incidents, policies, Error};

/// Query of `GET /incidents/{id}/requirements`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequirementsQuery {
    pub service: ServiceSlug,
    pub claimant_kind: ClaimantKind,
}

/// What a claim needs to be paid without being asked again.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Requirements {
    pub incident_id: String,
    pub service: String,
    pub claimant_kind: ClaimantKind,
    /// The policy version these come from; none when the incident has no policy yet (then
    /// nothing can be said beyond the loss period and the amount).
    pub policy_version: Option<i32>,
    /// How the policy's matching rule pays; none when no rule covers this service and kind.
    pub method: Option<String>,
    /// Evidence the rule pays from: without it the claim is filed but waits for it
    /// (`deficient`, with a deadline).
    pub required_evidence: Vec<EvidenceField>,
    /// Outage hours below which the rule pays nothing.
    pub min_outage_hours: Option<String>,
    /// Claims above this amount are reviewed by a person before they are paid.
    pub review_threshold: Option<String>,
    /// Whether any claim of this kind for this service is paid under the current policy.
    pub covered: bool,
}

pub fn requirements(
    conn: &mut DbConnection,
    viewer: Option<&Actor>,
    incident_id: &str,
    query: RequirementsQuery,
) -> Result<Requirements, Error> {
    let view = incidents::get(conn, viewer, incident_id)?;
    let policy = policies::latest(conn, incident_id)?;
    let rule = policy.as_ref().and_then(|p| p.policy.rule_for(query.claimant_kind, &query.service));
    Ok(Requirements {
        incident_id: view.id,
        service: query.service.as_str().to_owned(),
        claimant_kind: query.claimant_kind,
        policy_version: policy.as_ref().map(|p| p.row.version),
        method: rule.map(|r| r.method.name().to_owned()),
        required_evidence: rule.map(|r| r.method.required_evidence().to_vec()).unwrap_or_default(),
        min_outage_hours: rule.map(|r| r.min_outage_hours.normalize().to_string()),
        review_threshold: view.review_threshold,
        covered: policy.is_none() || rule.is_some(),
    })
}
