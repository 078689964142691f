#!/usr/bin/env bash
# Load test of claim filing: starts the release binary on a fresh database, records an
# incident with outage windows, then files distinct valid claims with wrk.
#
#   ops/bench/claims-load.sh [sqlite|postgres] [connections] [seconds]
#
# Needs wrk (apt-get install wrk). PostgreSQL: a server on 127.0.0.1:5432 where user postgres
# may create databases (the script creates and drops its own).
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
connections=${2:-64}
seconds=${3:-20}
port=${PORT:-18080}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; [ "$backend" = postgres ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$db" || true; rm -rf "$work"' EXIT

# SKIP_BUILD=1 reuses the binary already built.
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
bin=target/release/outage-claims
export JWT_SECRET=bench-secret-bench-secret-bench-secret-0
if [ "$backend" = postgres ]; then
    db=oc_bench_$$
    createdb -h 127.0.0.1 -U postgres "$db"
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
else
    export DATABASE_URL=$work/bench.db
fi
export RUST_LOG=warn BIND_ADDR=127.0.0.1:$port DB_POOL_SIZE=${DB_POOL_SIZE:-16}
$bin serve &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done

admin=$($bin token --role admin --sub bench)
partner=$($bin token --role partner --sub bench --org bench-lobby)
api() { curl -sf -X POST "http://127.0.0.1:$port$1" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d "$2"; }
incident=$(api /api/v1/incidents '{"title":"bench","description":"load test","started_at":"2022-10-15T15:00:00+09:00",
  "claims_open_at":"2022-10-15T00:00:00+09:00","claims_close_at":"2099-01-01T00:00:00+09:00"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
api "/api/v1/incidents/$incident/windows" '{"service":"messenger","severity":"major_outage",
  "started_at":"2022-10-15T15:30:00+09:00","ended_at":"2022-10-16T01:00:00+09:00"}' >/dev/null

echo "== $backend, $connections connections, ${seconds}s, $(nproc) cores"
INCIDENT_ID=$incident TOKEN=$partner wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s \
    -s ops/bench/file-claims.lua "http://127.0.0.1:$port"
peak=$(grep VmHWM /proc/$server/status | awk '{print $2}')
echo "server peak RSS: $((peak / 1024)) MiB"
echo "audit chain (claims filed = events - 2):"
$bin audit verify
