#!/usr/bin/env bash
# Knowledge base (issue 20): retrieval quality on the sample help center
# (tests/data/kb: top-1, top-3) and search latency with 10,000 published articles
# (target p95 < 20 ms), on SQLite and, in the same run, on a throwaway PostgreSQL
# (scripts/pg.sh). BUILD_DIR (default build), BACKENDS ("sqlite postgres").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ " ${BACKENDS:-sqlite postgres} " == *" postgres "* && -z "${SWITCHBOARD_TEST_POSTGRES_URL:-}" ]]; then
  exec scripts/pg.sh run "$0" "$@"
fi
build_dir="${BUILD_DIR:-build}"
# shellcheck source=bench/lib.sh
source bench/lib.sh
use_binary KB_BIN bench/bench_kb bench_kb
build_binaries KB_BIN
for backend in ${BACKENDS:-sqlite postgres}; do
  if [[ "$backend" == postgres ]]; then
    db="kb_$RANDOM$RANDOM"
    psql "$SWITCHBOARD_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db" >/dev/null
    "$KB_BIN" "$root" "${SWITCHBOARD_TEST_POSTGRES_URL%/*}/$db"
  else
    "$KB_BIN" "$root"
  fi
done
