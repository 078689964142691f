//! Evidence documents of a claim (docs/contract.md, documents): the owner sends files (PDF,
//! JPEG, PNG, checked by their bytes), which answer a deficiency like the evidence fields do;
//! the owner and finance list and download them; finance reviews each.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use validator::Validate;

use super::lifecycle::{self, DocumentsInput};
use super::read::{load_own_for_change, load_visible};
use super::ClaimView;
use crate::db::audit::NewEvent;
use crate::db::claims;
use crate::db::context::WriteContext;
use crate::db::documents::{self, DocumentRow, NewDocument};
use crate::db::DbConnection;
use crate::domain::claim::ClaimStatus;
use crate::domain::claim_input::EvidenceInput;
use crate::domain::document::{DocumentStatus, MediaType, MAX_PER_CLAIM};
use crate::domain::role::{Actor, Role};
use crate::domain::time::Timestamp;
use crate::usecases::error::ConflictKind;
use crate::usecases::Error;

/// One file as it arrived, already checked by its bytes.
#[derive(Debug, Clone)]
pub struct IncomingFile {
    pub filename: String,
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
}

/// A document as its owner and finance see it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentView {
    pub id: String,
    pub filename: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    pub status: DocumentStatus,
    /// Why finance accepted or rejected it.
    pub reason: Option<String>,
    pub uploaded_at: String,
    pub reviewed_at: Option<String>,
}

impl From<DocumentRow> for DocumentView {
    fn from(row: DocumentRow) -> Self {
        DocumentView {
            id: row.id,
            filename: row.filename,
            media_type: row.media_type,
            size: row.size,
            sha256: row.sha256,
            status: row.status,
            reason: row.reason,
            uploaded_at: Timestamp::from_db(row.uploaded_at).to_string(),
            reviewed_at: row.reviewed_at.map(|t| Timestamp::from_db(t).to_string()),
        }
    }
}

/// Files sent by the owner, with the evidence fields and note that came with them. A deficient
/// claim is answered by them (as `POST /claims/{id}/documents` with JSON); a claim waiting for a
/// person keeps them for that person; any other status is 409.
pub fn upload(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
    files: Vec<IncomingFile>,
    evidence: EvidenceInput,
    note: Option<String>,
) -> Result<ClaimView, Error> {
    if files.is_empty() {
        return Err(Error::field("file", "required", "send at least one file (PDF, JPEG or PNG)"));
    }
    let row = load_own_for_change(conn, actor, id)?;
    if !matches!(row.status, ClaimStatus::Deficient | ClaimStatus::NeedsReview) {
        return Err(Error::conflict(
            ConflictKind::WrongStatus { incident_id: None },
            format!(
                "documents are taken while a claim is deficient or under review; this one is {}",
                row.status
            ),
        ));
    }
    let stored = documents::count_of_claim(conn, &row.id)?;
    if stored + i64::try_from(files.len()).unwrap_or(i64::MAX) > MAX_PER_CLAIM {
        return Err(Error::field(
            "file",
            "too_many_files",
            format!("a claim keeps at most {MAX_PER_CLAIM} documents; it has {stored}"),
        ));
    }
    let now = Timestamp::now().to_db();
    let mut sent = Vec::with_capacity(files.len());
    for file in files {
        let sha256 = hex::encode(Sha256::digest(&file.bytes));
        let document = NewDocument {
            id: crate::usecases::new_id(),
            claim_id: row.id.clone(),
            filename: file.filename,
            media_type: file.media_type.as_str().to_owned(),
            size: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            sha256,
            content: file.bytes,
            status: DocumentStatus::Received,
            uploaded_by: actor.audit_name(),
            uploaded_at: now,
        };
        documents::insert(conn, &document)?;
        sent.push(
            json!({"id": document.id, "filename": document.filename, "media_type": document.media_type,
            "size": document.size, "sha256": document.sha256}),
        );
    }
    let answers = row.status == ClaimStatus::Deficient;
    context.audit(
        &actor.audit_name(),
        NewEvent {
            action: "claim.documents_uploaded",
            entity_type: "claim",
            entity_id: row.id.clone(),
            details: json!({"documents": sent, "answers_deficiency": answers}),
        },
    );
    if answers {
        let note = note
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("{} document(s) sent", sent.len()));
        let input = DocumentsInput { evidence, note };
        input.validate().map_err(|_| Error::field("note", "too_long", "must be at most 2,000 characters"))?;
        return lifecycle::documents(conn, context, actor, id, input);
    }
    super::read::get(conn, actor, id)
}

pub fn list(conn: &mut DbConnection, actor: &Actor, id: &str) -> Result<Vec<DocumentView>, Error> {
    let claim = load_visible(conn, actor, id)?;
    if !super::may_read_correspondence(actor) {
        return Err(Error::NotFound);
    }
    Ok(documents::of_claim(conn, &claim.id)?.into_iter().map(DocumentView::from).collect())
}

/// One document to download: its name, media type and bytes.
pub struct Download {
    pub filename: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

pub fn download(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    document_id: &str,
) -> Result<Download, Error> {
    let claim = load_visible(conn, actor, id)?;
    if !super::may_read_correspondence(actor) {
        return Err(Error::NotFound);
    }
    let row = documents::find(conn, &claim.id, document_id)?.ok_or(Error::NotFound)?;
    let bytes = documents::content(conn, &row.id)?;
    Ok(Download { filename: row.filename, media_type: row.media_type, bytes })
}

/// The body of `POST /claims/{id}/documents/{doc_id}/review`.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentReviewInput {
    pub decision: DocumentDecision,
    #[validate(length(min = 1, max = 2000))]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentDecision {
    Accept,
    Reject,
}

pub fn review(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    actor: &Actor,
    id: &str,
    document_id: &str,
    input: DocumentReviewInput,
) -> Result<DocumentView, Error> {
    if actor.role != Role::Finance || actor.claim_scope.is_some() {
        return Err(Error::Forbidden);
    }
    if input.reason.trim().is_empty() {
        return Err(Error::field("reason", "required", "must not be blank"));
    }
    let claim = claims::find(conn, id)?.ok_or(Error::NotFound)?;
    let document = documents::find(conn, &claim.id, document_id)?.ok_or(Error::NotFound)?;
    let status = match input.decision {
        DocumentDecision::Accept => DocumentStatus::Accepted,
        DocumentDecision::Reject => DocumentStatus::Rejected,
    };
    let now = Timestamp::now().to_db();
    documents::review(conn, &document.id, status, input.reason.trim(), &actor.audit_name(), now)?;
    context.audit(
        &actor.audit_name(),
        NewEvent {
            action: "claim.document_reviewed",
            entity_type: "claim",
            entity_id: claim.id.clone(),
            details: json!({"document_id": document.id, "sha256": document.sha256, "from": document.status,
                "to": status, "reason": input.reason.trim()}),
        },
    );
    let updated = documents::find(conn, &claim.id, &document.id)?.ok_or(Error::NotFound)?;
    Ok(updated.into())
}
