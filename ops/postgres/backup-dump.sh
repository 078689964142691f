#!/usr/bin/env bash
# Logical backup of the outage-claims PostgreSQL database (pg_dump, custom format).
#
#   DATABASE_URL=postgres://outage_claims@DBHOST:5432/outage_claims \
#       ops/postgres/backup-dump.sh BACKUP_DIR [KEEP]
#
# Writes BACKUP_DIR/<database>-<UTC time>.dump and, beside it, <same>.dump.sha256 (checkable with
# `sha256sum -c` from inside BACKUP_DIR), then deletes all but the newest KEEP dumps of that
# database (default 14). A dump is one consistent snapshot taken while the service runs; restore
# it with ops/postgres/restore-dump.sh. `outage-claims backup --to FILE` makes the same kind of
# dump (without the checksum and the rotation).
#
# The dump is written under a temporary name, checked to be a readable archive, flushed to disk
# and only then given its final name: a file with a final name is always a complete dump.
# --no-owner: the objects are restored as whichever role runs the restore.
#
# pg_dump and pg_restore come from PATH; pg_dump must be at least the server's major version.
# The URL is passed on pg_dump's command line, where other local users can read it with `ps`:
# keep the password in ~/.pgpass (or PGPASSWORD) rather than in the URL.
# Meant for cron or a systemd timer; exits non-zero on any failure.
set -euo pipefail

usage() {
    echo "usage: DATABASE_URL=postgres://... $0 BACKUP_DIR [KEEP]" >&2
    exit 2
}
if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then usage; fi
dir=$1
keep=${2:-14}
case $keep in
    '' | *[!0-9]* | 0) echo "KEEP must be a whole number of at least 1, got '$keep'" >&2; exit 2 ;;
esac
url=${DATABASE_URL:-}
case $url in
    postgres://* | postgresql://*) ;;
    *) echo "DATABASE_URL must be a postgres:// URL" >&2; usage ;;
esac
for tool in pg_dump pg_restore sha256sum; do
    command -v "$tool" >/dev/null || { echo "$tool not found in PATH" >&2; exit 1; }
done

# The database name, for the file names: the URL's path without its query string.
db=${url%%\?*}
db=${db#*://}
db=${db#*/}
case $db in
    '' | */*) db=outage_claims ;;
esac

umask 077
mkdir -p -- "$dir"
# One run at a time per directory: two dumps racing would also race on the rotation.
exec 9>"$dir/.backup-dump.lock"
if command -v flock >/dev/null && ! flock -n 9; then
    echo "another backup-dump.sh is running in $dir" >&2
    exit 1
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
name=$db-$stamp.dump
final=$dir/$name
if [ -e "$final" ]; then
    echo "$final already exists; not overwriting" >&2
    exit 1
fi
tmp=$dir/.$name.partial
tmp_sum=$dir/.$name.sha256.partial
trap 'rm -f -- "$tmp" "$tmp_sum"' EXIT

pg_dump --format=custom --no-owner --file="$tmp" --dbname="$url"
# Reads the archive's table of contents: catches a truncated or unreadable file now, not on the
# day it is needed.
pg_restore --list "$tmp" >/dev/null
sum=$(sha256sum <"$tmp")
printf '%s  %s\n' "${sum%% *}" "$name" >"$tmp_sum"
sync -- "$tmp" "$tmp_sum"
mv -- "$tmp" "$final"
mv -- "$tmp_sum" "$final.sha256"
sync -- "$dir"
echo "backup written: $final ($(du -h -- "$final" | cut -f1))"

# Keep the newest KEEP dumps of this database; the UTC time stamps sort by name.
shopt -s nullglob
dumps=("$dir/$db"-????????T??????Z.dump)
excess=$((${#dumps[@]} - keep))
for ((i = 0; i < excess; i++)); do
    rm -f -- "${dumps[i]}" "${dumps[i]}.sha256"
    echo "removed old backup: ${dumps[i]}"
done
