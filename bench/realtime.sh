#!/usr/bin/env bash
# shellcheck disable=SC2059  # each summary table has one printf format in a variable
# "A message posted -> received on every connected agent socket": delivery
# latency at 100 and 1,000 agent sockets, and the daemon's RSS per idle socket
# at 10,000, with baselines from the same run (the same POSTs with no socket
# open, and the daemon's RSS with 0 sockets). The load is bench/realtime_client.cpp;
# each measurement runs against a fresh daemon on a temporary data dir.
#
# Environment:
#   SECONDS_PER_RUN   seconds of posting per latency run (default 10)
#   RATE_100          messages/s posted with 100 sockets (default 1000; the target's rate)
#   RATE_1000         messages/s posted with 1,000 sockets (default 100)
#   IDLE_SOCKETS      sockets for the RSS measurement (default 10000)
#   SWITCHBOARD_BIN   daemon binary (default build/switchboard; not built if set)
#   CLIENT_BIN        load client (default build/bench/bench_realtime_client; not built if set)
#   BENCH_STRICT=1    exit 1 when a target is missed
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

seconds="${SECONDS_PER_RUN:-10}"
rate_100="${RATE_100:-1000}"
rate_1000="${RATE_1000:-100}"
idle_sockets="${IDLE_SOCKETS:-10000}"
target_p99_ms=20
target_rss_mib=200
email="bench@example.com"
password="bench-password-$RANDOM$RANDOM"

# shellcheck source=bench/lib.sh
source bench/lib.sh
require_tools curl python3

# Each process holds one descriptor per socket; the daemon also needs its data files.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit="$(ulimit -n)"
if [[ "$fd_limit" != unlimited ]] && ((fd_limit < idle_sockets + 512)); then
  echo "error: ulimit -n is $fd_limit; $idle_sockets sockets need at least $((idle_sockets + 512))" >&2
  exit 1
fi

use_binary SWITCHBOARD_BIN switchboard switchboard
use_binary CLIENT_BIN bench/bench_realtime_client bench_realtime_client
build_binaries SWITCHBOARD_BIN CLIENT_BIN

work_dir="$(mktemp -d)"
daemon_pid="" client_pid=""

