# Shared by the benchmark scripts of ops/bench/ (sourced, not run): a fresh database on either
# backend, the release server on it, tokens, a bench incident, the server's peak RSS, the audit
# check every benchmark ends with, and the result lines `ops/bench/all.sh` gathers into a table.
#
# A script sets `backend` (sqlite|postgres) and `port`, then calls `bench_init`.
# SKIP_BUILD=1 reuses the release binary already built; CARGO_TARGET_DIR is honoured.

bench_init() {
    set -euo pipefail
    bin=${CARGO_TARGET_DIR:-target}/release/outage-claims
    work=$(mktemp -d)
    server=
    db=
    trap bench_cleanup EXIT
    if [ -z "${SKIP_BUILD:-}" ]; then
        cargo build --release --quiet --bin outage-claims --example seed_claims
    fi
    export JWT_SECRET=bench-secret-bench-secret-bench-secret-0 RUST_LOG=warn
    export BIND_ADDR=127.0.0.1:$port
    base=http://127.0.0.1:$port
    if [ "$backend" = postgres ]; then
        db=oc_bench_$$_$port
        createdb -h 127.0.0.1 -U postgres "$db"
        export DATABASE_URL=postgres://postgres@127.0.0.1:5432/$db
    else
        export DATABASE_URL=$work/bench.db
    fi
}

bench_cleanup() {
    bench_stop
    if [ -n "$db" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$db" || true; fi
    rm -rf "$work"
}

# Starts the server on the bench database and waits until it is ready.
bench_serve() {
    "$bin" serve "$@" &
    server=$!
    for _ in $(seq 200); do
        curl -sf "$base/readyz" >/dev/null && return 0
        sleep 0.1
    done
    echo "the server did not become ready" >&2
    return 1
}

bench_stop() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
}

# The server's peak resident memory so far, in MiB.
bench_rss() {
    echo $(( $(awk '/VmHWM/ {print $2}' "/proc/$server/status") / 1024 ))
}

# Runs one SQL text on the bench database with the backend's own plain client (psql or
# sqlite3); prints rows unaligned, `|` between columns.
bench_sql() {
    if [ "$backend" = postgres ]; then bench_psql -c "$1"; else sqlite3 -batch "$DATABASE_URL" "$1"; fi
}

# psql on the bench database (PostgreSQL only), for meta-commands such as \copy.
bench_psql() {
    psql -h 127.0.0.1 -U postgres -d "$db" -qAt -v ON_ERROR_STOP=1 "$@"
}

# POST with a bearer token; prints the answer body, fails on an error answer.
bench_post() {
    curl -sf -X POST "$base$1" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' -d "$3"
}

# Records an incident open for claims with one 9.5-hour messenger outage; sets `incident`.
bench_incident() {
    local admin
    admin=$("$bin" token --role admin --sub bench)
    incident=$(bench_post /api/v1/incidents "$admin" '{"title":"bench","description":"benchmark",
      "started_at":"2022-10-15T15:00:00+09:00","claims_open_at":"2022-10-15T00:00:00+09:00",
      "claims_close_at":"2099-01-01T00:00:00+09:00"}' | jq -r .id)
    bench_post "/api/v1/incidents/$incident/windows" "$admin" '{"service":"messenger",
      "severity":"major_outage","started_at":"2022-10-15T15:30:00+09:00",
      "ended_at":"2022-10-16T01:00:00+09:00"}' >/dev/null
}

# The audit chain must verify after every run: a benchmark that breaks it has measured nothing.
bench_verify() {
    local out
    if ! out=$("$bin" audit verify 2>&1); then
        echo "audit verify FAILED: $out" >&2
        exit 1
    fi
    echo "audit verify: $out"
}

# A result line: `RESULT <backend> <path> | <figure> | <goal> | <limit measured beside it>`,
# printed and appended to $BENCH_RESULTS (when set) for ops/bench/all.sh.
bench_result() {
    local line="RESULT $backend $1 | $2 | $3 | $4"
    echo "$line"
    if [ -n "${BENCH_RESULTS:-}" ]; then echo "$line" >> "$BENCH_RESULTS"; fi
}

# Seconds since `start` (a `date +%s.%N`), to milliseconds.
bench_since() {
    printf '%.3f' "$(echo "$(date +%s.%N) - $1" | bc)"
}
