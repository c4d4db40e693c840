#!/usr/bin/env bash
# Screenshots of the main screens (inbox, contact sidebar, voicemail, settings
# pages for numbers, teammates and the widget, the reports, phone-sized inbox and settings,
# sign-in, simulator, the chat widget on /demo/) into docs/screenshots/, taken in headless Debian chromium against
# a fresh daemon on a temporary data dir. Builds the daemon first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/bootstrap.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build build -j"$(nproc)" --target switchboard
cd tests/e2e
SWITCHBOARD_BIN="$root/build/switchboard" node screenshots.mjs
