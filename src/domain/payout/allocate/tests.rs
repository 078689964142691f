use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::domain::money::Currency;
use crate::domain::payout::arith::mul;

fn krw(minor: i64) -> Money {
    Money::from_minor(minor, Currency::KRW)
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("claim-{i:07}")).collect()
}

fn payouts(result: &Allocation) -> Vec<i64> {
    result.lines.iter().map(|l| l.payout_minor).collect()
}

#[test]
fn without_a_binding_budget_each_gross_is_rounded_by_the_policy() {
    let ids = ids(3);
    let lines = [(ids[0].as_str(), d("100.5")), (ids[1].as_str(), d("101.5")), (ids[2].as_str(), d("0"))];
    let even = allocate(&lines, Some(krw(1_000)), krw(0), Rounding::HalfEven).unwrap();
    assert_eq!(payouts(&even), [100, 102, 0]);
    assert!(even.lines[2].closed);
    assert!(!even.binding);
    let up = allocate(&lines, None, krw(0), Rounding::HalfUp).unwrap();
    assert_eq!(payouts(&up), [101, 102, 0]);
}

#[test]
fn a_binding_budget_is_shared_exactly_with_largest_remainders() {
    // Three equal claims of 100 sharing 100: factor 0.3333333333, shares 33.333333333 each,
    // floors 33, one unit left over, which goes to the smallest claim id (the remainders tie).
    let ids = ids(3);
    let lines: Vec<_> = ids.iter().map(|id| (id.as_str(), d("100"))).collect();
    let result = allocate(&lines, Some(krw(100)), krw(0), Rounding::HalfEven).unwrap();
    assert!(result.binding);
    assert_eq!(result.factor, Some(d("0.3333333333")));
    assert_eq!(payouts(&result), [34, 33, 33]);
    assert_eq!(result.lines.iter().map(|l| l.leftover_units).collect::<Vec<_>>(), [1, 0, 0]);
    assert_eq!(result.total_payout_minor, 100);
}

#[test]
fn rounding_up_over_the_budget_shares_it_instead_of_rounding_every_line_down() {
    // 100.5 + 101.5 rounded half up pay 101 + 102 = 203 over the budget of 202 that the grosses
    // (202) fit: factor 1, floors 100 + 101 and the one unit left to the first claim (the
    // remainders tie at 0.5). Rounding every line down would have paid only 201.
    let ids = ids(2);
    let lines = [(ids[0].as_str(), d("100.5")), (ids[1].as_str(), d("101.5"))];
    let result = allocate(&lines, Some(krw(202)), krw(0), Rounding::HalfUp).unwrap();
    assert!(result.binding);
    assert_eq!(payouts(&result), [101, 101]);
    assert_eq!(result.lines[0].share, Some(d("100.5")));
}

#[test]
fn lines_under_the_minimum_are_left_out_and_the_rest_recomputed() {
    // 300 / 1033 = 0.2904162633; 33 * it = 9.5837366889, floored to 9 and given the one unit
    // left over (largest remainder): 10, under the minimum of 11. It is left out and the two
    // large lines share the whole budget: factor 0.3, 150 each.
    let ids = ids(3);
    let lines = [(ids[0].as_str(), d("33")), (ids[1].as_str(), d("500")), (ids[2].as_str(), d("500"))];
    let result = allocate(&lines, Some(krw(300)), krw(11), Rounding::HalfEven).unwrap();
    assert_eq!(payouts(&result), [0, 150, 150]);
    assert!(result.lines[0].closed);
    assert_eq!(result.total_gross, d("1000"));
    assert_eq!(result.factor, Some(d("0.3")));
    let left_out = LeftOut { total_gross: d("1033"), factor: d("0.2904162633") };
    assert_eq!(result.lines[0].left_out, Some(left_out));
    assert_eq!(result.lines[0].share, Some(d("9.5837366889")));
    assert_eq!(result.lines[0].leftover_units, 1);
}

#[test]
fn without_a_budget_lines_under_the_minimum_pay_nothing() {
    let ids = ids(2);
    let lines = [(ids[0].as_str(), d("999")), (ids[1].as_str(), d("1000"))];
    let result = allocate(&lines, None, krw(1000), Rounding::HalfEven).unwrap();
    assert_eq!(payouts(&result), [0, 1000]);
    assert_eq!(result.lines[0].left_out, None);
}

#[test]
fn a_million_claims_of_the_largest_amount_do_not_overflow() {
    let ids = ids(1_000_000);
    let lines: Vec<_> = ids.iter().map(|id| (id.as_str(), d("10000000000000"))).collect();
    let result = allocate(&lines, Some(krw(10_000_000_000_000)), krw(1), Rounding::HalfEven).unwrap();
    assert!(result.binding);
    assert_eq!(result.factor, Some(d("0.000001")));
    assert_eq!(result.total_payout_minor, 10_000_000_000_000);
    let unbound = allocate(&lines[..1000], None, krw(0), Rounding::HalfEven).unwrap();
    assert_eq!(unbound.total_payout_minor, 10_000_000_000_000_000);
}

