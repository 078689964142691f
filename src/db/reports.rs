//! Aggregates for the incident summary, computed by the database.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConnection;

/// Claims grouped by one dimension: count and claimed total (minor units).
#[derive(Debug, Clone, QueryableByName)]
pub struct Group {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = BigInt)]
    pub claimed_minor: i64,
}

/// The dimensions a summary groups claims by (column names, never user input).
#[derive(Debug, Clone, Copy)]
pub enum Dimension {
    Status,
    Service,
    ClaimantKind,
    Channel,
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Dimension::Status => "status",
            Dimension::Service => "service",
            Dimension::ClaimantKind => "claimant_kind",
            Dimension::Channel => "channel",
        }
    }
}

pub fn claims_by(
    conn: &mut DbConnection,
    incident_id: &str,
    dimension: Dimension,
) -> QueryResult<Vec<Group>> {
    let column = dimension.column();
    diesel::sql_query(format!(
        "SELECT {column} AS key, CAST(COUNT(*) AS BIGINT) AS count, \
         CAST(COALESCE(SUM(claimed_minor), 0) AS BIGINT) AS claimed_minor \
         FROM claims WHERE incident_id = $1 GROUP BY {column} ORDER BY {column}"
    ))
    .bind::<Text, _>(incident_id)
    .load(conn)
}

/// Payout lines of the incident's batches grouped by line status: count and payout total.
pub fn lines_by_status(conn: &mut DbConnection, incident_id: &str) -> QueryResult<Vec<Group>> {
    diesel::sql_query(
        "SELECT l.status AS key, CAST(COUNT(*) AS BIGINT) AS count, \
         CAST(COALESCE(SUM(l.payout_minor), 0) AS BIGINT) AS claimed_minor \
         FROM payout_lines l JOIN payout_batches b ON b.id = l.batch_id \
         WHERE b.incident_id = $1 GROUP BY l.status ORDER BY l.status",
    )
    .bind::<Text, _>(incident_id)
    .load(conn)
}
