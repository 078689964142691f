#!/usr/bin/env bash
# Bulk upload: a CSV of COUNT distinct valid business claims, one POST /api/v1/bulk-uploads of
# the whole file to the release server on a fresh database. Beside it, the limit of the issue's
# table: loading the same file with no checks at all into a plain table, by `sqlite3 .import`
# on SQLite and by `COPY` on PostgreSQL. Ends with `audit verify`.
#
#   ops/bench/bulk-upload.sh [sqlite|postgres] [count]
#
# Needs curl, jq, bc and sqlite3. PostgreSQL: a server on 127.0.0.1:5432 where user postgres
# may create databases (the script creates and drops its own).
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
count=${2:-100000}
port=${PORT:-18082}
source ops/bench/lib.sh
bench_init
awk -v count="$count" -f ops/bench/bulk-rows.awk > "$work/claims.csv"
echo "== $backend: bulk upload of $count rows, $(du -h "$work/claims.csv" | cut -f1) of CSV, $(nproc) cores"
bench_serve
bench_incident
partner=$("$bin" token --role partner --sub bench --org lobby)

rss_before=$(bench_rss)
seconds=$(curl -sf -o "$work/summary.json" -w '%{time_total}' -X POST \
    "$base/api/v1/bulk-uploads?incident_id=$incident" \
    -H "Authorization: Bearer $partner" -H 'Idempotency-Key: bench-1' -H 'Content-Type: text/csv' \
    --data-binary @"$work/claims.csv")
cat "$work/summary.json"; echo
[ "$(jq .accepted "$work/summary.json")" = "$count" ] || { echo "not every row was accepted" >&2; exit 1; }
rss=$(bench_rss)
bench_verify
bench_stop

# The floor: the same file into a plain table of text columns, nothing checked.
columns=$(head -n1 "$work/claims.csv" | sed 's/,/ TEXT, /g; s/$/ TEXT/')
start=$(date +%s.%N)
if [ "$backend" = postgres ]; then
    bench_psql -c "CREATE TABLE bench_import ($columns)" \
        -c "\\copy bench_import FROM '$work/claims.csv' WITH (FORMAT csv, HEADER true)"
    tool="COPY"
else
    sqlite3 :memory: ".import --csv $work/claims.csv t" "SELECT count(*) FROM t" >/dev/null
    tool="sqlite3 .import"
fi
floor=$(bench_since "$start")

bench_result "bulk upload, $count rows" \
    "$seconds s = $(echo "$count / $seconds" | bc) rows/s" \
    "$([ "$backend" = postgres ] && echo '<= 8 s' || echo '<= 4 s (within 5x of .import)')" \
    "$tool of the same file: $floor s (upload is $(echo "scale=1; $seconds / $floor" | bc)x)"
echo "server peak RSS: $rss MiB (before the upload: $rss_before MiB)"
bench_result "server peak RSS (bulk upload)" "$rss MiB" "<= 256 MB" ""
