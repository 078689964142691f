-- Foundation: incidents, outage windows, policies and the audit chain.
-- Portable types: ids as text (UUIDv7), instants as UTC TIMESTAMP, money as BIGINT minor units.

CREATE TABLE incidents (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    currency TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    claims_open_at TIMESTAMP NOT NULL,
    claims_close_at TIMESTAMP NOT NULL,
    review_threshold_minor BIGINT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (ended_at IS NULL OR started_at < ended_at),
    CHECK (claims_open_at < claims_close_at),
    CHECK (review_threshold_minor IS NULL OR review_threshold_minor >= 0)
);

CREATE TABLE outage_windows (
    id TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    service TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('major_outage', 'partial_outage', 'degraded_performance')),
    started_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (started_at < ended_at)
);
CREATE INDEX outage_windows_by_service ON outage_windows (incident_id, service, started_at);

CREATE TABLE policies (
    id TEXT PRIMARY KEY NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    version INTEGER NOT NULL CHECK (version > 0),
    currency TEXT NOT NULL,
    document TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (incident_id, version)
);

CREATE TABLE audit_events (
    seq BIGINT PRIMARY KEY NOT NULL,
    id TEXT NOT NULL UNIQUE,
    occurred_at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    details TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_events_by_entity ON audit_events (entity_type, entity_id);

-- The tip of the chain: one row, updated by every append, which serializes appenders across
-- every instance that shares the database.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
