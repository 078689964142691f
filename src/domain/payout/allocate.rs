//! From grosses to payouts over a whole batch (SPEC section 6).
//!
//! Without a binding budget each payout is its gross rounded to the minor unit in the policy's
//! mode. With a binding budget (the grosses add up to more) each line's share is
//! `gross * budget / total_gross` (10 places); shares are rounded down to the minor unit and the
//! units left over up to the budget go one each to the largest remainders (ties: claim id
//! ascending), so the payouts add up to the budget exactly and each is within one minor unit of
//! its share. Lines under `min_payout` pay 0; under a binding budget they are left out and the
//! distribution is recomputed until no line is under it.

use rust_decimal::{Decimal, RoundingStrategy};

use super::arith::{div, minor_units, mul, to_minor_unit, Overflow, SCALE};
use crate::domain::money::{Currency, Money};
use crate::domain::policy::Rounding;

/// What one line gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOutcome {
    pub payout_minor: i64,
    /// The line's exact share of a binding budget (10 places), before rounding.
    pub share: Option<Decimal>,
    /// Pays nothing: its gross was 0, or its payout fell under `min_payout`.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// One outcome per input line, in input order.
    pub lines: Vec<LineOutcome>,
    /// Sum of the grosses of the lines that share the payout.
    pub total_gross: Decimal,
    pub total_payout_minor: i64,
    /// Whether the budget bound (the grosses added up to more than it).
    pub binding: bool,
    /// `budget / total_gross` rounded down to 10 places, when the budget binds.
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
    // Work in claim id order: sums and tie-breaks are then independent of the input order.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|a, b| lines[*a].0.cmp(lines[*b].0));
    let mut outcomes = vec![LineOutcome { payout_minor: 0, share: None, closed: true }; lines.len()];
    let mut active: Vec<usize> = order.into_iter().filter(|i| lines[*i].1 > Decimal::ZERO).collect();
    let min = min_payout.minor();
    loop {
        let total =
            active.iter().try_fold(Decimal::ZERO, |sum, i| sum.checked_add(lines[*i].1)).ok_or(Overflow)?;
        let binding = budget.filter(|b| total > b.to_decimal());
        let payouts = match binding {
            Some(budget) => binding_payouts(lines, &active, total, budget, currency)?,
            None => plain_payouts(lines, &active, budget, currency, rounding)?,
        };
        let under: Vec<bool> = payouts.iter().map(|(payout, _)| *payout < min).collect();
        if binding.is_some() && under.iter().any(|u| *u) {
            // Leave the small lines out and share the budget among the others again.
            active = active.iter().zip(&under).filter(|(_, u)| !**u).map(|(i, _)| *i).collect();
            continue;
        }
        let mut total_payout: i64 = 0;
        for ((index, (payout, share)), under) in active.iter().zip(payouts).zip(under) {
            let payout = if under { 0 } else { payout };
            total_payout = total_payout.checked_add(payout).ok_or(Overflow)?;
            outcomes[*index] = LineOutcome { payout_minor: payout, share, closed: payout == 0 };
        }
        let factor = binding
            .map(|b| {
                b.to_decimal()
                    .checked_div(total)
                    .map(|f| f.round_dp_with_strategy(SCALE, RoundingStrategy::ToZero))
            })
            .map(|f| f.ok_or(Overflow))
            .transpose()?;
        return Ok(Allocation {
            lines: outcomes,
            total_gross: total,
            total_payout_minor: total_payout,
            binding: binding.is_some(),
            factor,
        });
    }
}

/// Pro-rata shares of a binding budget, exact to the budget by largest remainders.
fn binding_payouts(
    lines: &[(&str, Decimal)],
    active: &[usize],
    total: Decimal,
    budget: Money,
    currency: Currency,
) -> Result<Vec<(i64, Option<Decimal>)>, Overflow> {
    let unit = Decimal::from(currency.scale_factor());
    let mut floors = Vec::with_capacity(active.len());
    let mut remainders = Vec::with_capacity(active.len());
    let mut shares = Vec::with_capacity(active.len());
    for i in active {
        let share = div(mul(lines[*i].1, budget.to_decimal())?, total)?;
        let units = share.checked_mul(unit).ok_or(Overflow)?;
        let floor = units.floor();
        floors.push(i64::try_from(floor).map_err(|_| Overflow)?);
        remainders.push(units - floor);
        shares.push(share);
    }
    let floored: i64 = floors.iter().try_fold(0_i64, |s, f| s.checked_add(*f)).ok_or(Overflow)?;
    let leftover = (budget.minor() - floored).max(0);
    // Largest remainder first; `active` is in claim id order, and the sort is stable.
    let mut ranking: Vec<usize> = (0..active.len()).collect();
    ranking.sort_by(|a, b| remainders[*b].cmp(&remainders[*a]));
    let count = i64::try_from(active.len()).map_err(|_| Overflow)?.max(1);
    // Each line gets at most one extra unit: the leftover is below the number of lines, since
    // every share lost less than one unit to flooring (the division below guards the theory).
    let (each, extra) = (leftover / count, leftover % count);
    let mut payouts: Vec<(i64, Option<Decimal>)> =
        floors.iter().zip(shares).map(|(f, s)| (f + each, Some(s))).collect();
    for position in ranking.into_iter().take(usize::try_from(extra).unwrap_or(0)) {
        payouts[position].0 += 1;
    }
    Ok(payouts)
}

/// Each gross rounded by the policy. Should rounding up ever push the total over a budget that
/// the grosses themselves fit, every line is rounded down instead, so a budget is never exceeded.
fn plain_payouts(
    lines: &[(&str, Decimal)],
    active: &[usize],
    budget: Option<Money>,
    currency: Currency,
    rounding: Rounding,
) -> Result<Vec<(i64, Option<Decimal>)>, Overflow> {
    let round = |mode| -> Result<Vec<(i64, Option<Decimal>)>, Overflow> {
        active
            .iter()
            .map(|i| Ok((minor_units(to_minor_unit(lines[*i].1, currency, mode), currency)?, None)))
            .collect()
    };
    let payouts = round(rounding)?;
    let total: i64 = payouts.iter().map(|(p, _)| *p).sum();
    match budget {
        Some(budget) if total > budget.minor() => round(Rounding::Down),
        _ => Ok(payouts),
    }
}

#[cfg(test)]
mod tests;
