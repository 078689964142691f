//! Compensation policies (docs/contract.md §5): parsed once from their request document into types
//! that cannot hold an invalid rule, and matched to claims by rule precedence.
//!
//! `input` is the request document as clients send it; `parse` checks it into these types,
//! reporting every problem with its field path.

mod input;
mod parse;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub use input::{ParamsInput, PolicyInput, RuleInput, TierInput, WeightsInput};

use super::claimant::{ClaimantKind, EvidenceField};
use super::money::{Currency, Money};
use super::service::ServiceSlug;
use super::severity::Severity;

/// How the final payout is rounded to the currency's minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    #[default]
    HalfEven,
    HalfUp,
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MethodName {
    LostRevenue,
    RevenuePerHour,
    FeeMultiple,
    TieredByClaim,
    TieredByDays,
    Flat,
}

/// Weight of each severity in `weighted_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeverityWeights {
    pub major_outage: Decimal,
    pub partial_outage: Decimal,
    pub degraded_performance: Decimal,
}

impl Default for SeverityWeights {
    fn default() -> Self {
        SeverityWeights {
            major_outage: Decimal::ONE,
            partial_outage: Decimal::new(5, 1),
            degraded_performance: Decimal::new(25, 2),
        }
    }
}

impl SeverityWeights {
    pub fn weight(&self, severity: Severity) -> Decimal {
        match severity {
            Severity::MajorOutage => self.major_outage,
            Severity::PartialOutage => self.partial_outage,
            Severity::DegradedPerformance => self.degraded_performance,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Method {
    LostRevenue {
        rate: Decimal,
    },
    RevenuePerHour {
        rate: Decimal,
    },
    FeeMultiple {
        multiplier: Decimal,
    },
    /// `(up_to, amount)`, `up_to` strictly ascending.
    TieredByClaim {
        tiers: Vec<(Money, Money)>,
    },
    /// `(min_days, amount)`, `min_days` strictly ascending.
    TieredByDays {
        tiers: Vec<(u32, Money)>,
    },
    Flat {
        amount: Money,
    },
}

impl Method {
    pub fn name(&self) -> &'static str {
        match self {
            Method::LostRevenue { .. } => "lost_revenue",
            Method::RevenuePerHour { .. } => "revenue_per_hour",
            Method::FeeMultiple { .. } => "fee_multiple",
            Method::TieredByClaim { .. } => "tiered_by_claim",
            Method::TieredByDays { .. } => "tiered_by_days",
            Method::Flat { .. } => "flat",
        }
    }

    /// Evidence a claim must carry for this method to assess it.
    pub fn required_evidence(&self) -> &'static [EvidenceField] {
        match self {
            Method::LostRevenue { .. } => &[EvidenceField::BaselineRevenue, EvidenceField::OutageRevenue],
            Method::RevenuePerHour { .. } => &[EvidenceField::BaselineRevenue],
            Method::FeeMultiple { .. } => &[EvidenceField::MonthlyFee],
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// `None` matches any kind (`*`).
    pub claimant_kind: Option<ClaimantKind>,
    /// `None` matches any service (`*`).
    pub service: Option<ServiceSlug>,
    pub method: Method,
    pub min_outage_hours: Decimal,
    pub cap_per_claim: Option<Money>,
}

impl Rule {
    /// Precedence of a matching rule (docs/contract.md §5), or `None` when it does not match.
    fn specificity(&self, kind: ClaimantKind, service: &ServiceSlug) -> Option<u8> {
        let kind_matches = self.claimant_kind.is_none_or(|k| k == kind);
        let service_matches = self.service.as_ref().is_none_or(|s| s == service);
        if !(kind_matches && service_matches) {
            return None;
        }
        Some(match (self.claimant_kind.is_some(), self.service.is_some()) {
            (true, true) => 3,
            (false, true) => 2,
            (true, false) => 1,
            (false, false) => 0,
        })
    }
}

/// A validated policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub currency: Currency,
    pub weights: SeverityWeights,
    pub rules: Vec<Rule>,
    pub budget: Option<Money>,
    pub min_payout: Money,
    pub rounding: Rounding,
}

impl Policy {
    /// The rule that applies to a claim: the most specific match, the first listed among equals.
    pub fn rule_for(&self, kind: ClaimantKind, service: &ServiceSlug) -> Option<&Rule> {
        self.indexed_rule_for(kind, service).map(|(_, rule)| rule)
    }

    /// [`Policy::rule_for`] with the rule's position in the policy.
    pub fn indexed_rule_for(&self, kind: ClaimantKind, service: &ServiceSlug) -> Option<(usize, &Rule)> {
        let mut best: Option<(u8, usize)> = None;
        for (index, rule) in self.rules.iter().enumerate() {
            if let Some(score) = rule.specificity(kind, service) {
                if best.is_none_or(|(top, _)| score > top) {
                    best = Some((score, index));
                }
            }
        }
        best.map(|(_, index)| (index, &self.rules[index]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::validation::FieldError;
    use serde_json::json;

    fn parse(doc: serde_json::Value) -> Result<Policy, Vec<FieldError>> {
        Policy::parse(&serde_json::from_value(doc).unwrap())
    }

    fn fields(result: Result<Policy, Vec<FieldError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| format!("{}:{}", e.field, e.code)).collect()
    }

    #[test]
    fn a_policy_from_the_precedents_parses() {
        let policy = parse(json!({
            "currency": "KRW",
            "rules": [
                {"claimant_kind": "business", "service": "*", "method": "tiered_by_claim",
                 "params": {"tiers": [{"up_to": "300000", "amount": "30000"}, {"up_to": "500000", "amount": "50000"}]}},
                {"claimant_kind": "*", "service": "payments", "method": "fee_multiple",
                 "params": {"multiplier": "10", "min_outage_hours": "2"}},
                {"claimant_kind": "business", "service": "messenger", "method": "tiered_by_days",
                 "params": {"tiers": [{"min_days": 1, "amount": "400000"}, {"min_days": 3, "amount": "800000"}]}},
                {"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "10000"}}
            ],
            "budget": "1000000000",
            "rounding": "half_up"
        }))
        .unwrap();
        assert_eq!(policy.rules.len(), 4);
        assert_eq!(policy.weights, SeverityWeights::default());
        assert_eq!(policy.min_payout.minor(), 0);
    }

    #[test]
    fn the_most_specific_rule_wins_and_the_first_among_equals() {
        let policy = parse(json!({
            "currency": "KRW",
            "rules": [
                {"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "1"}},
                {"claimant_kind": "business", "service": "*", "method": "flat", "params": {"amount": "2"}},
                {"claimant_kind": "*", "service": "mobility", "method": "flat", "params": {"amount": "3"}},
                {"claimant_kind": "business", "service": "mobility", "method": "flat", "params": {"amount": "4"}},
                {"claimant_kind": "business", "service": "mobility", "method": "flat", "params": {"amount": "5"}}
            ]
        }))
        .unwrap();
        let amount = |kind, service: &str| match &policy
            .rule_for(kind, &ServiceSlug::parse(service).unwrap())
            .unwrap()
            .method
        {
            Method::Flat { amount } => amount.minor(),
            _ => unreachable!(),
        };
        assert_eq!(amount(ClaimantKind::Business, "mobility"), 4);
        assert_eq!(amount(ClaimantKind::Individual, "mobility"), 3);
        assert_eq!(amount(ClaimantKind::Business, "messenger"), 2);
        assert_eq!(amount(ClaimantKind::Individual, "messenger"), 1);
    }

    #[test]
    fn every_parameter_problem_is_named() {
        let errors = fields(parse(json!({
            "currency": "KRW",
            "severity_weights": {"major_outage": "2", "partial_outage": "0.5", "degraded_performance": "0.25"},
            "rules": [
                {"claimant_kind": "robot", "service": "Bad Slug", "method": "lost_revenue", "params": {"amount": "5"}},
                {"claimant_kind": "*", "service": "*", "method": "tiered_by_claim",
                 "params": {"tiers": [{"up_to": "500", "amount": "1"}, {"up_to": "300", "amount": "0.5"}]}},
                {"claimant_kind": "*", "service": "*", "method": "fee_multiple", "params": {"multiplier": "0"}}
            ],
            "min_payout": "1.5"
        })));
        for expected in [
            "severity_weights.major_outage:out_of_range",
            "rules[0].claimant_kind:invalid_choice",
            "rules[0].service:invalid_service",
            "rules[0].params.amount:not_allowed",
            "rules[0].params.rate:required",
            "rules[1].params.tiers[1].up_to:not_ascending",
            "rules[1].params.tiers[1].amount:too_many_decimals",
            "rules[2].params.multiplier:out_of_range",
            "min_payout:too_many_decimals",
        ] {
            assert!(errors.contains(&expected.to_owned()), "missing {expected} in {errors:?}");
        }
    }

    #[test]
    fn a_policy_needs_rules() {
        assert_eq!(fields(parse(json!({"currency": "KRW", "rules": []}))), ["rules:required"]);
    }
}
