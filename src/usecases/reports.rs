//! `GET /incidents/{id}/summary`: what an oversight council reads. Counts and sums by status,
//! service, claimant kind and channel; claimed, assessed and paid totals. Every number comes
//! from the same read transaction, so they reconcile.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::Serialize;

use super::incidents;
use crate::db::batches;
use crate::db::reports::{self, Dimension, Group};
use crate::db::DbConnection;
use crate::domain::batch::BatchStatus;
use crate::domain::money::Currency;
use crate::usecases::Error;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct GroupView {
    pub key: String,
    pub count: i64,
    /// Claimed amount, or for payout lines the payout amount.
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Totals {
    pub claims: i64,
    pub claimed: String,
    /// Gross assessed by live batches (calculated, approved or settled), before budget.
    pub assessed_gross: String,
    /// Payouts decided by live batches.
    pub assessed_payout: String,
    pub paid: String,
    pub paid_count: i64,
    pub failed: String,
    pub failed_count: i64,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Summary {
    pub incident_id: String,
    pub currency: String,
    pub totals: Totals,
    pub by_status: Vec<GroupView>,
    pub by_service: Vec<GroupView>,
    pub by_claimant_kind: Vec<GroupView>,
    pub by_channel: Vec<GroupView>,
    /// Payout lines by status (pending, paid, failed, closed_no_payout, cancelled).
    pub payout_lines: Vec<GroupView>,
    /// Batches by status.
    pub batches: Vec<GroupView>,
}

/// A total of minor units as a decimal string: exact up to 28 digits, far beyond any incident.
fn total_text(minor: i128, currency: Currency) -> Option<String> {
    Decimal::try_from_i128_with_scale(minor, currency.minor_units()).ok().map(|d| d.to_string())
}

pub fn summary(conn: &mut DbConnection, incident_id: &str) -> Result<Summary, Error> {
    let incident = incidents::load(conn, incident_id)?;
    let currency = incident.currency;
    let money = |minor: i128| -> Result<String, Error> {
        total_text(minor, currency)
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("a summary total does not fit a decimal")))
    };
    let views = |groups: Vec<Group>| -> Result<Vec<GroupView>, Error> {
        groups
            .into_iter()
            .map(|g| Ok(GroupView { amount: money(g.total_minor())?, key: g.key, count: g.count }))
            .collect()
    };
    let by_status = reports::claims_by(conn, incident_id, Dimension::Status)?;
    let lines = reports::lines_by_status(conn, incident_id)?;
    let line =
        |status: &str| lines.iter().find(|g| g.key == status).map_or((0, 0), |g| (g.count, g.total_minor()));
    let (paid_count, paid) = line("paid");
    let (failed_count, failed) = line("failed");
    let all_batches = batches::list(conn, Some(incident_id), None, i64::MAX)?;
    let live: Vec<_> = all_batches.iter().filter(|b| b.status != BatchStatus::Cancelled).collect();
    let mut assessed_gross = Decimal::ZERO;
    for batch in &live {
        // A stored total that does not parse is a corrupt row: never silently left out.
        let gross = Decimal::from_str(&batch.total_gross)
            .map_err(|_| Error::internal(format!("batch {} has an unreadable total_gross", batch.id)))?;
        assessed_gross += gross;
    }
    let assessed_payout: i128 = live.iter().map(|b| i128::from(b.total_payout_minor)).sum();
    // Batches by status: how many, and what they pay.
    let mut batch_totals: Vec<(String, i64, i128)> = Vec::new();
    for batch in &all_batches {
        let payout = i128::from(batch.total_payout_minor);
        match batch_totals.iter_mut().find(|(key, _, _)| key == batch.status.as_str()) {
            Some((_, count, total)) => {
                *count += 1;
                *total += payout;
            }
            None => batch_totals.push((batch.status.to_string(), 1, payout)),
        }
    }
    let mut batch_counts = batch_totals
        .into_iter()
        .map(|(key, count, total)| Ok(GroupView { key, count, amount: money(total)? }))
        .collect::<Result<Vec<_>, Error>>()?;
    batch_counts.sort_by(|a, b| a.key.cmp(&b.key));
    let totals = Totals {
        claims: by_status.iter().map(|g| g.count).sum(),
        claimed: money(by_status.iter().map(Group::total_minor).sum())?,
        assessed_gross: assessed_gross.normalize().to_string(),
        assessed_payout: money(assessed_payout)?,
        paid: money(paid)?,
        paid_count,
        failed: money(failed)?,
        failed_count,
    };
    Ok(Summary {
        incident_id: incident_id.to_owned(),
        currency: Currency::code(currency).to_owned(),
        totals,
        by_status: views(by_status)?,
        by_service: views(reports::claims_by(conn, incident_id, Dimension::Service)?)?,
        by_claimant_kind: views(reports::claims_by(conn, incident_id, Dimension::ClaimantKind)?)?,
        by_channel: views(reports::claims_by(conn, incident_id, Dimension::Channel)?)?,
        payout_lines: views(lines)?,
        batches: batch_counts,
    })
}
