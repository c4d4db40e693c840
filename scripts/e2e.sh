#!/usr/bin/env bash
# Browser tests (tests/e2e/*.test.mjs): Debian's chromium driven by
# playwright-core, against the daemon built in build/. Each test file starts its
# own daemon on port 0 with a temporary data dir.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/tests/e2e"

export SWITCHBOARD_BIN="${SWITCHBOARD_BIN:-$root/build/switchboard}"
export CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
[ -x "$SWITCHBOARD_BIN" ] || { echo "e2e: $SWITCHBOARD_BIN is not built" >&2; exit 1; }
[ -x "$CHROMIUM_BIN" ] || { echo "e2e: $CHROMIUM_BIN is missing (scripts/bootstrap.sh installs it)" >&2; exit 1; }

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=(./*.test.mjs)
fi
# One file at a time: each starts a daemon and a browser, and the machine may have 2 cores.
node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
