//! `Idempotency-Key` with the semantics payment APIs use: the same key and body replay the first
//! answer; the same key with another body is 422; concurrent requests with one key execute once
//! (they are serialized on the key); keys are scoped to the caller and kept at least 24 hours.

use chrono::Duration;
use sha2::{Digest, Sha256};

use crate::db::idempotency::{self, IdempotencyRow};
use crate::db::{self, DbConnection};
use crate::domain::time::Timestamp;
use crate::usecases::Error;

/// How long answers are kept for replay (the promise is 24 hours; the margin covers clock skew
/// and retries that span a day).
pub const RETENTION_HOURS: i64 = 48;

pub const HEADER: &str = "Idempotency-Key";

/// What a key may be, as the OpenAPI document publishes it.
pub const KEY_PATTERN: &str = "^[!-~]{1,255}$";

/// A validated key: 1 to 255 visible ASCII characters ([`KEY_PATTERN`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(text: &str) -> Result<IdempotencyKey, Error> {
        let valid = !text.is_empty() && text.len() <= 255 && text.bytes().all(|b| b.is_ascii_graphic());
        if valid {
            Ok(IdempotencyKey(text.to_owned()))
        } else {
            Err(Error::field(HEADER, "invalid_idempotency_key", "must be 1 to 255 visible ASCII characters"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What identifies "the same request": the operation and its parsed body.
pub fn request_hash(operation: &str, body: &impl serde::Serialize) -> String {
    let mut hasher = Sha256::new();
    hasher.update(operation.as_bytes());
    hasher.update([0]);
    hasher.update(serde_json::to_vec(body).unwrap_or_default());
    hex::encode(hasher.finalize())
}

/// An answer, fresh or replayed.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
    pub replayed: bool,
}

/// The lock under which one caller's requests with one key run one at a time. A caller that
/// must never wait (the group-commit writer) takes it first with `WriteContext::lock`.
pub fn lock_name(scope: &str, key: &IdempotencyKey) -> String {
    format!("idempotency:{scope}:{}", key.as_str())
}

/// Replays the stored answer for `(scope, key)`, or runs `run` and stores its answer, all in
/// the caller's transaction. Errors are not stored: a retry of a failed request runs again.
pub fn replay_or_run(
    conn: &mut DbConnection,
    scope: &str,
    key: Option<&IdempotencyKey>,
    request_hash: &str,
    run: impl FnOnce(&mut DbConnection) -> Result<(u16, serde_json::Value), Error>,
) -> Result<Answer, Error> {
    let Some(key) = key else {
        let (status, body) = run(conn)?;
        return Ok(Answer { status, body, replayed: false });
    };
    db::lock_key(conn, &lock_name(scope, key))?;
    if let Some(stored) = idempotency::find(conn, scope, key.as_str())? {
        if stored.request_hash != request_hash {
            return Err(Error::field(
                HEADER,
                "idempotency_key_reused",
                "this key was already used with a different request",
            ));
        }
        let body = serde_json::from_str(&stored.response).map_err(|e| Error::Internal(e.into()))?;
        return Ok(Answer { status: u16::try_from(stored.status_code).unwrap_or(200), body, replayed: true });
    }
    let (status, body) = run(conn)?;
    idempotency::insert(
        conn,
        &IdempotencyRow {
            scope: scope.to_owned(),
            idem_key: key.as_str().to_owned(),
            request_hash: request_hash.to_owned(),
            status_code: i32::from(status),
            response: body.to_string(),
            created_at: Timestamp::now().to_db(),
        },
    )?;
    Ok(Answer { status, body, replayed: false })
}

/// Forgets answers past their retention.
pub fn purge_expired(conn: &mut DbConnection) -> Result<usize, Error> {
    let cutoff = Timestamp::from_utc(Timestamp::now().as_utc() - Duration::hours(RETENTION_HOURS));
    Ok(idempotency::purge_before(conn, cutoff.to_db())?)
}
