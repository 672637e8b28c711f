#!/usr/bin/env bash
# Contract proof 2: the BOLA matrix (scripts/bola_matrix.py) against a live server with the demo
# world and a second street. PROOF_DATABASE_URL: a fresh database to use (default: SQLite in a temp
# dir). Ends with "bola: N passed, N failed" (one per call); exits non-zero on any leak.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/proof-server.sh
source scripts/proof-server.sh
work=$(mktemp -d "${TMPDIR:-/tmp}/proof-bola.XXXX")
trap proof_server_stop EXIT
trap "exit 130" INT TERM
proof_server_start "$work"
echo "server $PROOF_ORIGIN ($GOVERNANCE_DATABASE_URL)"
"$PROOF_VENV/bin/python" scripts/bola_matrix.py "$PROOF_API"
