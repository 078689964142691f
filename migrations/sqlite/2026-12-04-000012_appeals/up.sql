-- Appeals (docs/contract.md, claim life cycle): how long after a rejection its owner may
-- appeal, and on the claim who rejected it and when, so that the appeal runs from the
-- rejection and is decided by someone else. A claim is appealed at most once.
ALTER TABLE incidents ADD COLUMN appeal_days INTEGER NOT NULL DEFAULT 30 CHECK (appeal_days BETWEEN 1 AND 365);
ALTER TABLE claims ADD COLUMN rejected_at TIMESTAMP;
-- The finance user who rejected it; NULL when the rules did (no recorded outage, an expired
-- deficiency).
ALTER TABLE claims ADD COLUMN rejected_by TEXT;
ALTER TABLE claims ADD COLUMN appealed_at TIMESTAMP;
-- Claims rejected before this migration appeal from when they last changed.
UPDATE claims SET rejected_at = updated_at WHERE status = 'rejected';
-- A claim's timeline reads every line it ever had (cancelled, failed and paid ones too); the
-- partial indexes on the claim id cover only the active and the paid line.
CREATE INDEX payout_lines_by_claim ON payout_lines (claim_id);
