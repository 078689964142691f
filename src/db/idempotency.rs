//! Stored answers of requests sent with an `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::idempotency_keys;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub scope: String,
    pub idem_key: String,
    pub request_hash: String,
    pub status_code: i32,
    pub response: String,
    pub created_at: NaiveDateTime,
}

pub fn find(conn: &mut DbConnection, scope: &str, key: &str) -> QueryResult<Option<IdempotencyRow>> {
    // By primary key, so no LIMIT: on the filing hot path, and SQLite re-prepares statements
    // whose LIMIT is a bound parameter at every execution.
    idempotency_keys::table
        .find((scope, key))
        .select(IdempotencyRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().next())
}

pub fn insert(conn: &mut DbConnection, row: &IdempotencyRow) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table).values(row).execute(conn).map(drop)
}

/// Forgets answers recorded before `cutoff`.
pub fn purge_before(conn: &mut DbConnection, cutoff: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(cutoff))).execute(conn)
}