#[test]
fn a_batch_keeps_each_line_in_24_bytes_and_gets_the_same_outcomes_back() {
    // What a million-line batch holds while it writes its lines (see `Shares`).
    assert!(std::mem::size_of::<Kept>() <= 24);
    let ids = ids(5);
    let grosses = [d("60"), d("0"), d("25.5"), d("30"), d("12")];
    let lines: Vec<_> = ids.iter().map(String::as_str).zip(grosses).collect();
    let whole = allocate(&lines, Some(krw(80)), krw(10), Rounding::HalfEven).unwrap();
    let shares = allocate_in_id_order(&grosses, Some(krw(80)), krw(10), Rounding::HalfEven).unwrap();
    assert_eq!(shares.len(), 5);
    for (index, gross) in grosses.iter().enumerate() {
        assert_eq!(shares.outcome(index, *gross).unwrap(), whole.lines[index]);
    }
    assert_eq!(
        (shares.total_gross, shares.total_payout_minor, shares.binding, shares.factor),
        (whole.total_gross, whole.total_payout_minor, whole.binding, whole.factor)
    );
    assert!(whole.lines.iter().any(|l| l.left_out.is_some()), "the budget leaves a line out");
}

fn currency_strategy() -> impl Strategy<Value = Currency> {
    prop_oneof![Just(Currency::KRW), Just(Currency::parse("USD").unwrap())]
}

fn rounding_strategy() -> impl Strategy<Value = Rounding> {
    prop_oneof![Just(Rounding::HalfEven), Just(Rounding::HalfUp), Just(Rounding::Down)]
}

fn gross_strategy(magnitude: u32, currency: Currency) -> impl Strategy<Value = Decimal> {
    // Up to 10^magnitude with up to 10 decimal places, as the calculator produces them, or in
    // quarters of a minor unit, or on half a minor unit (where rounding alone decides).
    let top = 10_i64.pow(magnitude);
    let minor = currency.minor_units();
    prop_oneof![
        3 => (0_i64..=top, 0_i64..10_000_000_000)
            .prop_map(|(whole, frac)| Decimal::from(whole) + Decimal::new(frac, 10)),
        3 => (0_i64..=top, 0_i64..400)
            .prop_map(move |(whole, quarters)| Decimal::from(whole) + Decimal::new(quarters * 25, 2 + minor)),
        2 => (0_i64..=top).prop_map(move |whole| Decimal::from(whole) + Decimal::new(5, 1 + minor)),
    ]
}

/// Grosses of one magnitude, currency, mode, a budget in minor units (just under the rounded
/// total, where rounding alone can make it bind, near the floored total, a part of it, or
/// anything up to 10^13 major units), and a minimum payout around the average line.
fn batch_strategy() -> impl Strategy<Value = (Vec<Decimal>, Currency, Rounding, i64, i64)> {
    (0_u32..=13, 1_usize..40, currency_strategy(), rounding_strategy())
        .prop_flat_map(|(magnitude, count, currency, rounding)| {
            (
                proptest::collection::vec(gross_strategy(magnitude, currency), count),
                Just(currency),
                Just(rounding),
            )
        })
        .prop_flat_map(|(grosses, currency, rounding)| {
            let unit = Decimal::from(currency.scale_factor());
            let floor_total: i64 = grosses.iter().map(|g| i64::try_from((*g * unit).floor()).unwrap()).sum();
            let count = i64::try_from(grosses.len()).unwrap();
            let rounded_total: i64 = grosses
                .iter()
                .map(|g| minor_units(to_minor_unit(*g, currency, rounding), currency).unwrap())
                .sum();
            let budget = prop_oneof![
                ((rounded_total - count).max(0)..=rounded_total),
                ((floor_total - 3).max(0)..=floor_total + count),
                (0_i64..=100)
                    .prop_map(
                        move |pct| i64::try_from(i128::from(floor_total) * i128::from(pct) / 100).unwrap()
                    ),
                0_i64..=10_000_000_000_000 * currency.scale_factor(),
            ];
            let average = (floor_total / count).max(1);
            let min = prop_oneof![Just(0_i64), 0_i64..=average.saturating_mul(2)];
            (Just(grosses), Just(currency), Just(rounding), budget, min)
        })
}

