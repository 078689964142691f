//! Payout batches: calculate every eligible claim of an incident under a policy, approve under
//! four eyes, cancel before approval. A batch appears whole or not at all.

pub mod create;
pub mod decide;
pub mod export;
pub mod export_file;
pub mod facts;
pub mod lines;
pub mod listing;
pub mod settle;

use serde::Serialize;

use crate::db::batches::{self, BatchRow};
use crate::db::DbConnection;
use crate::domain::money::{Currency, Money};
use crate::domain::time::Timestamp;
use crate::usecases::Error;

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct BatchView {
    pub id: String,
    pub incident_id: String,
    pub policy_id: String,
    pub policy_version: i32,
    pub status: String,
    pub line_count: i64,
    /// Claims sent back to review instead of getting a line.
    pub held_count: i64,
    pub total_gross: String,
    pub total_payout: String,
    pub budget: Option<String>,
    pub budget_binding: bool,
    /// `budget / total_gross` rounded down to 10 places, when the budget binds.
    pub factor: Option<String>,
    pub currency: String,
    pub rounding: String,
    pub min_payout: String,
    pub created_by: String,
    pub created_at: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub settled_at: Option<String>,
}

pub fn currency_of(row: &BatchRow) -> Result<Currency, Error> {
    Ok(row.currency)
}

pub fn view(row: &BatchRow) -> Result<BatchView, Error> {
    let currency = currency_of(row)?;
    let money = |minor: i64| Money::from_minor(minor, currency).to_string();
    let at = |t| Timestamp::from_db(t).to_string();
    Ok(BatchView {
        id: row.id.clone(),
        incident_id: row.incident_id.clone(),
        policy_id: row.policy_id.clone(),
        policy_version: row.policy_version,
        status: row.status.to_string(),
        line_count: row.line_count,
        held_count: row.held_count,
        total_gross: row.total_gross.clone(),
        total_payout: money(row.total_payout_minor),
        budget: row.budget_minor.map(money),
        budget_binding: row.budget_binding,
        factor: row.factor.clone(),
        currency: row.currency.to_string(),
        rounding: row.rounding.clone(),
        min_payout: money(row.min_payout_minor),
        created_by: row.created_by.clone(),
        created_at: at(row.created_at),
        approved_by: row.approved_by.clone(),
        approved_at: row.approved_at.map(at),
        cancelled_by: row.cancelled_by.clone(),
        settled_at: row.settled_at.map(at),
    })
}

pub fn load(conn: &mut DbConnection, id: &str) -> Result<BatchRow, Error> {
    batches::find(conn, id)?.ok_or(Error::NotFound)
}
