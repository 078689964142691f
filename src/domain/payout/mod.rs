//! The payout calculator of docs/contract.md §5, pure: [`assess`] turns one claim into its gross
//! amount under a policy, [`allocate`] turns a batch of grosses into payouts (budget pro rata
//! with largest remainders, minimum payout, rounding). Both are deterministic.

pub mod allocate;
pub mod arith;
mod methods;
pub mod trace;

use rust_decimal::Decimal;

pub use allocate::{allocate, allocate_in_id_order, Allocation, LineOutcome, Shares};
use arith::Overflow;
use methods::method_gross;
use trace::{Tracer, Value};

use crate::domain::claim::ClaimStatus;
use crate::domain::claim_input::Evidence;
use crate::domain::claimant::ClaimantKind;
use crate::domain::money::Money;
use crate::domain::policy::Policy;
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

#[cfg(test)]
mod golden;
