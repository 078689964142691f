#!/usr/bin/env bash
# Runs the README's tour word for word: every ```sh block that follows a `<!-- tour -->` line,
# in order, as one script, in an empty directory, with the binary on PATH. Any curl answer of
# 400 or more, or any failing command, fails the tour. CI runs it, so the tour cannot rot.
#
#   ops/tour.sh            # BIN names the binary (default: the debug build, built when missing)
#
# The tour serves on localhost:8080, as the README says; that port must be free.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=${BIN:-target/debug/outage-claims}
[ -x "$bin" ] || cargo build --locked --quiet --bin outage-claims
for tool in curl jq; do
    command -v "$tool" >/dev/null || { echo "the tour needs $tool" >&2; exit 1; }
done
if curl -s -o /dev/null localhost:8080; then
    echo "something already listens on localhost:8080; the tour needs that port" >&2
    exit 1
fi

work=$(mktemp -d)
script=$work/tour.sh
# The blocks, joined; `curl` fails on an error answer (and still prints its body).
{
    echo 'set -euo pipefail'
    # (`-f` already fails quietly; curl refuses the two together.)
    echo 'curl() { case " $* " in *" -sf "*|*" -f "*) command curl "$@" ;; *) command curl --fail-with-body "$@" ;; esac; }'
    awk '/^<!-- tour -->$/ { armed = 1; next }
         armed && /^```sh$/ { inside = 1; armed = 0; next }
         inside && /^```$/ { inside = 0; print ""; next }
         inside { print }' README.md
} > "$script"
blocks=$(grep -c '^<!-- tour -->$' README.md)
[ "$blocks" -gt 0 ] || { echo "no tour blocks found in README.md" >&2; exit 1; }

binary=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
mkdir "$work/bin"
ln -s "$binary" "$work/bin/outage-claims"
cleanup() {
    local status=$?
    # The tour ends with `kill %1`; a failed tour may leave its server running.
    pkill -f "$work/bin/outage-claims serve" 2>/dev/null || true
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT

echo "== the README tour: $blocks blocks, $(wc -l < "$script") lines, in $work"
(
    cd "$work"
    unset JWT_SECRET JWT_SECRET_FILE DATABASE_URL BIND_ADDR
    PATH=$work/bin:$PATH RUST_LOG=warn bash -x "$script"
) 2>&1 | sed "s|$repo|.|g"
echo "== the tour ran to the end"
