#!/usr/bin/env bash
# Acknowledged durable inserts per second through the store's writer (group commit,
# 64 concurrent writers) vs. one transaction per insert, measured in the same run
# on the same file system (WAL, synchronous=FULL).
#   DURATION  seconds per side (default 5)   WRITERS  concurrent writers (default 64)
#   BENCH_DIR where the databases go (default: a temp dir under build/, i.e. the project's disk)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ -f build/CMakeCache.txt ]] || cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target bench_store -j2 >/dev/null
dir="${BENCH_DIR:-$(mktemp -d "$root/build/bench-store-XXXXXX")}"
trap 'rm -rf "$dir"' EXIT
echo "store bench: $(nproc) cores, databases in $dir ($(df -T "$dir" | awk 'NR==2{print $2}'))"
build/bench/bench_store "$dir" "${DURATION:-5}" "${WRITERS:-64}"
