#!/usr/bin/env bash
# Restore drill: proves that a backup taken while the service runs can be restored.
#
#   ops/restore-drill.sh sqlite|postgres
#
# 1. serves a fresh database with the demo incident, files claims, creates, approves and
#    exports a payout batch;
# 2. notes what must survive: the incident summary (counts and sums by status, service, kind
#    and channel), the number of audit events, and the SHA-256 of the payment file;
# 3. `outage-claims backup --to FILE` while the server is still running;
# 4. destroys the database (kill -9, files removed / database dropped);
# 5. restores (a file copy for SQLite, pg_restore for PostgreSQL), runs `audit verify`, serves
#    again and compares everything noted in step 2.
# Exits non-zero on the first difference. BIN names the binary (default: the debug build,
# built when missing). PostgreSQL: a server on 127.0.0.1:5432 where user postgres may create
# databases; the drill creates and drops its own.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:?usage: ops/restore-drill.sh sqlite|postgres}
. ops/lib/serve.sh

admin=$("$bin" token --role admin --sub drill)
finance=$("$bin" token --role finance --sub drill-fiona)
approver=$("$bin" token --role finance --sub drill-grace)
partner=$("$bin" token --role partner --sub drill --org lobby)

echo "== $backend: build up state"
start_server --demo
incident=$(curl -sf "$base/api/v1/incidents" | json_field id)
policy=$(api GET "/api/v1/incidents/$incident/policies" "$admin" | json_field id)
# Registration numbers 1000000001..: the check digit computed as docs/contract.md §4 says.
brn() {
    local nine=$1 weights=(1 3 7 1 3 7 1 3 5) sum=0 i
    for i in $(seq 0 8); do sum=$((sum + ${nine:$i:1} * weights[i])); done
    sum=$((sum + (${nine:8:1} * 5) / 10))
    echo "$nine$(((10 - sum % 10) % 10))"
}
for n in $(seq 1 25); do
    api POST /api/v1/claims "$partner" '{"incident_id":"'"$incident"'","service":"messenger",
      "claimant":{"kind":"business","name":"Shop '"$n"'","business_registration_number":"'"$(brn $((100000000 + n)))"'",
                  "email":"shop'"$n"'@example.kr"},
      "loss_started_at":"2022-10-15T16:00:00+09:00","loss_ended_at":"2022-10-15T20:00:00+09:00",
      "currency":"KRW","claimed_amount":"'"$((200000 + n * 10000))"'",
      "payout_account":{"bank_code":"004","account_number":"123-456-'"$((100000 + n))"'","holder":"Owner '"$n"'"},
      "external_ref":"drill-'"$n"'"}' >/dev/null
done
batch=$(api POST /api/v1/payout-batches "$finance" '{"incident_id":"'"$incident"'","policy_id":"'"$policy"'"}' | json_field id)
api POST "/api/v1/payout-batches/$batch/approve" "$approver" >/dev/null

note_state() { # FILE: what must survive
    {
        api GET "/api/v1/incidents/$incident/summary" "$finance"
        echo
        api GET "/api/v1/payout-batches/$batch" "$finance"
        echo
        # Every event, by sequence: the whole chain, not only its length.
        cursor=
        while :; do
            page=$(api GET "/api/v1/audit-events?limit=500${cursor:+&cursor=$cursor}" "$finance")
            echo "$page" | grep -oE '"hash":"[0-9a-f]+"'
            cursor=$(echo "$page" | sed -nE 's/.*"next_cursor":"([^"]+)".*/\1/p')
            [ -n "$cursor" ] || break
        done
    } > "$1"
}
# Exporting is audited, so the payment file's digest is taken before the state is noted.
export_digest() { curl -sf "$base/api/v1/payout-batches/$batch/export.csv" -H "Authorization: Bearer $finance" | sha256sum; }
export_digest > "$work/export-before.txt"
note_state "$work/before.txt"
echo "noted: $(grep -c '"hash"' "$work/before.txt") audit events, summary, batch totals, export digest"

echo "== back up while serving"
"$bin" backup --to "$work/backup"
ls -l "$work/backup"

echo "== destroy"
stop_server
case "$backend" in
    sqlite) rm -f "$DATABASE_URL" "$DATABASE_URL-wal" "$DATABASE_URL-shm" ;;
    postgres) dropdb -h 127.0.0.1 -U postgres "$db" ;;
esac
if [ "$backend" = postgres ] && "$bin" audit verify >/dev/null 2>&1; then
    echo "the database is still there after destroying it" >&2
    exit 1
fi

echo "== restore"
case "$backend" in
    sqlite) cp "$work/backup" "$DATABASE_URL" ;;
    postgres)
        createdb -h 127.0.0.1 -U postgres "$db"
        pg_restore --exit-on-error --no-owner --dbname "$DATABASE_URL" "$work/backup"
        ;;
esac
"$bin" audit verify
start_server
note_state "$work/after.txt"
export_digest > "$work/export-after.txt"
if ! diff -u "$work/before.txt" "$work/after.txt" || ! diff "$work/export-before.txt" "$work/export-after.txt"; then
    echo "restore drill FAILED: the restored database differs" >&2
    exit 1
fi
echo "restore drill passed on $backend: summary, batch, export bytes and $(grep -c '"hash"' "$work/after.txt") audit events identical"
