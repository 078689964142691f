-- The duplicate check (same incident, service and claimant identity) runs on every filing.
-- With the incident first, a plan made while the table was nearly empty could pick the
-- (incident_id, status) index instead and scan every claim of the incident per filing (seen on
-- PostgreSQL: cached generic plans). The identity, the most selective column, goes first.
DROP INDEX claims_by_identity;
CREATE INDEX claims_by_identity ON claims (identity_key, incident_id, service);
