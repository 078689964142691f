#!/usr/bin/env bash
# Every row of the performance table, on each backend named (default both), printed at the end
# as a Markdown table: the figure, the goal, and the limit measured beside it in the same run.
# Each benchmark ends with `audit verify`; any failure stops the run.
#
#   ops/bench/all.sh [sqlite] [postgres]
#
# Environment: CLAIMS (batch size, default 1000000), ROWS (bulk rows, default 100000),
# CONNECTIONS (default 64), FILING_SECONDS (filing duration, default 15). Builds the release binary
# once. Takes about 10 minutes per backend on a 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)
cargo build --release --quiet --bin outage-claims --example seed_claims
export SKIP_BUILD=1 BENCH_RESULTS
BENCH_RESULTS=$(mktemp)
trap 'rm -f "$BENCH_RESULTS"' EXIT
for backend in "${backends[@]}"; do
    ops/bench/claims-load.sh "$backend" "${CONNECTIONS:-64}" "${FILING_SECONDS:-15}"
    ops/bench/bulk-upload.sh "$backend" "${ROWS:-100000}"
    ops/bench/batch-load.sh "$backend" "${CLAIMS:-1000000}"
done
echo
echo "## $(date -u +%Y-%m-%d), $(nproc) cores, commit $(git rev-parse --short HEAD)"
echo
echo "| backend | path | measured | goal | limit measured beside it |"
echo "|---|---|---|---|---|"
sed -E 's/^RESULT ([a-z]+) /| \1 | /; s/$/ |/' "$BENCH_RESULTS"
