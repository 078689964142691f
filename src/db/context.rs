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
}

impl WriteContext {
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
