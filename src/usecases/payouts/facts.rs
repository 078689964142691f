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

/// The format written today. Version 1 (no `v` key) used one-letter keys, still read: the
/// aliases below are those keys, and existing databases hold lines in that format.
pub const FACTS_VERSION: u32 = 2;

fn version_1() -> u32 {
    1
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFacts {
    /// The format of the stored text (see [`FACTS_VERSION`]).
    #[serde(default = "version_1")]
    pub v: u32,
    #[serde(alias = "k")]
    pub claimant_kind: ClaimantKind,
    #[serde(alias = "s")]
    pub service: String,
    #[serde(alias = "c")]
    pub claimed_minor: i64,
    /// Evidence, in minor units.
    #[serde(alias = "b", default, skip_serializing_if = "Option::is_none")]
    pub baseline_revenue_minor: Option<i64>,
    #[serde(alias = "o", default, skip_serializing_if = "Option::is_none")]
    pub outage_revenue_minor: Option<i64>,
    #[serde(alias = "f", default, skip_serializing_if = "Option::is_none")]
    pub monthly_fee_minor: Option<i64>,
    /// Approved amount (manual assessment), minor units.
    #[serde(alias = "a", default, skip_serializing_if = "Option::is_none")]
    pub approved_minor: Option<i64>,
    /// Overlaps: `(severity, seconds)` pairs, kept as pairs to stay small.
    #[serde(alias = "w")]
    pub overlaps: Vec<(Severity, i64)>,
    /// Set when a binding budget left the line out for `min_payout`: the round that did, whose
    /// factor and share the line's trace shows (the batch only stores the final round).
    #[serde(alias = "r", default, skip_serializing_if = "Option::is_none")]
    pub left_out: Option<LeftOutRound>,
}

/// The budget round that left a line out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOutRound {
    /// The sum of the grosses shared in that round (decimal text).
    #[serde(alias = "t")]
    pub total_gross: String,
    /// The leftover units the line had in that round.
    #[serde(alias = "u")]
    pub leftover_units: i64,
}

impl StoredFacts {
    pub fn of(claim: &EligibleClaim, windows: &[ClaimWindowRow]) -> StoredFacts {
        StoredFacts {
            v: FACTS_VERSION,
            claimant_kind: claim.claimant_kind,
            service: claim.service.clone(),
            claimed_minor: claim.claimed_minor,
            baseline_revenue_minor: claim.baseline_revenue_minor,
            outage_revenue_minor: claim.outage_revenue_minor,
            monthly_fee_minor: claim.monthly_fee_minor,
            approved_minor: claim.approved_minor,
            overlaps: windows.iter().map(|w| (w.severity, w.overlap_seconds)).collect(),
            left_out: None,
        }
    }

    /// The text stored with a line: these facts, and the budget round that left it out if any.
    pub fn to_text(&self, outcome: &LineOutcome) -> serde_json::Result<String> {
        match outcome.left_out {
            None => serde_json::to_string(self),
            Some(round) => serde_json::to_string(&StoredFacts {
                left_out: Some(LeftOutRound {
                    total_gross: round.total_gross.normalize().to_string(),
                    leftover_units: outcome.leftover_units,
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
            kind: self.claimant_kind,
            service: ServiceSlug::parse(&self.service).ok()?,
            claimed: Money::from_minor(self.claimed_minor, currency),
            evidence: Evidence {
                baseline_revenue: money(self.baseline_revenue_minor),
                outage_revenue: money(self.outage_revenue_minor),
                monthly_fee: money(self.monthly_fee_minor),
            },
            overlaps: self.overlaps.clone(),
            approved: money(self.approved_minor),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_letter_format_is_still_read() {
        let old = r#"{"k":"business","s":"messenger","c":5000,"b":900,"w":[["major_outage",3600]],"r":{"t":"12.5","u":3}}"#;
        let facts: StoredFacts = serde_json::from_str(old).expect("version 1 facts");
        assert_eq!(facts.v, 1);
        assert_eq!(facts.claimant_kind, ClaimantKind::Business);
        assert_eq!(facts.baseline_revenue_minor, Some(900));
        assert_eq!(facts.overlaps, vec![(Severity::MajorOutage, 3600)]);
        assert_eq!(facts.left_out.as_ref().map(|r| r.leftover_units), Some(3));
        let new = serde_json::to_string(&StoredFacts { v: FACTS_VERSION, ..facts.clone() }).unwrap();
        assert!(new.starts_with(r#"{"v":2,"claimant_kind":"business""#), "{new}");
        assert_eq!(
            serde_json::from_str::<StoredFacts>(&new).unwrap(),
            StoredFacts { v: FACTS_VERSION, ..facts }
        );
    }

    #[test]
    fn an_unknown_kind_is_not_read() {
        let corrupt = r#"{"k":"robot","s":"messenger","c":1,"w":[]}"#;
        assert!(serde_json::from_str::<StoredFacts>(corrupt).is_err());
    }
}
