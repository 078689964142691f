DROP INDEX claims_by_identity;
CREATE INDEX claims_by_identity ON claims (incident_id, service, identity_key);
