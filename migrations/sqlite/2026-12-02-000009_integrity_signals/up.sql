-- Integrity screening (SPEC 13): what each claim was screened with and what it found, kept
-- beside the claim (finance reads it; claimants never do).
CREATE TABLE claim_screenings (
    claim_id TEXT PRIMARY KEY NOT NULL REFERENCES claims (id),
    -- Who filed, for `filing_velocity`: `ip:<address>`, `sub:<claimant>` or `org:<partner>`.
    client_key TEXT,
    -- The hits, as JSON `[{"code": ..., "detail": ...}]` (empty array when none).
    signals TEXT NOT NULL,
    screened_at TIMESTAMP NOT NULL
);
CREATE INDEX claim_screenings_by_client ON claim_screenings (client_key, screened_at);

-- The lookups screening makes on every filing.
CREATE INDEX claims_by_account ON claims (account_number, bank_code);
CREATE INDEX claims_by_email ON claims (claimant_email);
CREATE INDEX claims_by_phone ON claims (claimant_phone);
-- The latest claims of the same incident, service and kind: the peers of `amount_outlier`.
CREATE INDEX claims_by_peers ON claims (incident_id, service, claimant_kind, id);
