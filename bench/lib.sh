# shellcheck shell=bash disable=SC2154  # root and build_dir are the caller's
# Shared by the bench scripts (sourced, not run): the tool check, building the
# binaries a bench needs unless the caller names them, and a free loopback port.
# The caller has set `root` and cd'd there, and sets `build_dir` (default build).

# require_tools TOOL...: stops naming the first one missing.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found" >&2; exit 1; }
  done
}

# use_binary VAR PATH TARGET: VAR keeps the caller's value (an environment variable
# naming a binary, never built); else it becomes $root/$build_dir/PATH and TARGET is
# built by build_binaries.
bench_build_targets=()
use_binary() {
  local var="$1" path="$2" target="$3"
  if [[ -z "${!var:-}" ]]; then
    printf -v "$var" '%s' "$root/${build_dir:-build}/$path"
    bench_build_targets+=("$target")
  fi
}

# build_binaries VAR...: builds what use_binary asked for (Release, configuring
# the build directory first when it has never been), then checks each VAR names an
# executable.
build_binaries() {
  local dir="${build_dir:-build}" var
  if ((${#bench_build_targets[@]} > 0)); then
    [[ -f "$dir/CMakeCache.txt" ]] || cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$dir" --target "${bench_build_targets[@]}" -j2 >/dev/null
  fi
  for var in "$@"; do
    [[ -x "${!var}" ]] || { echo "error: ${!var} is not an executable" >&2; exit 1; }
  done
}

# A port free on 127.0.0.1 now (another process may still take it first: callers
# that start a server retry on a new one).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
