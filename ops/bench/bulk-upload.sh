#!/usr/bin/env bash
# Bulk upload benchmark: generates a CSV of COUNT distinct valid business claims,
# starts the release binary on a fresh database, records an incident with an outage window,
# times one POST /api/v1/bulk-uploads of the whole file, and reports rows/s and the server's
# peak RSS. For comparison it times `sqlite3 :memory: '.import --csv'` of the same file (the
# floor: parsing and storing the rows with no checks at all).
#
#   ops/bench/bulk-upload.sh [sqlite|postgres] [count]
#
# Needs curl and sqlite3 (apt-get install sqlite3). PostgreSQL: a server on 127.0.0.1:5432
# where user postgres may create databases (the script creates and drops its own).
# SKIP_BUILD=1 reuses the release binary already built.
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
count=${2:-100000}
port=${PORT:-18082}
work=$(mktemp -d)
server=
db=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    [ -n "$db" ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$db"
    rm -rf "$work"
}
trap cleanup EXIT

command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: apt-get install sqlite3" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin outage-claims
bin=target/release/outage-claims
export JWT_SECRET=bench-secret-bench-secret-bench-secret-0 RUST_LOG=warn BIND_ADDR=127.0.0.1:$port
if [ "$backend" = postgres ]; then
    db=oc_bulk_$$
    createdb -h 127.0.0.1 -U postgres "$db"
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
else
    export DATABASE_URL=$work/bench.db
fi

awk -v count="$count" -f ops/bench/bulk-rows.awk > "$work/claims.csv"
echo "== $backend: $count rows, $(du -h "$work/claims.csv" | cut -f1) of CSV, $(nproc) cores"

$bin serve &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
admin=$($bin token --role admin --sub bench)
partner=$($bin token --role partner --sub bench --org lobby)
api() { curl -sf -X POST "http://127.0.0.1:$port$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2"; }
incident=$(api /api/v1/incidents '{"title":"bench","description":"bulk","started_at":"2022-10-15T15:00:00+09:00",
  "claims_open_at":"2022-10-15T00:00:00+09:00","claims_close_at":"2099-01-01T00:00:00+09:00"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
api "/api/v1/incidents/$incident/windows" '{"service":"messenger","severity":"major_outage",
  "started_at":"2022-10-15T15:30:00+09:00","ended_at":"2022-10-16T01:00:00+09:00"}' >/dev/null

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
rss_before=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
seconds=$(curl -sf -o "$work/summary.json" -w '%{time_total}' -X POST \
    "http://127.0.0.1:$port/api/v1/bulk-uploads?incident_id=$incident" \
    -H "Authorization: Bearer $partner" -H 'Idempotency-Key: bench-1' -H 'Content-Type: text/csv' \
    --data-binary @"$work/claims.csv")
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"
cat "$work/summary.json"; echo
grep -q "\"accepted\":$count," "$work/summary.json" || { echo "not every row was accepted" >&2; exit 1; }
echo "upload: ${seconds} s, $(echo "$count / $seconds" | bc) rows/s"
echo "server peak RSS: $(( $(awk '/VmHWM/ {print $2}' "/proc/$server/status") / 1024 )) MiB" \
     "(before the upload: $(( rss_before / 1024 )) MiB)"

start=$(date +%s.%N)
sqlite3 :memory: ".import --csv $work/claims.csv t" "SELECT count(*) FROM t" >/dev/null
import=$(echo "$(date +%s.%N) - $start" | bc)
echo "sqlite3 .import of the same file: ${import} s; upload/import: $(echo "scale=1; $seconds / $import" | bc)x"
