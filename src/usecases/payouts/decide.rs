//! Approving a batch (a second finance user: four eyes) and cancelling one before approval.

use serde_json::json;

use super::{export, load, view, BatchView};
use crate::db::audit::NewEvent;
use crate::db::batches::{self, BatchUpdate};
use crate::db::context::WriteContext;
use crate::db::DbConnection;
use crate::domain::role::Actor;
use crate::domain::time::Timestamp;
use crate::usecases::error::ConflictKind;
use crate::usecases::Error;

pub fn approve(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
) -> Result<BatchView, Error> {
    let batch = load(conn, id)?;
    if actor.is_named(&batch.created_by) {
        return Err(Error::conflict(
            ConflictKind::SameApprover { incident_id: batch.incident_id.clone() },
            "a batch is approved by a finance user other than the one who created it",
        ));
    }
    let now = Timestamp::now().to_db();
    decide(conn, &batch, BatchUpdate::Approved { by: &actor.audit_name(), at: now }, "approved")?;
    let closed = batches::close_unpaid_claims(conn, id, batch.line_count, now)?;
    // What is approved is this exact file: it is stored, and its fingerprint audited.
    let print = export::fingerprint(conn, &batch, true)?;
    batches::store_export_fingerprint(
        conn,
        id,
        print.line_count,
        print.total_minor,
        &print.sha256,
        &print.sha256_bom,
    )?;
    let event = NewEvent {
        action: "payout_batch.approved",
        entity_type: "payout_batch",
        entity_id: id.to_owned(),
        details: json!({
            "created_by": batch.created_by, "closed_no_payout": closed,
            "export_line_count": print.line_count, "export_total_minor": print.total_minor,
            "export_sha256": print.sha256,
        }),
    };
    context.audit(&actor.audit_name(), event);
    view(&load(conn, id)?)
}

pub fn cancel(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
) -> Result<BatchView, Error> {
    let batch = load(conn, id)?;
    let now = Timestamp::now().to_db();
    decide(conn, &batch, BatchUpdate::Cancelled { by: &actor.audit_name(), at: now }, "cancelled")?;
    let released = batches::release_claims(conn, id, batch.line_count, now)?;
    let event = NewEvent {
        action: "payout_batch.cancelled",
        entity_type: "payout_batch",
        entity_id: id.to_owned(),
        details: json!({"released_claims": released}),
    };
    context.audit(&actor.audit_name(), event);
    view(&load(conn, id)?)
}

/// Applies a decision if the batch may still be decided (`BatchStatus::can_decide`) and nobody
/// decided it meanwhile; both refusals read the same, as the second is only the first, raced.
fn decide(
    conn: &mut DbConnection,
    batch: &batches::BatchRow,
    update: BatchUpdate<'_>,
    what: &str,
) -> Result<(), Error> {
    if batch.status.can_decide() && batches::update(conn, &batch.id, batch.status, update)? {
        return Ok(());
    }
    Err(Error::conflict(
        ConflictKind::WrongStatus { incident_id: Some(batch.incident_id.clone()) },
        format!("a batch that is {} cannot be {what}", batch.status),
    ))
}
