//! Crash points for the resilience tests: `OC_FAIL_POINT=NAME[:N]` makes the process stop
//! still at the N-th time (default the first) it reaches the point `NAME`, after logging
//! `fail point NAME reached`. The test waits for that line and then kills the process with
//! `kill -9`, so "killed just before this commit" happens every run, not by timing.
//!
//! Unset (always, outside those tests) a point costs one relaxed atomic load.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// Where a write may be cut short.
pub mod point {
    /// The group-commit writer, after the group's work and audit events, before its commit.
    pub const GROUP_COMMIT_BEFORE_COMMIT: &str = "group_commit.before_commit";
    /// A payout batch, fully calculated and written, before its commit.
    pub const PAYOUT_BATCH_BEFORE_COMMIT: &str = "payout_batch.before_commit";
}

struct Armed {
    name: String,
    at: u64,
    hits: AtomicU64,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let spec = std::env::var("OC_FAIL_POINT").ok().filter(|s| !s.is_empty())?;
            let (name, at) = match spec.rsplit_once(':') {
                Some((name, n)) => (name.to_owned(), n.parse().unwrap_or(1)),
                None => (spec, 1),
            };
            Some(Armed { name, at: at.max(1), hits: AtomicU64::new(0) })
        })
        .as_ref()
}

/// Reaches the point `name`: stops this thread for good when the point is armed for this hit.
pub fn reach(name: &str) {
    let Some(armed) = armed() else { return };
    if armed.name != name || armed.hits.fetch_add(1, Ordering::Relaxed) + 1 != armed.at {
        return;
    }
    tracing::warn!("fail point {name} reached");
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}
