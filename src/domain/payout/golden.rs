//! Worked examples, each checked by hand in its comment.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde_json::json;

use super::trace::{NoTrace, Recorder};
use super::*;
use crate::domain::money::Currency;
use crate::domain::policy::{PolicyInput, Rounding};

fn policy(rules: serde_json::Value) -> Policy {
    let input: PolicyInput = serde_json::from_value(json!({"currency": "KRW", "rules": rules})).unwrap();
    Policy::parse(&input).unwrap()
}

fn krw(amount: i64) -> Money {
    Money::from_minor(amount, Currency::KRW)
}

fn facts(kind: ClaimantKind, service: &str, claimed: i64, overlaps: &[(Severity, i64)]) -> ClaimFacts {
    ClaimFacts {
        claim_id: "c".into(),
        kind,
        service: ServiceSlug::parse(service).unwrap(),
        claimed: krw(claimed),
        evidence: Evidence::default(),
        overlaps: overlaps.to_vec(),
        approved: None,
    }
}

fn gross(policy: &Policy, facts: &ClaimFacts) -> Assessment {
    assess(policy, facts, &mut NoTrace).unwrap()
}

fn amount(text: &str) -> Assessment {
    Assessment::Gross { rule_index: 0, gross: Decimal::from_str(text).unwrap() }
}

const HOUR: i64 = 3600;

#[test]
fn reported_loss_bands_pay_30000_and_50000_and_send_larger_claims_to_review() {
    // A loss up to 300,000 pays 30,000; up to 500,000 pays 50,000; larger: case by case.
    let bands = policy(json!([{"claimant_kind": "business", "service": "*", "method": "tiered_by_claim",
        "params": {"tiers": [{"up_to": "300000", "amount": "30000"}, {"up_to": "500000", "amount": "50000"}]}}]));
    let claim = |claimed| {
        facts(ClaimantKind::Business, "business_channel", claimed, &[(Severity::MajorOutage, 10 * HOUR)])
    };
    assert_eq!(gross(&bands, &claim(250_000)), amount("30000"));
    assert_eq!(gross(&bands, &claim(300_000)), amount("30000"));
    assert_eq!(gross(&bands, &claim(450_000)), amount("50000"));
    assert!(matches!(
        gross(&bands, &claim(600_000)),
        Assessment::Hold { status: ClaimStatus::NeedsReview, .. }
    ));
    // Finance assessed the large one at 420,000: that is its gross.
    let mut assessed = claim(600_000);
    assessed.approved = Some(krw(420_000));
    assert_eq!(gross(&bands, &assessed), amount("420000"));
    // Individuals match no rule of this policy: no line.
    assert_eq!(gross(&bands, &facts(ClaimantKind::Individual, "messenger", 1, &[])), Assessment::NoRule);
}

#[test]
fn ten_times_the_fee_for_the_outage_time_only_after_two_hours() {
    // Fee 33,000 a month: 33000 / 720 = 45.8333333333 an hour (10 places, half even).
    // 5 hours of major outage: 45.8333333333 * 5 = 229.1666666665; times 10 = 2291.666666665,
    // paid 2292 after rounding half even to the won.
    let fee = policy(json!([{"claimant_kind": "*", "service": "payments", "method": "fee_multiple",
        "params": {"multiplier": "10", "min_outage_hours": "2"}}]));
    let mut claim = facts(ClaimantKind::Business, "payments", 100_000, &[(Severity::MajorOutage, 5 * HOUR)]);
    claim.evidence.monthly_fee = Some(krw(33_000));
    assert_eq!(gross(&fee, &claim), amount("2291.666666665"));
    let allocation =
        allocate(&[("c", Decimal::from_str("2291.666666665").unwrap())], None, krw(0), Rounding::HalfEven)
            .unwrap();
    assert_eq!(allocation.lines[0].payout_minor, 2292);

    // 4 hours of partial outage weigh 0.5: 2 weighted hours. 45.8333333333 * 2 = 91.6666666666;
    // times 10 = 916.666666666.
    claim.overlaps = vec![(Severity::PartialOutage, 4 * HOUR)];
    assert_eq!(gross(&fee, &claim), amount("916.666666666"));

    // 1.5 hours is under the 2-hour threshold (on unweighted time): nothing.
    claim.overlaps = vec![(Severity::MajorOutage, 90 * 60)];
    assert_eq!(gross(&fee, &claim), amount("0"));

    // Without the fee the claim cannot be assessed: it goes back for the evidence.
    claim.evidence.monthly_fee = None;
    assert!(matches!(gross(&fee, &claim), Assessment::Hold { status: ClaimStatus::Deficient, .. }));
}

