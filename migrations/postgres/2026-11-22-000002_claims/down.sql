DROP TABLE counters;
DROP TABLE idempotency_keys;
DROP TABLE claim_windows;
DROP TABLE claims;
