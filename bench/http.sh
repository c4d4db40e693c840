#!/usr/bin/env bash
# Compares switchboard's GET /healthz throughput against a bare Beast server
# (bench/minimal_server.cpp) under identical wrk load.
#
# Environment:
#   DURATION            seconds per wrk run (default 10)
#   WRK_THREADS         wrk threads (default 2)
#   WRK_CONNECTIONS     wrk connections (default 64)
#   SWITCHBOARD_BIN     daemon binary (default build/switchboard; not built if set)
#   MINIMAL_SERVER_BIN  baseline binary (default build/bench/bench_minimal_server;
#                       not built if set)
#   BENCH_STRICT=1      exit 1 when the target is missed
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

duration="${DURATION:-10}"
wrk_threads="${WRK_THREADS:-2}"
wrk_connections="${WRK_CONNECTIONS:-64}"
target_pct=80

# shellcheck source=bench/lib.sh
source bench/lib.sh
require_tools wrk curl python3
use_binary SWITCHBOARD_BIN switchboard switchboard
use_binary MINIMAL_SERVER_BIN bench/bench_minimal_server bench_minimal_server
build_binaries SWITCHBOARD_BIN MINIMAL_SERVER_BIN

work_dir="$(mktemp -d)"
server_pids=()

stop_pid() {
  local pid="$1" kept=() p
  for p in "${server_pids[@]}"; do
    [[ "$p" == "$pid" ]] || kept+=("$p")
  done
  server_pids=("${kept[@]}")
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in {1..50}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local pid
  if [[ -n "${wrk_pid:-}" ]]; then
    kill -TERM "$wrk_pid" 2>/dev/null || true
    wait "$wrk_pid" 2>/dev/null || true
  fi
  for pid in "${server_pids[@]}"; do
    stop_pid "$pid"
  done
  server_pids=()
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Sets started_pid and started_port; a plain $(...) would run the server in a
# subshell we cannot track. "{port}" in the command is replaced by a free port,
# and startup is retried on a new port because another process can take the
# probed one before the server binds it.
started_pid="" started_port=""
start_server() {
  local name="$1" log="$2"
  shift 2
  local attempt arg cmd url
  for attempt in 1 2 3; do
    started_port="$(free_port)"
    cmd=()
    for arg in "$@"; do
      cmd+=("${arg//\{port\}/$started_port}")
    done
    "${cmd[@]}" >"$log" 2>"$work_dir/$name.err" &
    started_pid=$!
    server_pids+=("$started_pid")

    url="http://127.0.0.1:$started_port/healthz"
    for _ in {1..200}; do
      kill -0 "$started_pid" 2>/dev/null || break
      if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$started_pid" 2>/dev/null; then
      echo "error: $name did not answer $url within 20 s; stderr:" >&2
      cat "$work_dir/$name.err" >&2
      exit 1
    fi
    stop_pid "$started_pid"
    echo "warning: $name exited during startup (attempt $attempt)" >&2
  done
  echo "error: $name kept exiting during startup; last stderr:" >&2
  cat "$work_dir/$name.err" >&2
  exit 1
}

# wrk prints latencies with a unit suffix (us, ms, s, m); normalise to ms.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.2f", n
  }'
}

# Sets run_rps, run_p99_ms and run_errors from one wrk run.
run_rps="" run_p99_ms="" run_errors="" wrk_pid=""
run_wrk() {
  local label="$1" port="$2"
  local out="$work_dir/wrk-$label.txt"
  # In the background so a signal reaches the traps now, not after the run.
  wrk -t"$wrk_threads" -c"$wrk_connections" -d"${duration}s" --latency \
    "http://127.0.0.1:$port/healthz" >"$out" &
  wrk_pid=$!
  wait "$wrk_pid"
  wrk_pid=""
  run_rps="$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  local p99
  p99="$(awk '$1 == "99%" {print $2}' "$out")"
  if [[ -z "$run_rps" || -z "$p99" ]]; then
    echo "error: could not parse wrk output for $label:" >&2
    cat "$out" >&2
    exit 1
  fi
  run_p99_ms="$(to_ms "$p99")"
  # A server answering errors fast would otherwise look like a win.
  run_errors="$(grep -E 'Non-2xx|Socket errors' "$out" | sed 's/^ *//' | paste -sd';' - || true)"
  printf '  %-28s %12s req/s   p99 %8s ms%s\n' "$label" "$run_rps" "$run_p99_ms" \
    "${run_errors:+   ($run_errors)}"
}

