//! Filing the rows of an upload in chunks: each chunk is one write transaction that files its
//! rows as one set (through the same `file_many` as a single claim), stores their errors
//! and advances the upload's `next_row` and counters, so a chunk is filed whole or not at all
//! and a resumed upload starts exactly where the last committed chunk ended.

use serde_json::json;

use super::decode::Format;
use super::row::column_of;
use super::source::{self, Row};
use crate::db::audit::NewEvent;
use crate::db::bulk::{self, status, ErrorRow, Progress, UploadRow};
use crate::db::context::WriteContext;
use crate::db::{self, DbConnection};
use crate::domain::claim_input::ClaimDraft;
use crate::domain::claimant::ClaimantKind;
use crate::domain::time::Timestamp;
use crate::domain::validation::FieldError;
use crate::usecases::claims::file::{self, Filer};
use crate::usecases::claims::file_set;
use crate::usecases::error::{Conflict, ConflictKind};
use crate::usecases::Error;

/// Rows per transaction. Long enough that commits (one disk flush each) do not dominate,
/// short enough that other writers wait little. PostgreSQL gets fewer: every filing takes an
/// advisory lock held to commit, and those share a lock table of a few thousand entries.
fn chunk_rows(conn: &DbConnection) -> usize {
    match conn {
        DbConnection::Sqlite(_) => 5_000,
        DbConnection::Postgres(_) => 1_000,
    }
}

/// Files every row from the upload's `next_row` on, then marks it completed.
pub fn file_rows(
    conn: &mut DbConnection,
    upload: &UploadRow,
    filer: &Filer,
    text: &str,
    format: &Format,
) -> Result<UploadRow, Error> {
    let size = chunk_rows(conn);
    let mut pending: Vec<Row> = Vec::with_capacity(size);
    let mut next_row = upload.next_row;
    source::for_each_row(text, format, |row| {
        if row.number >= next_row {
            pending.push(row);
        }
        if pending.len() >= size {
            next_row = file_chunk(conn, upload, filer, std::mem::take(&mut pending))?;
        }
        Ok(())
    })?;
    if !pending.is_empty() {
        file_chunk(conn, upload, filer, pending)?;
    }
    db::write_tx_with_context(conn, |conn, context| complete(conn, context, &upload.id, filer))
}

/// What became of one row.
enum Outcome {
    Filed,
    Rejected(Vec<FieldError>),
    Duplicate(FieldError),
}

/// Counters and errors of the upload as this chunk leaves them.
struct Tally {
    progress: Progress,
    errors: Vec<ErrorRow>,
}

impl Tally {
    fn record(&mut self, upload_id: &str, row_no: i64, outcome: Outcome) {
        let errors = match outcome {
            Outcome::Filed => {
                self.progress.accepted += 1;
                return;
            }
            Outcome::Rejected(errors) => {
                self.progress.rejected += 1;
                errors
            }
            Outcome::Duplicate(error) => {
                self.progress.duplicates += 1;
                vec![error]
            }
        };
        for error in errors {
            self.progress.error_count += 1;
            self.errors.push(ErrorRow {
                upload_id: upload_id.to_owned(),
                seq: self.progress.error_count,
                row_no,
                field: column_of(&error.field).to_owned(),
                code: error.code,
                message: error.message,
            });
        }
    }
}

/// Files one chunk in one transaction; returns the upload's `next_row` after it. Rows another
/// request with the same key has filed meanwhile are skipped (the check runs under the
/// upload's lock, so two such requests never file one row twice).
fn file_chunk(
    conn: &mut DbConnection,
    upload: &UploadRow,
    filer: &Filer,
    rows: Vec<Row>,
) -> Result<i64, Error> {
    let Some(last) = rows.last().map(|r| r.number) else {
        return Ok(upload.next_row);
    };
    db::write_tx_with_context(conn, |conn, context| {
        db::lock_key(conn, &format!("bulk_upload:{}", upload.id))?;
        let stored = current(conn, &upload.id)?;
        if last < stored.next_row {
            return Ok(stored.next_row);
        }
        let first = stored.next_row;
        let mut tally = Tally {
            progress: Progress {
                next_row: last + 1,
                accepted: stored.accepted,
                rejected: stored.rejected,
                duplicates: stored.duplicates,
                error_count: stored.error_count,
                updated_at: Timestamp::now().to_db(),
            },
            errors: Vec::new(),
        };
        let drafts: Vec<(i64, Result<ClaimDraft, Vec<FieldError>>)> = rows
            .into_iter()
            .filter(|r| r.number >= first)
            .map(|row| (row.number, parse_row(&upload.incident_id, row.cells)))
            .collect();
        for (number, outcome) in file_rows_of_chunk(conn, context, filer, drafts)? {
            tally.record(&upload.id, number, outcome);
        }
        bulk::insert_errors(conn, &tally.errors)?;
        bulk::advance(conn, &upload.id, &tally.progress)?;
        context.audit(&filer.audit_name, chunk_event(&upload.id, first, &stored, &tally.progress));
        Ok(last + 1)
    })
}

fn current(conn: &mut DbConnection, id: &str) -> Result<UploadRow, Error> {
    bulk::find(conn, id)?
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("bulk upload {id} vanished while filing")))
}

