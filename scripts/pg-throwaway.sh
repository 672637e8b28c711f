# Sourced by scripts/test.sh and bench/run.sh: a throwaway PostgreSQL cluster on loopback.
# pg_start DIR: installs Debian's postgresql when its binaries are missing, initdb as an unprivileged
# user (initdb refuses root), starts on a free port with durability off (test data only), sets PG_URL.

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

pg_start() {
  PG_DIR=$1
  if [ -z "$(pg_bindir)" ]; then
    echo "installing postgresql (Debian package)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null 2>&1 || return 1
  fi
  PG_BIN=$(pg_bindir)
  PG_USER=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    PG_USER=postgres
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres || return 1
  fi
  mkdir -p "$PG_DIR" || return 1
  # the server user must reach its directory; never loosen or tighten a shared parent such as /tmp
  chmod 755 "$PG_DIR"
  [ -k "$(dirname "$PG_DIR")" ] || chmod o+x "$(dirname "$PG_DIR")"
  if [ "$PG_USER" != "$(id -un)" ]; then chown "$PG_USER" "$PG_DIR" || return 1; fi
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 || return 1
  pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    >/dev/null || return 1
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  export PG_URL PG_DIR PG_BIN PG_PORT PG_USER
}

pg_as() {
  if [ "$PG_USER" = "$(id -un)" ]; then "$@"; else su "$PG_USER" -s /bin/sh -c "$(printf '%q ' "$@")"; fi
}

pg_url() { echo "postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/$1"; }

pg_createdb() { "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -c "CREATE DATABASE \"$1\"" postgres; }

pg_stop() {
  [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1
  return 0
}
