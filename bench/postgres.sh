#!/usr/bin/env bash
# Issue 19: signed inbound-SMS webhooks (bench/webhook_load.cpp, closed loop) on
# SQLite, on PostgreSQL with one instance, and on PostgreSQL with three instances
# (the load split evenly, one generator per instance), in the same run: req/s and
# latency of each, and the ratios against SQLite. Afterwards every acknowledged
# MessageSid must be stored exactly once.
#
# PostgreSQL: SWITCHBOARD_TEST_POSTGRES_URL names a server whose user may create
# databases (each run gets a fresh one); without it the script runs itself under
# scripts/pg.sh (a throwaway cluster, fsync off: figures of the database's CPU
# path, not of a disk — say so when you quote them).
#
# Environment: DURATION (s per run, default 10), CONNECTIONS (total, default 48),
# CUSTOMERS (default 1000), BUILD_DIR (default build), SWITCHBOARD_BIN, LOAD_BIN.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ -z "${SWITCHBOARD_TEST_POSTGRES_URL:-}" ]]; then
  exec scripts/pg.sh run "$0" "$@"
fi

duration="${DURATION:-10}"
connections="${CONNECTIONS:-48}"
customers="${CUSTOMERS:-1000}"
build_dir="${BUILD_DIR:-build}"
public_url="https://bench.example.com"
auth_token="bench-token-$RANDOM$RANDOM$RANDOM"
business_number="+12025550100"
password="bench-password-$RANDOM$RANDOM"
pg_url="$SWITCHBOARD_TEST_POSTGRES_URL"

# shellcheck source=bench/lib.sh
source bench/lib.sh
require_tools curl python3 psql
use_binary SWITCHBOARD_BIN switchboard switchboard
use_binary LOAD_BIN bench/bench_webhook_load bench_webhook_load
build_binaries SWITCHBOARD_BIN LOAD_BIN

work_dir="$(mktemp -d)"
pids=() ports=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work_dir"
}
trap cleanup EXIT

daemon_env=(env -u SWITCHBOARD_BIN -u SWITCHBOARD_TEST_POSTGRES_URL
  SWITCHBOARD_LOG_LEVEL=warn SWITCHBOARD_LOG_ACCESS=false
  SWITCHBOARD_PUBLIC_URL="$public_url" SWITCHBOARD_CARRIERS_TWILIO_AUTH_TOKEN="$auth_token"
  SWITCHBOARD_BOOTSTRAP_ADMIN_PASSWORD="$password")

# start_instance NAME [backend env…]: one daemon on a free port, appended to pids/ports.
start_instance() {
  local name="$1" port pid
  shift
  port="$(free_port)"
  "${daemon_env[@]}" "$@" "$SWITCHBOARD_BIN" serve --listen "127.0.0.1:$port" \
    --data-dir "$work_dir/$name-data" >"$work_dir/$name.out" 2>"$work_dir/$name.err" &
  pid=$!
  for _ in {1..300}; do
    if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/readyz" 2>/dev/null; then
      pids+=("$pid")
      ports+=("$port")
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "error: $name did not start:" >&2
  cat "$work_dir/$name.err" >&2
  exit 1
}

stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=() ports=()
}

