#!/usr/bin/env bash
# Acknowledged durable inserts per second through the store's writer (group commit,
# 64 concurrent writers) vs. one transaction per insert, measured in the same run
# on the same file system (WAL, synchronous=FULL).
#   DURATION  seconds per side (default 5)   WRITERS  concurrent writers (default 64)
#   BENCH_DIR where the databases go (default: a temp dir under build/, i.e. the project's disk)
#   STORE_BENCH_BIN  the bench binary (default build/bench/bench_store; built when not given)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=bench/lib.sh
source bench/lib.sh
use_binary STORE_BENCH_BIN bench/bench_store bench_store
build_binaries STORE_BENCH_BIN
dir="${BENCH_DIR:-$(mktemp -d "$root/build/bench-store-XXXXXX")}"
trap 'rm -rf "$dir"' EXIT
echo "store bench: $(nproc) cores, databases in $dir ($(df -T "$dir" | awk 'NR==2{print $2}'))"
"$STORE_BENCH_BIN" "$dir" "${DURATION:-5}" "${WRITERS:-64}"