#[test]
fn days_disrupted_pay_400000_to_1200000() {
    // 1-2 days 400,000; 3-4 days 800,000; 5-6 days 1,000,000; 7+ days 1,200,000; days are
    // ceil(hours / 24).
    let days = policy(json!([{"claimant_kind": "business", "service": "*", "method": "tiered_by_days",
        "params": {"tiers": [{"min_days": 1, "amount": "400000"}, {"min_days": 3, "amount": "800000"},
                             {"min_days": 5, "amount": "1000000"}, {"min_days": 7, "amount": "1200000"}]}}]));
    let claim = |hours: i64| {
        facts(ClaimantKind::Business, "business_channel", 5_000_000, &[(Severity::MajorOutage, hours * HOUR)])
    };
    assert_eq!(gross(&days, &claim(30)), amount("400000")); // 1.25 days -> 2
    assert_eq!(gross(&days, &claim(48)), amount("400000")); // exactly 2 days
    assert_eq!(gross(&days, &claim(49)), amount("800000")); // 2.04 days -> 3
    assert_eq!(gross(&days, &claim(108)), amount("1000000")); // 4.5 days -> 5
    assert_eq!(gross(&days, &claim(8 * 24)), amount("1200000"));
}

#[test]
fn lost_revenue_and_revenue_per_hour() {
    // Baseline week 1,400,000, outage week 900,000: 500,000 lost, capped at the 250,000 claimed.
    let lost = policy(
        json!([{"claimant_kind": "*", "service": "*", "method": "lost_revenue", "params": {"rate": "1"}}]),
    );
    let mut claim = facts(ClaimantKind::Business, "messenger", 250_000, &[(Severity::MajorOutage, HOUR)]);
    claim.evidence.baseline_revenue = Some(krw(1_400_000));
    claim.evidence.outage_revenue = Some(krw(900_000));
    assert_eq!(gross(&lost, &claim), amount("250000"));

    // Baseline week 1,680,000: 10,000 an hour. 3 hours major + 1 hour partial = 3.5 weighted
    // hours: 35,000 (under the 50,000 claimed), at rate 0.8: 28,000.
    let hourly = policy(
        json!([{"claimant_kind": "*", "service": "*", "method": "revenue_per_hour", "params": {"rate": "0.8"}}]),
    );
    let mut claim = facts(
        ClaimantKind::Individual,
        "mobility",
        50_000,
        &[(Severity::MajorOutage, 3 * HOUR), (Severity::PartialOutage, HOUR)],
    );
    claim.evidence.baseline_revenue = Some(krw(1_680_000));
    assert_eq!(gross(&hourly, &claim), amount("28000"));
}

#[test]
fn a_cap_limits_the_gross() {
    let flat = policy(
        json!([{"claimant_kind": "*", "service": "*", "method": "flat", "params": {"amount": "100000", "cap_per_claim": "70000"}}]),
    );
    let claim = facts(ClaimantKind::Individual, "games", 90_000, &[(Severity::MajorOutage, HOUR)]);
    // min(claimed 90,000, flat 100,000) = 90,000, capped at 70,000.
    assert_eq!(gross(&flat, &claim), amount("70000"));
}

