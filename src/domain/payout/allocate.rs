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

use super::arith::{minor_units, mul, to_minor_unit, Overflow};
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
    // Work in claim id order: sums and tie-breaks are then independent of the input order.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|a, b| lines[*a].0.cmp(lines[*b].0));
    let grosses: Vec<Decimal> = order.iter().map(|i| lines[*i].1).collect();
    let shared = allocate_in_id_order(&grosses, budget, min_payout, rounding)?;
    let mut outcomes = vec![LineOutcome::closed(); lines.len()];
    for (position, index) in order.into_iter().enumerate() {
        outcomes[index] = shared.outcome(position, grosses[position])?;
    }
    Ok(Allocation {
        lines: outcomes,
        total_gross: shared.total_gross,
        total_payout_minor: shared.total_payout_minor,
        binding: shared.binding,
        factor: shared.factor,
    })
}

/// An allocation as a batch of a million lines keeps it: 24 bytes a line, each line's
/// [`LineOutcome`] recomputed from its gross when its line is written ([`Shares::outcome`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shares {
    lines: Vec<Kept>,
    /// The rounds of a binding budget, in order; the last is the one that paid.
    rounds: Vec<LeftOut>,
    pub total_gross: Decimal,
    pub total_payout_minor: i64,
    pub binding: bool,
    pub factor: Option<Decimal>,
}

/// One line of [`Shares`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kept {
    payout_minor: i64,
    leftover_units: i64,
    /// 1 + the index of the budget round that last shared to the line; 0 if none did.
    round: u32,
    left_out: bool,
    closed: bool,
}

impl Kept {
    const CLOSED: Kept = Kept { payout_minor: 0, leftover_units: 0, round: 0, left_out: false, closed: true };
}

impl Shares {
    /// How many lines were allocated.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The outcome of the line at `index` (claim id order), given the same gross it was
    /// allocated: its share is `gross * factor` of the round that last shared to it.
    pub fn outcome(&self, index: usize, gross: Decimal) -> Result<LineOutcome, Overflow> {
        let kept = self.lines.get(index).copied().unwrap_or(Kept::CLOSED);
        let round = kept.round.checked_sub(1).and_then(|r| self.rounds.get(r as usize));
        Ok(LineOutcome {
            payout_minor: kept.payout_minor,
            share: round.map(|r| mul(gross, r.factor)).transpose()?,
            closed: kept.closed,
            leftover_units: kept.leftover_units,
            left_out: round.copied().filter(|_| kept.left_out),
        })
    }
}

/// Allocates payouts to lines given by their grosses in claim id order (as a batch reads
/// its claims); the same calculation as [`allocate`], without holding the claim ids.
pub fn allocate_in_id_order(
    grosses: &[Decimal],
    budget: Option<Money>,
    min_payout: Money,
    rounding: Rounding,
) -> Result<Shares, Overflow> {
    let currency = min_payout.currency();
    let min = min_payout.minor();
    let mut lines = vec![Kept::CLOSED; grosses.len()];
    // What each line is paid without a binding budget. A line under the minimum even then is
    // closed now: it must not count towards whether the budget binds.
    let mut rounded = vec![0_i64; grosses.len()];
    // Indexes in claim id order; u32 keeps a million of them in 4 MB.
    let mut active: Vec<u32> = Vec::with_capacity(grosses.len());
    for (index, gross) in grosses.iter().enumerate() {
        if *gross <= Decimal::ZERO {
            continue;
        }
        rounded[index] = minor_units(to_minor_unit(*gross, currency, rounding), currency)?;
        if rounded[index] >= min {
            active.push(u32::try_from(index).map_err(|_| Overflow)?);
        }
    }
    let mut rounds = Vec::new();
    loop {
        let total = active
            .iter()
            .try_fold(Decimal::ZERO, |sum, i| sum.checked_add(grosses[*i as usize]))
            .ok_or(Overflow)?;
        // Wide enough for a million lines of 10^13 each, which only a budget makes payable.
        let plain_total: i128 = active.iter().map(|i| i128::from(rounded[*i as usize])).sum();
        let Some(budget) = budget.filter(|b| plain_total > i128::from(b.minor())) else {
            for index in &active {
                let payout = rounded[*index as usize];
                lines[*index as usize] = Kept { payout_minor: payout, closed: payout == 0, ..Kept::CLOSED };
            }
            return Ok(Shares {
                lines,
                rounds,
                total_gross: total,
                total_payout_minor: i64::try_from(plain_total).map_err(|_| Overflow)?,
                binding: false,
                factor: None,
            });
        };
        let factor = budget_factor(budget.to_decimal(), total)?;
        rounds.push(LeftOut { total_gross: total, factor });
        let round = u32::try_from(rounds.len()).map_err(|_| Overflow)?;
        let shares = budget::distribute(grosses, &active, factor, budget.minor(), currency)?;
        let mut kept = Vec::with_capacity(active.len());
        let mut total_payout: i64 = 0;
        for (index, share) in active.iter().zip(&shares) {
            let payout = share.payout()?;
            let left_out = payout < min;
            if !left_out {
                kept.push(*index);
                total_payout = total_payout.checked_add(payout).ok_or(Overflow)?;
            }
            lines[*index as usize] = Kept {
                payout_minor: if left_out { 0 } else { payout },
                leftover_units: share.leftover_units,
                round,
                left_out,
                closed: left_out || payout == 0,
            };
        }
        if kept.len() < active.len() {
            // Share the budget among the others again; what was written for them is replaced.
            active = kept;
            continue;
        }
        return Ok(Shares {
            lines,
            rounds,
            total_gross: total,
            total_payout_minor: total_payout,
            binding: true,
            factor: Some(factor),
        });
    }
}

impl LineOutcome {
    fn closed() -> LineOutcome {
        LineOutcome { payout_minor: 0, share: None, closed: true, leftover_units: 0, left_out: None }
    }
}

#[cfg(test)]
mod tests;
