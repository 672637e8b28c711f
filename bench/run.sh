#!/usr/bin/env bash
# Re-runnable load benchmark on a throwaway PostgreSQL cluster: seeds realistic volume, serves the
# API with 2 workers, runs bench/load.py, and prints results plus the peak RSS of each worker.
# Usage: bash bench/run.sh   (appending the numbers to bench/RESULTS.md is left to the person running it)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${GOVERNANCE_TEST_VENV:-$PWD/.venv}
[ -x "$venv/bin/governance-api" ] || { python3 -m venv "$venv"; "$venv/bin/pip" install -q -e ".[test]"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/governance-bench.XXXX")
source scripts/pg-throwaway.sh
pg_start "$work/pg"
trap 'kill "${server:-0}" 2>/dev/null; pg_stop' EXIT
pg_createdb bench
export GOVERNANCE_DATABASE_URL=$(pg_url bench) GOVERNANCE_LOG_LEVEL=WARNING GOVERNANCE_TOKEN_ATTEMPTS_PER_MINUTE=100000
"$venv/bin/governance-api" db upgrade >/dev/null
time "$venv/bin/python" bench/seed.py "$work/plan.json"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$venv/bin/governance-api" serve --port "$port" --workers 2 >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
"$venv/bin/python" bench/load.py "http://127.0.0.1:$port" "$work/plan.json"
for pid in $(pgrep -P "$server" -f multiprocessing || true); do
  echo "worker $pid peak RSS: $(grep VmHWM /proc/"$pid"/status | awk '{print $2, $3}')"
done
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(date -u +%F)"
