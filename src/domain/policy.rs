//! Compensation policies (SPEC section 6): parsed once from their request document into types
//! that cannot hold an invalid rule, and matched to claims by rule precedence.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::claimant::{ClaimantKind, EvidenceField};
use super::money::{Currency, DecimalString, Money};
use super::service::ServiceSlug;
use super::severity::Severity;
use super::validation::{Errors, FieldError};

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
    /// Precedence of a matching rule (SPEC section 6), or `None` when it does not match.
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

const MAX_RULES: usize = 200;
const MAX_TIERS: usize = 100;

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

    /// Parses and checks a policy document, reporting every problem with its field path.
    pub fn parse(input: &PolicyInput) -> Result<Policy, Vec<FieldError>> {
        let mut errors = Errors::default();
        let currency = input.currency;
        let money = |field: &str, amount: DecimalString| {
            Money::from_decimal(amount, currency).map_err(|(c, m)| FieldError::new(field, c, m))
        };

        if let Some(description) = &input.description {
            if description.chars().count() > 2000 {
                errors.add("description", "too_long", "must be at most 2000 characters");
            }
        }
        let weights = match &input.severity_weights {
            None => SeverityWeights::default(),
            Some(w) => {
                for (name, value) in [
                    ("major_outage", w.major_outage),
                    ("partial_outage", w.partial_outage),
                    ("degraded_performance", w.degraded_performance),
                ] {
                    if value.value() > Decimal::ONE {
                        errors.add(
                            &format!("severity_weights.{name}"),
                            "out_of_range",
                            "must be between 0 and 1",
                        );
                    }
                }
                SeverityWeights {
                    major_outage: w.major_outage.value(),
                    partial_outage: w.partial_outage.value(),
                    degraded_performance: w.degraded_performance.value(),
                }
            }
        };
        if input.rules.is_empty() {
            errors.add("rules", "required", "must have at least one rule");
        } else if input.rules.len() > MAX_RULES {
            errors.add("rules", "too_many", format!("must have at most {MAX_RULES} rules"));
        }
        let rules: Vec<Rule> = input
            .rules
            .iter()
            .enumerate()
            .filter_map(|(i, rule)| match parse_rule(rule, currency) {
                Ok(rule) => Some(rule),
                Err(list) => {
                    list.into_iter().for_each(|e| errors.push(e.under(&format!("rules[{i}]"))));
                    None
                }
            })
            .collect();
        let budget = input.budget.and_then(|b| errors.take(money("budget", b)));
        if budget.is_some_and(|b| b.minor() == 0) {
            errors.add("budget", "out_of_range", "must be greater than 0");
        }
        let min_payout = match input.min_payout {
            Some(m) => errors.take(money("min_payout", m)),
            None => Some(Money::from_minor(0, currency)),
        };
        errors.finish(|| Policy {
            currency,
            weights,
            rules,
            budget,
            min_payout: min_payout.unwrap_or(Money::from_minor(0, currency)),
            rounding: input.rounding,
        })
    }
}

