//! Bulk uploads and the errors of their rejected rows.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{bulk_upload_errors, bulk_uploads};
use super::DbConnection;

pub mod status {
    use crate::domain::upload::UploadStatus;
    pub const PROCESSING: UploadStatus = UploadStatus::Processing;
    pub const COMPLETED: UploadStatus = UploadStatus::Completed;
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bulk_uploads)]
pub struct UploadRow {
    pub id: String,
    pub scope: String,
    pub idem_key: String,
    pub request_hash: String,
    pub owner: String,
    pub incident_id: String,
    pub format: String,
    pub status: crate::domain::upload::UploadStatus,
    pub total_rows: i64,
    pub next_row: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicates: i64,
    pub error_count: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
}

/// One problem with one row, as `errors.csv` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = bulk_upload_errors)]
pub struct ErrorRow {
    pub upload_id: String,
    pub seq: i64,
    pub row_no: i64,
    pub field: String,
    pub code: String,
    pub message: String,
}

/// Where a chunk left the upload: its rows are done up to `next_row`, with these totals.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = bulk_uploads)]
pub struct Progress {
    pub next_row: i64,
    pub accepted: i64,
    pub rejected: i64,
    pub duplicates: i64,
    pub error_count: i64,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &UploadRow) -> QueryResult<()> {
    diesel::insert_into(bulk_uploads::table).values(row).execute(conn).map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<UploadRow>> {
    bulk_uploads::table.find(id).select(UploadRow::as_select()).first(conn).optional()
}

pub fn find_by_key(conn: &mut DbConnection, scope: &str, key: &str) -> QueryResult<Option<UploadRow>> {
    bulk_uploads::table
        .filter(bulk_uploads::scope.eq(scope))
        .filter(bulk_uploads::idem_key.eq(key))
        .select(UploadRow::as_select())
        .first(conn)
        .optional()
}

pub fn advance(conn: &mut DbConnection, id: &str, progress: &Progress) -> QueryResult<()> {
    diesel::update(bulk_uploads::table.find(id)).set(progress).execute(conn).map(drop)
}

/// Marks a processing upload completed; returns whether it was still processing.
pub fn complete(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let updated =
        diesel::update(bulk_uploads::table.find(id).filter(bulk_uploads::status.eq(status::PROCESSING)))
            .set((
                bulk_uploads::status.eq(status::COMPLETED),
                bulk_uploads::completed_at.eq(Some(at)),
                bulk_uploads::updated_at.eq(at),
            ))
            .execute(conn)?;
    Ok(updated == 1)
}

/// Appends row errors, many per statement.
pub fn insert_errors(conn: &mut DbConnection, errors: &[ErrorRow]) -> QueryResult<()> {
    // Six parameters a row: well under SQLite's limit of 32766 per statement.
    for chunk in errors.chunks(2000) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(bulk_upload_errors::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Up to `limit` errors of an upload after sequence number `after`, in row order.
pub fn errors_after(conn: &mut DbConnection, id: &str, after: i64, limit: i64) -> QueryResult<Vec<ErrorRow>> {
    bulk_upload_errors::table
        .filter(bulk_upload_errors::upload_id.eq(id))
        .filter(bulk_upload_errors::seq.gt(after))
        .order(bulk_upload_errors::seq.asc())
        .limit(limit)
        .select(ErrorRow::as_select())
        .load(conn)
}
