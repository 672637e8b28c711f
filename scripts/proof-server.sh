# Sourced by the contract proofs (scripts/proof-*.sh): a throwaway server with the demo world.
# proof_server_start DIR: a fresh database (PROOF_DATABASE_URL when given, e.g. a new PostgreSQL
# database made by scripts/test.sh; else an SQLite file in DIR), `governance-api seed-demo`, then
# `governance-api serve` on a free loopback port; sets PROOF_ORIGIN and PROOF_API and waits for /readyz.
# proof_server_stop stops it (callers trap it on EXIT). proof_token USER prints a bearer token.

PROOF_VENV=${GOVERNANCE_TEST_VENV:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.venv}
PROOF_PASSWORD=Demo-pass-2026

proof_server_start() {
  local dir=$1 port i
  mkdir -p "$dir"
  export GOVERNANCE_DATABASE_URL=${PROOF_DATABASE_URL:-sqlite:///$dir/governance.db}
  export GOVERNANCE_JWT_SECRET=proof-only-secret-$(python3 -c 'import secrets; print(secrets.token_hex(24))')
  export GOVERNANCE_ENVIRONMENT=test GOVERNANCE_LOG_LEVEL=WARNING
  if ! "$PROOF_VENV/bin/governance-api" seed-demo >"$dir/seed.log" 2>&1; then
    echo "seed-demo failed:"; tail -5 "$dir/seed.log"; return 1
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "$PROOF_VENV/bin/governance-api" serve --host 127.0.0.1 --port "$port" >"$dir/server.log" 2>&1 &
  PROOF_SERVER_PID=$!
  PROOF_ORIGIN=http://127.0.0.1:$port
  PROOF_API=$PROOF_ORIGIN/api/v1
  export PROOF_ORIGIN PROOF_API PROOF_SERVER_PID
  for i in $(seq 1 100); do
    curl -fs "$PROOF_ORIGIN/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$PROOF_SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  echo "the server did not become ready:"; tail -20 "$dir/server.log"; return 1
}

proof_server_stop() {
  if [ -n "${PROOF_SERVER_PID:-}" ] && kill -0 "$PROOF_SERVER_PID" 2>/dev/null; then
    kill "$PROOF_SERVER_PID" 2>/dev/null
    # uvicorn re-raises the SIGTERM after its graceful shutdown, so the server ends with 143: that
    # is the stop asked for, not a failure (under the proofs' `set -e` it would fail the proof).
    wait "$PROOF_SERVER_PID" 2>/dev/null || true
  fi
  PROOF_SERVER_PID=
  return 0
}

proof_token() {  # a demo user's access token
  curl -fsS -X POST "$PROOF_API/auth/token" --data-urlencode "username=$1" --data-urlencode "password=$PROOF_PASSWORD" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
