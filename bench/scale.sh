#!/usr/bin/env bash
# The inbox at scale (issue 17 items 3-4): builds a workspace with
# bench/scale_gen.cpp (documented there: Zipf-skewed text, 50 teammates, teams,
# labels, contacts with names, emails and phones, one 10,000-message thread), starts
# the real `switchboard serve` on it, and measures sequential request latencies
# through the API: the first page of each inbox view, the 100th page (cursors),
# a big thread's first page, and search for a common word, a rare word, a contact's
# full name, a first name and a phone. Two sizes; the growth ratio is the large
# p95 over the small p95.
#
# Environment:
#   SIZES         "small large" (default), or one of them
#   SMALL         conversations/messages of the small size (default 100000/2000000)
#   LARGE         the same for the large size (default 1000000/20000000)
#   SAMPLES       timed requests per query (default 200; 5 more warm up first)
#   DATA_ROOT     where datasets live (default build/scale-data); a dataset is
#                 generated once and reused (REGENERATE=1 builds it again)
#   BUILD_DIR     default build
#   SWITCHBOARD_BIN, GEN_BIN  binaries (default $BUILD_DIR/switchboard,
#                 $BUILD_DIR/bench/bench_scale_gen; built when not given)
#   BACKEND       sqlite (default) or postgres (issue 19): the generated SQLite file
#                 is copied with `switchboard migrate-data` into a fresh database of
#                 SWITCHBOARD_TEST_POSTGRES_URL (the script runs itself under
#                 scripts/pg.sh when that is unset), timed and its counts verified,
#                 and the daemon serves from PostgreSQL.
# Targets: every query p95 < 50 ms at the large size, growth ratio < 1.5x.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
backend="${BACKEND:-sqlite}"
if [[ "$backend" == postgres && -z "${SWITCHBOARD_TEST_POSTGRES_URL:-}" ]]; then
  exec scripts/pg.sh run "$0" "$@"
fi

sizes="${SIZES:-small large}"
small="${SMALL:-100000/2000000}"
large="${LARGE:-1000000/20000000}"
samples="${SAMPLES:-200}"
build_dir="${BUILD_DIR:-build}"
data_root="${DATA_ROOT:-$build_dir/scale-data}"
password="bench-password"
email="bench@example.com"

# shellcheck source=bench/lib.sh
source bench/lib.sh
require_tools curl python3
use_binary SWITCHBOARD_BIN switchboard switchboard
use_binary GEN_BIN bench/bench_scale_gen bench_scale_gen
build_binaries SWITCHBOARD_BIN GEN_BIN

work_dir="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

results="$work_dir/results"
: >"$results"
for size in $sizes; do
  case "$size" in
    small) spec="$small" ;;
    large) spec="$large" ;;
    *) echo "error: unknown size $size" >&2; exit 1 ;;
  esac
  convs="${spec%/*}" msgs="${spec#*/}"
  dir="$data_root/$size-$convs-$msgs"
  if [[ "${REGENERATE:-0}" == 1 || ! -f "$dir/dataset.env" ]]; then
    echo "== generating $size: $convs conversations, $msgs messages in $dir"
    rm -rf "$dir"
    "$GEN_BIN" dir="$dir" conversations="$convs" messages="$msgs" email="$email" password="$password" \
      | grep -v '=' || true
  fi
  echo "== $size: $convs conversations, $msgs messages ($(du -sh "$dir" | cut -f1) on disk)"
  backend_env=()
  if [[ "$backend" == postgres ]]; then
    db="scale_${size}_$RANDOM$RANDOM"
    psql "$SWITCHBOARD_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
    url="${SWITCHBOARD_TEST_POSTGRES_URL%/*}/$db"
    echo "== migrate-data into PostgreSQL ($db)"
    started=$(date +%s.%N)
    "$SWITCHBOARD_BIN" migrate-data --from "sqlite:$dir/switchboard.db" --to "postgres:$url" >"$work_dir/copy.log"
    grep -E '^(conversations|messages|contacts|contact_identities) |copied' "$work_dir/copy.log" | sed 's/^/   /'
    echo "   took $(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s; every table's count matched"
    backend_env=(SWITCHBOARD_STORE_BACKEND=postgres SWITCHBOARD_STORE_POSTGRES_URL="$url")
  fi
  port="$(free_port)"
  env -u SWITCHBOARD_BIN -u SWITCHBOARD_TEST_POSTGRES_URL SWITCHBOARD_LOG_LEVEL=warn SWITCHBOARD_LOG_ACCESS=false \
    "${backend_env[@]}" "$SWITCHBOARD_BIN" serve --listen "127.0.0.1:$port" --data-dir "$dir" >"$work_dir/daemon.log" 2>&1 &
  server_pid=$!
  for _ in {1..600}; do
    curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work_dir/daemon.log" >&2; exit 1; }
    sleep 0.1
  done
  python3 - "$port" "$dir/dataset.env" "$samples" "$size" "$email" "$password" >>"$results" <<'EOF'
