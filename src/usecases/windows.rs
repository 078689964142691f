//! Outage windows: when each service of an incident was down, and how badly.

use serde::{Deserialize, Serialize};
use serde_json::json;
use validator::Validate;

use super::incidents;
use crate::db::audit::NewEvent;
use crate::db::context::WriteContext;
use crate::db::windows::{self, NewWindow, WindowRow};
use crate::db::{self, DbConnection};
use crate::domain::interval::Interval;
use crate::domain::role::Actor;
use crate::domain::service::ServiceSlug;
use crate::domain::severity::Severity;
use crate::domain::time::Timestamp;
use crate::usecases::Error;

/// The body of `POST /incidents/{id}/windows`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWindowInput {
    pub service: ServiceSlug,
    pub severity: Severity,
    pub started_at: Timestamp,
    pub ended_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WindowView {
    pub id: String,
    pub incident_id: String,
    pub service: String,
    pub severity: String,
    pub started_at: String,
    pub ended_at: String,
    pub duration_seconds: i64,
    pub created_by: String,
    pub created_at: String,
}

impl From<&WindowRow> for WindowView {
    fn from(row: &WindowRow) -> Self {
        let (start, end) = (Timestamp::from_db(row.started_at), Timestamp::from_db(row.ended_at));
        WindowView {
            id: row.id.clone(),
            incident_id: row.incident_id.clone(),
            service: row.service.clone(),
            severity: row.severity.to_string(),
            started_at: start.to_string(),
            ended_at: end.to_string(),
            duration_seconds: (end.micros() - start.micros()) / 1_000_000,
            created_by: row.created_by.clone(),
            created_at: Timestamp::from_db(row.created_at).to_string(),
        }
    }
}

pub fn create(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    incident_id: &str,
    input: NewWindowInput,
) -> Result<WindowView, Error> {
    // The incident's row lock serializes window changes, so two overlapping windows cannot
    // both pass the check below, whichever instance handles them.
    if !db::incidents::lock(conn, incident_id)? {
        return Err(Error::NotFound);
    }
    let incident = incidents::load(conn, incident_id)?;
    let Some(period) = Interval::new(input.started_at, input.ended_at) else {
        return Err(Error::field("ended_at", "before_start", "must be after started_at"));
    };
    let incident_start = Timestamp::from_db(incident.row.started_at);
    if period.start() < incident_start {
        return Err(Error::field(
            "started_at",
            "outside_incident",
            "must not be before the incident started",
        ));
    }
    if incident.row.ended_at.is_some_and(|end| period.end() > Timestamp::from_db(end)) {
        return Err(Error::field("ended_at", "outside_incident", "must not be after the incident ended"));
    }
    let service = input.service.as_str();
    if let Some(existing) =
        windows::first_overlapping(conn, incident_id, service, period.start().to_db(), period.end().to_db())?
    {
        let detail = format!(
            "overlaps the {service} window {} to {}",
            Timestamp::from_db(existing.started_at),
            Timestamp::from_db(existing.ended_at)
        );
        let kind = crate::usecases::error::ConflictKind::OverlappingWindow { existing_id: existing.id };
        return Err(Error::conflict(kind, detail));
    }
    let row = NewWindow {
        id: super::new_id(),
        incident_id: incident_id.to_owned(),
        service: service.to_owned(),
        severity: input.severity,
        started_at: period.start().to_db(),
        ended_at: period.end().to_db(),
        created_by: actor.audit_name(),
        created_at: Timestamp::now().to_db(),
    };
    windows::insert(conn, &row)?;
    let row = WindowRow::from(row);
    let view = WindowView::from(&row);
    context.audit(
        &actor.audit_name(),
        NewEvent {
            action: "outage_window.created",
            entity_type: "outage_window",
            entity_id: row.id,
            details: json!(view),
        },
    );
    Ok(view)
}

pub fn list(conn: &mut DbConnection, incident_id: &str) -> Result<Vec<WindowView>, Error> {
    incidents::load(conn, incident_id)?;
    Ok(windows::list_for_incident(conn, incident_id)?.iter().map(WindowView::from).collect())
}
