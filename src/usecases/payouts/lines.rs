//! Reading payout lines, each with its calculation trace recomputed from the stored inputs and
//! checked against the stored result.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use super::facts::StoredFacts;
use super::{currency_of, load};
use crate::db::batches::{self, BatchRow, LineRow};
use crate::db::{self, DbConnection};
use crate::domain::money::{Currency, Money};
use crate::domain::payout::allocate::budget_factor;
use crate::domain::payout::arith::{minor_units, mul, to_minor_unit};
use crate::domain::payout::trace::{Recorder, Step, Tracer, Value};
use crate::domain::payout::{assess, Assessment};
use crate::domain::policy::Rounding;
use crate::usecases::page::{Page, PageRequest};
use crate::usecases::policies::StoredPolicy;
use crate::usecases::Error;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct LineView {
    pub line_no: i64,
    pub claim_id: String,
    pub claim_reference: String,
    pub gross_amount: String,
    pub payout_amount: String,
    pub currency: String,
    /// `pending`, `closed_no_payout`, `paid`, `failed` or `cancelled`.
    pub status: String,
    pub bank_reference: Option<String>,
    pub failure_reason: Option<String>,
    pub trace: Vec<Step>,
    /// Whether recomputing the trace from the stored inputs gives the stored amounts.
    pub trace_verified: bool,
}

/// Recomputes a line's trace; the flag says whether it matches what was stored.
fn explain(policy: &StoredPolicy, batch: &BatchRow, line: &LineRow, currency: Currency) -> (Vec<Step>, bool) {
    let mut trace = Recorder::default();
    trace.record(
        "policy",
        &[
            ("policy_id", Value::Text(&policy.row.id)),
            ("policy_version", Value::Int(i64::from(policy.row.version))),
            ("rounding", Value::Text(&batch.rounding)),
            ("currency", Value::Text(batch.currency.code())),
        ],
        Value::Text(&policy.row.id),
    );
    let stored = serde_json::from_str::<StoredFacts>(&line.facts).ok();
    let facts = stored.as_ref().and_then(|f| f.to_claim_facts(&line.claim_id, currency));
    let stored_gross = Decimal::from_str(&line.gross).ok();
    let gross = match facts.map(|f| assess(&policy.policy, &f, &mut trace)) {
        Some(Ok(Assessment::Gross { gross, .. })) => gross,
        _ => return (trace.steps, false),
    };
    let mut verified = Some(gross) == stored_gross;
    let payout = Money::from_minor(line.payout_minor, currency).to_decimal();
    let min = Money::from_minor(batch.min_payout_minor, currency).to_decimal();
    let share = line.share.as_deref().and_then(|s| Decimal::from_str(s).ok());
    if let Some(round) = stored.and_then(|f| f.left_out) {
        // Left out by a binding budget: the round that did it, then the minimum it missed.
        let total = Decimal::from_str(&round.total_gross).ok();
        match total.and_then(|t| {
            budget_steps(&mut trace, batch, t, gross, share, Leftover::Units(round.leftover_units), currency)
        }) {
            Some((amount, ok)) => {
                min_payout_step(&mut trace, amount, min);
                verified &= ok && amount < min && line.payout_minor == 0;
            }
            None => verified = false,
        }
    } else if batch.budget_binding && share.is_some() {
        let total = Decimal::from_str(&batch.total_gross).ok();
        let factor = batch.factor.as_deref().and_then(|f| Decimal::from_str(f).ok());
        match total.and_then(|t| {
            budget_steps(&mut trace, batch, t, gross, share, Leftover::ToPayout(line.payout_minor), currency)
        }) {
            Some((amount, ok)) => {
                let shared_factor = total.and_then(|t| budget_factor(budget_of(batch, currency)?, t).ok());
                verified &= ok && amount == payout && factor.is_some() && shared_factor == factor;
            }
            None => verified = false,
        }
    } else {
        let rounding: Rounding =
            serde_json::from_value(serde_json::Value::String(batch.rounding.clone())).unwrap_or_default();
        let rounded = to_minor_unit(gross, currency, rounding);
        trace.record(
            "rounding",
            &[
                ("gross", Value::Decimal(gross)),
                ("mode", Value::Text(&batch.rounding)),
                ("minor_units", Value::Int(i64::from(currency.minor_units()))),
            ],
            Value::Decimal(rounded),
        );
        if rounded < min {
            min_payout_step(&mut trace, rounded, min);
            verified &= line.payout_minor == 0;
        } else {
            verified &= rounded == payout;
        }
    }
    trace.record("payout", &[], Value::Decimal(payout));
    (trace.steps, verified)
}

