#!/usr/bin/env bash
# The interactive docs render in a real browser with no network beyond loopback (政务外网 have no
# internet): starts the service on a free loopback port on a throwaway SQLite database, opens
# /api/v1/docs in headless Chromium (Debian's `chromium`, installed when missing; needs root) with
# every host but 127.0.0.1 refused, and asserts the dumped DOM holds the rendered operation list:
# one `opblock` per operation of /api/v1/openapi.json, /api/v1/disputes among them.
# Prints what it found, then "1 passed, 0 failed" or "0 passed, 1 failed"; exits non-zero on failure.
# Keeps its work directory (server and browser logs, the dumped DOM) only when it fails.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${GOVERNANCE_TEST_VENV:-$root/.venv}
chromium=${CHROMIUM:-/usr/bin/chromium}
work=$(mktemp -d "${TMPDIR:-/tmp}/governance-docs-browser.XXXX")
server="" ok=0

cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; fi
  if [ "$ok" -eq 1 ]; then rm -rf "$work"; fi
}
trap cleanup EXIT

fail() {
  echo "docs browser check failed: $*"
  echo "logs, profile and DOM kept in $work"
  echo "0 passed, 1 failed"
  exit 1
}

if [ ! -x "$chromium" ]; then
  echo "installing chromium (Debian package)"
  # apt's signature check runs as the _apt user and writes to TMPDIR: give it a directory it may
  # write to, whatever the permissions of /tmp.
  apt_tmp=$(mktemp -d /var/tmp/apt-tmp.XXXX) && chmod 1777 "$apt_tmp"
  (export TMPDIR=$apt_tmp DEBIAN_FRONTEND=noninteractive
   apt-get update -qq && apt-get install -y -qq chromium) >"$work/apt.log" 2>&1
  installed=$?
  rm -rf "$apt_tmp"
  [ "$installed" -eq 0 ] && [ -x "$chromium" ] || { tail -5 "$work/apt.log"; fail "could not install chromium"; }
fi
[ -x "$venv/bin/governance-api" ] || fail "no $venv/bin/governance-api: install the project first"

started=$(date +%s)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
GOVERNANCE_DATABASE_URL="sqlite:///$work/docs.db" \
  GOVERNANCE_JWT_SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(32))') \
  "$venv/bin/governance-api" serve --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  kill -0 "$server" 2>/dev/null || { tail -20 "$work/server.log"; fail "the server exited"; }
  python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/readyz" \
    2>/dev/null && break
  sleep 0.5
done
python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/readyz" 2>/dev/null \
  || { tail -20 "$work/server.log"; fail "$base/readyz did not answer within 60 s"; }
python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' \
  "$base/api/v1/openapi.json" >"$work/openapi.json" || fail "could not read the OpenAPI document"

# No network beyond loopback: every host name but 127.0.0.1 resolves to nothing, and whatever still
# tries goes to a proxy on the discard port, where nothing listens. The rest keeps Chromium from
# calling home (updates, sync, field trials) while it runs.
timeout 180 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic \
  --no-first-run --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" \
  --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" \
  --proxy-server=127.0.0.1:9 --proxy-bypass-list=127.0.0.1 \
  --virtual-time-budget=20000 --dump-dom "$base/api/v1/docs" >"$work/dom.html" 2>"$work/chromium.log"
rc=$?
[ "$rc" -eq 0 ] || { tail -5 "$work/chromium.log"; fail "chromium exited with $rc"; }

seconds=$(($(date +%s) - started))
if found=$(python3 - "$work/dom.html" "$work/openapi.json" "$seconds" <<'EOF'
import json, re, sys

dom = open(sys.argv[1], encoding="utf-8").read()
paths = json.load(open(sys.argv[2], encoding="utf-8"))["paths"]
methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
expected = sum(1 for item in paths.values() for method in item if method in methods)
rendered = len(re.findall(r'class="opblock opblock-[a-z]+', dom))
disputes = 'data-path="/api/v1/disputes"' in dom
errors = [e for e in ("Failed to load API definition", "Unable to render this definition") if e in dom]
print(f"headless Chromium, no network beyond 127.0.0.1: {rendered} operations rendered (opblock) of "
      f"{expected} in the document; /api/v1/disputes {'listed' if disputes else 'MISSING'}; "
      f"{len(dom)} bytes of DOM; {sys.argv[3]} s" + "".join(f"; Swagger UI says: {e}" for e in errors))
sys.exit(0 if rendered == expected > 0 and disputes and not errors else 1)
EOF
); then
  echo "$found"
  ok=1
  echo "1 passed, 0 failed"
else
  echo "${found:-no DOM}"
  fail "the operation list was not rendered (a blank page means the assets did not load)"
fi
