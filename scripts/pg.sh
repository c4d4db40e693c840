#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests (issue 19): Debian's server binaries,
# a data directory under a temp dir, a private port on loopback, run as the
# `postgres` user (root cannot run the server). Nothing is installed or left behind.
#
#   scripts/pg.sh start DIR   initdb + start; prints the URL (postgres://…@127.0.0.1:PORT/switchboard)
#   scripts/pg.sh stop DIR    stops it and removes DIR
#   scripts/pg.sh run CMD…    start in a new temp dir, export SWITCHBOARD_TEST_POSTGRES_URL,
#                             run CMD, stop whatever CMD did; exits with CMD's status
set -euo pipefail

bindir() {
  if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$d" ] || { echo "pg.sh: PostgreSQL server binaries not found (scripts/bootstrap.sh installs postgresql)" >&2; exit 1; }
  echo "$d"
}

as_server_user() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

start() {
  local dir="$1" bin port
  bin="$(bindir)"
  mkdir -p "$dir"
  [ "$(id -u)" = "0" ] && chown postgres: "$dir"
  as_server_user "$bin/initdb" -D "$dir/data" -U switchboard --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  port="$(free_port)"
  # Tests want speed over durability only here: the daemon's own settings are its business.
  as_server_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  as_server_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U switchboard switchboard
  echo "$port" >"$dir/port"
  echo "postgres://switchboard@127.0.0.1:$port/switchboard"
}

stop() {
  local dir="$1"
  [ -d "$dir/data" ] && as_server_user "$(bindir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  run)
    shift
    dir="$(mktemp -d /tmp/sbpg-XXXXXX)"
    trap 'stop "$dir"' EXIT
    SWITCHBOARD_TEST_POSTGRES_URL="$(start "$dir")"
    export SWITCHBOARD_TEST_POSTGRES_URL
    set +e
    "$@"
    status=$?
    set -e
    exit $status
    ;;
  *) echo "usage: scripts/pg.sh start DIR | stop DIR | run CMD..." >&2; exit 2 ;;
esac