stop_daemon() {
  [[ -n "$daemon_pid" ]] || return 0
  local pid="$daemon_pid"
  daemon_pid=""
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in {1..100}; do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  if [[ -n "$client_pid" ]]; then
    kill -TERM "$client_pid" 2>/dev/null || true
    wait "$client_pid" 2>/dev/null || true
  fi
  stop_daemon
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts a daemon on a fresh data dir; sets daemon_pid and daemon_port. Retried
# on a new port because another process can take the probed one first.
start_daemon() {
  local name="$1" attempt
  for attempt in 1 2 3; do
    daemon_port="$(free_port)"
    rm -rf "${work_dir:?}/$name"
    mkdir -p "$work_dir/$name"
    # The daemon rejects unknown SWITCHBOARD_* variables, so our own override must not leak to it.
    env -u SWITCHBOARD_BIN \
      SWITCHBOARD_LOG_LEVEL=warn SWITCHBOARD_LOG_ACCESS=false \
      SWITCHBOARD_HTTP_MAX_CONNECTIONS=20000 SWITCHBOARD_HTTP_MAX_CONNECTIONS_PER_IP=20000 \
      SWITCHBOARD_BOOTSTRAP_ADMIN_EMAIL="$email" SWITCHBOARD_BOOTSTRAP_ADMIN_PASSWORD="$password" \
      "$SWITCHBOARD_BIN" serve --listen "127.0.0.1:$daemon_port" --data-dir "$work_dir/$name/data" \
      >"$work_dir/$name/out" 2>"$work_dir/$name/err" &
    daemon_pid=$!
    for _ in {1..200}; do
      kill -0 "$daemon_pid" 2>/dev/null || break
      if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$daemon_port/healthz" 2>/dev/null; then
        return 0
      fi
      sleep 0.1
    done
    if kill -0 "$daemon_pid" 2>/dev/null; then
      echo "error: the daemon did not answer /healthz within 20 s; stderr:" >&2
      cat "$work_dir/$name/err" >&2
      exit 1
    fi
    wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=""
    echo "warning: the daemon exited during startup (attempt $attempt)" >&2
  done
  echo "error: the daemon kept exiting during startup; last stderr:" >&2
  cat "$work_dir/$name/err" >&2
  exit 1
}

# Runs the client (bounded) and leaves its "result …" line in client_result.
client_result=""
run_client() {
  local label="$1" limit="$2"
  shift 2
  echo "== $label"
  check_quiet
  # In the background so a signal reaches the traps now, not after the run.
  timeout "$limit" "$CLIENT_BIN" "$@" port="$daemon_port" email="$email" password="$password" \
    >"$work_dir/client.out" 2>"$work_dir/client.err" &
  client_pid=$!
  local rc=0
  wait "$client_pid" || rc=$?
  client_pid=""
  sed 's/^/  /' "$work_dir/client.out" | grep -v '^  result '
  client_result="$(grep '^result ' "$work_dir/client.out" || true)"
  if ((rc != 0)) || [[ -z "$client_result" ]]; then
    echo "error: the client failed (exit $rc):" >&2
    cat "$work_dir/client.err" >&2
    exit 1
  fi
}

field() {  # field "<result line>" key
  sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"
}

# Share of all CPUs busy over one second, before a run starts: another build or
# test on this 2-core machine takes the daemon's core, and the figures with it.
busy_pct() {
  local a b
  read -ra a </proc/stat
  sleep 1
  read -ra b </proc/stat
  awk -v u="$((b[1] + b[2] + b[3] + b[6] + b[7] + b[8] - a[1] - a[2] - a[3] - a[6] - a[7] - a[8]))" \
    -v i="$((b[4] + b[5] - a[4] - a[5]))" 'BEGIN {printf "%.0f", (u + i > 0) ? 100 * u / (u + i) : 0}'
}
busiest=0
check_quiet() {
  local pct
  pct="$(busy_pct)"
  ((pct > busiest)) && busiest="$pct"
  if ((pct > 15)); then
    echo "  warning: the machine was ${pct}% busy before this run (other processes); figures are unreliable"
  fi
}

slow_consumers() {  # daemon warnings since the daemon started
  grep -c 'slow consumer' "$work_dir/$1/err" || true
}

echo "daemon: $SWITCHBOARD_BIN (log level warn, access log off)"
echo "client: $CLIENT_BIN"
echo "machine: $(nproc) cores; ulimit -n $fd_limit"
echo

# Each measurement gets a fresh daemon and data dir: rows and allocator state left
# by one run must not slow or flatter the next.
start_daemon latency-100
run_client "latency, 100 sockets, $rate_100 msgs/s for ${seconds}s" $((seconds * 3 + 60)) \
  latency sockets=100 rate="$rate_100" seconds="$seconds" daemon_pid="$daemon_pid"
r100="$client_result"
stop_daemon
start_daemon latency-1000
run_client "latency, 1000 sockets, $rate_1000 msgs/s for ${seconds}s" $((seconds * 3 + 90)) \
  latency sockets=1000 rate="$rate_1000" seconds="$seconds" daemon_pid="$daemon_pid"
r1000="$client_result"
stop_daemon
slow_latency="$(($(slow_consumers latency-100) + $(slow_consumers latency-1000)))"

start_daemon idle
run_client "idle, $idle_sockets sockets" 150 idle sockets="$idle_sockets" rss_pid="$daemon_pid"
ridle="$client_result"
slow_idle="$(slow_consumers idle)"
stop_daemon

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", (b > 0) ? a / b : 0}'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a < b)}'; }
ge() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a >= b)}'; }

