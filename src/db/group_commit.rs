//! Group commit: one writer thread runs the work of many concurrent requests in a single
//! transaction (each request in its own savepoint) and answers each only after that transaction
//! commits. Durable writes then cost one disk flush per batch instead of one per request.
//!
//! Correctness does not depend on it: every rule is still enforced by the database (locks,
//! constraints), so several instances may each run their own writer against one PostgreSQL.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};

use tokio::sync::oneshot;

use super::context::WriteContext;
use super::{DbConnection, Pool, PooledConnection};

/// Most requests one transaction takes.
const MAX_BATCH: usize = 512;
/// Requests waiting beyond this are refused with 503 rather than queued without bound.
const QUEUE: usize = 20_000;

/// Why a whole batch failed to commit; each caller's error type says how it answers that.
#[derive(Debug, Clone)]
pub enum CommitFailure {
    /// The database could not be reached (or was lost): retry shortly.
    Unavailable,
    Internal(String),
}

fn classify(error: &diesel::result::Error) -> CommitFailure {
    use diesel::result::{DatabaseErrorKind as Kind, Error};
    match error {
        Error::DatabaseError(Kind::ClosedConnection | Kind::UnableToSendCommand, _) => {
            CommitFailure::Unavailable
        }
        _ => CommitFailure::Internal(format!("group commit: {error}")),
    }
}

trait Job: Send {
    /// Runs inside the batch transaction; the answer waits for the commit.
    fn run(self: Box<Self>, conn: &mut DbConnection, context: &mut WriteContext) -> Box<dyn Pending>;
    /// The batch could not start: answer at once.
    fn fail(self: Box<Self>, failure: CommitFailure);
}

trait Pending: Send {
    fn finish(self: Box<Self>, committed: Result<(), CommitFailure>);
}

struct TypedJob<T, E, F> {
    work: F,
    reply: oneshot::Sender<Result<T, E>>,
}

struct TypedPending<T, E> {
    outcome: Result<T, E>,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<T, E, F> Job for TypedJob<T, E, F>
where
    T: Send + 'static,
    E: From<CommitFailure> + From<diesel::result::Error> + Send + 'static,
    F: FnOnce(&mut DbConnection, &mut WriteContext) -> Result<T, E> + Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut DbConnection, context: &mut WriteContext) -> Box<dyn Pending> {
        let TypedJob { work, reply } = *self;
        // A failing request undoes only its own work, and its audit events are dropped with it.
        let outcome = context.savepoint(conn, work);
        Box::new(TypedPending { outcome, reply })
    }

    fn fail(self: Box<Self>, failure: CommitFailure) {
        let _ = self.reply.send(Err(failure.into()));
    }
}

impl<T: Send, E: From<CommitFailure> + Send> Pending for TypedPending<T, E> {
    fn finish(self: Box<Self>, committed: Result<(), CommitFailure>) {
        let answer = match (committed, self.outcome) {
            (Ok(()), outcome) => outcome,
            // The request failed on its own: its own error is the more useful answer.
            (Err(_), Err(own)) => Err(own),
            (Err(failure), Ok(_)) => Err(failure.into()),
        };
        // The caller may have gone away (client disconnect): nothing to tell then.
        let _ = self.reply.send(answer);
    }
}

/// Handle to the writer thread.
#[derive(Clone)]
pub struct GroupCommit {
    sender: SyncSender<Box<dyn Job>>,
}

impl GroupCommit {
    /// Starts the writer thread; it stops when every handle is dropped.
    pub fn start(pool: Pool) -> std::io::Result<GroupCommit> {
        let (sender, receiver) = sync_channel(QUEUE);
        std::thread::Builder::new().name("group-commit".into()).spawn(move || writer(pool, receiver))?;
        Ok(GroupCommit { sender })
    }

    /// Runs `work` in the next batch transaction; answers once that transaction has committed.
    /// The context's memo lives for the batch, and its audit events are appended before commit.
    pub async fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<CommitFailure> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut DbConnection, &mut WriteContext) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        match self.sender.try_send(Box::new(TypedJob { work, reply })) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(CommitFailure::Unavailable.into()),
            Err(TrySendError::Disconnected(_)) => {
                return Err(CommitFailure::Internal("the group-commit writer has stopped".into()).into())
            }
        }
        answer.await.map_err(|_| CommitFailure::Internal("a group-commit job was lost".into()))?
    }
}

fn writer(pool: Pool, receiver: Receiver<Box<dyn Job>>) {
    let mut conn: Option<PooledConnection> = None;
    while let Ok(first) = receiver.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        if conn.is_none() {
            conn = pool.get().ok();
        }
        let Some(connection) = conn.as_mut() else {
            jobs.into_iter().for_each(|job| job.fail(CommitFailure::Unavailable));
            continue;
        };
        if !run_batch(connection, jobs) {
            // Start over with a fresh connection after a failed or broken batch.
            conn = None;
        }
    }
}

/// Runs one batch; `false` when the connection should not be used again.
fn run_batch(conn: &mut DbConnection, jobs: Vec<Box<dyn Job>>) -> bool {
    if let Err(error) = super::begin_write(conn) {
        let failure = classify(&error);
        jobs.into_iter().for_each(|job| job.fail(failure.clone()));
        return false;
    }
    let mut pending = Vec::with_capacity(jobs.len());
    let mut panicked = false;
    let mut context = WriteContext::never_waiting();
    let mut queue = jobs.into_iter();
    for job in queue.by_ref() {
        match catch_unwind(AssertUnwindSafe(|| job.run(conn, &mut context))) {
            Ok(p) => pending.push(p),
            // Its reply sender is dropped with it: that caller gets a 500.
            Err(_) => {
                tracing::error!("a group-commit job panicked; the batch is rolled back");
                panicked = true;
                break;
            }
        }
    }
    let committed = if panicked {
        let failure = CommitFailure::Internal("a request in the same batch failed unexpectedly".into());
        queue.for_each(|job| job.fail(failure.clone()));
        let _ = super::rollback(conn);
        Err(CommitFailure::Internal("a request in the same batch failed unexpectedly".into()))
    } else {
        context
            .flush(conn)
            .map(|()| crate::failpoint::reach(crate::failpoint::point::GROUP_COMMIT_BEFORE_COMMIT))
            .and_then(|()| super::commit(conn))
            .map_err(|error| {
                tracing::error!(%error, "group commit failed");
                let _ = super::rollback(conn);
                classify(&error)
            })
    };
    let healthy = committed.is_ok();
    pending.into_iter().for_each(|p| p.finish(committed.clone()));
    healthy
}
