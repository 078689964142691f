//! The payout calculator of SPEC section 6, pure: [`assess`] turns one claim into its gross
//! amount under a policy, [`allocate`] turns a batch of grosses into payouts (budget pro rata
//! with largest remainders, minimum payout, rounding). Both are deterministic.

pub mod allocate;
pub mod arith;
pub mod trace;

use rust_decimal::Decimal;

pub use allocate::{allocate, Allocation, LineOutcome};
use arith::{div, mul, Overflow};
use trace::{Tracer, Value};

use crate::domain::claim::ClaimStatus;
use crate::domain::claim_input::Evidence;
use crate::domain::claimant::ClaimantKind;
use crate::domain::money::Money;
use crate::domain::policy::{Method, Policy, Rule};
use crate::domain::service::ServiceSlug;
use crate::domain::severity::Severity;

/// What the calculator knows of a claim: everything a line is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimFacts {
    pub claim_id: String,
    pub kind: ClaimantKind,
    pub service: ServiceSlug,
    pub claimed: Money,
    pub evidence: Evidence,
    /// Seconds of overlap with each outage window, by that window's severity.
    pub overlaps: Vec<(Severity, i64)>,
    /// Set when finance approved a case-by-case amount.
    pub approved: Option<Money>,
}

/// The outcome of assessing one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assessment {
    /// A line with this gross amount (before budget and rounding).
    Gross { rule_index: usize, gross: Decimal },
    /// No rule matches: the claim gets no line and stays eligible.
    NoRule,
    /// The claim goes back to a person and is left out of the batch.
    Hold { status: ClaimStatus, reason: String },
}

const SECONDS_PER_HOUR: i64 = 3600;
const HOURS_PER_WEEK: i64 = 168;
const HOURS_PER_MONTH: i64 = 720;
const HOURS_PER_DAY: i64 = 24;

/// Assesses one claim, recording each step in `trace`.
pub fn assess(policy: &Policy, facts: &ClaimFacts, trace: &mut impl Tracer) -> Result<Assessment, Overflow> {
    let Some((rule_index, rule)) = policy.indexed_rule_for(facts.kind, &facts.service) else {
        return Ok(Assessment::NoRule);
    };
    trace.record(
        "rule",
        &[
            ("claimant_kind", Value::Text(facts.kind.as_str())),
            ("service", Value::Text(facts.service.as_str())),
            ("rule_index", Value::Int(rule_index as i64)),
        ],
        Value::Text(rule.method.name()),
    );
    let gross = match facts.approved {
        Some(approved) => {
            let amount = approved.to_decimal();
            trace.record(
                "manual_assessment",
                &[("approved_amount", Value::Decimal(amount))],
                Value::Decimal(amount),
            );
            amount
        }
        None => {
            let missing = facts.evidence.missing(rule.method.required_evidence());
            if !missing.is_empty() {
                let names: Vec<_> = missing.iter().map(|f| f.as_str()).collect();
                let reason =
                    format!("{}: {}", crate::domain::claim::reason::MISSING_EVIDENCE, names.join(", "));
                return Ok(Assessment::Hold { status: ClaimStatus::Deficient, reason });
            }
            match method_gross(policy, rule, facts, trace)? {
                Some(gross) => gross,
                None => {
                    return Ok(Assessment::Hold {
                        status: ClaimStatus::NeedsReview,
                        reason: "above_all_tiers".into(),
                    })
                }
            }
        }
    };
    let gross = match rule.cap_per_claim {
        Some(cap) if gross > cap.to_decimal() => {
            let cap = cap.to_decimal();
            trace.record(
                "cap_per_claim",
                &[("gross", Value::Decimal(gross)), ("cap_per_claim", Value::Decimal(cap))],
                Value::Decimal(cap),
            );
            cap
        }
        _ => gross,
    };
    trace.record("gross", &[], Value::Decimal(gross));
    Ok(Assessment::Gross { rule_index, gross })
}

