//! The stored inputs of a payout line: enough to recompute its trace, small enough for millions
//! of lines (about a hundred bytes each).

use serde::{Deserialize, Serialize};

use crate::db::batches::EligibleClaim;
use crate::db::claims::ClaimWindowRow;
use crate::domain::claim_input::Evidence;
use crate::domain::claimant::ClaimantKind;
use crate::domain::money::{Currency, Money};
use crate::domain::payout::{ClaimFacts, LineOutcome};
use crate::domain::service::ServiceSlug;
use crate::domain::severity::Severity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFacts {
    /// Claimant kind.
    pub k: String,
    /// Service.
    pub s: String,
    /// Claimed, minor units.
    pub c: i64,
    /// Evidence: baseline revenue, outage revenue, monthly fee (minor units).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub o: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub f: Option<i64>,
    /// Approved amount (manual assessment), minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<i64>,
    /// Overlaps: `(severity, seconds)`.
    pub w: Vec<(String, i64)>,
    /// Set when a binding budget left the line out for `min_payout`: the round that did, whose
    /// factor and share the line's trace shows (the batch only stores the final round).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r: Option<LeftOutRound>,
}

/// The budget round that left a line out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOutRound {
    /// The sum of the grosses shared in that round (decimal text).
    pub t: String,
    /// The leftover units the line had in that round.
    pub u: i64,
}

impl StoredFacts {
    pub fn of(claim: &EligibleClaim, windows: &[ClaimWindowRow]) -> StoredFacts {
        StoredFacts {
            k: claim.claimant_kind.clone(),
            s: claim.service.clone(),
            c: claim.claimed_minor,
            b: claim.baseline_revenue_minor,
            o: claim.outage_revenue_minor,
            f: claim.monthly_fee_minor,
            a: claim.approved_minor,
            w: windows.iter().map(|w| (w.severity.clone(), w.overlap_seconds)).collect(),
            r: None,
        }
    }

    /// The text stored with a line: these facts, and the budget round that left it out if any.
    pub fn to_text(&self, outcome: &LineOutcome) -> serde_json::Result<String> {
        match outcome.left_out {
            None => serde_json::to_string(self),
            Some(round) => serde_json::to_string(&StoredFacts {
                r: Some(LeftOutRound {
                    t: round.total_gross.normalize().to_string(),
                    u: outcome.leftover_units,
                }),
                ..self.clone()
            }),
        }
    }

    /// The calculator's view; `None` if the stored text is not a valid claim (corrupt data).
    pub fn to_claim_facts(&self, claim_id: &str, currency: Currency) -> Option<ClaimFacts> {
        let money = |minor: Option<i64>| minor.map(|m| Money::from_minor(m, currency));
        Some(ClaimFacts {
            claim_id: claim_id.to_owned(),
            kind: ClaimantKind::parse(&self.k)?,
            service: ServiceSlug::parse(&self.s).ok()?,
            claimed: Money::from_minor(self.c, currency),
            evidence: Evidence {
                baseline_revenue: money(self.b),
                outage_revenue: money(self.o),
                monthly_fee: money(self.f),
            },
            overlaps: self
                .w
                .iter()
                .map(|(s, n)| Severity::parse(s).map(|s| (s, *n)))
                .collect::<Option<_>>()?,
            approved: money(self.a),
        })
    }
}