fn budget_of(batch: &BatchRow, currency: Currency) -> Option<Decimal> {
    batch.budget_minor.map(|b| Money::from_minor(b, currency).to_decimal())
}

/// An amount under the minimum payout pays nothing.
fn min_payout_step(trace: &mut Recorder, amount: Decimal, min: Decimal) {
    trace.record(
        "min_payout",
        &[("amount", Value::Decimal(amount)), ("min_payout", Value::Decimal(min))],
        Value::Decimal(Decimal::ZERO),
    );
}

/// The leftover units a line received from the largest remainders, which only the whole batch
/// can rank: stored for a line left out, read off the payout for a line paid.
enum Leftover {
    Units(i64),
    ToPayout(i64),
}

/// The steps of a binding budget, from the total shared in the round to the amount: factor,
/// share, share rounded down, and the leftover units. Returns the amount and whether the share
/// is the stored one; `None` if unreadable.
fn budget_steps(
    trace: &mut Recorder,
    batch: &BatchRow,
    total: Decimal,
    gross: Decimal,
    stored_share: Option<Decimal>,
    leftover: Leftover,
    currency: Currency,
) -> Option<(Decimal, bool)> {
    let budget = budget_of(batch, currency)?;
    let factor = budget_factor(budget, total).ok()?;
    trace.record(
        "budget_factor",
        &[("budget", Value::Decimal(budget)), ("total_gross", Value::Decimal(total))],
        Value::Decimal(factor),
    );
    let share = mul(gross, factor).ok()?;
    trace.record(
        "budget_share",
        &[("gross", Value::Decimal(gross)), ("factor", Value::Decimal(factor))],
        Value::Decimal(share),
    );
    let down = to_minor_unit(share, currency, Rounding::Down);
    trace.record(
        "rounded_down",
        &[("share", Value::Decimal(share)), ("minor_units", Value::Int(i64::from(currency.minor_units())))],
        Value::Decimal(down),
    );
    let floor = minor_units(down, currency).ok()?;
    let units = match leftover {
        Leftover::Units(units) => units,
        Leftover::ToPayout(payout_minor) => payout_minor.checked_sub(floor)?,
    };
    let unit = Money::from_minor(1, currency).to_decimal();
    let amount = down.checked_add(unit.checked_mul(Decimal::from(units))?)?;
    trace.record(
        "leftover_units",
        &[
            ("rounded_down", Value::Decimal(down)),
            ("remainder", Value::Decimal(share - down)),
            ("leftover_units", Value::Int(units)),
        ],
        Value::Decimal(amount),
    );
    Some((amount, stored_share == Some(share) && units >= 0))
}

fn line_view(policy: &StoredPolicy, batch: &BatchRow, line: LineRow, currency: Currency) -> LineView {
    let (trace, trace_verified) = explain(policy, batch, &line, currency);
    LineView {
        line_no: line.line_no,
        claim_id: line.claim_id,
        claim_reference: line.claim_reference,
        gross_amount: line.gross,
        payout_amount: Money::from_minor(line.payout_minor, currency).to_string(),
        currency: batch.currency.to_string(),
        status: line.status.to_string(),
        bank_reference: line.bank_reference,
        failure_reason: line.failure_reason,
        trace,
        trace_verified,
    }
}

fn policy_of(conn: &mut DbConnection, batch: &BatchRow) -> Result<StoredPolicy, Error> {
    let row = db::policies::find(conn, &batch.policy_id)?.ok_or(Error::NotFound)?;
    StoredPolicy::from_row(row)
}

/// One page of a batch's lines, after line number `after` (0: from the start).
pub fn list(
    conn: &mut DbConnection,
    batch_id: &str,
    page: &PageRequest,
    after: i64,
) -> Result<Page<LineView>, Error> {
    let batch = load(conn, batch_id)?;
    let (policy, currency) = (policy_of(conn, &batch)?, currency_of(&batch)?);
    let rows = batches::lines(conn, batch_id, after, page.fetch())?;
    Ok(Page::from_fetched(rows, page, |line| line.line_no.to_string())
        .map(|line| line_view(&policy, &batch, line, currency)))
}

pub fn get(conn: &mut DbConnection, batch_id: &str, claim_id: &str) -> Result<LineView, Error> {
    let batch = load(conn, batch_id)?;
    let line = batches::line_for_claim(conn, batch_id, claim_id)?.ok_or(Error::NotFound)?;
    let (policy, currency) = (policy_of(conn, &batch)?, currency_of(&batch)?);
    Ok(line_view(&policy, &batch, line, currency))
}
