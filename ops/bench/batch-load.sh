#!/usr/bin/env bash
# Batch and export benchmark (issues 6 and 7): seeds COUNT verified claims, times one
# POST /api/v1/payout-batches that calculates and stores all of them, approves the batch, and
# times the export of its payment file.
#
#   ops/bench/batch-load.sh [sqlite|postgres] [count]
set -euo pipefail
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
count=${2:-1000000}
port=${PORT:-18081}
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; [ "$backend" = postgres ] && dropdb -h 127.0.0.1 -U postgres --if-exists "$db" || true; rm -rf "$work"' EXIT

# SKIP_BUILD=1 reuses the binary already built.
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin outage-claims --example seed_claims
bin=target/release/outage-claims
export JWT_SECRET=bench-secret-bench-secret-bench-secret-0 RUST_LOG=warn BIND_ADDR=127.0.0.1:$port
if [ "$backend" = postgres ]; then
    db=oc_batch_$$
    createdb -h 127.0.0.1 -U postgres "$db"
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
else
    export DATABASE_URL=$work/bench.db
fi
$bin serve &
server=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
admin=$($bin token --role admin --sub bench)
finance=$($bin token --role finance --sub bench)
api() { curl -sf -X POST "http://127.0.0.1:$port$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"; }
incident=$(api /api/v1/incidents "$admin" '{"title":"bench","description":"batch","started_at":"2022-10-15T15:00:00+09:00",
  "claims_open_at":"2022-10-15T00:00:00+09:00","claims_close_at":"2099-01-01T00:00:00+09:00"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
api "/api/v1/incidents/$incident/windows" "$admin" '{"service":"messenger","severity":"major_outage",
  "started_at":"2022-10-15T15:30:00+09:00","ended_at":"2022-10-16T01:00:00+09:00"}' >/dev/null
policy=$(api "/api/v1/incidents/$incident/policies" "$admin" '{"currency":"KRW","budget":"10000000000","min_payout":"1000","rules":[
  {"claimant_kind":"business","service":"*","method":"lost_revenue","params":{"rate":"0.8","cap_per_claim":"3000000"}},
  {"claimant_kind":"individual","service":"*","method":"fee_multiple","params":{"multiplier":"10","min_outage_hours":"2"}}]}' \
  | sed -E 's/^\{"id":"([^"]+)".*/\1/')

seed_start=$(date +%s.%N)
target/release/examples/seed_claims "$incident" messenger "$count"
echo "seeding took $(echo "$(date +%s.%N) - $seed_start" | bc) s"

echo "== $backend: one batch over $count claims, $(nproc) cores"
start=$(date +%s.%N)
curl -sf -X POST "http://127.0.0.1:$port/api/v1/payout-batches" -H "Authorization: Bearer $finance" \
  -H 'Content-Type: application/json' -d "{\"incident_id\":\"$incident\",\"policy_id\":\"$policy\"}" -o "$work/batch.json"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
echo "batch created in ${elapsed} s"
cat "$work/batch.json"; echo
echo "server peak RSS: $(( $(grep VmHWM /proc/$server/status | awk '{print $2}') / 1024 )) MiB"

approver=$($bin token --role finance --sub bench-approver)
batch=$(sed -E 's/^\{"id":"([^"]+)".*/\1/' "$work/batch.json")
# Approval takes the payment file's fingerprint (one pass over it) before the export.
start=$(date +%s.%N)
curl -sf -X POST "http://127.0.0.1:$port/api/v1/payout-batches/$batch/approve" -H "Authorization: Bearer $approver" >/dev/null
echo "batch approved in $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
curl -sf "http://127.0.0.1:$port/api/v1/payout-batches/$batch/export.csv" -H "Authorization: Bearer $finance" \
  -D "$work/headers" -o "$work/export.csv"
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
lines=$(grep -i '^x-line-count' "$work/headers" | tr -dc '0-9')
echo "export: $lines lines, $(du -h "$work/export.csv" | cut -f1) in ${elapsed} s = $(echo "$lines / $elapsed" | bc) lines/s"
grep -i '^x-content-sha256' "$work/headers"
echo "sha256 of the body: $(sha256sum "$work/export.csv" | cut -d' ' -f1)"
echo "server peak RSS after export: $(( $(grep VmHWM /proc/$server/status | awk '{print $2}') / 1024 )) MiB"
