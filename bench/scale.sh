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
#   LABEL_SAMPLES the same for the label summary (the raw path; default SAMPLES, 2 warm up)
#   DATA_ROOT     where datasets live (default build/scale-data); a dataset is
#                 generated once and reused (REGENERATE=1 builds it again)
#   BUILD_DIR     default build
#   SWITCHBOARD_BIN, GEN_BIN, CHECK_BIN  binaries (default $BUILD_DIR/switchboard,
#                 $BUILD_DIR/bench/bench_scale_gen, $BUILD_DIR/bench/bench_report_check;
#                 built when not given)
#   BACKEND       sqlite (default) or postgres (issue 19): the generated SQLite file
#                 is copied with `switchboard migrate-data` into a fresh database of
#                 SWITCHBOARD_TEST_POSTGRES_URL (the script runs itself under
#                 scripts/pg.sh when that is unset), timed and its counts verified,
#                 and the daemon serves from PostgreSQL.
#
# Reports (issue 21): the generator also writes what the daemon's report writer
# would have (report_events, the daily and hourly report_rollups, each
# conversation's reporting state; see bench/scale_gen.cpp). First, on a tiny
# dataset, bench/report_check.cpp replays the conversations and messages through
# the daemon's writer (services::report_log) and requires the very same rows. The
# bench then times
# four GET /api/v1/reports calls over the dataset's last 90 days: the summary
# with no filter and with team_id (one scope: read from the daily rollups), the
# daily timeseries (rollups), and the summary with a label (the raw path: the
# event log and the messages, for want of a label scope in the rollups). Before
# timing, each is checked against the SQLite file so the bench cannot measure an
# empty answer: conversations.new equals the conversations created in the range
# (in the team, with the label), the timeseries has 90 points adding up to it,
# first_response_time.median is not null, and the unfiltered summary's resolved,
# first responses and messages in and out match the conversations and messages.
#
# Targets: every inbox query p95 < 50 ms at the large size, growth ratio < 1.5x;
# the reports' rollup queries (summary, summary by team, timeseries) p95 < 200 ms
# at the large size. The label summary's number is reported, without a target.
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
# The label summary reads the raw event log and messages: seconds a call at 1M.
label_samples="${LABEL_SAMPLES:-$samples}"
build_dir="${BUILD_DIR:-build}"
data_root="${DATA_ROOT:-$build_dir/scale-data}"
password="bench-password"
email="bench@example.com"

# shellcheck source=bench/lib.sh
source bench/lib.sh
require_tools curl python3
use_binary SWITCHBOARD_BIN switchboard switchboard
use_binary GEN_BIN bench/bench_scale_gen bench_scale_gen
use_binary CHECK_BIN bench/bench_report_check bench_report_check
build_binaries SWITCHBOARD_BIN GEN_BIN CHECK_BIN

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

# The generator's report rows against the daemon's own writer, on a tiny dataset
# (the replay upserts row by row, as the daemon does: too slow for the real sizes).
echo "== report rows: the generator's against services::report_log's (2,000 conversations)"
"$GEN_BIN" dir="$work_dir/tiny" conversations=2000 messages=40000 big_thread=1000 >/dev/null
"$CHECK_BIN" dir="$work_dir/tiny" | sed 's/^/   /'
rm -rf "$work_dir/tiny"

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
  # A dataset from before the reports (no REPORT_FROM) is generated again.
  if [[ "${REGENERATE:-0}" == 1 || ! -f "$dir/dataset.env" ]] || ! grep -q '^REPORT_FROM=' "$dir/dataset.env"; then
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
    grep -E '^(conversations|messages|contacts|contact_identities|report_events|report_rollups|report_conversation_state) |copied' "$work_dir/copy.log" | sed 's/^/   /'
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
  python3 - "$port" "$dir/dataset.env" "$samples" "$size" "$email" "$password" "$dir/switchboard.db" "$label_samples" >>"$results" <<'EOF'
import datetime, http.client, json, sqlite3, sys, time, urllib.parse
port, env_file, samples, size, email, password, db_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
label_samples = int(sys.argv[8])
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
# Reports over the last 90 days, each with its check (what it must answer) and
# its target: 200 ms for the rollup path, none for the label's raw path.
rfrom, rto = env["REPORT_FROM"], env["REPORT_TO"]
days = (datetime.date.fromisoformat(rto) - datetime.date.fromisoformat(rfrom)).days + 1
end = (datetime.date.fromisoformat(rto) + datetime.timedelta(days=1)).isoformat()
sql = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
def created(where="", *args):
    # Stamps are RFC 3339 in UTC, the workspace's report time zone: days compare as text.
    return sql.execute("SELECT count(*) FROM conversations c WHERE c.workspace_id = 1 AND c.created_at >= ?"
                       " AND c.created_at < ?" + where, (rfrom, end) + args).fetchone()[0]
def in_range(sql_text, *args):
    return sql.execute(sql_text, (rfrom, end) + args).fetchone()[0]
want_all = created()
want_team = created(" AND c.team_id = ?", int(env["TEAM"]))
want_label = created(" AND EXISTS (SELECT 1 FROM conversation_labels l WHERE l.workspace_id = 1"
                     " AND l.conversation_id = c.id AND l.label = ?)", env["LABEL"])
