//! What a write transaction carries besides its connection: read-only lookups memoized for the
//! transaction (incident, windows, policy: many filings in one group commit read the same), and
//! audit events collected to be appended in one go just before commit.

use std::any::Any;
use std::collections::HashMap;

use super::audit::{self, NewEvent};
use super::DbConnection;

#[derive(Default)]
pub struct WriteContext {
    memo: HashMap<String, Box<dyn Any + Send>>,
    events: Vec<(String, NewEvent)>,
    /// Whether this transaction may wait for a lock another transaction holds (see
    /// [`WriteContext::never_waiting`]).
    never_wait: bool,
}

impl WriteContext {
    /// A context for a transaction that must never wait for a lock: the group-commit writer's,
    /// which holds the locks of many requests at once. A lock that is taken answers the
    /// request "busy" instead, and the request is retried in a later group.
    pub fn never_waiting() -> WriteContext {
        WriteContext { never_wait: true, ..WriteContext::default() }
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

    /// The value stored under `key` in this transaction, loading it the first time. Only for
    /// data the transaction itself does not change.
    pub fn memo<T, E>(&mut self, key: String, load: impl FnOnce() -> Result<T, E>) -> Result<T, E>
    where
        T: Clone + Send + 'static,
    {
        if let Some(value) = self.memo.get(&key).and_then(|v| v.downcast_ref::<T>()) {
            return Ok(value.clone());
        }
        let value = load()?;
        self.memo.insert(key, Box::new(value.clone()));
        Ok(value)
    }

    /// Records an event, appended to the chain by [`WriteContext::flush`].
    pub fn audit(&mut self, actor: &str, event: NewEvent) {
        self.events.push((actor.to_owned(), event));
    }

    /// A mark to roll back to when a piece of work fails (its savepoint is undone).
    pub fn mark(&self) -> usize {
        self.events.len()
    }

    pub fn rollback_to(&mut self, mark: usize) {
        self.events.truncate(mark);
    }

    /// Appends every recorded event to the audit chain (in the transaction, before commit).
    pub fn flush(&mut self, conn: &mut DbConnection) -> diesel::QueryResult<()> {
        let events = std::mem::take(&mut self.events);
        audit::append_all(conn, &events)
    }
}