# run_load_on_all: one generator per instance, connections split; prints the sum.
result_rps="" result_p50="" result_p99="" acked_file=""
run_load_on_all() {
  local n=${#ports[@]} per i gen=()
  per=$(( (connections + n - 1) / n ))
  acked_file="$work_dir/acks-$RANDOM.txt"
  : >"$acked_file"
  for i in "${!ports[@]}"; do
    timeout $((duration * 2 + 60)) "$LOAD_BIN" port="${ports[$i]}" seconds="$duration" connections="$per" \
      customers="$customers" key="$auth_token" public_url="$public_url" to="$business_number" \
      acks="$work_dir/acks-$i.txt" >"$work_dir/load-$i.out" 2>"$work_dir/load-$i.err" &
    gen+=($!)
  done
  for g in "${gen[@]}"; do wait "$g" || { echo "error: a load generator failed" >&2; cat "$work_dir"/load-*.err >&2; exit 1; }; done
  read -r result_rps result_p50 result_p99 < <(python3 - "$work_dir" "$n" <<'PY'
import re, sys
d, n = sys.argv[1], int(sys.argv[2])
rps = 0.0; p50 = []; p99 = []
for i in range(n):
    line = [l for l in open(f"{d}/load-{i}.out") if l.startswith("result ")][0]
    kv = dict(x.split("=", 1) for x in line.split()[1:])
    rps += float(kv["rps"]); p50.append(float(kv["p50_ms"])); p99.append(float(kv["p99_ms"]))
print(f"{rps:.0f} {max(p50):.2f} {max(p99):.2f}")
PY
  )
  for i in "${!ports[@]}"; do cat "$work_dir/acks-$i.txt" >>"$acked_file"; done
}

check_sqlite() {  # check_sqlite db acks
  python3 - "$1" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
rows = [r[0] for r in db.execute("SELECT external_id FROM messages WHERE channel='sms' AND direction='inbound'")]
acked = {l.strip() for l in open(sys.argv[2]) if l.strip()}
print(f"acked={len(acked)} missing={len(acked - set(rows))} duplicated={len(rows) - len(set(rows))}")
PY
}
check_postgres() {  # check_postgres url acks
  psql "$1" -Atc "SELECT external_id FROM messages WHERE channel='sms' AND direction='inbound'" >"$work_dir/stored.txt"
  python3 - "$work_dir/stored.txt" "$2" <<'PY'
import sys
rows = [l.strip() for l in open(sys.argv[1]) if l.strip()]
acked = {l.strip() for l in open(sys.argv[2]) if l.strip()}
print(f"acked={len(acked)} missing={len(acked - set(rows))} duplicated={len(rows) - len(set(rows))}")
PY
}

fresh_database() {  # prints the URL of a new, empty database
  local name="bench_$RANDOM$RANDOM"
  psql "$pg_url" -qc "CREATE DATABASE $name" >/dev/null
  echo "${pg_url%/*}/$name"
}

echo "load: signed POST /webhooks/twilio/sms, $connections connections in total, ${duration}s per run, $(nproc) cores"
echo "postgres: $(psql "$pg_url" -Atc 'SHOW server_version'), fsync=$(psql "$pg_url" -Atc 'SHOW fsync'), synchronous_commit on"
echo
printf '%-22s %10s %10s %10s %8s  %s\n' run req/s p50_ms p99_ms ratio check
declare -A rps

# SQLite, one instance.
start_instance sqlite
"${daemon_env[@]}" "$SWITCHBOARD_BIN" admin add-number --data-dir "$work_dir/sqlite-data" \
  --number "$business_number" --carrier twilio >/dev/null
run_load_on_all
stop_all
rps[sqlite]=$result_rps
printf '%-22s %10s %10s %10s %8s  %s\n' "sqlite x1" "$result_rps" "$result_p50" "$result_p99" "1.00" \
  "$(check_sqlite "$work_dir/sqlite-data/switchboard.db" "$acked_file")"

for n in 1 3; do
  url="$(fresh_database)"
  pg_env=(SWITCHBOARD_STORE_BACKEND=postgres SWITCHBOARD_STORE_POSTGRES_URL="$url")
  for i in $(seq 1 "$n"); do start_instance "pg$n-$i" "${pg_env[@]}"; done
  "${daemon_env[@]}" "${pg_env[@]}" "$SWITCHBOARD_BIN" admin add-number --data-dir "$work_dir/pg$n-1-data" \
    --number "$business_number" --carrier twilio >/dev/null
  run_load_on_all
  stop_all
  ratio="$(awk -v a="$result_rps" -v b="${rps[sqlite]}" 'BEGIN {printf "%.2f", a / b}')"
  printf '%-22s %10s %10s %10s %8s  %s\n' "postgres x$n" "$result_rps" "$result_p50" "$result_p99" "$ratio" \
    "$(check_postgres "$url" "$acked_file")"
done