import http.client, json, sys, time, urllib.parse
port, env_file, samples, size, email, password = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
env = dict(l.strip().split("=", 1) for l in open(env_file) if "=" in l)
c = http.client.HTTPConnection("127.0.0.1", int(port))
def call(method, path, body=None, token=None):
    h = {"Content-Type": "application/json"}
    if token: h["Authorization"] = "Bearer " + token
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    r = c.getresponse()
    data = r.read()
    if r.status != 200:
        raise SystemExit(f"{method} {path}: {r.status} {data[:300]!r}")
    return json.loads(data)
token = call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]
me = "/api/v1/conversations"
q = lambda s: me + "?q=" + urllib.parse.quote(s)
queries = [
    ("all, first page", me),
    ("open", me + "?status=open"),
    ("assignee=me", me + "?assignee=me"),
    ("unassigned", me + "?assignee=unassigned"),
    ("team", me + "?inbox=" + env["TEAM"]),
    ("label", me + "?label=" + env["LABEL"]),
]
# The 100th page: 99 cursors followed (not timed), then the 100th page timed.
path = me
for _ in range(99):
    nxt = call("GET", path, token=token)["next_cursor"]
    path = me + "?cursor=" + urllib.parse.quote(nxt)
queries.append(("all, 100th page", path))
queries += [
    ("thread (10k msgs), first page", "/api/v1/conversations/" + env["BIG_THREAD"] + "/messages"),
    ("q, a common word", q(env["COMMON_WORD"])),
    ("q, a rare word", q(env["RARE_WORD"])),
    ("q, a contact's name", q(env["CONTACT_NAME"])),
    # Many matching contacts: the name's first word (one contact in about 200 at any size).
    ("q, a first name", q(env["CONTACT_NAME"].split()[0])),
    ("q, a phone", q(env["PHONE"])),
]
print(f"  search words: {env['COMMON_WORD']!r}, {env['RARE_WORD']!r}, {env['CONTACT_NAME']!r}, {env['PHONE']!r}",
      file=sys.stderr, flush=True)
for name, p in queries:
    items = len(call("GET", p, token=token)["items"])
    for _ in range(5): call("GET", p, token=token)
    lat = []
    for _ in range(samples):
        t = time.perf_counter()
        call("GET", p, token=token)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    pct = lambda x: lat[min(len(lat) - 1, int(len(lat) * x))]
    print(f"{size}\t{name}\t{items}\t{pct(0.50):.2f}\t{pct(0.95):.2f}\t{pct(0.99):.2f}", flush=True)
    print(f"  {name:<40} {items:>3} items  p50 {pct(0.50):8.2f} ms  p95 {pct(0.95):8.2f} ms  p99 {pct(0.99):8.2f} ms", file=sys.stderr, flush=True)
EOF
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
done

echo
python3 - "$results" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by = {}
for size, name, items, p50, p95, p99 in rows:
    by.setdefault(name, {})[size] = (int(items), float(p50), float(p95), float(p99))
print(f"| query | size | items | p50 ms | p95 ms | p99 ms | target p95 < 50 ms |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, s in by.items():
    for size, (items, p50, p95, p99) in s.items():
        verdict = ("PASS" if p95 < 50 else "MISS") if size == "large" else ""
        print(f"| {name} | {size} | {items} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {verdict} |")
if any("small" in s and "large" in s for s in by.values()):
    print()
    print("| query | growth, large p95 / small p95 | target < 1.5x |")
    print("| --- | --- | --- |")
    for name, s in by.items():
        if "small" in s and "large" in s:
            g = s["large"][2] / s["small"][2]
            print(f"| {name} | {g:.2f}x | {'PASS' if g < 1.5 else 'MISS'} |")
EOF
