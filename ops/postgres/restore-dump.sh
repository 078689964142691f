#!/usr/bin/env bash
# Restores a dump made by backup-dump.sh (or `outage-claims backup --to FILE` on PostgreSQL)
# into an EMPTY database, then checks the audit chain.
#
#   DATABASE_URL=postgres://outage_claims@DBHOST:5432/outage_claims \
#       ops/postgres/restore-dump.sh FILE
#
# Prepare the empty database first, as a superuser: stop every outage-claims instance, then
#   psql -h DBHOST -U postgres -d postgres -c 'DROP DATABASE outage_claims'
#   psql -v ON_ERROR_STOP=1 -v app_password=... -h DBHOST -U postgres -d postgres \
#        -f ops/postgres/setup.sql        # re-creates it empty (an existing role is kept)
# (or restore into a new database and point DATABASE_URL at it). The script refuses a database
# that already holds tables: restoring over live data would mix two states.
#
# Run it as the application role (the URL's user): with --no-owner the restored tables belong
# to the role that restores them, which is the one the service connects as. --no-acl: the
# database's privileges come from setup.sql, not from the dump (whose grants may name roles
# this server does not have). --single-transaction with --exit-on-error: the first error rolls
# everything back and leaves the database empty, never half restored.
#
# Afterwards it runs `outage-claims audit verify` (OUTAGE_CLAIMS_BIN overrides the binary from
# PATH) and exits non-zero if the chain is broken. Start the service only after that.
set -euo pipefail

usage() {
    echo "usage: DATABASE_URL=postgres://... $0 FILE" >&2
    exit 2
}
[ "$#" -eq 1 ] || usage
file=$1
url=${DATABASE_URL:-}
case $url in
    postgres://* | postgresql://*) ;;
    *) echo "DATABASE_URL must be a postgres:// URL" >&2; usage ;;
esac
bin=${OUTAGE_CLAIMS_BIN:-outage-claims}
for tool in psql pg_restore "$bin"; do
    command -v "$tool" >/dev/null || { echo "$tool not found in PATH" >&2; exit 1; }
done
if [ ! -f "$file" ]; then
    echo "$file: no such file" >&2
    exit 1
fi

if [ -f "$file.sha256" ]; then
    (cd -- "$(dirname -- "$file")" && sha256sum --check --quiet -- "$(basename -- "$file").sha256") || {
        echo "$file does not match its checksum file: not restoring it" >&2
        exit 1
    }
    echo "checksum ok: $file"
else
    echo "warning: no $file.sha256 beside the dump; its integrity is not checked" >&2
fi
pg_restore --list "$file" >/dev/null

tables=$(psql -X -q -At -v ON_ERROR_STOP=1 --dbname="$url" -c "
    SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
      AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'")
if [ "$tables" != 0 ]; then
    echo "the target database is not empty ($tables tables, views or sequences): not restoring into it" >&2
    exit 1
fi

echo "restoring $file ..."
pg_restore --exit-on-error --single-transaction --no-owner --no-acl --dbname="$url" "$file"
# pg_restore does not bring the planner statistics along; without them the first queries on a
# large database can pick poor plans.
# (client_min_messages hides the warnings about shared catalogs only a superuser may analyze.)
psql -X -q -v ON_ERROR_STOP=1 --dbname="$url" -c 'SET client_min_messages = error' -c 'ANALYZE'

echo "verifying the audit chain ..."
DATABASE_URL=$url "$bin" audit verify
echo "restore complete; start the service"