/// The method's gross before the cap; `None` when the claim is above every claim tier.
fn method_gross(
    policy: &Policy,
    rule: &Rule,
    facts: &ClaimFacts,
    trace: &mut impl Tracer,
) -> Result<Option<Decimal>, Overflow> {
    let claimed = facts.claimed.to_decimal();
    let seconds: i64 = facts.overlaps.iter().map(|(_, s)| s).sum();
    let hours = div(Decimal::from(seconds), Decimal::from(SECONDS_PER_HOUR))?;
    trace.record("outage_hours", &[("outage_seconds", Value::Int(seconds))], Value::Decimal(hours));
    if hours < rule.min_outage_hours {
        trace.record(
            "min_outage_hours",
            &[
                ("outage_hours", Value::Decimal(hours)),
                ("min_outage_hours", Value::Decimal(rule.min_outage_hours)),
            ],
            Value::Decimal(Decimal::ZERO),
        );
        return Ok(Some(Decimal::ZERO));
    }
    let evidence = |m: Option<Money>| m.map_or(Decimal::ZERO, Money::to_decimal);
    let capped = |amount: Decimal, trace: &mut dyn FnMut(Decimal)| {
        let result = amount.min(claimed);
        trace(result);
        result
    };
    let gross = match &rule.method {
        Method::LostRevenue { rate } => {
            let (baseline, outage) =
                (evidence(facts.evidence.baseline_revenue), evidence(facts.evidence.outage_revenue));
            let lost = (baseline - outage).max(Decimal::ZERO);
            trace.record(
                "revenue_lost",
                &[("baseline_revenue", Value::Decimal(baseline)), ("outage_revenue", Value::Decimal(outage))],
                Value::Decimal(lost),
            );
            let lost = capped(lost, &mut |r| {
                trace.record(
                    "capped_at_claimed",
                    &[("amount", Value::Decimal(lost)), ("claimed", Value::Decimal(claimed))],
                    Value::Decimal(r),
                )
            });
            let gross = mul(lost, *rate)?;
            trace.record(
                "rate",
                &[("amount", Value::Decimal(lost)), ("rate", Value::Decimal(*rate))],
                Value::Decimal(gross),
            );
            gross
        }
        Method::RevenuePerHour { rate } => {
            let weighted = weighted_hours(policy, facts, trace)?;
            let baseline = evidence(facts.evidence.baseline_revenue);
            let hourly = div(baseline, Decimal::from(HOURS_PER_WEEK))?;
            trace.record(
                "hourly_revenue",
                &[
                    ("baseline_revenue", Value::Decimal(baseline)),
                    ("hours_per_week", Value::Int(HOURS_PER_WEEK)),
                ],
                Value::Decimal(hourly),
            );
            let lost = mul(hourly, weighted)?;
            trace.record(
                "revenue_lost",
                &[("hourly_revenue", Value::Decimal(hourly)), ("weighted_hours", Value::Decimal(weighted))],
                Value::Decimal(lost),
            );
            let lost = capped(lost, &mut |r| {
                trace.record(
                    "capped_at_claimed",
                    &[("amount", Value::Decimal(lost)), ("claimed", Value::Decimal(claimed))],
                    Value::Decimal(r),
                )
            });
            let gross = mul(lost, *rate)?;
            trace.record(
                "rate",
                &[("amount", Value::Decimal(lost)), ("rate", Value::Decimal(*rate))],
                Value::Decimal(gross),
            );
            gross
        }
        Method::FeeMultiple { multiplier } => {
            let weighted = weighted_hours(policy, facts, trace)?;
            let fee = evidence(facts.evidence.monthly_fee);
            let hourly = div(fee, Decimal::from(HOURS_PER_MONTH))?;
            trace.record(
                "hourly_fee",
                &[("monthly_fee", Value::Decimal(fee)), ("hours_per_month", Value::Int(HOURS_PER_MONTH))],
                Value::Decimal(hourly),
            );
            let outage_fee = mul(hourly, weighted)?;
            trace.record(
                "fee_for_outage",
                &[("hourly_fee", Value::Decimal(hourly)), ("weighted_hours", Value::Decimal(weighted))],
                Value::Decimal(outage_fee),
            );
            let multiple = mul(outage_fee, *multiplier)?;
            trace.record(
                "multiple",
                &[
                    ("fee_for_outage", Value::Decimal(outage_fee)),
                    ("multiplier", Value::Decimal(*multiplier)),
                ],
                Value::Decimal(multiple),
            );
            capped(multiple, &mut |r| {
                trace.record(
                    "capped_at_claimed",
                    &[("amount", Value::Decimal(multiple)), ("claimed", Value::Decimal(claimed))],
                    Value::Decimal(r),
                )
            })
        }
        Method::TieredByClaim { tiers } => {
            let Some((up_to, amount)) =
                tiers.iter().find(|(up_to, _)| facts.claimed.minor() <= up_to.minor())
            else {
                return Ok(None);
            };
            trace.record(
                "claim_tier",
                &[("claimed", Value::Decimal(claimed)), ("up_to", Value::Decimal(up_to.to_decimal()))],
                Value::Decimal(amount.to_decimal()),
            );
            amount.to_decimal()
        }
        Method::TieredByDays { tiers } => {
            let days = div(hours, Decimal::from(HOURS_PER_DAY))?.ceil();
            trace.record(
                "days_disrupted",
                &[("outage_hours", Value::Decimal(hours)), ("hours_per_day", Value::Int(HOURS_PER_DAY))],
                Value::Decimal(days),
            );
            match tiers.iter().rev().find(|(min_days, _)| days >= Decimal::from(*min_days)) {
                Some((min_days, amount)) => {
                    trace.record(
                        "day_tier",
                        &[("days", Value::Decimal(days)), ("min_days", Value::Int(i64::from(*min_days)))],
                        Value::Decimal(amount.to_decimal()),
                    );
                    amount.to_decimal()
                }
                None => {
                    trace.record(
                        "day_tier",
                        &[("days", Value::Decimal(days))],
                        Value::Decimal(Decimal::ZERO),
                    );
                    Decimal::ZERO
                }
            }
        }
        Method::Flat { amount } => {
            let amount = amount.to_decimal();
            capped(amount, &mut |r| {
                trace.record(
                    "flat",
                    &[("amount", Value::Decimal(amount)), ("claimed", Value::Decimal(claimed))],
                    Value::Decimal(r),
                )
            })
        }
    };
    Ok(Some(gross))
}