/// Checks every invariant of docs/contract.md §5 on one allocation.
fn check(
    lines: &[(&str, Decimal)],
    result: &Allocation,
    budget: i64,
    min: i64,
    currency: Currency,
    rounding: Rounding,
) -> Result<(), TestCaseError> {
    let unit = Decimal::from(currency.scale_factor());
    let units = |minor: i64| Decimal::from(minor) / unit;
    prop_assert!(result.total_payout_minor <= budget);
    prop_assert_eq!(result.total_payout_minor, result.lines.iter().map(|l| l.payout_minor).sum::<i64>());
    for ((_, gross), line) in lines.iter().zip(&result.lines) {
        prop_assert_eq!(line.closed, line.payout_minor == 0);
        prop_assert!(line.closed || line.payout_minor >= min);
        if let Some(round) = line.left_out {
            // Left out by the budget: its share in that round paid under the minimum.
            prop_assert_eq!(round.factor, budget_factor(units(budget), round.total_gross).unwrap());
            prop_assert_eq!(line.share, Some(mul(*gross, round.factor).unwrap()));
            let floor = (line.share.unwrap() * unit).floor();
            prop_assert!(floor + Decimal::from(line.leftover_units) < Decimal::from(min));
        } else if line.share.is_none() || !result.binding {
            // Not shared: the gross rounded by the mode, or 0 under the minimum.
            let rounded = minor_units(to_minor_unit(*gross, currency, rounding), currency).unwrap();
            let expected = if rounded < min { 0 } else { rounded };
            prop_assert!(line.share.is_none());
            prop_assert_eq!(line.payout_minor, expected, "gross {}", gross);
        }
    }
    if !result.binding {
        prop_assert_eq!(result.factor, None);
        return Ok(());
    }
    prop_assert_eq!(result.total_payout_minor, budget);
    let factor = result.factor.unwrap();
    prop_assert_eq!(factor, budget_factor(units(budget), result.total_gross).unwrap());
    prop_assert!(factor <= Decimal::ONE);
    let shared: Vec<_> =
        lines.iter().zip(&result.lines).filter(|(_, l)| l.share.is_some() && l.left_out.is_none()).collect();
    let n = i64::try_from(shared.len()).unwrap();
    let floors: i64 =
        shared.iter().map(|(_, l)| i64::try_from((l.share.unwrap() * unit).floor()).unwrap()).sum();
    let leftover = budget - floors;
    // The bound of `budget`'s module docs on the units left over after flooring.
    let total_units = result.total_gross * unit;
    if factor == Decimal::ONE {
        prop_assert!(leftover < n);
    } else {
        let bound = Decimal::from(n) + (total_units + Decimal::from(n) * unit / Decimal::TWO) / d("1e10");
        prop_assert!(Decimal::from(leftover) < bound, "leftover {} bound {}", leftover, bound);
    }
    let most = (leftover + n - 1) / n;
    for ((_, gross), line) in shared {
        let share = line.share.unwrap();
        prop_assert_eq!(share, mul(*gross, factor).unwrap());
        let (payout, share_units) = (Decimal::from(line.payout_minor), share * unit);
        prop_assert!(share_units - payout < Decimal::ONE, "payout {} share {}", payout, share);
        prop_assert!(payout - share_units <= Decimal::from(line.leftover_units));
        prop_assert!(line.leftover_units <= most);
        if leftover <= n {
            prop_assert!((payout - share_units).abs() < Decimal::ONE);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn every_allocation_keeps_the_rules_of_the_spec(
        (grosses, currency, rounding, budget, min) in batch_strategy(),
    ) {
        let ids = ids(grosses.len());
        let lines: Vec<_> = ids.iter().map(String::as_str).zip(grosses.iter().copied()).collect();
        let (budget_money, min_money) = (Money::from_minor(budget, currency), Money::from_minor(min, currency));
        let result = allocate(&lines, Some(budget_money), min_money, rounding).unwrap();
        check(&lines, &result, budget, min, currency, rounding)?;
        // Deterministic.
        prop_assert_eq!(&result, &allocate(&lines, Some(budget_money), min_money, rounding).unwrap());
        // Without a budget every line is its rounded gross (or 0 under the minimum).
        let unbounded = allocate(&lines, None, min_money, rounding).unwrap();
        check(&lines, &unbounded, i64::MAX, min, currency, rounding)?;
        prop_assert!(!unbounded.binding);
    }

    #[test]
    fn the_result_does_not_depend_on_input_order(
        (grosses, currency, rounding, budget, min) in batch_strategy(),
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
        let (budget, min) = (Some(Money::from_minor(budget, currency)), Money::from_minor(min, currency));
        let a = allocate(&lines, budget, min, rounding).unwrap();
        let b = allocate(&shuffled, budget, min, rounding).unwrap();
        let by_id = |lines: &[(&str, Decimal)], alloc: &Allocation| {
            let mut pairs: Vec<_> = lines
                .iter()
                .map(|(id, _)| id.to_string())
                .zip(alloc.lines.iter().map(|l| format!("{l:?}")))
                .collect();
            pairs.sort();
            pairs
        };
        prop_assert_eq!(by_id(&lines, &a), by_id(&shuffled, &b));
        prop_assert_eq!((a.total_payout_minor, a.total_gross, a.factor), (b.total_payout_minor, b.total_gross, b.factor));
    }
}
