#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, and only the missing ones.
# Idempotent: a second run installs nothing. Set SWITCHBOARD_SKIP_BOOTSTRAP=1 to skip.
set -euo pipefail

[ "${SWITCHBOARD_SKIP_BOOTSTRAP:-0}" = "1" ] && exit 0

packages=(
  cmake g++ make pkg-config
  libboost1.81-dev libboost-url1.81-dev
  nlohmann-json3-dev libspdlog-dev libsqlite3-dev libssl-dev libcli11-dev libargon2-dev
  googletest libgtest-dev libgmock-dev
  libhowardhinnant-date-dev
  ccache sqlite3 curl wrk python3
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
