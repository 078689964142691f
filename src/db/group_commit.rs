//! Group commit: one writer thread runs the work of many concurrent requests in a single
//! transaction (each request in its own savepoint) and answers each only after that transaction
//! commits. Durable writes then cost one disk flush per batch instead of one per request.
//! Requests of one kind of set work (filings) run together as one set, in one savepoint, so
//! their statements are shared too (see [`GroupCommit::run_in_set`]).
//!
//! Correctness does not depend on it: every rule is still enforced by the database (locks,
//! constraints), so several instances may each run their own writer against one PostgreSQL.

use std::any::{Any, TypeId};
use std::collections::HashMap;
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
    /// Jobs of one kind of set work share a kind and run together ([`Job::run_with`]).
    fn set_kind(&self) -> Option<SetKind> {
        None
    }
    /// Runs this job with `others` of its kind as one set.
    fn run_with(
        self: Box<Self>,
        others: Vec<Box<dyn Job>>,
        conn: &mut DbConnection,
        context: &mut WriteContext,
    ) -> Vec<Box<dyn Pending>> {
        let mut pending = vec![self.run(conn, context)];
        pending.extend(others.into_iter().map(|job| job.run(conn, context)));
        pending
    }
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

/// Work over many requests' items at once, answering each item: what [`GroupCommit::run_in_set`]
/// runs. A failure of the whole set (the `Err`) is a database failure.
pub type SetWork<I, T, E> = fn(&mut DbConnection, &mut WriteContext, Vec<I>) -> Result<Vec<Result<T, E>>, E>;

/// The job type and the work: jobs with equal kinds can be run as one set.
type SetKind = (TypeId, usize);

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

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// One request's item of set work.
struct SetJob<I, T, E> {
    work: SetWork<I, T, E>,
    item: I,
    reply: oneshot::Sender<Result<T, E>>,
}

impl<I, T, E> SetJob<I, T, E>
where
    E: From<CommitFailure> + From<diesel::result::Error>,
{
    /// Runs `items` as one set in a savepoint; `None` when the set failed as a whole.
    fn run_set(
        work: SetWork<I, T, E>,
        items: Vec<I>,
        conn: &mut DbConnection,
        context: &mut WriteContext,
    ) -> Option<Vec<Result<T, E>>> {
        let count = items.len();
        let outcomes = context.savepoint(conn, |conn, context| work(conn, context, items)).ok()?;
        (outcomes.len() == count).then_some(outcomes)
    }

    /// Runs one item alone, in its own savepoint.
    fn run_alone(
        work: SetWork<I, T, E>,
        item: I,
        conn: &mut DbConnection,
        context: &mut WriteContext,
    ) -> Result<T, E> {
        context.savepoint(conn, |conn, context| {
            work(conn, context, vec![item])?
                .pop()
                .unwrap_or_else(|| Err(CommitFailure::Internal("set work gave no answer".into()).into()))
        })
    }
}

impl<I, T, E> Job for SetJob<I, T, E>
where
    I: Clone + Send + 'static,
    T: Send + 'static,
    E: From<CommitFailure> + From<diesel::result::Error> + Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut DbConnection, context: &mut WriteContext) -> Box<dyn Pending> {
        let SetJob { work, item, reply } = *self;
        Box::new(TypedPending { outcome: Self::run_alone(work, item, conn, context), reply })
    }

    fn fail(self: Box<Self>, failure: CommitFailure) {
        let _ = self.reply.send(Err(failure.into()));
    }

    fn set_kind(&self) -> Option<SetKind> {
        Some((TypeId::of::<Self>(), self.work as usize))
    }

    fn run_with(
        self: Box<Self>,
        others: Vec<Box<dyn Job>>,
        conn: &mut DbConnection,
        context: &mut WriteContext,
    ) -> Vec<Box<dyn Pending>> {
        let work = self.work;
        let mut members = vec![*self];
        // Same kind, so the same type: every downcast succeeds.
        members
            .extend(others.into_iter().filter_map(|job| job.into_any().downcast::<Self>().ok().map(|j| *j)));
        let items: Vec<I> = members.iter().map(|m| m.item.clone()).collect();
        match Self::run_set(work, items, conn, context) {
            Some(outcomes) => members
                .into_iter()
                .zip(outcomes)
                .map(|(member, outcome)| {
                    Box::new(TypedPending { outcome, reply: member.reply }) as Box<dyn Pending>
                })
                .collect(),
            // Something in the set failed it as a whole: each alone, so only the one at fault fails.
            None => members.into_iter().map(|member| Box::new(member).run(conn, context)).collect(),
        }
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
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
        self.send(Box::new(TypedJob { work, reply }))?;
        answer.await.map_err(|_| CommitFailure::Internal("a group-commit job was lost".into()))?
    }

    /// Runs `work` over `item` in the next batch transaction, together with the items of every
    /// other request of the same `work` in that batch (one call, one savepoint); answers this
    /// item's outcome once the transaction has committed. When the set fails as a whole, each
    /// item is run again alone, so a request fails only for what it brought itself.
    pub async fn run_in_set<I, T, E>(&self, work: SetWork<I, T, E>, item: I) -> Result<T, E>
    where
        I: Clone + Send + 'static,
        T: Send + 'static,
        E: From<CommitFailure> + From<diesel::result::Error> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.send(Box::new(SetJob { work, item, reply }))?;
        answer.await.map_err(|_| CommitFailure::Internal("a group-commit job was lost".into()))?
    }

    fn send(&self, job: Box<dyn Job>) -> Result<(), CommitFailure> {
        match self.sender.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(CommitFailure::Unavailable),
            Err(TrySendError::Disconnected(_)) => {
                Err(CommitFailure::Internal("the group-commit writer has stopped".into()))
            }
        }
    }
}

/// The jobs of a batch in the order they came, those of one set kind together at the place of
/// the first of them.
fn grouped(jobs: Vec<Box<dyn Job>>) -> Vec<Vec<Box<dyn Job>>> {
    let mut groups: Vec<Vec<Box<dyn Job>>> = Vec::with_capacity(jobs.len());
    let mut place: HashMap<SetKind, usize> = HashMap::new();
    for job in jobs {
        match job.set_kind() {
            Some(kind) => match place.get(&kind) {
                Some(&at) => groups[at].push(job),
                None => {
                    place.insert(kind, groups.len());
                    groups.push(vec![job]);
                }
            },
            None => groups.push(vec![job]),
        }
    }
    groups
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
    let mut queue = grouped(jobs).into_iter();
    for mut group in queue.by_ref() {
        let first = group.remove(0);
        match catch_unwind(AssertUnwindSafe(|| first.run_with(group, conn, &mut context))) {
            Ok(p) => pending.extend(p),
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
        queue.flatten().for_each(|job| job.fail(failure.clone()));
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
