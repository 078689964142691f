//! The notices outbox: rows queued in the transaction of the change they tell of, claimed by a
//! sender with a lease, and finished (sent, retried later, or given up) by that sender only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{notice_attempts, notices};
use super::DbConnection;
use crate::domain::lang::Lang;
use crate::domain::notice::{NoticeChannel, NoticeKind, NoticeStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    pub id: String,
    pub claim_id: String,
    pub kind: NoticeKind,
    pub channel: NoticeChannel,
    pub recipient: String,
    pub locale: Lang,
    pub details: String,
    pub code: String,
    pub dedupe_key: Option<String>,
    pub status: NoticeStatus,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notices)]
// NULL for `None`, so SQLite takes many rows per statement (see `claims::NewClaim`).
#[diesel(treat_none_as_default_value = false)]
pub struct NewNotice {
    pub id: String,
    pub claim_id: String,
    pub kind: NoticeKind,
    pub channel: NoticeChannel,
    pub recipient: String,
    pub locale: Lang,
    pub details: String,
    pub code: String,
    pub dedupe_key: Option<String>,
    pub status: NoticeStatus,
    pub next_attempt_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = notice_attempts)]
pub struct AttemptRow {
    pub notice_id: String,
    pub attempt: i32,
    pub at: NaiveDateTime,
    pub outcome: NoticeStatus,
    pub error: Option<String>,
}

/// Queues notices. A notice with a `dedupe_key` the claim already has on that channel is left
/// out (the scheduled reminder, queued by whichever instance gets there first).
pub fn queue(conn: &mut DbConnection, rows: &[NewNotice]) -> QueryResult<usize> {
    let mut queued = 0;
    for chunk in rows.chunks(500) {
        queued += crate::on_backend!(&mut *conn, |c| diesel::insert_into(notices::table)
            .values(chunk)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(queued)
}

/// Claims up to `limit` notices that are due and held by no one, until `lease_until`: each
/// attempt is counted now, and only the sender holding that attempt may finish it. On
/// PostgreSQL the rows are locked with `SKIP LOCKED`, so two instances claiming at once take
/// different notices; SQLite has one writer.
pub fn claim_due(
    conn: &mut DbConnection,
    channels: &[NoticeChannel],
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<NoticeRow>> {
    conn.transaction(|conn| {
        let due = notices::table
            .select(notices::id)
            .filter(notices::status.eq(NoticeStatus::Pending))
            .filter(notices::channel.eq_any(channels))
            .filter(notices::next_attempt_at.le(now))
            .filter(notices::locked_until.is_null().or(notices::locked_until.lt(now)))
            .order(notices::next_attempt_at.asc())
            .limit(limit);
        let ids: Vec<String> = match conn {
            DbConnection::Postgres(c) => due.for_update().skip_locked().load(c)?,
            DbConnection::Sqlite(c) => due.load(c)?,
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        diesel::update(notices::table.filter(notices::id.eq_any(&ids)))
            .set((notices::locked_until.eq(lease_until), notices::attempts.eq(notices::attempts + 1)))
            .execute(conn)?;
        notices::table
            .filter(notices::id.eq_any(&ids))
            .order(notices::next_attempt_at.asc())
            .select(NoticeRow::as_select())
            .load(conn)
    })
}

/// How an attempt ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Sent,
    /// Tried again at `retry_at`, or given up when that is `None`.
    Failed {
        error: String,
        retry_at: Option<NaiveDateTime>,
    },
}

/// Finishes the attempt `attempt` of a claimed notice and records it; returns whether it was
/// still this sender's to finish (a sender whose lease ran out and was overtaken finishes
/// nothing).
pub fn finish(
    conn: &mut DbConnection,
    notice_id: &str,
    attempt: i32,
    outcome: &Outcome,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let target = notices::table
            .find(notice_id)
            .filter(notices::status.eq(NoticeStatus::Pending))
            .filter(notices::attempts.eq(attempt));
        let (updated, status, error) = match outcome {
            Outcome::Sent => {
                let updated = diesel::update(target)
                    .set((
                        notices::status.eq(NoticeStatus::Sent),
                        notices::sent_at.eq(now),
                        notices::locked_until.eq(None::<NaiveDateTime>),
                        notices::last_error.eq(None::<String>),
                    ))
                    .execute(conn)?;
                (updated, NoticeStatus::Sent, None)
            }
            Outcome::Failed { error, retry_at } => {
                let updated = diesel::update(target)
                    .set((
                        notices::status.eq(if retry_at.is_some() {
                            NoticeStatus::Pending
                        } else {
                            NoticeStatus::Failed
                        }),
                        notices::next_attempt_at.eq(retry_at.unwrap_or(now)),
                        notices::locked_until.eq(None::<NaiveDateTime>),
                        notices::last_error.eq(error),
                    ))
                    .execute(conn)?;
                (updated, NoticeStatus::Failed, Some(error.clone()))
            }
        };
        if updated == 1 {
            let row =
                AttemptRow { notice_id: notice_id.to_owned(), attempt, at: now, outcome: status, error };
            diesel::insert_into(notice_attempts::table).values(&row).execute(conn)?;
        }
        Ok(updated == 1)
    })
}

/// A claim's notices, oldest first, with their attempts.
pub fn of_claim(conn: &mut DbConnection, claim_id: &str) -> QueryResult<Vec<(NoticeRow, Vec<AttemptRow>)>> {
    let rows: Vec<NoticeRow> = notices::table
        .filter(notices::claim_id.eq(claim_id))
        .order((notices::created_at.asc(), notices::id.asc()))
        .select(NoticeRow::as_select())
        .limit(1000)
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let attempts: Vec<AttemptRow> = notice_attempts::table
        .filter(notice_attempts::notice_id.eq_any(&ids))
        .order((notice_attempts::notice_id.asc(), notice_attempts::attempt.asc()))
        .select(AttemptRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mine = attempts.iter().filter(|a| a.notice_id == row.id).cloned().collect();
            (row, mine)
        })
        .collect())
}

/// The notice of this claim with this verification code, if there is one.
pub fn with_code(conn: &mut DbConnection, claim_id: &str, code: &str) -> QueryResult<Option<NoticeRow>> {
    notices::table
        .filter(notices::code.eq(code))
        .filter(notices::claim_id.eq(claim_id))
        .select(NoticeRow::as_select())
        .first(conn)
        .optional()
}
