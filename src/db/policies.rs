//! Policies table: immutable rows, one version number per incident.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::policies;
use super::DbConnection;
use crate::domain::money::Currency;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = policies)]
pub struct PolicyRow {
    pub id: String,
    pub incident_id: String,
    pub version: i32,
    pub currency: Currency,
    /// The normalized policy document (JSON).
    pub document: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

/// A policy version as published (never changed after).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = policies)]
pub struct NewPolicy {
    pub id: String,
    pub incident_id: String,
    pub version: i32,
    pub currency: Currency,
    /// The normalized policy document (JSON).
    pub document: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl From<NewPolicy> for PolicyRow {
    /// The row as inserted, without reading it back.
    fn from(new: NewPolicy) -> PolicyRow {
        let NewPolicy { id, incident_id, version, currency, document, created_by, created_at } = new;
        PolicyRow { id, incident_id, version, currency, document, created_by, created_at }
    }
}

pub fn insert(conn: &mut DbConnection, row: &NewPolicy) -> QueryResult<()> {
    diesel::insert_into(policies::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<PolicyRow>> {
    policies::table.find(id).select(PolicyRow::as_select()).first(conn).optional()
}

/// The version the next policy of the incident gets.
pub fn next_version(conn: &mut DbConnection, incident_id: &str) -> QueryResult<i32> {
    let latest: Option<i32> = policies::table
        .filter(policies::incident_id.eq(incident_id))
        .select(diesel::dsl::max(policies::version))
        .first(conn)?;
    Ok(latest.unwrap_or(0) + 1)
}

pub fn list_for_incident(conn: &mut DbConnection, incident_id: &str) -> QueryResult<Vec<PolicyRow>> {
    policies::table
        .filter(policies::incident_id.eq(incident_id))
        .order(policies::version.asc())
        .select(PolicyRow::as_select())
        .load(conn)
}

/// The newest version of the incident's policy.
pub fn latest(conn: &mut DbConnection, incident_id: &str) -> QueryResult<Option<PolicyRow>> {
    policies::table
        .filter(policies::incident_id.eq(incident_id))
        .order(policies::version.desc())
        .select(PolicyRow::as_select())
        .first(conn)
        .optional()
}
