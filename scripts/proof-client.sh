#!/usr/bin/env bash
# Contract proof 3: what a front-end team does with openapi/openapi.json, in clients/typescript/:
#   npm ci (the pinned tools of package-lock.json), `openapi-typescript` with its default options
#   → schema.d.ts (generated here on every run, never committed, so it cannot drift from the
#   document), `tsc --strict` on walkthrough.ts (typed by schema.d.ts alone, through openapi-fetch),
#   `redocly lint` of the document with its recommended rules (./redocly.yaml), then the compiled
#   walk-through drives both state machines against a live server with the demo world
#   (scripts/proof-server.sh; PROOF_DATABASE_URL: a fresh database, default SQLite in a temp dir).
# Ends with "client: N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/proof-server.sh
source scripts/proof-server.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/proof-client.XXXX")
trap proof_server_stop EXIT
trap "exit 130" INT TERM
passed=0 failed=0
run() {  # run DIR NAME COMMAND...: one counted step in DIR, its output in the log and shown on failure
  local dir=$1 name=$2; shift 2
  if (cd "$dir" && "$@") >"$work/$name.log" 2>&1; then
    passed=$((passed + 1)); echo "ok - $name"
  else
    failed=$((failed + 1)); echo "FAILED - $name"; tail -40 "$work/$name.log"
  fi
}

client=clients/typescript
rm -rf "$client/schema.d.ts" "$client/dist"
run "$client" "npm ci" npm ci --no-audit --no-fund --loglevel=error
run "$client" "openapi-typescript (default options) → schema.d.ts" \
  npx openapi-typescript ../../openapi/openapi.json --output schema.d.ts
run "$client" "tsc --strict walkthrough.ts" npx tsc --project tsconfig.json
run . "redocly lint (recommended rules)" "$client/node_modules/.bin/redocly" lint openapi/openapi.json --format=stylish
grep -E "^(Woohoo|❌|✅)|validated in" "$work/redocly lint (recommended rules).log" || true

proof_server_start "$work"
echo "server $PROOF_ORIGIN ($GOVERNANCE_DATABASE_URL)"
if [ -f clients/typescript/dist/walkthrough.js ] \
    && (cd clients/typescript && API_ORIGIN=$PROOF_ORIGIN node dist/walkthrough.js) >"$work/walkthrough.log" 2>&1; then
  passed=$((passed + 1)); grep -E "^(dispute|decision) " "$work/walkthrough.log"; tail -1 "$work/walkthrough.log"
else
  failed=$((failed + 1)); echo "FAILED - walkthrough"; tail -30 "$work/walkthrough.log" 2>/dev/null || true
fi
echo "logs: $work"
echo "client: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
