ALTER TABLE claims DROP COLUMN consented_at;
ALTER TABLE claims DROP COLUMN consent_version;
