-- One-time PostgreSQL set-up for outage-claims: the application role and its database.
--
-- Usage (as a superuser, against the maintenance database; re-running it changes nothing that
-- exists already, and never changes a password):
--
--   psql -v ON_ERROR_STOP=1 -v app_password="$(openssl rand -base64 24)" \
--        -h DBHOST -U postgres -d postgres -f ops/postgres/setup.sql
--
-- Keep the password you passed: it goes into the service's DATABASE_URL or ~/.pgpass
-- (postgres://outage_claims@DBHOST:5432/outage_claims). The tables are created by the service
-- itself: `outage-claims migrate` (or `serve`) runs the embedded migrations as this role, so the
-- role owns every table it uses and needs no further grants.
--
-- The same script prepares an empty database for ops/postgres/restore-dump.sh: drop the old
-- database first (DROP DATABASE outage_claims;) or edit the names below.

\set ON_ERROR_STOP on

\if :{?app_password}
\else
DO $$ BEGIN RAISE EXCEPTION 'app_password is not set: psql -v app_password=... -f setup.sql'; END $$;
\endif

-- The application's role: it may log in and owns its database, nothing else (no superuser, no
-- CREATEDB, no CREATEROLE, no replication, no row-level-security bypass). Passwords are stored
-- as SCRAM-SHA-256 (the default password_encryption since PostgreSQL 14).
SELECT format(
    'CREATE ROLE outage_claims LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L',
    :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outage_claims')
\gexec

-- UTF8 for Korean names; the C collation compares text bytewise, like SQLite's BINARY: the
-- ids, references and timestamps the service orders and pages by are ASCII text, so the order
-- (and so batch line numbers and export bytes) is the same on both backends, and cheaper.
SELECT 'CREATE DATABASE outage_claims OWNER outage_claims ENCODING ''UTF8'''
       ' LC_COLLATE ''C'' LC_CTYPE ''C'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'outage_claims')
\gexec

-- Other roles may not even connect (PUBLIC has CONNECT and TEMPORARY on a new database); the
-- owner keeps all its privileges.
REVOKE ALL ON DATABASE outage_claims FROM PUBLIC;

\connect outage_claims

-- Before PostgreSQL 15 every role could create objects in the public schema; since 15 only the
-- database owner can, but other roles still have USAGE. Take both away and make the application
-- role the schema's owner, so the migrations (run as outage_claims) create their tables there.
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO outage_claims;

-- Optional: a role for ops/postgres/base-backup.sh (pg_basebackup needs REPLICATION, which the
-- application role must not have). It also needs a pg_hba.conf line such as
--   hostssl  replication  outage_claims_backup  10.0.0.0/24  scram-sha-256
-- Uncomment and run with -v backup_password=...:
--
-- SELECT format('CREATE ROLE outage_claims_backup LOGIN REPLICATION PASSWORD %L', :'backup_password')
-- WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'outage_claims_backup')
-- \gexec
