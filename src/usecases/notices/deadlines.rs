//! The cure deadline's two jobs, run on a timer by every instance (each is safe to run twice at
//! once): a reminder some days before a deficient claim's deadline, and its rejection
//! (`cure_expired`) once the deadline has passed.

use chrono::Duration;
use serde_json::json;

use super::appeal_deadline_text;
use crate::db::audit::NewEvent;
use crate::db::claims::{self, ClaimUpdate};
use crate::db::context::WriteContext;
use crate::db::notices;
use crate::db::DbConnection;
use crate::domain::claim::{reason, ClaimStatus};
use crate::domain::notice::NoticeKind;
use crate::domain::time::Timestamp;
use crate::usecases::Error;

/// Claims handled per run; the next run takes the rest.
const PER_RUN: i64 = 500;

/// Queues a reminder for each deficient claim whose deadline is within `days_before` days. One
/// reminder per claim and deadline: a second instance, or the next run, queues nothing new.
pub fn remind(conn: &mut DbConnection, days_before: i64) -> Result<usize, Error> {
    let now = Timestamp::now().to_db();
    let due = claims::deficient_with_deadline(conn, Some(now), now + Duration::days(days_before), PER_RUN)?;
    let mut rows = Vec::new();
    for claim in &due {
        let Some(deadline) = claim.cure_deadline else { continue };
        let deadline = Timestamp::from_db(deadline).to_string();
        let key = format!("reminder:{deadline}");
        let details = json!({"deadline": deadline, "reason": claim.status_reason});
        rows.extend(super::rows_for(claim.into(), NoticeKind::Reminder, &details, Some(&key), now));
    }
    Ok(notices::queue(conn, &rows)?)
}

/// Rejects each deficient claim whose deadline has passed (`cure_expired`), audited, and tells
/// its claimant how to appeal. A claim answered or changed meanwhile is left alone.
pub fn expire(conn: &mut DbConnection, context: &mut WriteContext) -> Result<usize, Error> {
    let now = Timestamp::now().to_db();
    let expired = claims::deficient_with_deadline(conn, None, now, PER_RUN)?;
    let mut rejected = 0;
    for claim in expired {
        if !claims::update(conn, &claim.id, ClaimStatus::Deficient, ClaimUpdate::CureExpired { at: now })? {
            continue;
        }
        rejected += 1;
        context.audit(
            "system:deadlines",
            NewEvent {
                action: "claim.cure_expired",
                entity_type: "claim",
                entity_id: claim.id.clone(),
                details: json!({
                    "from": ClaimStatus::Deficient,
                    "to": ClaimStatus::Rejected,
                    "status_reason": reason::CURE_EXPIRED,
                    "cure_deadline": claim.cure_deadline.map(|d| Timestamp::from_db(d).to_string()),
                }),
            },
        );
        let appeal_days = crate::usecases::incidents::load(conn, &claim.incident_id)?.row.appeal_days;
        let details = json!({
            "decision": "reject",
            "reason": reason::CURE_EXPIRED,
            "appeal_deadline": appeal_deadline_text(now, appeal_days),
        });
        super::tell(conn, &claim, NoticeKind::Decision, details)?;
    }
    Ok(rejected)
}
