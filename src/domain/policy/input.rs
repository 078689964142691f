//! The request document of `POST /incidents/{id}/policies`, as clients send it.

use serde::{Deserialize, Serialize};

use super::{MethodName, Rounding};
use crate::domain::money::{Currency, DecimalString};

/// The body of `POST /incidents/{id}/policies`. Checked as a whole by [`Policy::parse`].
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct PolicyInput {
    pub currency: Currency,
    /// Optional free text shown to finance staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Defaults: major_outage 1, partial_outage 0.5, degraded_performance 0.25.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_weights: Option<WeightsInput>,
    #[schemars(length(min = 1))]
    pub rules: Vec<RuleInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<DecimalString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_payout: Option<DecimalString>,
    #[serde(default)]
    pub rounding: Rounding,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightsInput {
    pub major_outage: DecimalString,
    pub partial_outage: DecimalString,
    pub degraded_performance: DecimalString,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// `business`, `individual` or `*`.
    pub claimant_kind: String,
    /// A service slug or `*`.
    pub service: String,
    pub method: MethodName,
    #[serde(default)]
    pub params: ParamsInput,
}

/// Parameters of a rule; which ones are required depends on its method.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParamsInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<DecimalString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<DecimalString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<DecimalString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<TierInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_outage_hours: Option<DecimalString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_per_claim: Option<DecimalString>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TierInput {
    /// `tiered_by_claim`: the tier applies to claims up to this amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<DecimalString>,
    /// `tiered_by_days`: the tier applies from this many days of disruption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_days: Option<u32>,
    pub amount: DecimalString,
}
