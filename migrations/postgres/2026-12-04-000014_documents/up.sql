-- Evidence documents (docs/contract.md, documents): receipts, sales records and photos sent by
-- a claim's owner, kept in the database with their SHA-256 so that backups and restores carry
-- them, and reviewed by finance.
CREATE TABLE claim_documents (
    id TEXT PRIMARY KEY NOT NULL,
    claim_id TEXT NOT NULL REFERENCES claims (id),
    -- As the sender named it, cleaned of paths and control characters.
    filename TEXT NOT NULL,
    -- Decided from the first bytes: application/pdf, image/jpeg or image/png.
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL CHECK (size > 0),
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    -- received, accepted or rejected
    status TEXT NOT NULL,
    reason TEXT,
    uploaded_by TEXT NOT NULL,
    uploaded_at TIMESTAMP NOT NULL,
    reviewed_by TEXT,
    reviewed_at TIMESTAMP
);
CREATE INDEX claim_documents_by_claim ON claim_documents (claim_id, uploaded_at);