/// The audit record of a chunk: which rows, and what they came to.
fn chunk_event(id: &str, first: i64, before: &UploadRow, after: &Progress) -> NewEvent {
    NewEvent {
        action: "bulk_upload.rows_filed",
        entity_type: "bulk_upload",
        entity_id: id.to_owned(),
        details: json!({
            "from_row": first,
            "to_row": after.next_row - 1,
            "accepted": after.accepted - before.accepted,
            "rejected": after.rejected - before.rejected,
            "duplicates": after.duplicates - before.duplicates,
        }),
    }
}

fn parse_row(
    incident_id: &str,
    cells: Result<super::row::BulkRow, Vec<FieldError>>,
) -> Result<ClaimDraft, Vec<FieldError>> {
    cells.and_then(|row| row.into_input(incident_id)).and_then(|input| ClaimDraft::parse(&input))
}

/// Files the parsed rows of a chunk as one set, through the same path as a single claim: each
/// row's outcome, in row order. Invalid fields and duplicates are the row's outcome; anything
/// else (the database failing) aborts the chunk, to be resumed by a retry.
fn file_rows_of_chunk(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    filer: &Filer,
    parsed: Vec<(i64, Result<ClaimDraft, Vec<FieldError>>)>,
) -> Result<Vec<(i64, Outcome)>, Error> {
    let mut drafts = Vec::with_capacity(parsed.len());
    let mut rows = Vec::with_capacity(parsed.len());
    for (number, draft) in parsed {
        match draft {
            Ok(draft) => {
                rows.push((number, Ok(identity_column(&draft))));
                drafts.push(draft);
            }
            Err(errors) => rows.push((number, Err(errors))),
        }
    }
    let mut filed =
        file_set::file_many(conn, context, drafts.into_iter().map(|d| (filer, d)).collect())?.into_iter();
    rows.into_iter()
        .map(|(number, row)| {
            let outcome = match row {
                Err(errors) => Outcome::Rejected(errors),
                Ok(identity_column) => match filed.next() {
                    Some(filed) => outcome_of(identity_column, filed)?,
                    None => return Err(Error::internal("a bulk row was filed without an outcome")),
                },
            };
            Ok((number, outcome))
        })
        .collect()
}

/// The column a duplicate claimant is reported on: what identifies it.
fn identity_column(draft: &ClaimDraft) -> &'static str {
    if draft.claimant.brn.is_some() || draft.claimant.kind == ClaimantKind::Business {
        "business_registration_number"
    } else {
        "email"
    }
}

/// What a row's filing comes to.
fn outcome_of(identity_column: &str, filed: Result<file::FiledClaim, Error>) -> Result<Outcome, Error> {
    let Err(error) = filed else {
        return Ok(Outcome::Filed);
    };
    match error {
        Error::Invalid(errors) => Ok(Outcome::Rejected(errors)),
        // The partner's own external_ref names a claim without a reference; a claimant's
        // existing claim is named (by reference) only when the partner may read it.
        Error::Conflict(Conflict { kind: ConflictKind::ExternalRefUsed { existing_id }, detail }) => {
            let message = format!("{detail} (claim {existing_id})");
            Ok(Outcome::Duplicate(FieldError::new("external_ref", "duplicate", message)))
        }
        Error::Conflict(Conflict { kind: ConflictKind::DuplicateClaim { existing }, detail }) => {
            let message = match existing {
                Some(claim) => format!("{detail} (claim {})", claim.reference),
                None => detail,
            };
            Ok(Outcome::Duplicate(FieldError::new(identity_column, "duplicate", message)))
        }
        // The database's own word on a duplicate (a filing that raced this row).
        Error::Conflict(Conflict { detail, .. }) => {
            Ok(Outcome::Duplicate(FieldError::new(identity_column, "duplicate", detail)))
        }
        other => Err(other),
    }
}

/// Marks the upload completed once every row is filed, with its audit event.
fn complete(
    conn: &mut DbConnection,
    context: &mut WriteContext,
    id: &str,
    filer: &Filer,
) -> Result<UploadRow, Error> {
    db::lock_key(conn, &format!("bulk_upload:{id}"))?;
    let mut upload = current(conn, id)?;
    if upload.status == status::COMPLETED {
        return Ok(upload);
    }
    if upload.next_row <= upload.total_rows {
        return Err(Error::Internal(anyhow::anyhow!(
            "bulk upload {id} stopped at row {} of {}",
            upload.next_row,
            upload.total_rows
        )));
    }
    let now = Timestamp::now().to_db();
    bulk::complete(conn, id, now)?;
    let event = NewEvent {
        action: "bulk_upload.completed",
        entity_type: "bulk_upload",
        entity_id: id.to_owned(),
        details: json!({
            "total_rows": upload.total_rows,
            "accepted": upload.accepted,
            "rejected": upload.rejected,
            "duplicates": upload.duplicates,
        }),
    };
    context.audit(&filer.audit_name, event);
    upload.status = status::COMPLETED;
    upload.completed_at = Some(now);
    upload.updated_at = now;
    Ok(upload)
}
