#!/usr/bin/env bash
# The project against the floor, in one run (../shared/bench/side-by-side/run.sh: PostgreSQL 15 with
# durable commits, 2 workers each, wrk with one connection per thread), seeded with 1 000 000
# disputes, then the table appended to bench/RESULTS.md with the date, machine and commit.
# Usage (as root, ~15 min): bash bench/side-by-side.sh [DURATION_S=20] [CONC=16]
#   SEED_ARGS="--disputes N"  another volume;  SIDE_BY_SIDE=path/to/run.sh  another runner
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runner=${SIDE_BY_SIDE:-$root/../shared/bench/side-by-side/run.sh}
[ -f "$runner" ] || { echo "no side-by-side runner at $runner"; exit 1; }
out=$(mktemp -d "${TMPDIR:-/tmp}/side-by-side.XXXX")
export OUT_DIR=$out SEED_ARGS=${SEED_ARGS:---disputes 1000000}
duration=${1:-20} conc=${2:-16}
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src migrations pyproject.toml || echo "+changes")
bash "$runner" "$root" "$duration" "$conc" | tee "$out/table.md"
rss=$(python3 - "$out/rss.jsonl" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
kb = [int(r["rss_kb"]) for r in rows if r["rss_kb"]]
print(f"{max(kb) / 1024:.0f} MB" if kb else "not measured")
PY
)
{
  echo
  echo "## $(date -u +%F) — side by side with the floor ($SEED_ARGS, ${duration} s per endpoint, concurrency $conc)"
  echo
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(python3 --version); commit $commit."
  echo "Runner: \`$(realpath --relative-to="$root" "$runner")\`, raw lines in \`$out\`."
  echo
  grep '^|' "$out/table.md"
  echo
  echo "Peak RSS of the largest project worker (VmHWM): $rss."
} >>bench/RESULTS.md
echo "appended to bench/RESULTS.md"
