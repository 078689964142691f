//! What a write transaction carries besides its connection: read-only lookups memoized for the
//! transaction (incident, windows, policy: many filings in one group commit read the same), and
//! audit events collected to be appended in one go just before commit.
//!
//! Only the transaction helpers of this module's parent make one ([`super::write_tx_with_context`]
//! and the group-commit writer), and they flush it before every commit: work handed a context
//! cannot commit without its audit events. Recording an event on the context is the only way to
//! append to the chain.

use std::any::{Any, TypeId};
use std::collections::HashMap;

use diesel::Connection;

use super::audit::{self, NewEvent};
use super::DbConnection;

/// A memoized value is found by its type and a key, so two use cases that pick the same key for
/// different types never read each other's value. Storage stays `dyn Any` because the values
/// are use-case types (`db` must not name them); the `TypeId` in the key makes every downcast
/// succeed.
type MemoKey = (TypeId, String);

pub struct WriteContext {
    memo: HashMap<MemoKey, Box<dyn Any + Send>>,
    events: Vec<(String, NewEvent)>,
    /// Whether this transaction may wait for a lock another transaction holds (see
    /// [`WriteContext::never_waiting`]).
    never_wait: bool,
}

impl WriteContext {
    /// A context for a transaction that must never wait for a lock: the group-commit writer's,
    /// which holds the locks of many requests at once. A lock that is taken answers the
    /// request "busy" instead, and the request is retried in a later group.
    pub(super) fn never_waiting() -> WriteContext {
        WriteContext { never_wait: true, ..WriteContext::waiting() }
    }

    /// A context for an ordinary write transaction, which may wait for locks.
    pub(super) fn waiting() -> WriteContext {
        WriteContext { memo: HashMap::new(), events: Vec::new(), never_wait: false }
    }

    /// Takes `key` for the rest of the transaction; `false` only for a never-waiting context
    /// whose key another transaction holds.
    pub fn lock(&self, conn: &mut DbConnection, key: &str) -> diesel::QueryResult<bool> {
        if self.never_wait {
            super::try_lock_key(conn, key)
        } else {
            super::lock_key(conn, key).map(|()| true)
        }
    }

    /// Takes every key of `keys` (see [`WriteContext::lock`]); for each, whether it was taken.
    /// A waiting context takes them all at once, in one global order.
    pub fn lock_all(&self, conn: &mut DbConnection, keys: &[&str]) -> diesel::QueryResult<Vec<bool>> {
        if self.never_wait {
            super::try_lock_keys(conn, keys)
        } else {
            super::lock_keys(conn, keys).map(|()| vec![true; keys.len()])
        }
    }

    /// The value stored under `key` in this transaction, loading it the first time. Only for
    /// data the transaction itself does not change.
    pub fn memo<T, E>(&mut self, key: String, load: impl FnOnce() -> Result<T, E>) -> Result<T, E>
    where
        T: Clone + Send + 'static,
    {
        let key = (TypeId::of::<T>(), key);
        if let Some(value) = self.memo.get(&key).and_then(|v| v.downcast_ref::<T>()) {
            return Ok(value.clone());
        }
        let value = load()?;
        self.memo.insert(key, Box::new(value.clone()));
        Ok(value)
    }

    /// Records an event, appended to the chain just before the transaction commits.
    pub fn audit(&mut self, actor: &str, event: NewEvent) {
        self.events.push((actor.to_owned(), event));
    }

    /// Runs `work` in a savepoint: when it fails, both its writes and its audit events are
    /// undone, and the transaction goes on.
    pub fn savepoint<T, E>(
        &mut self,
        conn: &mut DbConnection,
        work: impl FnOnce(&mut DbConnection, &mut WriteContext) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<diesel::result::Error>,
    {
        let mark = self.events.len();
        let outcome = conn.transaction(|conn| work(conn, self));
        if outcome.is_err() {
            self.events.truncate(mark);
        }
        outcome
    }

    /// Appends every recorded event to the audit chain (in the transaction, before commit).
    pub(super) fn flush(&mut self, conn: &mut DbConnection) -> diesel::QueryResult<()> {
        let events = std::mem::take(&mut self.events);
        audit::append(conn, &events)
    }
}
