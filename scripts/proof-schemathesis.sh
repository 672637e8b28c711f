#!/usr/bin/env bash
# Contract proof 1: Schemathesis (the version pinned in pyproject's `test` extra) against a live
# server with the demo world (scripts/proof-server.sh) and a second street (scripts/proof_world.py),
# every check (`--checks all`), every phase including stateful (the document's OpenAPI links feed
# created and listed records into the follow-up operations), once per role: each run signs in as
# the role's demo user and names the same role in the second street as its peer, so the
# object_level_authorization check replays the caller's reads as a user who must not see them.
# The demo world's ids are fed in as fuzz dictionaries. Configuration: scripts/schemathesis.toml;
# the failures dropped as documented behaviour or as reported findings, each rule with its reason:
# scripts/schemathesis_hooks.py (their counts close each role's log).
#
#   PROOF_DATABASE_URL=...   a fresh database to use (default: an SQLite file in a temp dir)
#   PROOF_ST_SECONDS=30      time budget of each role's run (4 roles: about 2.5 min per database)
#   PROOF_ST_ROLES="..."     the roles to run as
# Ends with "N passed, N failed" (one per role); exits non-zero when any run found a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/proof-server.sh
source scripts/proof-server.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/proof-schemathesis.XXXX")
trap proof_server_stop EXIT
trap "exit 130" INT TERM
seconds=${PROOF_ST_SECONDS:-30}
roles=${PROOF_ST_ROLES:-"community_secretary judicial_officer mediator resident"}

proof_server_start "$work"
"$PROOF_VENV/bin/python" scripts/proof_world.py "$PROOF_API" "$work/dicts" >"$work/north.json"
echo "server $PROOF_ORIGIN ($GOVERNANCE_DATABASE_URL), schemathesis $("$PROOF_VENV/bin/st" --version | awk '{print $NF}')"

passed=0 failed=0 seed=20261130
for role in $roles; do
  auth=$work/auth-$role.json config=$work/st-$role.toml
  python3 - "$auth" "$(proof_token "demo_$role")" "$(proof_token "north_$role")" <<'EOF'
import json, sys
path, caller, peer = sys.argv[1:]
entry = lambda name, token: {"name": name, "fixedHeaders": [{"name": "Authorization", "value": f"Bearer {token}"}]}
json.dump({"auth": [entry("caller", caller), entry("peer", peer)]}, open(path, "w"))
EOF
  { cat scripts/schemathesis.toml
    printf '\n[auth.wfc]\npath = "%s"\nuser = "caller"\npeers = ["caller", "peer"]\n' "$auth"
  } >"$config"
  echo "== schemathesis as demo_$role (peer north_$role), ${seconds}s"
  if "$PROOF_VENV/bin/st" --config-file "$config" run "$PROOF_API/openapi.json" --checks all \
      --max-time "$seconds" --seed "$seed" --workers 1 --no-color \
      --report junit,ndjson --report-dir "$work/report-$role" >"$work/st-$role.log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^  [0-9]+ generated|^Filtered:|^filter_failure: .* dropped [1-9]' "$work/st-$role.log" || true
  else
    failed=$((failed + 1))
    sed -n '/^=* FAILURES/,$p' "$work/st-$role.log" | cut -c1-400 | head -400
    grep -E '^filter_failure: .* dropped [1-9]' "$work/st-$role.log" || true
    # Each failure's check, answer and reproduction again in a few lines, for the end of the output
    # (a CI page that shows only its tail must still say what failed).
    { echo "demo_$role:"
      sed -n '/^=* FAILURES/,/^=* WARNINGS/p' "$work/st-$role.log" \
        | grep -E '^- |^\[[0-9]{3}\]|^    `|^    curl' | cut -c1-400 | head -24 | sed 's/^/  /'
    } >>"$work/failed.txt"
  fi
done
if [ -s "$work/failed.txt" ]; then echo "== what failed"; cat "$work/failed.txt"; fi
echo "logs: $work"
echo "schemathesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
