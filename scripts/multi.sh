#!/usr/bin/env bash
# Issue 19's "three instances" acceptance test (tests/multi/multi.test.mjs): three
# `switchboard serve` processes on one PostgreSQL, load over all three, one killed
# with SIGKILL mid-load. Runs build/switchboard (or SWITCHBOARD_BIN) against the
# server named by SWITCHBOARD_TEST_POSTGRES_URL (a user that may create databases;
# the test makes its own and drops it), so run it under a throwaway cluster:
#
#   scripts/pg.sh run scripts/multi.sh          (scripts/test.sh does, after ctest)
#
# MULTI_WAIT_LEASE=1 waits out the killed instance's 2-minute outbox leases instead
# of ending them in the database; MULTI_KEEP_LOGS=1 keeps the daemons' logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

export SWITCHBOARD_BIN="${SWITCHBOARD_BIN:-$root/build/switchboard}"
[ -x "$SWITCHBOARD_BIN" ] || { echo "multi: $SWITCHBOARD_BIN is not built" >&2; exit 1; }
if [ -z "${SWITCHBOARD_TEST_POSTGRES_URL:-}" ]; then
  echo "multi: SWITCHBOARD_TEST_POSTGRES_URL is not set; run: scripts/pg.sh run scripts/multi.sh" >&2
  exit 1
fi
command -v psql >/dev/null || { echo "multi: psql is missing (scripts/bootstrap.sh installs postgresql)" >&2; exit 1; }

# A browser-style WebSocket for the agent sockets where this node has one (20.10+);
# the test speaks the protocol itself otherwise.
flags=()
if node --experimental-websocket -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then
  flags+=(--experimental-websocket)
fi
node "${flags[@]}" --test-reporter=spec tests/multi/multi.test.mjs
