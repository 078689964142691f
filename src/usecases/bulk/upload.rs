//! Starting, resuming and replaying an upload. The upload row is created in its own
//! transaction before any claim; each chunk then advances it (see `chunk`). A retry with the
//! same key and body answers the stored summary when the upload completed, and otherwise
//! resumes it from its first unfiled row, so a crash mid-upload never files a row twice.

use serde_json::json;
use sha2::{Digest, Sha256};

use super::decode::{self, Format};
use super::{chunk, source, view, BulkUploadView, MAX_ROWS};
use crate::db::audit::NewEvent;
use crate::db::bulk::{self, status, UploadRow};
use crate::db::context::WriteContext;
use crate::db::{self, DbConnection, Pool};
use crate::domain::time::Timestamp;
use crate::usecases::claims::file::Filer;
use crate::usecases::idempotency::{self, IdempotencyKey};
use crate::usecases::incidents;
use crate::usecases::Error;

/// One `POST /bulk-uploads`, as received.
pub struct UploadRequest {
    /// The partner, filing on the bulk channel.
    pub filer: Filer,
    pub key: IdempotencyKey,
    pub incident_id: String,
    pub format: Format,
    pub body: Vec<u8>,
}

impl UploadRequest {
    /// Whose keys these are: one organisation's keys name its uploads, whichever of its users
    /// sends them, so a retry from another machine of the same partner still replays.
    fn scope(&self) -> String {
        format!("partner:{}", self.filer.owner)
    }

    /// "The same request": incident, format and charset, and the raw bytes of the body.
    fn hash(&self) -> String {
        let charset = match &self.format {
            Format::Csv { charset: Some(encoding) } => encoding.name(),
            _ => "",
        };
        let mut hasher = Sha256::new();
        for part in ["POST /api/v1/bulk-uploads", &self.incident_id, self.format.as_str(), charset] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher.update(&self.body);
        hex::encode(hasher.finalize())
    }
}

/// The summary, and whether it is the stored answer of an earlier request.
#[derive(Debug)]
pub struct Outcome {
    pub upload: BulkUploadView,
    pub replayed: bool,
}

/// Runs a whole upload on the calling (blocking) thread: one short transaction to start it,
/// one per chunk of rows, one to complete it; none is held while another is waited for.
pub fn run(pool: &Pool, request: UploadRequest) -> Result<Outcome, Error> {
    let (scope, hash) = (request.scope(), request.hash());
    let mut conn = pool.get()?;
    // A completed upload is final: its replay needs neither a lock nor a look at the body.
    if let Some(done) = bulk::find_by_key(&mut conn, &scope, request.key.as_str())?
        .filter(|row| row.status == status::COMPLETED)
    {
        check_same_request(&done, &hash)?;
        return Ok(Outcome { upload: view(&done), replayed: true });
    }
    let text = decode::decode(&request.body, &request.format)?;
    let total_rows = source::survey(&text, &request.format, MAX_ROWS)?;
    let upload = db::write_tx_with_context(&mut conn, |conn, context| {
        start(conn, context, &request, &scope, &hash, total_rows)
    })?;
    if upload.status == status::COMPLETED {
        return Ok(Outcome { upload: view(&upload), replayed: true });
    }
    let upload = chunk::file_rows(&mut conn, &upload, &request.filer, &text, &request.format)?;
    if upload.accepted >= LARGE_LOAD {
        // Fresh statistics, so the next batch of this incident is planned for the claims it has.
        // Only a hint to the planner: a failure is logged, never the upload's answer.
        if let Err(error) = crate::db::analyze_claims(&mut conn) {
            tracing::warn!(%error, "ANALYZE after a bulk upload failed");
        }
    }
    Ok(Outcome { upload: view(&upload), replayed: false })
}

/// Uploads filing at least this many claims refresh the planner's statistics.
const LARGE_LOAD: i64 = 10_000;

fn check_same_request(stored: &UploadRow, hash: &str) -> Result<(), Error> {
    if stored.request_hash == hash {
        Ok(())
    } else {
        Err(Error::field(
            idempotency::HEADER,
            "idempotency_key_reused",
            "this key was already used with a different request",
        ))
    }
}

/// Finds the upload of this key, or creates it after checking the incident takes claims.
fn start(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    request: &UploadRequest,
    scope: &str,
    hash: &str,
    total_rows: i64,
) -> Result<UploadRow, Error> {
    // Two requests with one key: the second waits here and then finds the first's upload.
    db::lock_key(conn, &format!("bulk_upload_key:{scope}:{}", request.key.as_str()))?;
    if let Some(existing) = bulk::find_by_key(conn, scope, request.key.as_str())? {
        check_same_request(&existing, hash)?;
        return Ok(existing);
    }
    let now = Timestamp::now();
    let incident = match incidents::load(conn, &request.incident_id) {
        Err(Error::NotFound) => {
            return Err(Error::field("incident_id", "unknown_incident", "no such incident"))
        }
        other => other?,
    };
    if !incident.claims_open_at(now) {
        return Err(Error::field("incident_id", "claims_closed", "this incident is not taking claims now"));
    }
    let row = UploadRow {
        id: crate::usecases::new_id(),
        scope: scope.to_owned(),
        idem_key: request.key.as_str().to_owned(),
        request_hash: hash.to_owned(),
        owner: request.filer.owner.clone(),
        incident_id: request.incident_id.clone(),
        format: request.format.as_str().to_owned(),
        status: status::PROCESSING,
        total_rows,
        next_row: 1,
        accepted: 0,
        rejected: 0,
        duplicates: 0,
        error_count: 0,
        created_by: request.filer.audit_name.clone(),
        created_at: now.to_db(),
        updated_at: now.to_db(),
        completed_at: None,
    };
    bulk::insert(conn, &row)?;
    let event = NewEvent {
        action: "bulk_upload.created",
        entity_type: "bulk_upload",
        entity_id: row.id.clone(),
        details: json!({
            "incident_id": row.incident_id,
            "format": row.format,
            "total_rows": row.total_rows,
            "request_hash": row.request_hash,
        }),
    };
    context.audit(&request.filer.audit_name, event);
    Ok(row)
}
