//! Checking a policy document into a [`Policy`]: every problem is reported at once, each with
//! its field path, and nothing invalid gets through.

use rust_decimal::Decimal;

use super::input::{ParamsInput, PolicyInput, RuleInput, TierInput, WeightsInput};
use super::{Method, MethodName, Policy, Rule, SeverityWeights};
use crate::domain::claimant::ClaimantKind;
use crate::domain::money::{Currency, DecimalString, Money};
use crate::domain::service::ServiceSlug;
use crate::domain::validation::{Errors, FieldError};

const MAX_RULES: usize = 200;
const MAX_TIERS: usize = 100;
/// A year of hours: no outage threshold can sensibly be longer.
const MAX_MIN_OUTAGE_HOURS: i64 = 24 * 366;

impl Policy {
    /// Parses and checks a policy document, reporting every problem with its field path.
    pub fn parse(input: &PolicyInput) -> Result<Policy, Vec<FieldError>> {
        let mut errors = Errors::default();
        let currency = input.currency;
        let money = |field: &str, amount: DecimalString| {
            Money::from_decimal(amount, currency).map_err(|(c, m)| FieldError::new(field, c, m))
        };

        if input.description.as_ref().is_some_and(|d| d.chars().count() > 2000) {
            errors.add("description", "too_long", "must be at most 2000 characters");
        }
        let weights = input
            .severity_weights
            .as_ref()
            .map_or_else(SeverityWeights::default, |w| parse_weights(w, &mut errors));
        let rules = parse_rules(&input.rules, currency, &mut errors);
        let budget = input.budget.and_then(|b| errors.take(money("budget", b)));
        if budget.is_some_and(|b| b.minor() == 0) {
            errors.add("budget", "out_of_range", "must be greater than 0");
        }
        let zero = Money::from_minor(0, currency);
        let min_payout = match input.min_payout {
            Some(m) => errors.take(money("min_payout", m)),
            None => Some(zero),
        };
        errors.finish(|| Policy {
            currency,
            weights,
            rules,
            budget,
            min_payout: min_payout.unwrap_or(zero),
            rounding: input.rounding,
        })
    }
}

fn parse_weights(input: &WeightsInput, errors: &mut Errors) -> SeverityWeights {
    for (name, value) in [
        ("major_outage", input.major_outage),
        ("partial_outage", input.partial_outage),
        ("degraded_performance", input.degraded_performance),
    ] {
        if value.value() > Decimal::ONE {
            errors.add(&format!("severity_weights.{name}"), "out_of_range", "must be between 0 and 1");
        }
    }
    SeverityWeights {
        major_outage: input.major_outage.value(),
        partial_outage: input.partial_outage.value(),
        degraded_performance: input.degraded_performance.value(),
    }
}

fn parse_rules(inputs: &[RuleInput], currency: Currency, errors: &mut Errors) -> Vec<Rule> {
    if inputs.is_empty() {
        errors.add("rules", "required", "must have at least one rule");
    } else if inputs.len() > MAX_RULES {
        errors.add("rules", "too_many", format!("must have at most {MAX_RULES} rules"));
    }
    inputs
        .iter()
        .enumerate()
        .filter_map(|(i, rule)| match parse_rule(rule, currency) {
            Ok(rule) => Some(rule),
            Err(list) => {
                list.into_iter().for_each(|e| errors.push(e.under(&format!("rules[{i}]"))));
                None
            }
        })
        .collect()
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
    let params = &input.params;
    refuse_foreign_params(input.method, params, &mut errors);
    let method = parse_method(input.method, params, currency, &mut errors);
    let min_outage_hours = params.min_outage_hours.map_or(Decimal::ZERO, DecimalString::value);
    if min_outage_hours > Decimal::from(MAX_MIN_OUTAGE_HOURS) {
        errors.add(
            "params.min_outage_hours",
            "out_of_range",
            format!("must be at most {MAX_MIN_OUTAGE_HOURS} hours"),
        );
    }
    let cap_per_claim =
        params.cap_per_claim.and_then(|c| errors.take(param_money("cap_per_claim", c, currency)));
    match method.filter(|_| errors.is_empty()) {
        Some(method) => Ok(Rule { claimant_kind, service, method, min_outage_hours, cap_per_claim }),
        None => Err(errors.into_vec()),
    }
}

/// Each method takes its own parameters; any other method's parameter is refused, so a typo in
/// a policy (a `rate` on a flat rule) cannot pass unnoticed.
fn refuse_foreign_params(method: MethodName, params: &ParamsInput, errors: &mut Errors) {
    let allowed: &[&str] = match method {
        MethodName::LostRevenue | MethodName::RevenuePerHour => &["rate"],
        MethodName::FeeMultiple => &["multiplier"],
        MethodName::TieredByClaim | MethodName::TieredByDays => &["tiers"],
        MethodName::Flat => &["amount"],
    };
    for (name, present) in [
        ("rate", params.rate.is_some()),
        ("multiplier", params.multiplier.is_some()),
        ("amount", params.amount.is_some()),
        ("tiers", params.tiers.is_some()),
    ] {
        if present && !allowed.contains(&name) {
            errors.add(&format!("params.{name}"), "not_allowed", "is not a parameter of this method");
        }
    }
}

