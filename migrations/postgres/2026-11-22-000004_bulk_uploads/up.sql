-- Partner bulk uploads (SPEC section 4): one row per upload, found again by its idempotency key
-- so a retried request resumes or replays it, and the rows each upload rejected.

CREATE TABLE bulk_uploads (
    id TEXT PRIMARY KEY NOT NULL,
    -- Whose keys these are (`partner:<org>`): one key names one upload of one partner, for good.
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    -- sha256 of the request (incident, media type, raw body): a retry must send the same bytes.
    request_hash TEXT NOT NULL,
    -- The partner organisation that owns the upload and its claims.
    owner TEXT NOT NULL,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    format TEXT NOT NULL CHECK (format IN ('csv', 'json')),
    status TEXT NOT NULL CHECK (status IN ('processing', 'completed')),
    total_rows BIGINT NOT NULL CHECK (total_rows >= 0),
    -- The first data row not yet processed (rows are numbered from 1). Advanced in the same
    -- transaction as the claims and errors of each chunk, so a resumed upload never files a row
    -- twice.
    next_row BIGINT NOT NULL CHECK (next_row >= 1),
    accepted BIGINT NOT NULL CHECK (accepted >= 0),
    rejected BIGINT NOT NULL CHECK (rejected >= 0),
    duplicates BIGINT NOT NULL CHECK (duplicates >= 0),
    -- Errors stored so far; the next error gets this as its sequence number.
    error_count BIGINT NOT NULL CHECK (error_count >= 0),
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    completed_at TIMESTAMP,
    CHECK (accepted + rejected + duplicates <= total_rows),
    UNIQUE (scope, idem_key)
);
CREATE INDEX bulk_uploads_by_owner ON bulk_uploads (owner, id);

-- Why each rejected or duplicate row was not filed: one line per field problem.
CREATE TABLE bulk_upload_errors (
    upload_id TEXT NOT NULL REFERENCES bulk_uploads (id),
    seq BIGINT NOT NULL,
    row_no BIGINT NOT NULL,
    field TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (upload_id, seq)
);
