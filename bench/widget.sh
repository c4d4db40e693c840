#!/usr/bin/env bash
# The daemon's memory with many idle widget visitors: starts a daemon on a
# temporary data dir, creates VISITORS sessions, then reads VmRSS with 0 visitor
# sockets (the baseline of this run), opens one /ws/widget socket per session
# and reads VmRSS again. Also prints the size of /widget.js as served.
#
# Environment:
#   VISITORS          sessions and sockets (default 5000)
#   SWITCHBOARD_BIN   daemon binary (default build/switchboard; built if missing)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
visitors="${VISITORS:-5000}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
require_tools curl python3 node
# One descriptor per socket in the daemon and in the client.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit="$(ulimit -n)"
if [[ "$fd_limit" != unlimited ]] && ((fd_limit < visitors + 512)); then
  echo "error: ulimit -n is $fd_limit; $visitors sockets need at least $((visitors + 512))" >&2
  exit 1
fi
use_binary SWITCHBOARD_BIN switchboard switchboard
build_binaries SWITCHBOARD_BIN

work_dir="$(mktemp -d)"
daemon_pid="" client_pid=""
cleanup() {
  if [[ -n "$client_pid" ]]; then kill "$client_pid" 2>/dev/null || true; fi
  if [[ -n "$daemon_pid" ]]; then
    kill -TERM "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT

port="$(free_port)"
# Every session comes from 127.0.0.1: lift the per-address limit for the bench.
env -u SWITCHBOARD_BIN SWITCHBOARD_WIDGET_REQUESTS_PER_MINUTE_PER_IP=1000000 SWITCHBOARD_LOG_LEVEL=warn \
  SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP=1000000 \
  "$SWITCHBOARD_BIN" serve --listen "127.0.0.1:$port" --data-dir "$work_dir/data" >"$work_dir/daemon.log" 2>&1 &
daemon_pid=$!
for _ in {1..100}; do
  curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null && break
  sleep 0.1
done
kill -0 "$daemon_pid" 2>/dev/null || { cat "$work_dir/daemon.log" >&2; exit 1; }
rss() { awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status"; }

js_bytes="$(curl -fsS "http://127.0.0.1:$port/widget.js" | wc -c)"
js_gzip="$(curl -fsS "http://127.0.0.1:$port/widget.js" | gzip -9 | wc -c)"
rss_start="$(rss)"

fifo="$work_dir/client.in"
mkfifo "$fifo"
node "$root/bench/widget_client.mjs" "$port" "$visitors" 1 <"$fifo" >"$work_dir/client.out" 2>&1 &
client_pid=$!
exec 3>"$fifo"  # held open: the client keeps its sockets until this closes
wait_for() {
  for _ in {1..1200}; do
    grep -q "^$1 " "$work_dir/client.out" && return 0
    kill -0 "$client_pid" 2>/dev/null || { cat "$work_dir/client.out" >&2; exit 1; }
    sleep 0.1
  done
  echo "error: timed out waiting for '$1'" >&2
  exit 1
}
wait_for sessions
sleep 1
rss_zero="$(rss)"
wait_for open
sleep 2
rss_open="$(rss)"
exec 3>&-
wait "$client_pid" 2>/dev/null || true
client_pid=""

per_socket=$(( (rss_open - rss_zero) * 1024 / visitors ))
printf 'widget.js: %d bytes (%d gzip -9)\n' "$js_bytes" "$js_gzip"
printf 'daemon RSS at start:                 %7d KiB\n' "$rss_start"
printf 'after %d sessions, 0 sockets:      %7d KiB (baseline)\n' "$visitors" "$rss_zero"
printf 'with %d /ws/widget sockets open:   %7d KiB (+%d KiB, ~%d bytes per socket)\n' \
  "$visitors" "$rss_open" "$((rss_open - rss_zero))" "$per_socket"
