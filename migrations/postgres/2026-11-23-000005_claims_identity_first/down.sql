DROP INDEX claims_by_identity;
CREATE INDEX claims_by_identity ON claims (incident_id, service, identity_key);
DROP INDEX claims_external_ref_per_owner;
ALTER TABLE claims ADD CONSTRAINT claims_owner_kind_owner_external_ref_key UNIQUE (owner_kind, owner, external_ref);
