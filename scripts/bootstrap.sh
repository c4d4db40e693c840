#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, and only the missing ones,
# then the browser tests' npm packages (playwright-core and standardwebhooks, from tests/e2e/package-lock.json).
# Idempotent: a second run installs nothing. Set SWITCHBOARD_SKIP_BOOTSTRAP=1 to skip.
set -euo pipefail

[ "${SWITCHBOARD_SKIP_BOOTSTRAP:-0}" = "1" ] && exit 0

packages=(
  cmake g++ make pkg-config
  libboost1.81-dev libboost-url1.81-dev
  nlohmann-json3-dev libspdlog-dev libsqlite3-dev libssl-dev libcli11-dev libargon2-dev
  libjemalloc-dev
  libcmark-gfm-dev libcmark-gfm-extensions-dev
  googletest libgtest-dev libgmock-dev
  libhowardhinnant-date-dev tzdata
  ccache sqlite3 curl wrk python3
  chromium nodejs
  postgresql libpq-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Browser tests drive Debian's chromium with playwright-core; never let it download a browser.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
e2e="$root/tests/e2e"
if [ -f "$e2e/package-lock.json" ]; then
  if ! command -v npm >/dev/null; then
    echo "bootstrap: installing npm"
    sudo=""
    if [ "$(id -u)" != "0" ]; then sudo="sudo"; fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  # Every package of the lock file at its locked version (playwright-core, and
  # standardwebhooks, the reference verifier of outbound webhooks' signatures).
  missing="$(node -e "
    const lock = require('$e2e/package-lock.json');
    for (const [path, p] of Object.entries(lock.packages)) {
      if (!path.startsWith('node_modules/') || path.split('node_modules/').length > 2) continue;
      let have = '';
      try { have = require('$e2e/' + path + '/package.json').version; } catch {}
      if (have !== p.version) console.log(path.slice(13) + '@' + p.version);
    }")"
  if [ -n "$missing" ]; then
    echo "bootstrap: installing $(echo $missing) (npm ci in tests/e2e)"
    (cd "$e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
