#!/usr/bin/env bash
# Set up, build, and run every test: ctest, then the browser tests (tests/e2e)
# when there are any. The exit code is the verdict.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/bootstrap.sh
start=$(date +%s)
# In CI a compiler warning fails the build (SWITCHBOARD_WERROR); locally it is reported.
werror=OFF
if [ -n "${CI:-}" ]; then werror=ON; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DSWITCHBOARD_WERROR="$werror" >/dev/null
cmake --build build -j"$(nproc)"
echo "build: $(( $(date +%s) - start ))s"

# A throwaway PostgreSQL (scripts/pg.sh) for the tests that need a server: the
# repository contract suite runs on both backends, and the three-instance test
# (scripts/multi.sh) runs three daemons on it, one killed mid-load (issue 19). Both
# run even if the first fails; it is stopped after.
scripts/pg.sh run bash -c 'status=0
  (cd build && ctest --output-on-failure -j"$(nproc)" --timeout 300) || status=1
  scripts/multi.sh || status=1
  exit $status'

shopt -s nullglob
e2e=(tests/e2e/*.test.mjs)
if [ ${#e2e[@]} -gt 0 ]; then
  scripts/e2e.sh
fi
