-- Finance page sessions (SPEC 11): the browser's cookie holds a random session id, and only its
-- SHA-256 is stored, so a leaked table cannot be replayed as cookies. Signing out deletes the
-- row, which ends the session on every instance at once (they share this database).
CREATE TABLE staff_sessions (
    id_sha256 TEXT PRIMARY KEY NOT NULL,
    sub TEXT NOT NULL,
    role TEXT NOT NULL,
    org TEXT,
    -- At most 8 hours after sign-in, and never after the token it was signed in with.
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX staff_sessions_expires_at ON staff_sessions (expires_at);