# Keeps the run with the higher req/s for the given result prefix.
keep_best() {
  local prefix="$1"
  local best_var="${prefix}_rps"
  if [[ -z "${!best_var}" ]] || awk -v a="$run_rps" -v b="${!best_var}" 'BEGIN {exit !(a > b)}'; then
    printf -v "${prefix}_rps" '%s' "$run_rps"
    printf -v "${prefix}_p99" '%s' "$run_p99_ms"
    printf -v "${prefix}_errors" '%s' "$run_errors"
  fi
}

pct() {
  awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0) ? 100 * a / b : 0}'
}

echo "baseline:    $MINIMAL_SERVER_BIN"
echo "switchboard: $SWITCHBOARD_BIN"
echo "load:        wrk -t$wrk_threads -c$wrk_connections -d${duration}s, GET /healthz"
echo "note: main switchboard runs use SWITCHBOARD_LOG_ACCESS=false SWITCHBOARD_LOG_LEVEL=warn;"
echo "      access logging is measured separately (SWITCHBOARD_LOG_ACCESS=true, level info, stdout to /dev/null)."
echo

start_server baseline "$work_dir/baseline.out" "$MINIMAL_SERVER_BIN" "{port}"
base_pid="$started_pid" base_port="$started_port"

mkdir "$work_dir/data"
# The daemon rejects unknown SWITCHBOARD_* variables, so our own override must not leak to it.
start_server switchboard "$work_dir/switchboard.out" \
  env -u SWITCHBOARD_BIN SWITCHBOARD_LOG_ACCESS=false SWITCHBOARD_LOG_LEVEL=warn \
  "$SWITCHBOARD_BIN" serve --listen "127.0.0.1:{port}" --data-dir "$work_dir/data"
sb_pid="$started_pid" sb_port="$started_port"

base_rps="" base_p99="" base_errors=""
sb_rps="" sb_p99="" sb_errors=""

# Alternating the order spreads thermal and noisy-neighbour drift over both sides.
for round in 1 2; do
  run_wrk "baseline round $round" "$base_port"
  keep_best base
  run_wrk "switchboard round $round" "$sb_port"
  keep_best sb
done

# Logging settings are read at startup, so the access-log figure needs a fresh daemon.
stop_pid "$sb_pid"
stop_pid "$base_pid"

mkdir "$work_dir/data-log"
start_server switchboard-access-log /dev/null \
  env -u SWITCHBOARD_BIN SWITCHBOARD_LOG_ACCESS=true SWITCHBOARD_LOG_LEVEL=info \
  "$SWITCHBOARD_BIN" serve --listen "127.0.0.1:{port}" --data-dir "$work_dir/data-log"
sb_log_pid="$started_pid" sb_log_port="$started_port"

run_wrk "switchboard + access log" "$sb_log_port"
sb_log_rps="$run_rps" sb_log_p99="$run_p99_ms" sb_log_errors="$run_errors"
stop_pid "$sb_log_pid"

sb_pct="$(pct "$sb_rps" "$base_rps")"
sb_log_pct="$(pct "$sb_log_rps" "$base_rps")"

echo
echo "summary (best of 2 runs for baseline and switchboard; 1 run with access log)"
printf '  %-26s %12s %10s %12s\n' "server" "req/s" "ratio" "p99 (ms)"
printf '  %-26s %12s %10s %12s\n' "baseline (minimal beast)" "$base_rps" "100.0%" "$base_p99"
printf '  %-26s %12s %10s %12s\n' "switchboard" "$sb_rps" "$sb_pct%" "$sb_p99"
printf '  %-26s %12s %10s %12s\n' "switchboard + access log" "$sb_log_rps" "$sb_log_pct%" "$sb_log_p99"
warn_errors() {
  [[ -z "$2" ]] || echo "  warning: $1 had errors: $2"
}
warn_errors baseline "$base_errors"
warn_errors switchboard "$sb_errors"
warn_errors "switchboard + access log" "$sb_log_errors"

verdict=MISS
if awk -v p="$sb_pct" -v t="$target_pct" 'BEGIN {exit !(p >= t)}' && [[ -z "$sb_errors" ]]; then
  verdict=PASS
fi
echo "target: >= ${target_pct}% (switchboard/baseline, access log off) $verdict"

if [[ "$verdict" == MISS && "${BENCH_STRICT:-0}" == 1 ]]; then
  exit 1
fi
