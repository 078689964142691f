//! `POST /claims/{id}/appeal`: the owner of a rejected claim asks for it to be looked at again,
//! within the incident's appeal days and once. The claim goes back to a person, and to a
//! different one than who rejected it (checked when it is reviewed).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::lifecycle::transition;
use super::read::load_own_for_change;
use super::ClaimView;
use crate::db::claims::{ClaimRow, ClaimUpdate};
use crate::db::context::WriteContext;
use crate::db::DbConnection;
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::usecases::error::ConflictKind;
use crate::usecases::{incidents, Error};

/// The body of `POST /claims/{id}/appeal`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealInput {
    /// Why the rejection is wrong, in the claimant's words.
    #[validate(length(min = 1, max = 4000))]
    pub reason: String,
}

/// Until when a rejected claim may be appealed: `appeal_days` after the rejection (a claim the
/// rules rejected at filing was rejected when it was filed).
pub fn appeal_deadline(row: &ClaimRow, appeal_days: i32) -> Option<NaiveDateTime> {
    row.rejected_at.map(|at| crate::domain::claim::appeal_deadline(at, appeal_days))
}

pub fn appeal(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
    input: AppealInput,
) -> Result<ClaimView, Error> {
    // The claim first: for a claim the caller cannot see, the answer is 404 whatever the body.
    let row = load_own_for_change(conn, actor, id)?;
    if input.reason.trim().is_empty() {
        return Err(Error::field("reason", "required", "must not be blank"));
    }
    if !row.status.can_appeal() {
        return Err(Error::conflict(
            ConflictKind::WrongStatus { incident_id: None },
            format!("only a rejected claim can be appealed; this one is {}", row.status),
        ));
    }
    if row.appealed_at.is_some() {
        return Err(Error::conflict(
            ConflictKind::WrongStatus { incident_id: None },
            "this claim was appealed once already and the appeal was decided",
        ));
    }
    let incident = incidents::load(conn, &row.incident_id)?;
    let now = Timestamp::now();
    let deadline = appeal_deadline(&row, incident.row.appeal_days);
    if deadline.is_some_and(|deadline| now > Timestamp::from_db(deadline)) {
        return Err(Error::conflict(
            ConflictKind::DeadlinePassed,
            format!("the {} days to appeal this rejection have passed", incident.row.appeal_days),
        ));
    }
    let change = ClaimUpdate::Appealed { at: now.to_db() };
    let details = json!({"reason": input.reason.trim(), "rejected_by": row.rejected_by});
    transition(conn, context, actor, &row, change, "claim.appealed", details)
}