# The unfiltered summary's other figures, from the conversations and messages the
# rollups were derived from: each conversation's first reply is its first response
# (its first message is the contact's), and a resolved one was resolved once.
want_more = {
    ("conversations", "resolved"): in_range("SELECT count(*) FROM conversations WHERE resolved_at >= ? AND resolved_at < ?"),
    ("first_response_time", "count"): in_range(
        "SELECT count(*) FROM conversations WHERE first_response_at >= ? AND first_response_at < ?"),
    ("messages", "inbound"): in_range(
        "SELECT count(*) FROM messages WHERE created_at >= ? AND created_at < ? AND direction = 'inbound'"),
    ("messages", "outbound"): in_range(
        "SELECT count(*) FROM messages WHERE created_at >= ? AND created_at < ? AND direction = 'outbound'"),
}
sql.close()
rng = f"from={rfrom}&to={rto}"
def check_summary(want, more={}):
    def check(r):
        got = r["conversations"]["new"]
        if got != want: return f"conversations.new {got}, the SQLite file has {want}"
        for (group, key), n in more.items():
            if r[group][key] != n: return f"{group}.{key} {r[group][key]}, the SQLite file has {n}"
        if r["first_response_time"]["median"] is None: return "first_response_time.median is null"
        if r["messages"]["inbound"] <= 0: return "messages.inbound is 0"
        return None
    return check, lambda r: r["conversations"]["new"]
def check_series(r):
    pts = r["points"]
    if len(pts) != days: return f"{len(pts)} points, want {days}"
    got = sum(p["conversations_new"] for p in pts)
    if got != want_all: return f"the points' conversations_new add up to {got}, the SQLite file has {want_all}"
    if all(p["first_response_time_median"] is None for p in pts): return "no point has a first_response_time_median"
    return None
reports = [
    (f"report: summary {days}d", f"/api/v1/reports/summary?{rng}", check_summary(want_all, want_more), 200),
    (f"report: summary {days}d team_id", f"/api/v1/reports/summary?{rng}&team_id={env['TEAM']}",
     check_summary(want_team), 200),
    (f"report: timeseries {days}d by day", f"/api/v1/reports/timeseries?{rng}&group_by=day",
     (check_series, lambda r: len(r["points"])), 200),
    (f"report: summary {days}d label (raw)", f"/api/v1/reports/summary?{rng}&label={urllib.parse.quote(env['LABEL'])}",
     check_summary(want_label), 0),
]
print(f"  reports {rfrom}..{rto}: {want_all} conversations created, {want_team} in team {env['TEAM']},"
      f" {want_label} labelled {env['LABEL']!r}", file=sys.stderr, flush=True)
timed = [(name, p, (lambda r: None, lambda r: len(r["items"])), 50) for name, p in queries] + reports
for name, p, (check, items_of), target in timed:
    first = call("GET", p, token=token)
    bad = check(first)
    if bad: raise SystemExit(f"{name}: {bad} (GET {p})")
    items = items_of(first)
    raw = "(raw)" in name
    for _ in range(2 if raw else 5): call("GET", p, token=token)
    lat = []
    for _ in range(label_samples if raw else samples):
        t = time.perf_counter()
        call("GET", p, token=token)
        lat.append((time.perf_counter() - t) * 1000)
    lat.sort()
    pct = lambda x: lat[min(len(lat) - 1, int(len(lat) * x))]
    print(f"{size}\t{name}\t{items}\t{pct(0.50):.2f}\t{pct(0.95):.2f}\t{pct(0.99):.2f}\t{target}", flush=True)
    print(f"  {name:<40} {items:>5} items  p50 {pct(0.50):8.2f} ms  p95 {pct(0.95):8.2f} ms  p99 {pct(0.99):8.2f} ms", file=sys.stderr, flush=True)
EOF
  kill -TERM "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
done

echo
python3 - "$results" <<'EOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
by, target_of = {}, {}
for size, name, items, p50, p95, p99, target in rows:
    by.setdefault(name, {})[size] = (int(items), float(p50), float(p95), float(p99))
    target_of[name] = int(target)
# A target is checked at the large size (the inbox's 50 ms, the reports' 200 ms
# at 1M conversations); the label summary (target 0) is the raw path, reported only.
print(f"| query | size | items | p50 ms | p95 ms | p99 ms | target p95 | verdict |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for name, s in by.items():
    t = target_of[name]
    for size, (items, p50, p95, p99) in s.items():
        verdict = ("PASS" if p95 < t else "MISS") if size == "large" and t else ""
        print(f"| {name} | {size} | {items} | {p50:.2f} | {p95:.2f} | {p99:.2f} | {f'< {t} ms' if t else 'none'} | {verdict} |")
# The growth target is the inbox's (issue 17); a report reads rows per day, not per conversation.
if any("small" in s and "large" in s for s in by.values()):
    print()
    print("| query | growth, large p95 / small p95 | target < 1.5x |")
    print("| --- | --- | --- |")
    for name, s in by.items():
        if "small" in s and "large" in s and not name.startswith("report:"):
            g = s["large"][2] / s["small"][2]
            print(f"| {name} | {g:.2f}x | {'PASS' if g < 1.5 else 'MISS'} |")
EOF
