-- One claim per claimant identity, incident and service, whatever the loss period (SPEC 5).
--
-- The identity is the registration number whenever one is given, whatever the claimant kind;
-- before, an individual with a registration number was known by email, so one business could
-- claim twice by changing its kind.
UPDATE claims SET identity_key = 'brn:' || claimant_brn WHERE claimant_brn IS NOT NULL;

-- Claims filed before this rule may repeat an identity (adjacent loss periods were allowed).
-- The oldest live claim keeps the identity; every later live one is marked as a duplicate of it
-- (`duplicate:<its own id>`), so the unique index below holds. Nothing is paid on a marked claim
-- until finance approves it: a batch sends it to review (audited) instead of paying it.
UPDATE claims SET identity_key = 'duplicate:' || id
WHERE status <> 'withdrawn'
  AND EXISTS (
      SELECT 1 FROM claims older
      WHERE older.incident_id = claims.incident_id
        AND older.service = claims.service
        AND older.identity_key = claims.identity_key
        AND older.status <> 'withdrawn'
        AND older.id < claims.id
  );

-- Enforced by the database, not only by code: two instances filing at once cannot both win.
CREATE UNIQUE INDEX claims_one_live_claim_per_identity
    ON claims (identity_key, incident_id, service) WHERE status <> 'withdrawn';