/// Outage hours weighted by the policy's severity weights.
fn weighted_hours(policy: &Policy, facts: &ClaimFacts, trace: &mut impl Tracer) -> Result<Decimal, Overflow> {
    let seconds_of =
        |severity| facts.overlaps.iter().filter(|(s, _)| *s == severity).map(|(_, n)| n).sum::<i64>();
    let (major, partial, degraded) = (
        seconds_of(Severity::MajorOutage),
        seconds_of(Severity::PartialOutage),
        seconds_of(Severity::DegradedPerformance),
    );
    let w = &policy.weights;
    let weighted = mul(Decimal::from(major), w.major_outage)?
        + mul(Decimal::from(partial), w.partial_outage)?
        + mul(Decimal::from(degraded), w.degraded_performance)?;
    trace.record(
        "weighted_seconds",
        &[
            ("major_outage_seconds", Value::Int(major)),
            ("major_outage_weight", Value::Decimal(w.major_outage)),
            ("partial_outage_seconds", Value::Int(partial)),
            ("partial_outage_weight", Value::Decimal(w.partial_outage)),
            ("degraded_performance_seconds", Value::Int(degraded)),
            ("degraded_performance_weight", Value::Decimal(w.degraded_performance)),
        ],
        Value::Decimal(weighted),
    );
    let hours = div(weighted, Decimal::from(SECONDS_PER_HOUR))?;
    trace.record("weighted_hours", &[("weighted_seconds", Value::Decimal(weighted))], Value::Decimal(hours));
    Ok(hours)
}

#[cfg(test)]
mod golden;
