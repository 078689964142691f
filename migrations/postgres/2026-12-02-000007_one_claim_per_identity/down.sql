UPDATE counters SET value = (SELECT last_value FROM claim_reference_seq) WHERE name = 'claim_reference';
DROP SEQUENCE claim_reference_seq;
DROP INDEX claims_one_live_claim_per_identity;
