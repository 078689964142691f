#!/usr/bin/env bash
# Claim filing under load: the release server on a fresh database with one bench incident, wrk
# filing distinct valid claims (an individual with a unique email and account each) for SECONDS
# over CONNECTIONS connections. Then, beside it, the limits of the issue's table:
#  - the HTTP path alone: the same requests with a body refused at validation (422), so no
#    database work at all;
#  - the same rows stored set-based (64 claims per commit) from the backend's plain client
#    (sqlite3 or psql), on the same database after the run.
# Every run ends with `audit verify` on the chain the filings wrote.
#
#   ops/bench/claims-load.sh [sqlite|postgres] [connections] [seconds]
#
# Needs wrk, jq, bc and sqlite3 (apt-get install wrk jq bc sqlite3). PostgreSQL: a server on
# 127.0.0.1:5432 where user postgres may create databases (the script creates and drops its own).
cd "$(dirname "$0")/../.."
backend=${1:-sqlite}
connections=${2:-64}
seconds=${3:-15}
port=${PORT:-18080}
source ops/bench/lib.sh
bench_init
export DB_POOL_SIZE=${DB_POOL_SIZE:-16}
bench_serve
bench_incident
partner=$("$bin" token --role partner --sub bench --org bench-lobby)

# One wrk run; prints req/s, p99 (ms) and answers of 400 or more, space separated.
load() {
    local out
    out=$(INCIDENT_ID=$incident TOKEN=$partner REFUSED=$1 wrk -t2 -c"$connections" -d"${seconds}s" \
        --timeout 10s -s ops/bench/file-claims.lua "$base")
    echo "$out" >&2
    echo "$out" | awk '/^requests:/ {rate = $7; status = $17; sub(/,/, "", status)}
                       /^p99 latency:/ {p99 = $3} END {print rate, p99, status + 0}'
}

echo "== $backend: filing, $connections connections, ${seconds} s, $(nproc) cores"
read -r refused_rate refused_p99 _ < <(load 1)
read -r rate p99 failed < <(load 0)
rss=$(bench_rss)
filed=$(bench_sql "SELECT count(*) FROM claims")
bench_verify
bench_stop

# The plain client's floor: as many claims as the run filed (at least 64,000), 64 per commit.
count=$(( filed > 64000 ? filed : 64000 ))
window=$(bench_sql "SELECT id FROM outage_windows LIMIT 1")
seq0=$(bench_sql "SELECT last_seq FROM audit_head")
awk -v count="$count" -v group=64 -v incident="$incident" -v window="$window" -v seq0="$seq0" \
    -v tag=$$ -f ops/bench/floor-rows.awk > "$work/floor.sql"
start=$(date +%s.%N)
if [ "$backend" = postgres ]; then
    bench_psql -f "$work/floor.sql" >/dev/null
else
    { echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"; cat "$work/floor.sql"; } \
        | sqlite3 -batch "$DATABASE_URL" >/dev/null
fi
floor=$(bench_since "$start")
floor_rate=$(echo "$count / $floor" | bc)

bench_result "filing, $connections connections" \
    "$rate/s, p99 $p99 ms, $failed answers >= 400 ($filed claims)" \
    "$([ "$backend" = postgres ] && echo '>= 5,000/s, p99 <= 50 ms' || echo '>= 10,000/s, p99 <= 50 ms, no non-2xx')" \
    "HTTP only (refused at validation): $refused_rate/s, p99 $refused_p99 ms; the same rows set-based from $([ "$backend" = postgres ] && echo psql || echo sqlite3): $floor_rate/s"
echo "server peak RSS: $rss MiB"
bench_result "server peak RSS (filing)" "$rss MiB" "<= 256 MB" ""
