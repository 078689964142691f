#![allow(clippy::unwrap_used)]
//! Throughput of the pure payout calculator: assessing claims and allocating a budget.
//! `cargo bench --bench calculator`; the figure to read is elements (lines) per second.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use outage_claims::domain::claim_input::Evidence;
use outage_claims::domain::claimant::ClaimantKind;
use outage_claims::domain::money::{Currency, Money};
use outage_claims::domain::payout::trace::NoTrace;
use outage_claims::domain::payout::{allocate, assess, Assessment, ClaimFacts};
use outage_claims::domain::policy::{Policy, PolicyInput};
use outage_claims::domain::service::ServiceSlug;
use outage_claims::domain::severity::Severity;
use rust_decimal::Decimal;

const POLICY: &str = r#"{"currency": "KRW", "budget": "1000000000", "min_payout": "1000", "rules": [
  {"claimant_kind": "business", "service": "business_channel", "method": "tiered_by_days",
   "params": {"tiers": [{"min_days": 1, "amount": "400000"}, {"min_days": 3, "amount": "800000"}]}},
  {"claimant_kind": "business", "service": "*", "method": "lost_revenue", "params": {"rate": "0.8", "cap_per_claim": "3000000"}},
  {"claimant_kind": "*", "service": "payments", "method": "fee_multiple", "params": {"multiplier": "10", "min_outage_hours": "2"}},
  {"claimant_kind": "individual", "service": "*", "method": "revenue_per_hour", "params": {"rate": "1"}}
]}"#;

fn claims(n: usize) -> Vec<ClaimFacts> {
    let services =
        ["business_channel", "messenger", "payments", "mobility"].map(|s| ServiceSlug::parse(s).unwrap());
    let krw = |minor| Some(Money::from_minor(minor, Currency::KRW));
    (0..n)
        .map(|i| {
            let i64i = i as i64;
            ClaimFacts {
                claim_id: format!("01890a5d-ac96-774b-bcce-{i:012}"),
                kind: if i % 3 == 0 { ClaimantKind::Individual } else { ClaimantKind::Business },
                service: services[i % 4].clone(),
                claimed: Money::from_minor(100_000 + (i64i * 7919) % 5_000_000, Currency::KRW),
                evidence: Evidence {
                    baseline_revenue: krw(1_000_000 + (i64i * 104_729) % 9_000_000),
                    outage_revenue: krw((i64i * 1_299_709) % 1_000_000),
                    monthly_fee: krw(33_000),
                },
                overlaps: vec![
                    (Severity::MajorOutage, 3600 * (1 + i64i % 40)),
                    (Severity::PartialOutage, 1800 * (i64i % 7)),
                ],
                approved: None,
            }
        })
        .collect()
}

fn calculator(c: &mut Criterion) {
    let input: PolicyInput = serde_json::from_str(POLICY).unwrap();
    let policy = Policy::parse(&input).unwrap();
    let mut group = c.benchmark_group("calculator");
    let n = 100_000_usize;
    {
        let facts = claims(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("assess", n), &facts, |b, facts| {
            b.iter(|| {
                facts
                    .iter()
                    .filter(|f| {
                        matches!(assess(&policy, black_box(f), &mut NoTrace), Ok(Assessment::Gross { .. }))
                    })
                    .count()
            })
        });
        let grosses: Vec<(&str, Decimal)> = facts
            .iter()
            .filter_map(|f| match assess(&policy, f, &mut NoTrace) {
                Ok(Assessment::Gross { gross, .. }) => Some((f.claim_id.as_str(), gross)),
                _ => None,
            })
            .collect();
        group.bench_with_input(BenchmarkId::new("allocate_binding_budget", n), &grosses, |b, grosses| {
            b.iter(|| {
                allocate(black_box(grosses), policy.budget, policy.min_payout, policy.rounding)
                    .unwrap()
                    .total_payout_minor
            })
        });
        group.bench_with_input(BenchmarkId::new("assess_and_allocate", n), &facts, |b, facts| {
            b.iter(|| {
                let lines: Vec<(&str, Decimal)> = facts
                    .iter()
                    .filter_map(|f| match assess(&policy, f, &mut NoTrace) {
                        Ok(Assessment::Gross { gross, .. }) => Some((f.claim_id.as_str(), gross)),
                        _ => None,
                    })
                    .collect();
                allocate(&lines, policy.budget, policy.min_payout, policy.rounding)
                    .unwrap()
                    .total_payout_minor
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = calculator
}
criterion_main!(benches);
