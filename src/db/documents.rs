//! Evidence documents of claims: stored whole (bytes and SHA-256), listed without their bytes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::claim_documents;
use super::DbConnection;
use crate::domain::document::DocumentStatus;

/// A document as listed: everything but its bytes.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claim_documents)]
pub struct DocumentRow {
    pub id: String,
    pub claim_id: String,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub status: DocumentStatus,
    pub reason: Option<String>,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = claim_documents)]
pub struct NewDocument {
    pub id: String,
    pub claim_id: String,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub content: Vec<u8>,
    pub status: DocumentStatus,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, document: &NewDocument) -> QueryResult<()> {
    diesel::insert_into(claim_documents::table).values(document).execute(conn).map(drop)
}

pub fn count_of_claim(conn: &mut DbConnection, claim_id: &str) -> QueryResult<i64> {
    claim_documents::table.filter(claim_documents::claim_id.eq(claim_id)).count().get_result(conn)
}

pub fn of_claim(conn: &mut DbConnection, claim_id: &str) -> QueryResult<Vec<DocumentRow>> {
    claim_documents::table
        .filter(claim_documents::claim_id.eq(claim_id))
        .order((claim_documents::uploaded_at.asc(), claim_documents::id.asc()))
        .select(DocumentRow::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, claim_id: &str, id: &str) -> QueryResult<Option<DocumentRow>> {
    claim_documents::table
        .filter(claim_documents::claim_id.eq(claim_id))
        .filter(claim_documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

pub fn content(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<u8>> {
    claim_documents::table.find(id).select(claim_documents::content).first(conn)
}

/// Records finance's review of a document; a later review replaces an earlier one.
pub fn review(
    conn: &mut DbConnection,
    id: &str,
    status: DocumentStatus,
    reason: &str,
    reviewer: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(claim_documents::table.find(id))
        .set((
            claim_documents::status.eq(status),
            claim_documents::reason.eq(reason),
            claim_documents::reviewed_by.eq(reviewer),
            claim_documents::reviewed_at.eq(at),
        ))
        .execute(conn)
        .map(|n| n == 1)
}
