#!/usr/bin/env bash
# Physical base backup of the whole PostgreSQL cluster, for point-in-time recovery together with
# the WAL archive that archive-wal.sh fills (ops/RUNBOOK.md, "PostgreSQL PITR").
#
#   REPLICATION_URL=postgres://outage_claims_backup@DBHOST:5432/postgres \
#       ops/postgres/base-backup.sh BACKUP_ROOT
#
# Writes BACKUP_ROOT/base-<UTC time>/ holding base.tar.gz (the data directory), pg_wal.tar.gz
# (the WAL written during the copy, streamed, so the backup is consistent on its own) and
# backup_manifest (every file's size and SHA-256 checksum). The directory gets its final name
# only once pg_basebackup has succeeded and its files are on disk.
#
# The role needs the REPLICATION attribute and a `replication` line in pg_hba.conf (see
# setup.sql); the application role must not have it. REPLICATION_URL falls back to DATABASE_URL.
# The server needs wal_level=replica and max_wal_senders >= 2 (postgresql.conf.d). The database
# name in the URL is ignored: a base backup always copies the whole cluster.
# --checkpoint=fast starts at once instead of waiting for the next scheduled checkpoint, at the
# price of a burst of writes. Old base backups can be deleted; WAL in the archive older than the
# oldest base backup you keep is then useless (pg_archivecleanup removes it).
set -euo pipefail

usage() {
    echo "usage: REPLICATION_URL=postgres://... $0 BACKUP_ROOT" >&2
    exit 2
}
[ "$#" -eq 1 ] || usage
root=$1
url=${REPLICATION_URL:-${DATABASE_URL:-}}
case $url in
    postgres://* | postgresql://*) ;;
    *) echo "REPLICATION_URL (or DATABASE_URL) must be a postgres:// URL" >&2; usage ;;
esac
command -v pg_basebackup >/dev/null || { echo "pg_basebackup not found in PATH" >&2; exit 1; }

umask 077
mkdir -p -- "$root"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final=$root/base-$stamp
if [ -e "$final" ]; then
    echo "$final already exists; not overwriting" >&2
    exit 1
fi
tmp=$root/.base-$stamp.partial
trap 'rm -rf -- "$tmp"' EXIT

pg_basebackup --dbname="$url" --pgdata="$tmp" --format=tar --gzip --wal-method=stream \
    --checkpoint=fast --progress --label="outage-claims base backup $stamp" \
    --manifest-checksums=SHA256
for part in base.tar.gz pg_wal.tar.gz backup_manifest; do
    if [ ! -s "$tmp/$part" ]; then
        echo "pg_basebackup finished but $part is missing" >&2
        exit 1
    fi
done
sync -- "$tmp"/* "$tmp"
mv -- "$tmp" "$final"
sync -- "$root"
trap - EXIT
echo "base backup written: $final ($(du -sh -- "$final" | cut -f1))"
