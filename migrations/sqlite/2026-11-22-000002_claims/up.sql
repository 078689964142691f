-- Claims, their verification against outage windows, idempotency keys and counters.

CREATE TABLE claims (
    id TEXT PRIMARY KEY NOT NULL,
    reference TEXT NOT NULL UNIQUE,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    service TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('verified', 'needs_review', 'deficient', 'approved', 'rejected',
        'withdrawn', 'in_batch', 'paid', 'payout_failed', 'closed_no_payout')),
    status_reason TEXT,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'api', 'bulk')),
    -- Who may read the claim: a claimant's sub, a partner's org, or nobody but staff and the
    -- holder of the status token (public filings).
    owner_kind TEXT NOT NULL CHECK (owner_kind IN ('claimant', 'partner', 'public')),
    owner TEXT NOT NULL,
    claimant_kind TEXT NOT NULL CHECK (claimant_kind IN ('business', 'individual')),
    claimant_name TEXT NOT NULL,
    claimant_brn TEXT,
    claimant_email TEXT NOT NULL,
    claimant_phone TEXT,
    identity_key TEXT NOT NULL,
    loss_started_at TIMESTAMP NOT NULL,
    loss_ended_at TIMESTAMP NOT NULL,
    currency TEXT NOT NULL,
    claimed_minor BIGINT NOT NULL CHECK (claimed_minor > 0),
    baseline_revenue_minor BIGINT,
    outage_revenue_minor BIGINT,
    monthly_fee_minor BIGINT,
    bank_code TEXT NOT NULL,
    account_number TEXT NOT NULL,
    account_holder TEXT NOT NULL,
    description TEXT,
    external_ref TEXT,
    outage_seconds BIGINT NOT NULL,
    approved_minor BIGINT,
    cure_deadline TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (loss_started_at < loss_ended_at),
    UNIQUE (owner_kind, owner, external_ref)
);
CREATE INDEX claims_by_identity ON claims (incident_id, service, identity_key);
CREATE INDEX claims_by_owner ON claims (owner_kind, owner, id);
CREATE INDEX claims_by_incident_status ON claims (incident_id, status, id);

-- The overlap of each claim with each outage window, as verified at filing: a batch weighs
-- these with its policy's severity weights.
CREATE TABLE claim_windows (
    claim_id TEXT NOT NULL REFERENCES claims (id),
    window_id TEXT NOT NULL REFERENCES outage_windows (id),
    severity TEXT NOT NULL,
    overlap_seconds BIGINT NOT NULL CHECK (overlap_seconds > 0),
    PRIMARY KEY (claim_id, window_id)
);

-- Answers to requests sent with an Idempotency-Key, replayed for the same caller and body.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Named counters (claim references); updated under their row lock.
CREATE TABLE counters (
    name TEXT PRIMARY KEY NOT NULL,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('claim_reference', 0);
