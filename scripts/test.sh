#!/usr/bin/env bash
# Installs the project with its test tools into .venv and runs every check: ruff, mypy, the test
# suite on SQLite and on a throwaway PostgreSQL cluster (started here on loopback, stopped on exit),
# the contract proofs on both (scripts/proof-*.sh: Schemathesis, the BOLA matrix, the generated
# TypeScript client and redocly lint), the docs page in headless Chromium with no network beyond
# loopback (scripts/docs-browser-check.sh), and, when ../shared/contract-smoke exists, the black-box
# contract smoke on both databases.
# Exits non-zero on any failure; ends with one "N passed, N failed" line over all runs.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${GOVERNANCE_TEST_VENV:-$root/.venv}
logs=$(mktemp -d "${TMPDIR:-/tmp}/governance-test.XXXX")
status=0 passed=0 failed=0

step() { printf '\n== %s\n' "$*"; }
count() {  # add the pytest summary of log $1 to the totals
  local line p f e
  line=$(grep -E '^(=+ )?[0-9]+ (passed|failed|errors?)|^=+ .*(passed|failed|error)' "$1" | tail -1)
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+' || true)
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+' || true)
  e=$(grep -oE '[0-9]+ errors?' <<<"$line" | grep -oE '[0-9]+' || true)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
  [ -n "$line" ] || failed=$((failed + 1))
}
proof() {  # proof NAME DB: run scripts/proof-NAME.sh and add its "NAME: N passed, N failed" line
  local name=$1 db=$2 log line
  log=$logs/proof-$name-$db.log
  step "proof: $name on $db"
  local started=$SECONDS rc=0 f
  bash "scripts/proof-$name.sh" >"$log" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ]; then tail -12 "$log"; else status=1; tail -150 "$log"; fi
  echo "($name on $db: $((SECONDS - started))s)"
  line=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" "$log" | tail -1)
  if [ -n "$line" ]; then
    f=$(grep -oE '[0-9]+ failed' <<<"$line" | grep -oE '[0-9]+')
    passed=$((passed + $(grep -oE '[0-9]+ passed' <<<"$line" | grep -oE '[0-9]+')))
    failed=$((failed + f))
    # A proof that counted no failure yet exited non-zero failed somewhere else (setup, teardown):
    # say so here rather than leave an unexplained failure in the total.
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
      echo "proof-$name.sh exited with $rc after counting no failure"; failed=$((failed + 1))
    fi
  else
    failed=$((failed + 1))
  fi
}

step "install into $venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip >"$logs/pip.log" 2>&1
if ! "$venv/bin/pip" install -q -e ".[test]" >>"$logs/pip.log" 2>&1; then
  tail -20 "$logs/pip.log"; echo "0 passed, 1 failed"; exit 1
fi

step "ruff"; "$venv/bin/ruff" check src tests migrations bench scripts || status=1
"$venv/bin/ruff" format --check src tests migrations bench scripts || status=1
step "mypy"; "$venv/bin/mypy" || status=1

step "pytest on SQLite"
"$venv/bin/python" -m pytest tests -q 2>&1 | tee "$logs/sqlite.log" | tail -25
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1; count "$logs/sqlite.log"
for name in schemathesis bola client; do proof "$name" sqlite; done

step "PostgreSQL cluster"
# shellcheck source=scripts/pg-throwaway.sh
if source scripts/pg-throwaway.sh && pg_start "$logs/pg"; then
  trap pg_stop EXIT
  step "pytest on PostgreSQL"
  GOVERNANCE_TEST_POSTGRES_URL="$PG_URL" "$venv/bin/python" -m pytest tests -q 2>&1 | tee "$logs/pg.log" | tail -25
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1; count "$logs/pg.log"
  for name in schemathesis bola client; do
    if pg_createdb "proof_$name"; then
      PROOF_DATABASE_URL=$(pg_url "proof_$name") proof "$name" postgresql
    else
      echo "could not create the database proof_$name"; status=1; failed=$((failed + 1))
    fi
  done
else
  echo "could not start PostgreSQL"; status=1; failed=$((failed + 1))
fi

step "docs in headless Chromium, no network beyond loopback"
GOVERNANCE_TEST_VENV="$venv" bash scripts/docs-browser-check.sh 2>&1 | tee "$logs/docs-browser.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1; count "$logs/docs-browser.log"

smoke=$root/../shared/contract-smoke/run.sh
# The smoke parts whose state machine has landed (foundation always; decisions, disputes once registered).
parts=$("$venv/bin/python" -c 'import governance_api.app; from governance_api.machines import MACHINES
print(" or ".join(["foundation"] + [p for m, p in (("decision", "decisions"), ("dispute", "disputes")) if m in MACHINES]))')
if [ -f "$smoke" ]; then
  step "contract smoke on SQLite"
  echo "parts: $parts"
  bash "$smoke" "$root" -- -k "$parts" 2>&1 | tee "$logs/smoke-sqlite.log" | tail -8
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1; count "$logs/smoke-sqlite.log"
  if [ -n "${PG_URL:-}" ]; then
    step "contract smoke on PostgreSQL"
    pg_createdb smoke && ACC_DB=postgres ACC_PG_URL="$(pg_url smoke)" bash "$smoke" "$root" -- -k "$parts" 2>&1 \
      | tee "$logs/smoke-pg.log" | tail -8
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1; count "$logs/smoke-pg.log"
  fi
fi

[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1  # lint or type errors count as a failure
echo "logs: $logs"
echo "$passed passed, $failed failed"
exit "$status"
