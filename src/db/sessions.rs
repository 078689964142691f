//! Staff sessions of the web pages: one row per signed-in browser, keyed by the SHA-256 of the
//! session id the cookie carries.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::staff_sessions;
use super::DbConnection;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = staff_sessions)]
pub struct SessionRow {
    pub id_sha256: String,
    pub sub: String,
    pub role: String,
    pub org: Option<String>,
    pub expires_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &SessionRow) -> QueryResult<()> {
    diesel::insert_into(staff_sessions::table).values(row).execute(conn).map(drop)
}

/// The session with this id hash, if it is still alive at `now`.
pub fn find_alive(
    conn: &mut DbConnection,
    id_sha256: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<SessionRow>> {
    staff_sessions::table
        .find(id_sha256)
        .filter(staff_sessions::expires_at.gt(now))
        .select(SessionRow::as_select())
        .load(conn)
        .map(|rows| rows.into_iter().next())
}

/// Ends a session; `false` when there was none.
pub fn delete(conn: &mut DbConnection, id_sha256: &str) -> QueryResult<bool> {
    diesel::delete(staff_sessions::table.find(id_sha256)).execute(conn).map(|n| n > 0)
}

/// Forgets sessions that ended before `now`.
pub fn purge_expired(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(staff_sessions::table.filter(staff_sessions::expires_at.le(now))).execute(conn)
}