fn parse_method(
    name: MethodName,
    params: &ParamsInput,
    currency: Currency,
    errors: &mut Errors,
) -> Option<Method> {
    let mut required = |field: &str, value: Option<DecimalString>| {
        if value.is_none() {
            errors.add(
                &format!("params.{field}"),
                "required",
                format!("is required by {name:?}").to_lowercase(),
            );
        }
        value
    };
    match name {
        MethodName::LostRevenue | MethodName::RevenuePerHour => {
            let rate = required("rate", params.rate);
            ratio("rate", rate, 100, errors).map(|rate| match name {
                MethodName::LostRevenue => Method::LostRevenue { rate },
                _ => Method::RevenuePerHour { rate },
            })
        }
        MethodName::FeeMultiple => {
            let multiplier = required("multiplier", params.multiplier);
            ratio("multiplier", multiplier, 1000, errors).map(|multiplier| Method::FeeMultiple { multiplier })
        }
        MethodName::Flat => required("amount", params.amount)
            .and_then(|a| errors.take(param_money("amount", a, currency)))
            .map(|amount| Method::Flat { amount }),
        MethodName::TieredByClaim | MethodName::TieredByDays => {
            let Some(tiers) = &params.tiers else {
                errors.add("params.tiers", "required", "is required by this method");
                return None;
            };
            match parse_tiers(name, tiers, currency) {
                Ok(method) => Some(method),
                Err(list) => {
                    list.into_iter().for_each(|e| errors.push(e));
                    None
                }
            }
        }
    }
}

/// A rate or multiplier: above 0 and at most `max`.
fn ratio(field: &str, value: Option<DecimalString>, max: i64, errors: &mut Errors) -> Option<Decimal> {
    let value = value?.value();
    if value.is_zero() || value > Decimal::from(max) {
        errors.add(&format!("params.{field}"), "out_of_range", format!("must be above 0 and at most {max}"));
        return None;
    }
    Some(value)
}

fn param_money(field: &str, amount: DecimalString, currency: Currency) -> Result<Money, FieldError> {
    Money::from_decimal(amount, currency).map_err(|(c, m)| FieldError::new(format!("params.{field}"), c, m))
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
    let method = if method == MethodName::TieredByClaim {
        Method::TieredByClaim { tiers: claim_tiers(tiers, currency, &mut errors) }
    } else {
        Method::TieredByDays { tiers: day_tiers(tiers, currency, &mut errors) }
    };
    errors.finish(|| method)
}

/// `tiered_by_claim`: `(up_to, amount)`, `up_to` strictly ascending.
fn claim_tiers(tiers: &[TierInput], currency: Currency, errors: &mut Errors) -> Vec<(Money, Money)> {
    let mut parsed: Vec<(Money, Money)> = Vec::new();
    for (i, tier) in tiers.iter().enumerate() {
        let at = |field: &str| format!("params.tiers[{i}].{field}");
        let amount = tier_amount(tier, currency, &at, errors);
        if tier.min_days.is_some() {
            errors.add(&at("min_days"), "not_allowed", "is not a field of this method's tiers");
        }
        match tier.up_to.map(|u| Money::from_decimal(u, currency)) {
            None => errors.add(&at("up_to"), "required", "is required"),
            Some(Err((c, m))) => errors.add(&at("up_to"), c, m),
            Some(Ok(up_to)) => {
                if parsed.last().is_some_and(|(last, _)| last.minor() >= up_to.minor()) {
                    errors.add(&at("up_to"), "not_ascending", "tiers must be in strictly ascending order");
                }
                parsed.extend(amount.map(|amount| (up_to, amount)));
            }
        }
    }
    parsed
}

/// `tiered_by_days`: `(min_days, amount)`, `min_days` strictly ascending from 1.
fn day_tiers(tiers: &[TierInput], currency: Currency, errors: &mut Errors) -> Vec<(u32, Money)> {
    let mut parsed: Vec<(u32, Money)> = Vec::new();
    for (i, tier) in tiers.iter().enumerate() {
        let at = |field: &str| format!("params.tiers[{i}].{field}");
        let amount = tier_amount(tier, currency, &at, errors);
        if tier.up_to.is_some() {
            errors.add(&at("up_to"), "not_allowed", "is not a field of this method's tiers");
        }
        match tier.min_days {
            None => errors.add(&at("min_days"), "required", "is required"),
            Some(0) => errors.add(&at("min_days"), "out_of_range", "must be at least 1"),
            Some(days) => {
                if parsed.last().is_some_and(|(last, _)| *last >= days) {
                    errors.add(&at("min_days"), "not_ascending", "tiers must be in strictly ascending order");
                }
                parsed.extend(amount.map(|amount| (days, amount)));
            }
        }
    }
    parsed
}

fn tier_amount(
    tier: &TierInput,
    currency: Currency,
    at: &dyn Fn(&str) -> String,
    errors: &mut Errors,
) -> Option<Money> {
    errors.take(
        Money::from_decimal(tier.amount, currency).map_err(|(c, m)| FieldError::new(at("amount"), c, m)),
    )
}
