//! The audit chain: every state change is an event, and every event's hash covers the hash of
//! the one before it, so no event can be changed, removed or reordered unnoticed.
//!
//! `hash = sha256(prev_hash || canonical event)`, where `prev_hash` is the previous event's
//! 32-byte hash (32 zero bytes for the first event) and the canonical event is the compact JSON
//! of [`CanonicalEvent`]: fixed key order, `details` embedded as the exact stored JSON text.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::time::Timestamp;

/// Hash of "no previous event", in hex.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an event's hash covers, in the order they are serialized.
#[derive(Debug, Clone, Serialize)]
pub struct CanonicalEvent<'a> {
    pub seq: i64,
    pub id: &'a str,
    pub occurred_at: String,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub details: &'a str,
}

impl CanonicalEvent<'_> {
    pub fn occurred(at: Timestamp) -> String {
        at.to_string()
    }

    /// The hex hash of this event chained onto `prev_hash` (hex).
    pub fn chain_hash(&self, prev_hash: &str) -> String {
        let mut hasher = Sha256::new();
        // A malformed stored prev_hash hashes as its text: verification then fails on it.
        match hex::decode(prev_hash) {
            Ok(bytes) => hasher.update(bytes),
            Err(_) => hasher.update(prev_hash.as_bytes()),
        }
        // Serializing a struct of strings and an integer cannot fail.
        hasher.update(serde_json::to_vec(self).unwrap_or_default());
        hex::encode(hasher.finalize())
    }
}

/// A stored event as read back for verification.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    pub occurred_at: Timestamp,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

impl StoredEvent {
    pub fn canonical(&self) -> CanonicalEvent<'_> {
        CanonicalEvent {
            seq: self.seq,
            id: &self.id,
            occurred_at: CanonicalEvent::occurred(self.occurred_at),
            actor: &self.actor,
            action: &self.action,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            details: &self.details,
        }
    }
}

/// Why the chain is broken at an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Sequence numbers must run 1, 2, 3, ... without gaps.
    Gap { expected_seq: i64 },
    /// `prev_hash` is not the previous event's hash.
    Link,
    /// The stored hash does not match the event's content.
    Content,
}

/// Checks events in sequence order, carrying the state from one page of events to the next.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: i64,
    last_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { next_seq: 1, last_hash: GENESIS_HASH.to_owned() }
    }
}

impl ChainVerifier {
    /// Checks the next event; on success it becomes the new tip.
    pub fn check(&mut self, event: &StoredEvent) -> Result<(), Break> {
        if event.seq != self.next_seq {
            return Err(Break::Gap { expected_seq: self.next_seq });
        }
        if event.prev_hash != self.last_hash {
            return Err(Break::Link);
        }
        if event.canonical().chain_hash(&event.prev_hash) != event.hash {
            return Err(Break::Content);
        }
        self.next_seq += 1;
        self.last_hash.clone_from(&event.hash);
        Ok(())
    }

    /// Number of events checked so far.
    pub fn checked(&self) -> i64 {
        self.next_seq - 1
    }

    pub fn last_hash(&self) -> &str {
        &self.last_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<StoredEvent> {
        let mut prev = GENESIS_HASH.to_owned();
        (1..=n)
            .map(|seq| {
                let mut event = StoredEvent {
                    seq,
                    id: format!("id-{seq}"),
                    occurred_at: Timestamp::parse("2022-10-15T06:30:00Z").unwrap(),
                    actor: "admin:alice".into(),
                    action: "incident.created".into(),
                    entity_type: "incident".into(),
                    entity_id: "x".into(),
                    details: format!("{{\"n\":{seq}}}"),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                event.hash = event.canonical().chain_hash(&prev);
                prev.clone_from(&event.hash);
                event
            })
            .collect()
    }

    fn first_break(events: &[StoredEvent]) -> Option<(i64, Break)> {
        let mut verifier = ChainVerifier::default();
        events.iter().find_map(|e| verifier.check(e).err().map(|b| (e.seq, b)))
    }

    #[test]
    fn a_sound_chain_verifies() {
        assert_eq!(first_break(&chain(5)), None);
    }

    #[test]
    fn tampering_names_the_first_broken_event() {
        let mut events = chain(5);
        events[2].details = "{\"n\":99}".into();
        assert_eq!(first_break(&events), Some((3, Break::Content)));

        let mut events = chain(5);
        events.remove(1);
        assert_eq!(first_break(&events), Some((3, Break::Gap { expected_seq: 2 })));

        let mut events = chain(5);
        events[3].prev_hash = GENESIS_HASH.into();
        assert_eq!(first_break(&events), Some((4, Break::Link)));
    }
}
