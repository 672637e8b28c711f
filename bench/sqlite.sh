#!/usr/bin/env bash
# The same three requests as the side-by-side run (GET a dispute, a community page in one state, the
# `accept` transition) on the embedded default: SQLite, one worker, wrk with one connection per
# thread, 5 s warm-up then DURATION_S measured. Appends its table to bench/RESULTS.md.
# Usage: bash bench/sqlite.sh [DURATION_S=20] [CONC=8]     SEED_ARGS="--disputes N" (default 100 000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${GOVERNANCE_TEST_VENV:-$root/.venv}
lua=$root/../shared/bench/side-by-side/lua
export FLOOR_DIR=$root/../shared/bench/floor  # the wrk scripts' shared timing code
command -v wrk >/dev/null || { echo "wrk is not installed (../shared/bench/floor/setup.sh installs it)"; exit 1; }
[ -x "$venv/bin/governance-api" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q -e ".[test]"; }
duration=${1:-20} conc=${2:-8} seed_args=${SEED_ARGS:---disputes 100000}
work=$(mktemp -d "${TMPDIR:-/tmp}/governance-sqlite-bench.XXXX")
export GOVERNANCE_DATABASE_URL=sqlite:///$work/bench.db GOVERNANCE_LOG_LEVEL=WARNING \
  GOVERNANCE_JWT_SECRET=sqlite-bench-secret-0123456789abcdef0123456789 GOVERNANCE_TOKEN_ATTEMPTS_PER_MINUTE=100000
"$venv/bin/governance-api" db upgrade >/dev/null
# shellcheck disable=SC2086
"$venv/bin/python" bench/seed.py $seed_args "$work/plan.json" >/dev/null
ids() {  # ids QUERY PREFIX: the query's ids split over the wrk threads (PREFIX_<tid>.txt)
  python3 - "$work/bench.db" "$1" "$2" "$conc" <<'PY'
import sqlite3, sys, uuid
db, query, prefix, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ids = [str(uuid.UUID(hex=r[0].hex() if isinstance(r[0], bytes) else r[0])) for r in sqlite3.connect(db).execute(query)]
for i in range(k):
    open(f"{prefix}_{i + 1}.txt", "w").write("\n".join(ids[i::k]) + "\n")
PY
}
ids "SELECT id FROM disputes ORDER BY random() LIMIT 50000" "$work/get"
ids "SELECT id FROM org_units WHERE kind = 'community'" "$work/units"
ids "SELECT id FROM disputes WHERE state = 'reported' ORDER BY random() LIMIT 20000" "$work/tr"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/governance-api" serve --host 127.0.0.1 --port "$port" --workers 1 >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
token() { curl -s -X POST "http://127.0.0.1:$port/api/v1/auth/token" -d "username=$1" -d password=Bench-pass-2026 \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'; }
plan() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$work/plan.json" "$1"; }
reader=$(token "$(plan reader)") actor=$(token "$(plan actor)")
run() {  # run NAME SCRIPT SECONDS ENV...: one wrk run; its JSON summary line
  local name=$1 script=$2 seconds=$3; shift 3
  env "$@" wrk -t "$conc" -c "$conc" -d "${seconds}s" --timeout 10s -s "$lua/$script" "http://127.0.0.1:$port" \
    | sed -n 's/^FLOORJSON //p' | sed "s/^/$name /"
}
{
  run get proj_get.lua 5 PROJ_IDS="$work/get" PROJ_TOKEN="$reader" >/dev/null
  run get proj_get.lua "$duration" PROJ_IDS="$work/get" PROJ_TOKEN="$reader"
  run list proj_list.lua 5 PROJ_UNITS="$work/units" PROJ_TOKEN="$reader" >/dev/null
  run list proj_list.lua "$duration" PROJ_UNITS="$work/units" PROJ_TOKEN="$reader"
  run transition proj_accept.lua "$duration" PROJ_IDS="$work/tr" PROJ_TOKEN="$actor"
} >"$work/results.txt"
rss=$(grep VmHWM "/proc/$server/status" | awk '{printf "%.0f MB", $2 / 1024}')
table=$(python3 - "$work/results.txt" <<'PY'
import json, sys
print("| endpoint | req/s | p50 ms | p99 ms | statuses |")
print("|---|---|---|---|---|")
for line in open(sys.argv[1]):
    name, _, raw = line.partition(" ")
    w = json.loads(raw)
    ok = sum(v for k, v in w["statuses"].items() if k.startswith("2"))
    print(f"| {name} | {ok / (w['duration_us'] / 1e6):.0f} | {w['p50_us'] / 1000:.1f} | {w['p99_us'] / 1000:.1f} | {w['statuses']} |")
PY
)
echo "$table"
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations pyproject.toml || echo "+changes")
{
  echo
  echo "## $(date -u +%F) — SQLite, one worker ($seed_args, ${duration} s per endpoint, concurrency $conc)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(python3 --version); commit $commit."
  echo
  echo "$table"
  echo
  echo "Peak RSS of the worker (VmHWM): $rss."
} >>bench/RESULTS.md
echo "appended to bench/RESULTS.md"
