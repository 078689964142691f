-- The duplicate check (same incident, service and claimant identity) runs on every filing.
-- With the incident first, a plan made while the table was nearly empty could pick the
-- (incident_id, status) index instead and scan every claim of the incident per filing (seen on
-- PostgreSQL: cached generic plans). The identity, the most selective column, goes first.
DROP INDEX claims_by_identity;
CREATE INDEX claims_by_identity ON claims (identity_key, incident_id, service);

-- The same trap for a partner's external_ref, checked on every partner and bulk filing: the
-- (owner_kind, owner, id) index could win and scan all of the partner's claims. The unique
-- rule stays; its index now leads with the reference.
ALTER TABLE claims DROP CONSTRAINT claims_owner_kind_owner_external_ref_key;
CREATE UNIQUE INDEX claims_external_ref_per_owner ON claims (external_ref, owner_kind, owner);
