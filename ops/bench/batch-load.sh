#!/usr/bin/env bash
# Payout batch, approval and export: seeds COUNT verified claims straight into a fresh database
# (examples/seed_claims.rs: filing a million through the API would measure intake), then times
# one POST /api/v1/payout-batches over all of them, its approval by a second finance user, and
# the export of its payment file. Beside each, the limits of the issue's table, on the same
# database with the backend's plain client (sqlite3 or psql):
#  - batch creation: reading the claims the batch reads with one query; storing the batch's
#    lines by COPY (PostgreSQL) or .import (SQLite) of them into a table like payout_lines;
#  - export: reading the batch's stored payment file.
# The server's peak RSS is reported across all of it. Ends with `audit verify`.
#
#   ops/bench/batch-load.sh [sqlite|postgres] [count]
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
count=${2:-1000000}
port=${PORT:-18081}
source ops/bench/lib.sh
bench_init
bench_serve
bench_incident
admin=$("$bin" token --role admin --sub bench)
finance=$("$bin" token --role finance --sub bench)
approver=$("$bin" token --role finance --sub bench-approver)
policy=$(bench_post "/api/v1/incidents/$incident/policies" "$admin" '{"currency":"KRW",
  "budget":"10000000000","min_payout":"1000","rules":[
  {"claimant_kind":"business","service":"*","method":"lost_revenue","params":{"rate":"0.8","cap_per_claim":"3000000"}},
  {"claimant_kind":"individual","service":"*","method":"fee_multiple","params":{"multiplier":"10","min_outage_hours":"2"}}]}' \
  | jq -r .id)

start=$(date +%s.%N)
"${CARGO_TARGET_DIR:-target}/release/examples/seed_claims" "$incident" messenger "$count"
echo "seeding took $(bench_since "$start") s"
[ "$backend" = postgres ] && bench_sql "ANALYZE"

echo "== $backend: one batch over $count claims, $(nproc) cores"
if [ "$backend" = postgres ]; then
    # What the batch costs PostgreSQL in WAL and forced checkpoints (ops/postgres/postgresql.conf.d).
    wal_before=$(bench_sql "SELECT pg_current_wal_lsn()")
    forced_before=$(bench_sql "SELECT checkpoints_req FROM pg_stat_bgwriter")
fi
start=$(date +%s.%N)
bench_post /api/v1/payout-batches "$finance" "{\"incident_id\":\"$incident\",\"policy_id\":\"$policy\"}" \
    > "$work/batch.json"
created=$(bench_since "$start")
cat "$work/batch.json"; echo
batch=$(jq -r .id "$work/batch.json")
if [ "$backend" = postgres ]; then
    echo "WAL written by the batch: $(bench_sql "SELECT pg_size_pretty(pg_current_wal_lsn() - '$wal_before'::pg_lsn)")," \
         "checkpoints forced: $(( $(bench_sql "SELECT checkpoints_req FROM pg_stat_bgwriter") - forced_before ))" \
         "(max_wal_size $(bench_sql "SHOW max_wal_size"))"
fi
lines=$(jq -r .line_count "$work/batch.json")

start=$(date +%s.%N)
curl -sf -X POST "$base/api/v1/payout-batches/$batch/approve" -H "Authorization: Bearer $approver" >/dev/null
approved=$(bench_since "$start")

start=$(date +%s.%N)
curl -sf "$base/api/v1/payout-batches/$batch/export.csv" -H "Authorization: Bearer $finance" \
    -D "$work/headers" -o "$work/export.csv"
exported=$(bench_since "$start")
exported_lines=$(grep -i '^x-line-count' "$work/headers" | tr -dc '0-9')
sent_sha=$(grep -i '^x-content-sha256' "$work/headers" | tr -d '\r' | awk '{print $2}')
body_sha=$(sha256sum "$work/export.csv" | cut -d' ' -f1)
[ "$sent_sha" = "$body_sha" ] || { echo "X-Content-SHA256 $sent_sha is not the body's $body_sha" >&2; exit 1; }
rss=$(bench_rss)
bench_verify
bench_stop

# The limits, with the server stopped.
eligible="SELECT id, reference, status, claimant_kind, service, claimed_minor, baseline_revenue_minor,
  outage_revenue_minor, monthly_fee_minor, approved_minor, identity_key FROM claims WHERE incident_id = '$incident'"
start=$(date +%s.%N)
bench_sql "$eligible" > /dev/null
read_claims=$(bench_since "$start")
bench_sql "SELECT batch_id, line_no, claim_id, claim_reference, rule_index, gross, share, payout_minor,
  status, prior_status, active, facts FROM payout_lines WHERE batch_id = '$batch'" > "$work/lines.txt"
start=$(date +%s.%N)
if [ "$backend" = postgres ]; then
    bench_psql -c "CREATE TABLE bench_lines (LIKE payout_lines INCLUDING DEFAULTS)" \
        -c "\\copy bench_lines (batch_id, line_no, claim_id, claim_reference, rule_index, gross, share, payout_minor, status, prior_status, active, facts) FROM '$work/lines.txt' WITH (FORMAT text, DELIMITER '|', NULL '')"
    store_tool="COPY"
else
    sqlite3 -batch "$DATABASE_URL" "CREATE TABLE bench_lines AS SELECT batch_id, line_no, claim_id, claim_reference,
      rule_index, gross, share, payout_minor, status, prior_status, active, facts FROM payout_lines WHERE 0" \
      ".import $work/lines.txt bench_lines"
    store_tool=".import"
fi
store_lines=$(bench_since "$start")
# The stored payment file, read back as the export streams it (the rendered file on disk when
# the version measured stores none).
start=$(date +%s.%N)
if bench_sql "SELECT 1 FROM payout_files LIMIT 1" >/dev/null 2>&1; then
    bench_sql "SELECT content FROM payout_files WHERE batch_id = '$batch' ORDER BY part" > /dev/null
    read_file_what="reading the stored file"
else
    cat "$work/export.csv" > /dev/null
    read_file_what="reading the file from disk (no stored file)"
fi
read_file=$(bench_since "$start")

bench_result "batch creation, $count claims ($lines lines)" "$created s" \
    "$([ "$backend" = postgres ] && echo '<= 20 s' || echo '<= 10 s')" \
    "reading the claims with one query: $read_claims s; $store_tool of the lines: $store_lines s"
bench_result "approval, $lines lines" "$approved s" "<= 5 s" ""
bench_result "export, $exported_lines lines" \
    "$exported s = $(echo "$exported_lines / $exported" | bc) lines/s" ">= 500,000 lines/s" \
    "$read_file_what: $read_file s"
echo "server peak RSS through creation, approval and export: $rss MiB"
bench_result "server peak RSS (batch, approval, export)" "$rss MiB" "<= 256 MB" ""
