-- Notices to claimants (docs/contract.md, notices): a transactional outbox. A state change the
-- claimant should know of writes its notice in its own transaction; a sender delivers it
-- later, at least once, retrying with back-off, and leases each row so that several instances
-- never send one notice at the same time.

-- The language the claimant reads (the form's, or the filer's Accept-Language).
ALTER TABLE claims ADD COLUMN locale TEXT NOT NULL DEFAULT 'ko' CHECK (locale IN ('ko', 'en'));

CREATE TABLE notices (
    id TEXT PRIMARY KEY NOT NULL,
    claim_id TEXT NOT NULL REFERENCES claims (id),
    -- receipt, documents_requested, reminder, documents_received, decision, paid,
    -- payment_failed, status_link
    kind TEXT NOT NULL,
    -- email or webhook
    channel TEXT NOT NULL,
    -- The address or phone number it goes to, as it was when the notice was queued.
    recipient TEXT NOT NULL,
    locale TEXT NOT NULL,
    -- What the text needs besides the claim: amounts, deadlines, reasons (JSON). The text is
    -- written at sending, so no status link (a bearer token) is ever stored.
    details TEXT NOT NULL,
    -- Shown in the notice; `/status` confirms that a notice with this code came from us.
    code TEXT NOT NULL,
    -- A notice that must exist once per claim, whoever queues it (a reminder per deadline).
    dedupe_key TEXT,
    -- pending, sent, or failed (given up)
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- Held by one sender until then (a sender that died lets go by itself).
    locked_until TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    UNIQUE (claim_id, channel, dedupe_key)
);
CREATE INDEX notices_due ON notices (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notices_by_claim ON notices (claim_id, created_at);
CREATE INDEX notices_by_code ON notices (code);

CREATE TABLE notice_attempts (
    notice_id TEXT NOT NULL REFERENCES notices (id),
    attempt INTEGER NOT NULL,
    at TIMESTAMP NOT NULL,
    -- sent or failed
    outcome TEXT NOT NULL,
    error TEXT,
    PRIMARY KEY (notice_id, attempt)
);

-- The deadline jobs (reminders, cure expiry) look only at deficient claims by deadline.
CREATE INDEX claims_cure_deadlines ON claims (cure_deadline) WHERE status = 'deficient';
