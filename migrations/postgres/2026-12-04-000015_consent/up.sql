-- Consent on public filings (docs/contract.md, filing): the version of the privacy notice and
-- truthfulness statement the claimant agreed to, and when. NULL for claims filed without it
-- (before this, or by a partner who collects its members' consent itself).
ALTER TABLE claims ADD COLUMN consent_version TEXT;
ALTER TABLE claims ADD COLUMN consented_at TIMESTAMP;
