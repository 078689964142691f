//! Outage windows table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::outage_windows;
use super::DbConnection;
use crate::domain::severity::Severity;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outage_windows)]
pub struct WindowRow {
    pub id: String,
    pub incident_id: String,
    pub service: String,
    pub severity: Severity,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// A window as recorded (every column is known when it is).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = outage_windows)]
pub struct NewWindow {
    pub id: String,
    pub incident_id: String,
    pub service: String,
    pub severity: Severity,
    pub started_at: NaiveDateTime,
    pub ended_at: NaiveDateTime,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl From<NewWindow> for WindowRow {
    /// The row as inserted, without reading it back.
    fn from(new: NewWindow) -> WindowRow {
        let NewWindow { id, incident_id, service, severity, started_at, ended_at, created_by, created_at } =
            new;
        WindowRow { id, incident_id, service, severity, started_at, ended_at, created_by, created_at }
    }
}

pub fn insert(conn: &mut DbConnection, row: &NewWindow) -> QueryResult<()> {
    diesel::insert_into(outage_windows::table).values(row).execute(conn).map(drop)
}

/// The first window of the service that shares an instant with `[start, end)`.
pub fn first_overlapping(
    conn: &mut DbConnection,
    incident_id: &str,
    service: &str,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> QueryResult<Option<WindowRow>> {
    outage_windows::table
        .filter(outage_windows::incident_id.eq(incident_id))
        .filter(outage_windows::service.eq(service))
        .filter(outage_windows::started_at.lt(end))
        .filter(outage_windows::ended_at.gt(start))
        .order(outage_windows::started_at.asc())
        .select(WindowRow::as_select())
        .first(conn)
        .optional()
}

/// Every window of an incident, by service then start.
pub fn list_for_incident(conn: &mut DbConnection, incident_id: &str) -> QueryResult<Vec<WindowRow>> {
    outage_windows::table
        .filter(outage_windows::incident_id.eq(incident_id))
        .order((outage_windows::service.asc(), outage_windows::started_at.asc()))
        .select(WindowRow::as_select())
        .load(conn)
}

/// The windows of one service of an incident, by start.
pub fn list_for_service(
    conn: &mut DbConnection,
    incident_id: &str,
    service: &str,
) -> QueryResult<Vec<WindowRow>> {
    outage_windows::table
        .filter(outage_windows::incident_id.eq(incident_id))
        .filter(outage_windows::service.eq(service))
        .order(outage_windows::started_at.asc())
        .select(WindowRow::as_select())
        .load(conn)
}
