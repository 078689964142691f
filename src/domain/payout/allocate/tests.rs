use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

fn krw(minor: i64) -> Money {
    Money::from_minor(minor, Currency::KRW)
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("claim-{i:07}")).collect()
}

#[test]
fn without_a_binding_budget_each_gross_is_rounded_by_the_policy() {
    let ids = ids(3);
    let lines = [(ids[0].as_str(), d("100.5")), (ids[1].as_str(), d("101.5")), (ids[2].as_str(), d("0"))];
    let even = allocate(&lines, Some(krw(1_000)), krw(0), Rounding::HalfEven).unwrap();
    let payouts: Vec<_> = even.lines.iter().map(|l| l.payout_minor).collect();
    assert_eq!(payouts, [100, 102, 0]);
    assert!(even.lines[2].closed);
    assert!(!even.binding);
    let up = allocate(&lines, None, krw(0), Rounding::HalfUp).unwrap();
    assert_eq!(up.lines.iter().map(|l| l.payout_minor).collect::<Vec<_>>(), [101, 102, 0]);
}

#[test]
fn a_binding_budget_is_shared_exactly_with_largest_remainders() {
    // Three equal claims of 100 sharing 100: shares 33.3333333333 each, floors 33, one unit left
    // over, which goes to the smallest claim id (the remainders tie).
    let ids = ids(3);
    let lines: Vec<_> = ids.iter().map(|id| (id.as_str(), d("100"))).collect();
    let result = allocate(&lines, Some(krw(100)), krw(0), Rounding::HalfEven).unwrap();
    assert!(result.binding);
    assert_eq!(result.factor, Some(d("0.3333333333")));
    assert_eq!(result.lines.iter().map(|l| l.payout_minor).collect::<Vec<_>>(), [34, 33, 33]);
    assert_eq!(result.total_payout_minor, 100);
}

#[test]
fn lines_under_the_minimum_are_left_out_and_the_rest_recomputed() {
    // 1033 share 300: 33 * 300 / 1033 = 9.58..., floored to 9 and given the one unit left over
    // (largest remainder): 10, under the minimum of 11. It is left out and the two large lines
    // share the whole budget: 150 each.
    let ids = ids(3);
    let lines = [(ids[0].as_str(), d("33")), (ids[1].as_str(), d("500")), (ids[2].as_str(), d("500"))];
    let result = allocate(&lines, Some(krw(300)), krw(11), Rounding::HalfEven).unwrap();
    let payouts: Vec<_> = result.lines.iter().map(|l| l.payout_minor).collect();
    assert_eq!(payouts, [0, 150, 150]);
    assert!(result.lines[0].closed);
    assert_eq!(result.total_gross, d("1000"));
}

#[test]
fn without_a_budget_lines_under_the_minimum_pay_nothing() {
    let ids = ids(2);
    let lines = [(ids[0].as_str(), d("999")), (ids[1].as_str(), d("1000"))];
    let result = allocate(&lines, None, krw(1000), Rounding::HalfEven).unwrap();
    assert_eq!(result.lines.iter().map(|l| l.payout_minor).collect::<Vec<_>>(), [0, 1000]);
}

fn gross_strategy() -> impl Strategy<Value = Decimal> {
    // Up to 10^13 with up to 10 decimal places, as the calculator produces them.
    (0_i64..=10_000_000_000_000, 0_i64..10_000_000_000)
        .prop_map(|(whole, frac)| Decimal::from(whole) + Decimal::new(frac, 10))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_binding_budget_is_met_exactly_and_each_payout_is_within_a_unit_of_its_share(
        grosses in proptest::collection::vec(gross_strategy(), 1..200),
        budget in 1_i64..=10_000_000_000_000,
        min_payout in prop_oneof![Just(0_i64), 1_i64..100_000],
    ) {
        let ids = ids(grosses.len());
        let lines: Vec<_> = ids.iter().map(String::as_str).zip(grosses.iter().copied()).collect();
        let result = allocate(&lines, Some(krw(budget)), krw(min_payout), Rounding::HalfEven).unwrap();
        prop_assert!(result.total_payout_minor <= budget);
        prop_assert_eq!(result.total_payout_minor, result.lines.iter().map(|l| l.payout_minor).sum::<i64>());
        if result.binding {
            prop_assert_eq!(result.total_payout_minor, budget);
            for line in result.lines.iter().filter(|l| !l.closed) {
                let share = line.share.unwrap();
                let diff = (Decimal::from(line.payout_minor) - share).abs();
                prop_assert!(diff < Decimal::ONE, "payout {} share {}", line.payout_minor, share);
            }
        }
        for line in &result.lines {
            prop_assert!(line.closed == (line.payout_minor == 0));
            prop_assert!(line.closed || line.payout_minor >= min_payout);
        }
    }

    #[test]
    fn the_result_does_not_depend_on_input_order(
        grosses in proptest::collection::vec(gross_strategy(), 1..100),
        budget in prop_oneof![Just(None), (1_i64..=1_000_000_000_000).prop_map(Some)],
        seed in any::<u64>(),
    ) {
        let ids = ids(grosses.len());
        let lines: Vec<_> = ids.iter().map(String::as_str).zip(grosses.iter().copied()).collect();
        let mut shuffled = lines.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let a = allocate(&lines, budget.map(krw), krw(0), Rounding::HalfUp).unwrap();
        let b = allocate(&shuffled, budget.map(krw), krw(0), Rounding::HalfUp).unwrap();
        let by_id = |lines: &[(&str, Decimal)], alloc: &Allocation| {
            let mut pairs: Vec<_> = lines.iter().map(|(id, _)| id.to_string()).zip(alloc.lines.iter().map(|l| l.payout_minor)).collect();
            pairs.sort();
            pairs
        };
        prop_assert_eq!(by_id(&lines, &a), by_id(&shuffled, &b));
        prop_assert_eq!(a.total_payout_minor, b.total_payout_minor);
    }
}

#[test]
fn a_million_claims_of_the_largest_amount_do_not_overflow() {
    let ids = ids(1_000_000);
    let lines: Vec<_> = ids.iter().map(|id| (id.as_str(), d("10000000000000"))).collect();
    let result = allocate(&lines, Some(krw(10_000_000_000_000)), krw(1), Rounding::HalfEven).unwrap();
    assert!(result.binding);
    assert_eq!(result.total_payout_minor, 10_000_000_000_000);
    let unbound = allocate(&lines[..1000], None, krw(0), Rounding::HalfEven).unwrap();
    assert_eq!(unbound.total_payout_minor, 10_000_000_000_000_000);
}
