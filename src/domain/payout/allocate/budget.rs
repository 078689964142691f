//! Sharing a binding budget (docs/contract.md §5): the factor, each line's share, and the largest
//! remainders that make the payouts add up to the budget exactly.
//!
//! With `L` units left over after flooring `n` shares, every line gets `L / n` units and the
//! first `L % n` lines by remainder (largest first, ties by claim id) one more: the same as
//! handing out one unit each in that order, round after round, until none is left.
//!
//! How far a payout is from its share: the share rounded down loses less than one unit, so
//! `share - payout < 1 unit` and `payout - share < leftover_units`. When the factor is 1,
//! `L < n` (the rounded grosses, each at most one unit above its floor, exceed the budget), so
//! every line gets at most one unit. Otherwise the factor, rounded down, gives away less than
//! `total * 10^-10` and each share's own 10-place rounding at most `0.5 * 10^-10`, so
//! `L < n + (total_in_units + n * units_per_major / 2) * 10^-10`: a second round happens only
//! for batches whose grosses add up to about 10^10 minor units or more.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::domain::money::Currency;
use crate::domain::payout::arith::{mul, Overflow, SCALE};

/// One line's part of a binding budget (its share, `gross * factor` to 10 places, is
/// recomputed where it is shown rather than kept for every line of a batch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Share {
    /// The share rounded down to the minor unit, in minor units.
    pub floor: i64,
    /// Units of the leftover it receives.
    pub leftover_units: i64,
}

impl Share {
    pub fn payout(&self) -> Result<i64, Overflow> {
        self.floor.checked_add(self.leftover_units).ok_or(Overflow)
    }
}

/// `min(1, budget / total)` rounded down to 10 places, exactly: the decimal quotient (28
/// digits) is checked in integers, since rounding it first could push it over a 10-place step.
pub fn budget_factor(budget: Decimal, total: Decimal) -> Result<Decimal, Overflow> {
    if budget >= total {
        return Ok(Decimal::ONE);
    }
    if budget <= Decimal::ZERO {
        return Ok(Decimal::ZERO);
    }
    let quotient = budget.checked_div(total).ok_or(Overflow)?;
    let mut steps = quotient.round_dp_with_strategy(SCALE, RoundingStrategy::ToZero);
    steps.rescale(SCALE);
    let mut steps = steps.mantissa();
    // The quotient is off by at most one unit in its last digit, so these move once at most.
    while steps > 0 && !within(steps, budget, total)? {
        steps -= 1;
    }
    while within(steps + 1, budget, total)? {
        steps += 1;
    }
    Decimal::try_from_i128_with_scale(steps, SCALE).map_err(|_| Overflow)
}

/// Whether `steps * 10^-10 * total <= budget`, in exact integers.
fn within(steps: i128, budget: Decimal, total: Decimal) -> Result<bool, Overflow> {
    let (budget, total) = (budget.normalize(), total.normalize());
    let scale = budget.scale().max(total.scale());
    let pow = |exponent: u32| 10_i128.checked_pow(exponent).ok_or(Overflow);
    let lhs = steps
        .checked_mul(total.mantissa())
        .and_then(|v| v.checked_mul(pow(scale - total.scale()).ok()?))
        .ok_or(Overflow)?;
    let rhs = budget.mantissa().checked_mul(pow(SCALE + scale - budget.scale())?).ok_or(Overflow)?;
    Ok(lhs <= rhs)
}

/// Shares `budget_minor` among the `active` lines (in claim id order) by `factor`.
pub(super) fn distribute(
    grosses: &[Decimal],
    active: &[u32],
    factor: Decimal,
    budget_minor: i64,
    currency: Currency,
) -> Result<Vec<Share>, Overflow> {
    let unit = Decimal::from(currency.scale_factor());
    let mut shares = Vec::with_capacity(active.len());
    let mut remainders = Vec::with_capacity(active.len());
    let mut floored: i64 = 0;
    for index in active {
        let share = mul(grosses[*index as usize], factor)?;
        let units = share.checked_mul(unit).ok_or(Overflow)?;
        let floor = units.floor();
        let floor_minor = i64::try_from(floor).map_err(|_| Overflow)?;
        floored = floored.checked_add(floor_minor).ok_or(Overflow)?;
        remainders.push(units - floor);
        shares.push(Share { floor: floor_minor, leftover_units: 0 });
    }
    // The floors add up to at most the budget as long as the lines' own 10-place roundings
    // (half of 10^-10 each) add up to less than one unit: for fewer than 2 * 10^8 lines in
    // cents. Beyond that the batch is refused rather than paid over its budget.
    let leftover = budget_minor.checked_sub(floored).filter(|l| *l >= 0).ok_or(Overflow)?;
    let count = i64::try_from(shares.len()).map_err(|_| Overflow)?;
    if count == 0 {
        return Ok(shares);
    }
    let (rounds, extra) = (leftover / count, leftover % count);
    for share in &mut shares {
        share.leftover_units = rounds;
    }
    if extra > 0 {
        // Largest remainder first; `active` is in claim id order, and the sort is stable.
        let mut ranking: Vec<u32> = (0..u32::try_from(shares.len()).map_err(|_| Overflow)?).collect();
        ranking.sort_by(|a, b| remainders[*b as usize].cmp(&remainders[*a as usize]));
        let extra = usize::try_from(extra).map_err(|_| Overflow)?;
        for position in ranking.into_iter().take(extra) {
            shares[position as usize].leftover_units += 1;
        }
    }
    Ok(shares)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn the_factor_is_the_quotient_rounded_down_to_ten_places_and_at_most_one() {
        assert_eq!(budget_factor(d("2"), d("3")).unwrap(), d("0.6666666666"));
        assert_eq!(budget_factor(d("260"), d("270")).unwrap(), d("0.9629629629"));
        assert_eq!(budget_factor(d("2"), d("1.5")).unwrap(), Decimal::ONE);
        assert_eq!(budget_factor(d("0"), d("1.5")).unwrap(), Decimal::ZERO);
        // Exactly on a 10-place step: nothing is lost.
        assert_eq!(budget_factor(d("1"), d("4")).unwrap(), d("0.25"));
    }

    #[test]
    fn the_factor_is_exact_where_the_decimal_quotient_rounds_up_to_the_next_step() {
        // 466666666.6900000002 / 700000000.0000000003 = 0.6666666666 9999999999 99999999 857...:
        // a 28-digit quotient rounds up to 0.6666666667, the exact one rounds down.
        let (budget, total) = (d("466666666.6900000002"), d("700000000.0000000003"));
        assert_eq!(budget_factor(budget, total).unwrap(), d("0.6666666666"));
        let (budget, total) = (d("1741924555927617.1255927617"), d("12345678901234567.8901234567"));
        assert_eq!(budget_factor(budget, total).unwrap(), d("0.1410958902"));
        // The factor times the total never exceeds the budget, and one step more would.
        // (Amounts small enough for the products below to be exact.)
        let big = d("1234567.891");
        for budget in [d("987654.5"), d("0.01"), d("1234567.89"), d("1")] {
            let factor = budget_factor(budget, big).unwrap();
            assert!(factor * big <= budget);
            assert!((factor + d("0.0000000001")) * big > budget);
        }
    }
}
