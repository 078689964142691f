-- Payout batches and their lines.

CREATE TABLE payout_batches (
    id TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    policy_id TEXT NOT NULL REFERENCES policies (id),
    policy_version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('calculated', 'approved', 'cancelled', 'settled')),
    currency TEXT NOT NULL,
    line_count BIGINT NOT NULL,
    held_count BIGINT NOT NULL,
    -- Exact decimal text: the sum of the grosses that share the payout.
    total_gross TEXT NOT NULL,
    total_payout_minor BIGINT NOT NULL CHECK (total_payout_minor >= 0),
    budget_minor BIGINT,
    budget_binding BOOLEAN NOT NULL,
    factor TEXT,
    rounding TEXT NOT NULL,
    min_payout_minor BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMP,
    cancelled_by TEXT,
    cancelled_at TIMESTAMP,
    settled_at TIMESTAMP,
    CHECK (budget_minor IS NULL OR total_payout_minor <= budget_minor)
);
CREATE INDEX payout_batches_by_incident ON payout_batches (incident_id, id);

CREATE TABLE payout_lines (
    batch_id TEXT NOT NULL REFERENCES payout_batches (id),
    line_no BIGINT NOT NULL,
    claim_id TEXT NOT NULL REFERENCES claims (id),
    claim_reference TEXT NOT NULL,
    rule_index INTEGER NOT NULL,
    -- Exact decimal text, as calculated (10 places at most).
    gross TEXT NOT NULL,
    -- The line's share of a binding budget, exact decimal text.
    share TEXT,
    payout_minor BIGINT NOT NULL CHECK (payout_minor >= 0),
    status TEXT NOT NULL CHECK (status IN ('pending', 'closed_no_payout', 'paid', 'failed', 'cancelled')),
    -- The claim's status before the batch took it, restored on cancel.
    prior_status TEXT NOT NULL,
    -- Whether the line holds its claim (not cancelled, not failed).
    active BOOLEAN NOT NULL,
    -- The calculation's inputs, compact JSON: the trace is recomputed from them.
    facts TEXT NOT NULL,
    bank_reference TEXT,
    failure_reason TEXT,
    settled_at TIMESTAMP,
    PRIMARY KEY (batch_id, line_no),
    UNIQUE (batch_id, claim_id)
);
-- A claim is in at most one active batch, and paid at most once: enforced here, not only in code.
CREATE UNIQUE INDEX payout_lines_one_active_line_per_claim ON payout_lines (claim_id) WHERE active;
CREATE UNIQUE INDEX payout_lines_paid_once_per_claim ON payout_lines (claim_id) WHERE status = 'paid';
