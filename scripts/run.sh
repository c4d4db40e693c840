#!/usr/bin/env bash
# Set up, build Release, and start the daemon on the embedded default
# (SQLite under ./var, sandbox carrier on). Extra arguments go to `switchboard serve`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

scripts/bootstrap.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target switchboard -j"$(nproc)"

listen="${SWITCHBOARD_LISTEN:-127.0.0.1:8080}"
echo
echo "Switchboard is starting on http://${listen}"
echo "  health:     http://${listen}/healthz"
echo "  readiness:  http://${listen}/readyz"
echo "  metrics:    http://${listen}/metrics"
echo "  data:       ${root}/var (the first start prints the admin login below)"
echo "Stop with Ctrl-C."
echo
# The daemon refuses unknown SWITCHBOARD_* variables; this one is only the bootstrap's.
unset SWITCHBOARD_SKIP_BOOTSTRAP
exec build/switchboard serve "$@"
