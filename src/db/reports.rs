//! Aggregates for the incident summary, computed by the database.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConnection;

/// Claims grouped by one dimension: count and claimed total (minor units).
///
/// A total may exceed `i64` (9,300 claims of 10^13 already do), and a database sum of BIGINT
/// overflows with an error on SQLite and on a cast on PostgreSQL. So the database sums the
/// millions and the rest apart, each far from overflow (a claim is at most 10^15 minor units,
/// so its millions part is at most 10^9, and 10^9 claims of it still fit), and
/// [`Group::total_minor`] joins them exactly.
#[derive(Debug, Clone, QueryableByName)]
pub struct Group {
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    #[diesel(sql_type = BigInt)]
    millions: i64,
    #[diesel(sql_type = BigInt)]
    units: i64,
}

/// The split of a sum of minor units that [`Group`] explains.
const SUM_SPLIT: i128 = 1_000_000;

impl Group {
    /// The group's total in minor units, exact.
    pub fn total_minor(&self) -> i128 {
        i128::from(self.millions) * SUM_SPLIT + i128::from(self.units)
    }
}

/// SQL for an exact sum of a BIGINT column of minor units, as [`Group`] reads it.
fn split_sum(column: &str) -> String {
    format!(
        "CAST(COALESCE(SUM({column} / {SUM_SPLIT}), 0) AS BIGINT) AS millions, \
         CAST(COALESCE(SUM({column} % {SUM_SPLIT}), 0) AS BIGINT) AS units"
    )
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
        "SELECT {column} AS key, CAST(COUNT(*) AS BIGINT) AS count, {sum} \
         FROM claims WHERE incident_id = $1 GROUP BY {column} ORDER BY {column}",
        sum = split_sum("claimed_minor")
    ))
    .bind::<Text, _>(incident_id)
    .load(conn)
}

/// Payout lines of the incident's batches grouped by line status: count and payout total.
pub fn lines_by_status(conn: &mut DbConnection, incident_id: &str) -> QueryResult<Vec<Group>> {
    diesel::sql_query(format!(
        "SELECT l.status AS key, CAST(COUNT(*) AS BIGINT) AS count, {sum} \
         FROM payout_lines l JOIN payout_batches b ON b.id = l.batch_id \
         WHERE b.incident_id = $1 GROUP BY l.status ORDER BY l.status",
        sum = split_sum("l.payout_minor")
    ))
    .bind::<Text, _>(incident_id)
    .load(conn)
}
