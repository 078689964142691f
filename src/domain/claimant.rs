//! Who files a claim: a business or an individual.

use serde::{Deserialize, Serialize};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ClaimantKind {
    Business,
    Individual,
}

impl ClaimantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimantKind::Business => "business",
            ClaimantKind::Individual => "individual",
        }
    }

    pub fn parse(text: &str) -> Option<ClaimantKind> {
        [ClaimantKind::Business, ClaimantKind::Individual].into_iter().find(|k| k.as_str() == text)
    }
}

/// Evidence fields a claim may carry; some payout methods need some of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceField {
    BaselineRevenue,
    OutageRevenue,
    MonthlyFee,
}

impl EvidenceField {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceField::BaselineRevenue => "baseline_revenue",
            EvidenceField::OutageRevenue => "outage_revenue",
            EvidenceField::MonthlyFee => "monthly_fee",
        }
    }
}

impl std::fmt::Display for ClaimantKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