/// Parses one rule; errors are relative to the rule.
fn parse_rule(input: &RuleInput, currency: Currency) -> Result<Rule, Vec<FieldError>> {
    let mut errors = Errors::default();
    let claimant_kind = match input.claimant_kind.as_str() {
        "*" => None,
        text => ClaimantKind::parse(text).or_else(|| {
            errors.add("claimant_kind", "invalid_choice", "must be business, individual or *");
            None
        }),
    };
    let service = match input.service.as_str() {
        "*" => None,
        text => errors.take(ServiceSlug::parse(text).map_err(|(c, m)| FieldError::new("service", c, m))),
    };
    let p = &input.params;
    let money = |field: &str, amount: DecimalString| {
        Money::from_decimal(amount, currency)
            .map_err(|(c, m)| FieldError::new(format!("params.{field}"), c, m))
    };
    let required = |field: &str, value: Option<DecimalString>, errors: &mut Errors| {
        if value.is_none() {
            errors.add(
                &format!("params.{field}"),
                "required",
                format!("is required by {:?}", input.method).to_lowercase(),
            );
        }
        value
    };

    // Which parameters each method takes; every other method parameter is refused.
    let allowed: &[&str] = match input.method {
        MethodName::LostRevenue | MethodName::RevenuePerHour => &["rate"],
        MethodName::FeeMultiple => &["multiplier"],
        MethodName::TieredByClaim | MethodName::TieredByDays => &["tiers"],
        MethodName::Flat => &["amount"],
    };
    for (name, present) in [
        ("rate", p.rate.is_some()),
        ("multiplier", p.multiplier.is_some()),
        ("amount", p.amount.is_some()),
        ("tiers", p.tiers.is_some()),
    ] {
        if present && !allowed.contains(&name) {
            errors.add(&format!("params.{name}"), "not_allowed", "is not a parameter of this method");
        }
    }

    let ratio = |field: &str, value: Option<DecimalString>, max: i64, errors: &mut Errors| {
        let value = value?.value();
        if value.is_zero() || value > Decimal::from(max) {
            errors.add(
                &format!("params.{field}"),
                "out_of_range",
                format!("must be above 0 and at most {max}"),
            );
            return None;
        }
        Some(value)
    };
    let method = match input.method {
        MethodName::LostRevenue | MethodName::RevenuePerHour => {
            let rate = required("rate", p.rate, &mut errors);
            ratio("rate", rate, 100, &mut errors).map(|rate| match input.method {
                MethodName::LostRevenue => Method::LostRevenue { rate },
                _ => Method::RevenuePerHour { rate },
            })
        }
        MethodName::FeeMultiple => {
            let multiplier = required("multiplier", p.multiplier, &mut errors);
            ratio("multiplier", multiplier, 1000, &mut errors)
                .map(|multiplier| Method::FeeMultiple { multiplier })
        }
        MethodName::Flat => required("amount", p.amount, &mut errors)
            .and_then(|a| errors.take(money("amount", a)))
            .map(|amount| Method::Flat { amount }),
        MethodName::TieredByClaim | MethodName::TieredByDays => match &p.tiers {
            None => {
                errors.add("params.tiers", "required", "is required by this method");
                None
            }
            Some(tiers) => match parse_tiers(input.method, tiers, currency) {
                Ok(method) => Some(method),
                Err(list) => {
                    list.into_iter().for_each(|e| errors.push(e));
                    None
                }
            },
        },
    };
    let min_outage_hours = p.min_outage_hours.map_or(Decimal::ZERO, DecimalString::value);
    if min_outage_hours > Decimal::from(24 * 366) {
        errors.add("params.min_outage_hours", "out_of_range", "must be at most 8784 hours");
    }
    let cap_per_claim = p.cap_per_claim.and_then(|c| errors.take(money("cap_per_claim", c)));
    let method = method.filter(|_| errors.is_empty());
    match method {
        Some(method) => Ok(Rule { claimant_kind, service, method, min_outage_hours, cap_per_claim }),
        None => Err(errors.into_vec()),
    }
}

fn parse_tiers(
    method: MethodName,
    tiers: &[TierInput],
    currency: Currency,
) -> Result<Method, Vec<FieldError>> {
    let mut errors = Errors::default();
    if tiers.is_empty() || tiers.len() > MAX_TIERS {
        errors.add("params.tiers", "invalid_length", format!("must have 1 to {MAX_TIERS} tiers"));
        return Err(errors.into_vec());
    }
    let by_claim = method == MethodName::TieredByClaim;
    let mut claim_tiers = Vec::new();
    let mut day_tiers = Vec::new();
    for (i, tier) in tiers.iter().enumerate() {
        let at = |field: &str| format!("params.tiers[{i}].{field}");
        let amount = errors.take(
            Money::from_decimal(tier.amount, currency).map_err(|(c, m)| FieldError::new(at("amount"), c, m)),
        );
        let (key, other) = if by_claim { ("up_to", "min_days") } else { ("min_days", "up_to") };
        if if by_claim { tier.min_days.is_some() } else { tier.up_to.is_some() } {
            errors.add(&at(other), "not_allowed", "is not a field of this method's tiers");
        }
        if by_claim {
            match tier.up_to.map(|u| Money::from_decimal(u, currency)) {
                None => errors.add(&at(key), "required", "is required"),
                Some(Err((c, m))) => errors.add(&at(key), c, m),
                Some(Ok(up_to)) => {
                    if claim_tiers
                        .last()
                        .is_some_and(|(last, _): &(Money, Money)| last.minor() >= up_to.minor())
                    {
                        errors.add(&at(key), "not_ascending", "tiers must be in strictly ascending order");
                    }
                    if let Some(amount) = amount {
                        claim_tiers.push((up_to, amount));
                    }
                }
            }
        } else {
            match tier.min_days {
                None => errors.add(&at(key), "required", "is required"),
                Some(0) => errors.add(&at(key), "out_of_range", "must be at least 1"),
                Some(days) => {
                    if day_tiers.last().is_some_and(|(last, _): &(u32, Money)| *last >= days) {
                        errors.add(&at(key), "not_ascending", "tiers must be in strictly ascending order");
                    }
                    if let Some(amount) = amount {
                        day_tiers.push((days, amount));
                    }
                }
            }
        }
    }
    errors.finish(|| {
        if by_claim {
            Method::TieredByClaim { tiers: claim_tiers }
        } else {
            Method::TieredByDays { tiers: day_tiers }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