missed=0
# Target: p99 < 20 ms at the target rate (achieved within 5%), nothing lost, no socket dropped.
verdict_latency() {
  local r="$1" want_p99="$2"
  local ok=1
  [[ "$(field "$r" lost)" == 0 && "$(field "$r" closed)" == 0 && "$(field "$r" post_errors)" == 0 ]] || ok=0
  ge "$(field "$r" rate_achieved)" "$(awk -v t="$(field "$r" rate_target)" 'BEGIN {print 0.95 * t}')" || ok=0
  if [[ -n "$want_p99" ]]; then lt "$(field "$r" p99_ms)" "$want_p99" || ok=0; fi
  if ((ok)); then echo PASS; else echo MISS; fi
}
v100="$(verdict_latency "$r100" "$target_p99_ms")"
v1000="$(verdict_latency "$r1000" "")"

idle_mib="$(awk -v k="$(field "$ridle" rss_idle_kib)" 'BEGIN {printf "%.1f", k / 1024}')"
before_mib="$(awk -v k="$(field "$ridle" rss_before_kib)" 'BEGIN {printf "%.1f", k / 1024}')"
traffic_mib="$(awk -v k="$(field "$ridle" rss_traffic_kib)" 'BEGIN {printf "%.1f", k / 1024}')"
vidle=MISS
if lt "$idle_mib" "$target_rss_mib" && [[ "$(field "$ridle" closed)" == 0 &&
  "$(field "$ridle" pongs)" == "$idle_sockets" && "$(field "$ridle" broadcast_received)" == "$idle_sockets" ]]; then
  vidle=PASS
fi

echo
echo "summary"
row_fmt='  %-32s %9s %9s %9s %9s %15s %8s  %s\n'
printf "$row_fmt" "message -> every socket" "rate/s" "p50 ms" "p99 ms" "max ms" "lost/expected" "io CPU" "target"
for row in "100 sockets|$r100|p99 < ${target_p99_ms} ms at ${rate_100}/s, no loss|$v100" \
  "1000 sockets|$r1000|no loss at ${rate_1000}/s|$v1000"; do
  IFS='|' read -r label r target verdict <<<"$row"
  printf "$row_fmt" "$label" "$(field "$r" rate_achieved)" "$(field "$r" p50_ms)" "$(field "$r" p99_ms)" \
    "$(field "$r" max_ms)" "$(field "$r" lost)/$(field "$r" expected)" "$(field "$r" daemon_io_cpu_pct)%" \
    "$target: $verdict"
  printf "$row_fmt" "  baseline: POST, 0 sockets" "$(field "$r" base_rate)" "$(field "$r" base_post_p50_ms)" \
    "$(field "$r" base_post_p99_ms)" "" "" "" \
    "delivery p99 = $(ratio "$(field "$r" p99_ms)" "$(field "$r" base_post_p99_ms)")× baseline p99"
  printf "$row_fmt" "  POST during the run" "" "$(field "$r" post_p50_ms)" "$(field "$r" post_p99_ms)" "" "" "" ""
done
echo "  io CPU: the daemon's io_context thread, % of one core while posting and draining."
echo "  slow-consumer drops in the daemon log: $slow_latency during the latency runs, $slow_idle during the idle run"
echo
rss_fmt='  %-32s %9s %14s %9s  %s\n'
printf "$rss_fmt" "daemon VmRSS" "MiB" "bytes/socket" "ratio" "target"
printf "$rss_fmt" "baseline: 0 sockets, warmed up" "$before_mib" "" "1.0×" ""
printf "$rss_fmt" "$idle_sockets idle sockets" "$idle_mib" "$(field "$ridle" per_socket_idle_bytes)" \
  "$(ratio "$idle_mib" "$before_mib")×" "< ${target_rss_mib} MiB, all alive: $vidle"
printf "$rss_fmt" "  after one ping + broadcast" "$traffic_mib" "$(field "$ridle" per_socket_traffic_bytes)" \
  "$(ratio "$traffic_mib" "$before_mib")×" ""

if ((busiest > 15)); then
  echo
  echo "warning: other processes kept the machine up to ${busiest}% busy before a run; rerun on a quiet machine"
fi

for v in "$v100" "$v1000" "$vidle"; do [[ "$v" == PASS ]] || missed=1; done
if ((missed)) && [[ "${BENCH_STRICT:-0}" == 1 ]]; then
  exit 1
fi
