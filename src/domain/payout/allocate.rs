//! From grosses to payouts over a whole batch (docs/contract.md §5).
//!
//! A line whose gross, rounded by the policy's mode, is under `min_payout` pays 0 and takes no
//! further part: it never counts towards whether the budget binds. The budget binds when the
//! other lines' rounded grosses add up to more than it (so rounding alone can make it bind).
//! Without a binding budget each line is paid its rounded gross. With one, the factor
//! `min(1, budget / total gross)` rounded down to 10 places is applied to every gross, and the
//! budget is shared out exactly by largest remainders (see [`budget`]). Lines that the shared
//! budget pays under `min_payout` are left out and the rest recomputed, binding or not, until no
//! line is left out: each round leaves at least one line out, so this ends.

mod budget;

use rust_decimal::Decimal;

use super::arith::{minor_units, to_minor_unit, Overflow};
use crate::domain::money::Money;
use crate::domain::policy::Rounding;

pub use budget::budget_factor;

/// What one line gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOutcome {
    pub payout_minor: i64,
    /// `gross * factor` (10 places) when a binding budget shared its payout, before rounding;
    /// for a line the budget left out, its share in the round that left it out.
    pub share: Option<Decimal>,
    /// Pays nothing: its gross was 0, or its payout fell under `min_payout`.
    pub closed: bool,
    /// Minor units added to the share rounded down (largest remainders, possibly over several
    /// rounds); 0 without a binding budget. For a line left out, the units it had in that round.
    pub leftover_units: i64,
    /// Set when a binding budget paid the line under `min_payout` and it was left out.
    pub left_out: Option<LeftOut>,
}

/// The round of a binding budget that left a line out, enough to recompute its share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeftOut {
    /// The sum of the grosses shared in that round.
    pub total_gross: Decimal,
    /// That round's factor, `min(1, budget / total_gross)` rounded down to 10 places.
    pub factor: Decimal,
}

impl LineOutcome {
    fn closed() -> LineOutcome {
        LineOutcome { payout_minor: 0, share: None, closed: true, leftover_units: 0, left_out: None }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// One outcome per input line, in input order.
    pub lines: Vec<LineOutcome>,
    /// Sum of the grosses of the lines that share the payout (those still in play at the end).
    pub total_gross: Decimal,
    pub total_payout_minor: i64,
    /// Whether the budget bound: the rounded payouts of the lines in play exceeded it.
    pub binding: bool,
    /// `min(1, budget / total_gross)` rounded down to 10 places, when the budget binds.
    pub factor: Option<Decimal>,
}

/// Allocates payouts to `(claim_id, gross)` lines. The result does not depend on input order.
pub fn allocate(
    lines: &[(&str, Decimal)],
    budget: Option<Money>,
    min_payout: Money,
    rounding: Rounding,
) -> Result<Allocation, Overflow> {
    let currency = min_payout.currency();
    let min = min_payout.minor();
    // Work in claim id order: sums and tie-breaks are then independent of the input order.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|a, b| lines[*a].0.cmp(lines[*b].0));
    let mut outcomes = vec![LineOutcome::closed(); lines.len()];
    // What each line is paid without a binding budget. A line under the minimum even then is
    // closed now: it must not count towards whether the budget binds.
    let mut rounded = vec![0_i64; lines.len()];
    let mut active = Vec::with_capacity(lines.len());
    for index in order {
        let gross = lines[index].1;
        if gross <= Decimal::ZERO {
            continue;
        }
        rounded[index] = minor_units(to_minor_unit(gross, currency, rounding), currency)?;
        if rounded[index] >= min {
            active.push(index);
        }
    }
    loop {
        let total =
            active.iter().try_fold(Decimal::ZERO, |sum, i| sum.checked_add(lines[*i].1)).ok_or(Overflow)?;
        // Wide enough for a million lines of 10^13 each, which only a budget makes payable.
        let plain_total: i128 = active.iter().map(|i| i128::from(rounded[*i])).sum();
        let Some(budget) = budget.filter(|b| plain_total > i128::from(b.minor())) else {
            for index in &active {
                let payout = rounded[*index];
                outcomes[*index] =
                    LineOutcome { payout_minor: payout, closed: payout == 0, ..LineOutcome::closed() };
            }
            return Ok(Allocation {
                lines: outcomes,
                total_gross: total,
                total_payout_minor: i64::try_from(plain_total).map_err(|_| Overflow)?,
                binding: false,
                factor: None,
            });
        };
        let factor = budget_factor(budget.to_decimal(), total)?;
        let shares = budget::distribute(lines, &active, factor, budget.minor(), currency)?;
        let mut kept = Vec::with_capacity(active.len());
        let mut total_payout: i64 = 0;
        for (index, share) in active.iter().zip(&shares) {
            let payout = share.payout()?;
            let left_out = payout < min;
            if !left_out {
                kept.push(*index);
                total_payout = total_payout.checked_add(payout).ok_or(Overflow)?;
            }
            outcomes[*index] = LineOutcome {
                payout_minor: if left_out { 0 } else { payout },
                share: Some(share.share),
                closed: left_out || payout == 0,
                leftover_units: share.leftover_units,
                left_out: left_out.then_some(LeftOut { total_gross: total, factor }),
            };
        }
        if kept.len() < active.len() {
            // Share the budget among the others again; what was written for them is replaced.
            active = kept;
            continue;
        }
        return Ok(Allocation {
            lines: outcomes,
            total_gross: total,
            total_payout_minor: total_payout,
            binding: true,
            factor: Some(factor),
        });
    }
}

#[cfg(test)]
mod tests;