fn payouts(result: &Allocation) -> Vec<i64> {
    result.lines.iter().map(|l| l.payout_minor).collect()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

#[test]
fn a_binding_budget_is_shared_to_the_won_by_the_published_factor() {
    // Grosses 400,000, 250,000 and 100,000 (750,000) share a budget of 500,000. The factor is
    // 500000 / 750000 = 0.6666666666|67 rounded down to 0.6666666666, and each share is gross *
    // factor: 266666.66664, 166666.66665 and 66666.66666. Floors 266,666 + 166,666 + 66,666 =
    // 499,998; the 2 won left go to the largest remainders, 0.66666 (c) and 0.66665 (b).
    let lines = [("a", Decimal::from(400_000)), ("b", Decimal::from(250_000)), ("c", Decimal::from(100_000))];
    let result = allocate(&lines, Some(krw(500_000)), krw(0), Rounding::HalfEven).unwrap();
    assert_eq!(result.factor, Some(dec("0.6666666666")));
    let shares: Vec<_> = result.lines.iter().map(|l| l.share).collect();
    assert_eq!(shares, [Some(dec("266666.66664")), Some(dec("166666.66665")), Some(dec("66666.66666"))]);
    assert_eq!(payouts(&result), [266_666, 166_667, 66_667]);
    assert_eq!(result.total_payout_minor, 500_000);
}

#[test]
fn rounding_alone_can_make_the_budget_bind_and_then_it_is_paid_exactly() {
    // Three grosses of 0.5 won rounded half up would pay 1 + 1 + 1 = 3, over the budget of 2,
    // though the grosses (1.5) fit: the budget binds with factor min(1, 2 / 1.5) = 1. Shares
    // 0.5, floors 0, and the 2 won left go to the equal remainders in claim id order.
    let half = dec("0.5");
    let lines = [("c", half), ("a", half), ("b", half)];
    let result = allocate(&lines, Some(krw(2)), krw(0), Rounding::HalfUp).unwrap();
    assert!(result.binding);
    assert_eq!(result.factor, Some(Decimal::ONE));
    assert_eq!(payouts(&result), [0, 1, 1]);
    assert_eq!(result.total_payout_minor, 2);
    assert!(result.lines[0].closed);

    // With a budget of 1 the grosses bind too: factor 1 / 1.5 = 0.6666666666, shares
    // 0.3333333333, the one won to claim a.
    let result = allocate(&lines, Some(krw(1)), krw(0), Rounding::HalfUp).unwrap();
    assert_eq!(result.factor, Some(dec("0.6666666666")));
    assert_eq!(payouts(&result), [0, 1, 0]);

    // In cents: 1.005 + 2.005 + 3.005 USD rounded half up pay 6.03, over a budget of 6.02;
    // the grosses (6.015) fit, so the factor is 1. Floors 1.00 + 2.00 + 3.00 leave 2 cents for
    // the equal remainders (0.5 cent each): claims a and b.
    let usd = Currency::parse("USD").unwrap();
    let lines = [("a", dec("1.005")), ("b", dec("2.005")), ("c", dec("3.005"))];
    let result =
        allocate(&lines, Some(Money::from_minor(602, usd)), Money::from_minor(0, usd), Rounding::HalfUp)
            .unwrap();
    assert_eq!(result.factor, Some(Decimal::ONE));
    assert_eq!(payouts(&result), [101, 201, 300]);
}

#[test]
fn units_left_after_one_round_go_round_again_in_the_same_order() {
    // 10^13 + (5 * 10^12 + 1) + 1 = 15,000,000,000,002 share 10^13: the factor 0.6666666666|58
    // is rounded down to 0.6666666666, so the shares 6,666,666,666,000, 3,333,333,333,000.6666666666
    // and 0.6666666666 floor to 9,999,999,999,000 and 1,000 won are left over: 333 rounds for
    // every line, and the last won to the largest remainder (b and c tie at 0.6666666666: b).
    let lines = [("a", dec("10000000000000")), ("b", dec("5000000000001")), ("c", dec("1"))];
    let result = allocate(&lines, Some(krw(10_000_000_000_000)), krw(0), Rounding::HalfEven).unwrap();
    assert_eq!(result.factor, Some(dec("0.6666666666")));
    assert_eq!(payouts(&result), [6_666_666_666_333, 3_333_333_333_334, 333]);
    assert_eq!(result.total_payout_minor, 10_000_000_000_000);
}

#[test]
fn a_line_closed_by_the_minimum_does_not_count_towards_the_budget() {
    // Minimum 60: the gross of 50 pays under it whatever happens and is closed; it does not
    // count. 70 + 200 = 270 is over the budget of 260: factor 260 / 270 = 0.9629629629, shares
    // 67.407407403 and 192.592592580, floors 67 + 192 = 259, the won left to c (0.59 > 0.41).
    let lines = [("a", dec("50")), ("b", dec("70")), ("c", dec("200"))];
    let result = allocate(&lines, Some(krw(260)), krw(60), Rounding::HalfEven).unwrap();
    assert!(result.binding);
    assert_eq!(result.factor, Some(dec("0.9629629629")));
    assert_eq!(payouts(&result), [0, 67, 193]);
    assert_eq!(result.total_gross, dec("270"));
    assert!(result.lines[0].closed);
}

#[test]
fn a_budget_that_no_longer_binds_once_small_lines_are_left_out_pays_the_rounded_grosses() {
    // Minimum 28. 30 + 100 + 100.6 round to 231 > 210: the budget binds, factor 210 / 230.6 =
    // 0.9106678230, shares 27.32003469, 91.06678230 and 91.6131829938, floors 27 + 91 + 91 =
    // 209, the won left to c. Line a (27) is under the minimum and left out; 100 + 101 = 201
    // then fits the budget, so the others are paid their grosses rounded half even.
    let lines = [("a", dec("30")), ("b", dec("100")), ("c", dec("100.6"))];
    let result = allocate(&lines, Some(krw(210)), krw(28), Rounding::HalfEven).unwrap();
    assert!(!result.binding);
    assert_eq!(result.factor, None);
    assert_eq!(payouts(&result), [0, 100, 101]);
    assert_eq!(result.total_payout_minor, 201);
    assert_eq!(result.lines[0].share, Some(dec("27.32003469")));
}

#[test]
fn amounts_beyond_exact_arithmetic_are_an_overflow_not_a_panic() {
    let huge = Decimal::MAX;
    assert!(allocate(&[("a", huge), ("b", huge)], Some(krw(1)), krw(0), Rounding::HalfEven).is_err());
    assert!(allocate(&[("a", dec("100000000000000000000"))], None, krw(0), Rounding::HalfEven).is_err());
}

#[test]
fn the_trace_recomputes_the_gross_step_by_step() {
    let fee = policy(json!([{"claimant_kind": "*", "service": "payments", "method": "fee_multiple",
        "params": {"multiplier": "10", "min_outage_hours": "2"}}]));
    let mut claim = facts(ClaimantKind::Business, "payments", 100_000, &[(Severity::MajorOutage, 5 * HOUR)]);
    claim.evidence.monthly_fee = Some(krw(33_000));
    let mut recorder = Recorder::default();
    assess(&fee, &claim, &mut recorder).unwrap();
    let steps: Vec<_> = recorder.steps.iter().map(|s| (s.step.as_str(), s.result.as_str())).collect();
    assert_eq!(
        steps,
        [
            ("rule", "fee_multiple"),
            ("outage_hours", "5"),
            ("weighted_seconds", "18000"),
            ("weighted_hours", "5"),
            ("hourly_fee", "45.8333333333"),
            ("fee_for_outage", "229.1666666665"),
            ("multiple", "2291.666666665"),
            ("capped_at_claimed", "2291.666666665"),
            ("gross", "2291.666666665"),
        ]
    );
    assert_eq!(recorder.steps[4].inputs["monthly_fee"], "33000");
}
