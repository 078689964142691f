# Shared by the ops scripts that drive the real server (restore-drill.sh, api-fuzz.sh).
# Source it with `backend` set to sqlite or postgres. It gives:
#   - a scratch database on that backend (`DATABASE_URL`), dropped on exit;
#   - `start_server [serve options]`: serves on a free port, sets `server` (pid) and `base`;
#   - `api METHOD PATH TOKEN [BODY]` and `json_field NAME` for curl calls;
#   - `bin`: the binary (BIN, default the debug build, built when missing).
# PostgreSQL: a server on 127.0.0.1:5432 where user postgres may create databases.

bin=${BIN:-target/debug/outage-claims}
[ -x "$bin" ] || cargo build --locked --quiet --bin outage-claims
work=$(mktemp -d)
server=
db=
pg=postgres://postgres@127.0.0.1:5432

# Runs on every exit; its own failures must not change the script's verdict (under `set -e` a
# killed server's status from `wait` would otherwise become the script's exit code).
cleanup() {
    local status=$?
    stop_server
    if [ -n "$db" ]; then dropdb -h 127.0.0.1 -U postgres --if-exists "$db" || true; fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

export JWT_SECRET=ops-scratch-secret-ops-scratch-secret RUST_LOG=warn
case "$backend" in
    sqlite) export DATABASE_URL=$work/claims.db ;;
    postgres)
        db=oc_ops_$$
        createdb -h 127.0.0.1 -U postgres "$db"
        export DATABASE_URL=$pg/$db
        ;;
    *) echo "usage: $0 sqlite|postgres" >&2; exit 2 ;;
esac

start_server() {
    local port_file=$work/port
    rm -f "$port_file"
    # The server names the port it got in its "serving" log line.
    RUST_LOG=info "$bin" serve --bind 127.0.0.1:0 "$@" \
        2> >(tee -a "$work/server.log" | sed -unE 's/.*serving port=([0-9]+).*/\1/p' > "$port_file") &
    server=$!
    for _ in $(seq 300); do
        [ -s "$port_file" ] && break
        sleep 0.1
    done
    port=$(cat "$port_file")
    base=http://127.0.0.1:$port
    curl -sf "$base/readyz" >/dev/null
}

# kill -9: the scripts test crash safety, not shutdown manners.
stop_server() {
    if [ -n "$server" ]; then
        kill -9 "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=
    fi
}

api() { # METHOD PATH TOKEN [BODY]
    curl -sf -X "$1" "$base$2" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' ${4:+-d "$4"}
}
json_field() { sed -E "s/.*\"$1\":\"([^\"]+)\".*/\1/"; }
