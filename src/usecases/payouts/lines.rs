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
use crate::domain::payout::arith::{div, mul, to_minor_unit};
use crate::domain::payout::trace::{Recorder, Step, Tracer, Value};
use crate::domain::payout::{assess, Assessment};
use crate::domain::policy::Rounding;
use crate::http::page::{Page, PageRequest};
use crate::http::ApiError;
use crate::usecases::policies::StoredPolicy;

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
            ("currency", Value::Text(&batch.currency)),
        ],
        Value::Text(&policy.row.id),
    );
    let facts = serde_json::from_str::<StoredFacts>(&line.facts)
        .ok()
        .and_then(|f| f.to_claim_facts(&line.claim_id, currency));
    let stored_gross = Decimal::from_str(&line.gross).ok();
    let gross = match facts.map(|f| assess(&policy.policy, &f, &mut trace)) {
        Some(Ok(Assessment::Gross { gross, .. })) => gross,
        _ => return (trace.steps, false),
    };
    let mut verified = Some(gross) == stored_gross;
    let payout = Money::from_minor(line.payout_minor, currency).to_decimal();
    if line.status == "closed_no_payout" || (line.status == "cancelled" && line.payout_minor == 0) {
        let min = Money::from_minor(batch.min_payout_minor, currency).to_decimal();
        trace.record(
            "min_payout",
            &[("gross", Value::Decimal(gross)), ("min_payout", Value::Decimal(min))],
            Value::Decimal(Decimal::ZERO),
        );
        verified &= line.payout_minor == 0;
    } else if batch.budget_binding {
        verified &= budget_steps(&mut trace, batch, line, gross, payout, currency);
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
        verified &= rounded == payout;
    }
    trace.record("payout", &[], Value::Decimal(payout));
    (trace.steps, verified)
}

/// The share of a binding budget and its rounding (down, plus one unit for the largest
/// remainders, which only the whole batch can rank).
fn budget_steps(
    trace: &mut Recorder,
    batch: &BatchRow,
    line: &LineRow,
    gross: Decimal,
    payout: Decimal,
    currency: Currency,
) -> bool {
    let (Some(budget), Ok(total)) = (batch.budget_minor, Decimal::from_str(&batch.total_gross)) else {
        return false;
    };
    let budget = Money::from_minor(budget, currency).to_decimal();
    let Ok(share) = mul(gross, budget).and_then(|product| div(product, total)) else {
        return false;
    };
    trace.record(
        "budget_share",
        &[
            ("gross", Value::Decimal(gross)),
            ("budget", Value::Decimal(budget)),
            ("total_gross", Value::Decimal(total)),
        ],
        Value::Decimal(share),
    );
    let down = share.round_dp_with_strategy(currency.minor_units(), rust_decimal::RoundingStrategy::ToZero);
    let extra = payout - down;
    trace.record(
        "largest_remainder",
        &[
            ("share", Value::Decimal(share)),
            ("rounded_down", Value::Decimal(down)),
            ("extra_units", Value::Decimal(extra)),
        ],
        Value::Decimal(payout),
    );
    let unit = Money::from_minor(1, currency).to_decimal();
    line.share.as_deref().and_then(|s| Decimal::from_str(s).ok()) == Some(share)
        && (extra == Decimal::ZERO || extra == unit)
}

fn line_view(policy: &StoredPolicy, batch: &BatchRow, line: LineRow, currency: Currency) -> LineView {
    let (trace, trace_verified) = explain(policy, batch, &line, currency);
    LineView {
        line_no: line.line_no,
        claim_id: line.claim_id,
        claim_reference: line.claim_reference,
        gross_amount: line.gross,
        payout_amount: Money::from_minor(line.payout_minor, currency).to_string(),
        currency: batch.currency.clone(),
        status: line.status,
        bank_reference: line.bank_reference,
        failure_reason: line.failure_reason,
        trace,
        trace_verified,
    }
}

fn policy_of(conn: &mut DbConnection, batch: &BatchRow) -> Result<StoredPolicy, ApiError> {
    let row = db::policies::find(conn, &batch.policy_id)?.ok_or(ApiError::NotFound)?;
    StoredPolicy::from_row(row)
}

/// One page of a batch's lines, after line number `after` (0: from the start).
pub fn list(
    conn: &mut DbConnection,
    batch_id: &str,
    page: &PageRequest,
    after: i64,
) -> Result<Page<LineView>, ApiError> {
    let batch = load(conn, batch_id)?;
    let (policy, currency) = (policy_of(conn, &batch)?, currency_of(&batch)?);
    let rows = batches::lines(conn, batch_id, after, page.fetch())?;
    Ok(Page::from_fetched(rows, page, |line| line.line_no.to_string())
        .map(|line| line_view(&policy, &batch, line, currency)))
}

pub fn get(conn: &mut DbConnection, batch_id: &str, claim_id: &str) -> Result<LineView, ApiError> {
    let batch = load(conn, batch_id)?;
    let line = batches::line_for_claim(conn, batch_id, claim_id)?.ok_or(ApiError::NotFound)?;
    let (policy, currency) = (policy_of(conn, &batch)?, currency_of(&batch)?);
    Ok(line_view(&policy, &batch, line, currency))
}
