#!/usr/bin/env bash
# API fuzzing: schemathesis, an independent client from PyPI, drives the running
# server from nothing but its own OpenAPI document.
#
#   ops/api-fuzz.sh sqlite|postgres
#
# Serves a fresh database with the demo incident and runs schemathesis once per caller:
# anonymous, admin, finance, partner and claimant. Each run uses every check (`--checks all`):
# no 5xx; every answer's status, headers, content type and body as documented; schema-valid
# requests accepted and schema-invalid ones refused; and no operation that answers without the
# credentials it documents. Exceptions, each with its reason, are in ops/schemathesis.toml.
# Exits non-zero when any caller's run has a finding; the report names the request to replay.
#
# FUZZ_EXAMPLES (default 25) sets the examples per operation and phase; FUZZ_SEED (default a
# fixed seed, so that CI is repeatable) can be changed to explore further.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:?usage: ops/api-fuzz.sh sqlite|postgres}
examples=${FUZZ_EXAMPLES:-25}
seed=${FUZZ_SEED:-20261124}
version=4.32.5
if ! python3 -m pip show schemathesis 2>/dev/null | grep -qx "Version: $version"; then
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$version"
fi
. ops/lib/serve.sh

# The fuzzer files many claims from one address: the public rate limit would answer 429.
export PUBLIC_FILING_PER_MINUTE=1000000
start_server --demo

declare -A tokens=(
    [admin]=$("$bin" token --role admin --sub fuzz-admin)
    [finance]=$("$bin" token --role finance --sub fuzz-finance)
    [partner]=$("$bin" token --role partner --sub fuzz-partner --org fuzz-lobby)
    [claimant]=$("$bin" token --role claimant --sub fuzz-claimant)
)
failed=()
for caller in anonymous admin finance partner claimant; do
    echo "== $backend: schemathesis as $caller"
    auth=()
    if [ "$caller" != anonymous ]; then auth=(-H "Authorization: Bearer ${tokens[$caller]}"); fi
    if ! python3 -c 'from schemathesis.cli import schemathesis; schemathesis()' \
        --config-file ops/schemathesis.toml run "$base/api/v1/openapi.json" "${auth[@]}" \
        --checks all --max-examples "$examples" --seed "$seed" --generation-database none \
        --output-sanitize true; then
        failed+=("$caller")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "api fuzzing FAILED on $backend for: ${failed[*]} (server log: see above)" >&2
    tail -n 50 "$work/server.log" >&2
    exit 1
fi
echo "api fuzzing passed on $backend: no finding for any caller"
