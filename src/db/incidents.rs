//! Incidents table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::incidents;
use super::DbConnection;
use crate::domain::money::Currency;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = incidents)]
pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub description: String,
    pub currency: Currency,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub claims_open_at: NaiveDateTime,
    pub claims_close_at: NaiveDateTime,
    pub review_threshold_minor: Option<i64>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// Days after a rejection in which its owner may appeal.
    pub appeal_days: i32,
}

/// An incident as declared.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = incidents)]
pub struct NewIncident {
    pub id: String,
    pub title: String,
    pub description: String,
    pub currency: Currency,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub claims_open_at: NaiveDateTime,
    pub claims_close_at: NaiveDateTime,
    pub review_threshold_minor: Option<i64>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    /// Days after a rejection in which its owner may appeal.
    pub appeal_days: i32,
}

impl From<NewIncident> for IncidentRow {
    /// The row as inserted, without reading it back.
    fn from(new: NewIncident) -> IncidentRow {
        let NewIncident {
            id,
            title,
            description,
            currency,
            started_at,
            ended_at,
            claims_open_at,
            claims_close_at,
            review_threshold_minor,
            created_by,
            created_at,
            appeal_days,
        } = new;
        IncidentRow {
            id,
            title,
            description,
            currency,
            started_at,
            ended_at,
            claims_open_at,
            claims_close_at,
            review_threshold_minor,
            created_by,
            created_at,
            appeal_days,
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &NewIncident) -> QueryResult<()> {
    diesel::insert_into(incidents::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<IncidentRow>> {
    incidents::table.find(id).select(IncidentRow::as_select()).first(conn).optional()
}

/// Takes the incident's row lock (PostgreSQL) for the rest of the transaction, so changes to
/// its windows and policies are serialized across instances. `false` when it does not exist.
pub fn lock(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    let touched =
        diesel::update(incidents::table.find(id)).set(incidents::id.eq(incidents::id)).execute(conn)?;
    Ok(touched == 1)
}

/// A page of incidents ordered by id (UUIDv7, so by creation time); with `open_at`, only those
/// whose claims window contains that instant.
pub fn list(
    conn: &mut DbConnection,
    after: Option<&str>,
    limit: i64,
    open_at: Option<NaiveDateTime>,
) -> QueryResult<Vec<IncidentRow>> {
    let mut query = incidents::table.select(IncidentRow::as_select()).into_boxed();
    if let Some(after) = after {
        query = query.filter(incidents::id.gt(after.to_owned()));
    }
    if let Some(now) = open_at {
        query = query.filter(incidents::claims_open_at.le(now)).filter(incidents::claims_close_at.gt(now));
    }
    query.order(incidents::id.asc()).limit(limit).load(conn)
}
