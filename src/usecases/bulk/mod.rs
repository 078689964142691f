//! Partner bulk uploads (SPEC sections 4 and 7): a CSV or JSON file of claims, each row filed
//! exactly as a single claim would be (same parser, same checks, same duplicate rules), in
//! chunked transactions that a retry with the same `Idempotency-Key` resumes.
//!
//! `decode` turns bytes into text, `source` walks the rows, `row` maps a row to a claim
//! request, `upload` starts or resumes an upload, `chunk` files rows, `errors_csv` reports them.

pub mod chunk;
pub mod decode;
pub mod errors_csv;
pub mod row;
pub mod source;
pub mod upload;

use serde::Serialize;

use crate::db::bulk::{self, UploadRow};
use crate::db::DbConnection;
use crate::domain::role::{Actor, Role};
use crate::usecases::Error;

/// Most data rows one upload may carry (more is 422: split the file).
pub const MAX_ROWS: i64 = 200_000;

/// What an upload came to. `total_rows = accepted + rejected + duplicates` once completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct BulkUploadView {
    pub id: String,
    /// `processing` while rows remain to be filed (a retry with the same key resumes it),
    /// then `completed`.
    pub status: String,
    pub total_rows: i64,
    /// Rows filed as claims (whatever status verification gave them).
    pub accepted: i64,
    /// Rows refused for invalid fields; `errors.csv` says why.
    pub rejected: i64,
    /// Rows that repeat a claim already filed (in this file or before), or an `external_ref`
    /// already used.
    pub duplicates: i64,
}

pub fn view(row: &UploadRow) -> BulkUploadView {
    BulkUploadView {
        id: row.id.clone(),
        status: row.status.to_string(),
        total_rows: row.total_rows,
        accepted: row.accepted,
        rejected: row.rejected,
        duplicates: row.duplicates,
    }
}

/// Staff read every upload; a partner only its organisation's.
fn can_read(actor: &Actor, row: &UploadRow) -> bool {
    if actor.claim_scope.is_some() {
        return false;
    }
    match actor.role {
        Role::Admin | Role::Finance => true,
        Role::Partner => actor.org.as_deref() == Some(row.owner.as_str()),
        Role::Claimant => false,
    }
}

/// The upload, if `actor` may see it; otherwise it does not exist for them (404).
pub fn visible(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<UploadRow, Error> {
    bulk::find(conn, id)?.filter(|row| can_read(actor, row)).ok_or(Error::NotFound)
}

pub fn get(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<BulkUploadView, Error> {
    visible(conn, actor, id).map(|row| view(&row))
}
