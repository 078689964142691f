//! The gross of each method of docs/contract.md §5 before the cap, one function per method, each
//! step recorded in the trace under the name a person recomputing the line will look for.

use rust_decimal::Decimal;

use super::arith::{div, mul, Overflow};
use super::trace::{Tracer, Value};
use super::ClaimFacts;
use crate::domain::money::Money;
use crate::domain::policy::{Method, Policy, Rule};
use crate::domain::severity::Severity;

const SECONDS_PER_HOUR: i64 = 3600;
const HOURS_PER_WEEK: i64 = 168;
const HOURS_PER_MONTH: i64 = 720;
const HOURS_PER_DAY: i64 = 24;

/// The method's gross before the cap; `None` when the claim is above every claim tier.
pub(super) fn method_gross(
    policy: &Policy,
    rule: &Rule,
    facts: &ClaimFacts,
    trace: &mut impl Tracer,
) -> Result<Option<Decimal>, Overflow> {
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
    let gross = match &rule.method {
        Method::LostRevenue { rate } => lost_revenue(*rate, facts, trace)?,
        Method::RevenuePerHour { rate } => revenue_per_hour(*rate, policy, facts, trace)?,
        Method::FeeMultiple { multiplier } => fee_multiple(*multiplier, policy, facts, trace)?,
        Method::TieredByClaim { tiers } => match claim_tier(tiers, facts, trace) {
            Some(amount) => amount,
            None => return Ok(None),
        },
        Method::TieredByDays { tiers } => day_tier(tiers, hours, trace)?,
        Method::Flat { amount } => {
            let amount = amount.to_decimal();
            let claimed = facts.claimed.to_decimal();
            let result = amount.min(claimed);
            trace.record(
                "flat",
                &[("amount", Value::Decimal(amount)), ("claimed", Value::Decimal(claimed))],
                Value::Decimal(result),
            );
            result
        }
    };
    Ok(Some(gross))
}

/// `min(claimed, max(0, baseline - outage)) * rate`.
fn lost_revenue(rate: Decimal, facts: &ClaimFacts, trace: &mut impl Tracer) -> Result<Decimal, Overflow> {
    let (baseline, outage) =
        (evidence(facts.evidence.baseline_revenue), evidence(facts.evidence.outage_revenue));
    let lost = (baseline - outage).max(Decimal::ZERO);
    trace.record(
        "revenue_lost",
        &[("baseline_revenue", Value::Decimal(baseline)), ("outage_revenue", Value::Decimal(outage))],
        Value::Decimal(lost),
    );
    let lost = capped_at_claimed(lost, facts, trace);
    times_rate(lost, rate, trace)
}

/// `min(claimed, baseline / 168 * weighted_hours) * rate`.
fn revenue_per_hour(
    rate: Decimal,
    policy: &Policy,
    facts: &ClaimFacts,
    trace: &mut impl Tracer,
) -> Result<Decimal, Overflow> {
    let weighted = weighted_hours(policy, facts, trace)?;
    let baseline = evidence(facts.evidence.baseline_revenue);
    let hourly = div(baseline, Decimal::from(HOURS_PER_WEEK))?;
    trace.record(
        "hourly_revenue",
        &[("baseline_revenue", Value::Decimal(baseline)), ("hours_per_week", Value::Int(HOURS_PER_WEEK))],
        Value::Decimal(hourly),
    );
    let lost = mul(hourly, weighted)?;
    trace.record(
        "revenue_lost",
        &[("hourly_revenue", Value::Decimal(hourly)), ("weighted_hours", Value::Decimal(weighted))],
        Value::Decimal(lost),
    );
    let lost = capped_at_claimed(lost, facts, trace);
    times_rate(lost, rate, trace)
}

/// `min(claimed, monthly_fee / 720 * weighted_hours * multiplier)`.
fn fee_multiple(
    multiplier: Decimal,
    policy: &Policy,
    facts: &ClaimFacts,
    trace: &mut impl Tracer,
) -> Result<Decimal, Overflow> {
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
    let multiple = mul(outage_fee, multiplier)?;
    trace.record(
        "multiple",
        &[("fee_for_outage", Value::Decimal(outage_fee)), ("multiplier", Value::Decimal(multiplier))],
        Value::Decimal(multiple),
    );
    Ok(capped_at_claimed(multiple, facts, trace))
}

/// The amount of the first tier the claimed amount fits; `None` above every tier.
fn claim_tier(tiers: &[(Money, Money)], facts: &ClaimFacts, trace: &mut impl Tracer) -> Option<Decimal> {
    let (up_to, amount) = tiers.iter().find(|(up_to, _)| facts.claimed.minor() <= up_to.minor())?;
    trace.record(
        "claim_tier",
        &[
            ("claimed", Value::Decimal(facts.claimed.to_decimal())),
            ("up_to", Value::Decimal(up_to.to_decimal())),
        ],
        Value::Decimal(amount.to_decimal()),
    );
    Some(amount.to_decimal())
}

/// The amount of the highest tier with `ceil(hours / 24) >= min_days`; 0 below every tier.
fn day_tier(tiers: &[(u32, Money)], hours: Decimal, trace: &mut impl Tracer) -> Result<Decimal, Overflow> {
    let days = div(hours, Decimal::from(HOURS_PER_DAY))?.ceil();
    trace.record(
        "days_disrupted",
        &[("outage_hours", Value::Decimal(hours)), ("hours_per_day", Value::Int(HOURS_PER_DAY))],
        Value::Decimal(days),
    );
    Ok(match tiers.iter().rev().find(|(min_days, _)| days >= Decimal::from(*min_days)) {
        Some((min_days, amount)) => {
            trace.record(
                "day_tier",
                &[("days", Value::Decimal(days)), ("min_days", Value::Int(i64::from(*min_days)))],
                Value::Decimal(amount.to_decimal()),
            );
            amount.to_decimal()
        }
        None => {
            trace.record("day_tier", &[("days", Value::Decimal(days))], Value::Decimal(Decimal::ZERO));
            Decimal::ZERO
        }
    })
}

/// Missing evidence counts as 0 (a claim missing what its method needs never gets here: it is
/// held as deficient first).
fn evidence(amount: Option<Money>) -> Decimal {
    amount.map_or(Decimal::ZERO, Money::to_decimal)
}

/// No method pays more than was claimed.
fn capped_at_claimed(amount: Decimal, facts: &ClaimFacts, trace: &mut impl Tracer) -> Decimal {
    let claimed = facts.claimed.to_decimal();
    let result = amount.min(claimed);
    trace.record(
        "capped_at_claimed",
        &[("amount", Value::Decimal(amount)), ("claimed", Value::Decimal(claimed))],
        Value::Decimal(result),
    );
    result
}

fn times_rate(amount: Decimal, rate: Decimal, trace: &mut impl Tracer) -> Result<Decimal, Overflow> {
    let gross = mul(amount, rate)?;
    trace.record(
        "rate",
        &[("amount", Value::Decimal(amount)), ("rate", Value::Decimal(rate))],
        Value::Decimal(gross),
    );
    Ok(gross)
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
