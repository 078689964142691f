//! The audit chain in the database: appends under the `audit_head` row lock (on behalf of a
//! transaction's [`WriteContext`](super::context::WriteContext)), reads, verification.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{audit_events, audit_head};
use super::DbConnection;
use crate::domain::audit::{Break, CanonicalEvent, ChainVerifier, StoredEvent};
use crate::domain::time::Timestamp;

/// One state change to record.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub details: serde_json::Value,
}

#[derive(Insertable)]
#[diesel(table_name = audit_events)]
struct NewAuditRow<'a> {
    seq: i64,
    id: String,
    occurred_at: NaiveDateTime,
    actor: &'a str,
    action: &'a str,
    entity_type: &'a str,
    entity_id: &'a str,
    details: String,
    prev_hash: String,
    hash: String,
}

type AuditRow = (i64, String, NaiveDateTime, String, String, String, String, String, String, String);

const COLUMNS: (
    audit_events::seq,
    audit_events::id,
    audit_events::occurred_at,
    audit_events::actor,
    audit_events::action,
    audit_events::entity_type,
    audit_events::entity_id,
    audit_events::details,
    audit_events::prev_hash,
    audit_events::hash,
) = (
    audit_events::seq,
    audit_events::id,
    audit_events::occurred_at,
    audit_events::actor,
    audit_events::action,
    audit_events::entity_type,
    audit_events::entity_id,
    audit_events::details,
    audit_events::prev_hash,
    audit_events::hash,
);

fn stored(
    (seq, id, at, actor, action, entity_type, entity_id, details, prev_hash, hash): AuditRow,
) -> StoredEvent {
    StoredEvent {
        seq,
        id,
        occurred_at: Timestamp::from_db(at),
        actor,
        action,
        entity_type,
        entity_id,
        details,
        prev_hash,
        hash,
    }
}

/// Appends events of one or more actors, in order, to the chain inside the caller's
/// transaction. The `UPDATE` of the single `audit_head` row reserves the sequence numbers and
/// holds that row's lock until commit, so concurrent appenders (threads or instances) form one
/// chain. Only [`WriteContext`](super::context::WriteContext) calls it, just before commit: use
/// cases record events on their context, never here.
pub(super) fn append(conn: &mut DbConnection, events: &[(String, NewEvent)]) -> QueryResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let count = i64::try_from(events.len()).unwrap_or(i64::MAX);
    let (end_seq, mut prev_hash): (i64, String) = diesel::update(audit_head::table)
        .filter(audit_head::id.eq(1))
        .set(audit_head::last_seq.eq(audit_head::last_seq + count))
        .returning((audit_head::last_seq, audit_head::last_hash))
        .get_result(conn)?;
    let occurred_at = Timestamp::now();
    let mut rows = Vec::with_capacity(events.len());
    for (offset, (actor, event)) in (1..).zip(events) {
        let seq = end_seq - count + offset;
        let id = uuid::Uuid::now_v7().to_string();
        let details = event.details.to_string();
        let hash = CanonicalEvent {
            seq,
            id: &id,
            occurred_at: CanonicalEvent::occurred(occurred_at),
            actor: actor.as_str(),
            action: event.action,
            entity_type: event.entity_type,
            entity_id: &event.entity_id,
            details: &details,
        }
        .chain_hash(&prev_hash);
        rows.push(NewAuditRow {
            seq,
            id,
            occurred_at: occurred_at.to_db(),
            actor: actor.as_str(),
            action: event.action,
            entity_type: event.entity_type,
            entity_id: &event.entity_id,
            details,
            prev_hash: std::mem::replace(&mut prev_hash, hash.clone()),
            hash,
        });
    }
    for chunk in rows.chunks(500) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(audit_events::table)
            .values(chunk)
            .execute(c))?;
    }
    diesel::update(audit_head::table)
        .filter(audit_head::id.eq(1))
        .set(audit_head::last_hash.eq(prev_hash))
        .execute(conn)?;
    Ok(())
}

/// Filters of `GET /audit-events`.
#[derive(Debug, Default, Clone)]
pub struct EventFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
}

/// A page of events after sequence number `after`, oldest first.
pub fn list(
    conn: &mut DbConnection,
    filter: &EventFilter,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<StoredEvent>> {
    let mut query = audit_events::table.select(COLUMNS).filter(audit_events::seq.gt(after)).into_boxed();
    if let Some(entity_type) = &filter.entity_type {
        query = query.filter(audit_events::entity_type.eq(entity_type.clone()));
    }
    if let Some(entity_id) = &filter.entity_id {
        query = query.filter(audit_events::entity_id.eq(entity_id.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_events::action.eq(action.clone()));
    }
    let rows: Vec<AuditRow> = query.order(audit_events::seq.asc()).limit(limit).load(conn)?;
    Ok(rows.into_iter().map(stored).collect())
}

/// Outcome of [`verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Sound {
        events: i64,
    },
    Broken {
        seq: i64,
        id: String,
        reason: Break,
    },
    /// The chain is sound but the head row does not point at its last event.
    HeadMismatch {
        events: i64,
    },
}

/// Walks the whole chain in pages, naming the first broken event. The head is read first and
/// the walk stops at its event: on a live database, events appended while the walk runs are
/// after it (the head and its events commit together), so they neither fail the check nor hide
/// a chain cut short.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Verdict> {
    const PAGE: i64 = 10_000;
    let (last_seq, last_hash): (i64, String) =
        audit_head::table.select((audit_head::last_seq, audit_head::last_hash)).first(conn)?;
    let mut verifier = ChainVerifier::default();
    loop {
        let rows: Vec<AuditRow> = audit_events::table
            .select(COLUMNS)
            .filter(audit_events::seq.gt(verifier.checked()))
            .filter(audit_events::seq.le(last_seq))
            .order(audit_events::seq.asc())
            .limit(PAGE)
            .load(conn)?;
        let done = rows.len() < PAGE as usize;
        for event in rows.into_iter().map(stored) {
            if let Err(reason) = verifier.check(&event) {
                return Ok(Verdict::Broken { seq: event.seq, id: event.id, reason });
            }
        }
        if done {
            break;
        }
    }
    // Events beyond the head are later appends, unless the head still has not moved after they
    // were seen (an append commits its events and the head together): then they were added
    // around the chain's head, not through it.
    let beyond: Option<i64> = audit_events::table
        .select(audit_events::seq)
        .filter(audit_events::seq.gt(last_seq))
        .order(audit_events::seq.asc())
        .limit(1)
        .first(conn)
        .optional()?;
    let head_now: i64 = audit_head::table.select(audit_head::last_seq).first(conn)?;
    if beyond.is_some() && head_now == last_seq {
        return Ok(Verdict::HeadMismatch { events: verifier.checked() });
    }
    if last_seq != verifier.checked() || last_hash != verifier.last_hash() {
        return Ok(Verdict::HeadMismatch { events: verifier.checked() });
    }
    Ok(Verdict::Sound { events: verifier.checked() })
}
