#!/usr/bin/env bash
# Mutation check (not run by CI): applies each deliberate breakage under
# scripts/mutations/ in turn, rebuilds the test binary, runs the tests the patch
# names, and reports whether they caught it. Every breakage must be caught.
#
#   scripts/mutate.sh                 # all of them
#   scripts/mutate.sh 02 11           # those whose file names start with 02 or 11
#
# A patch file starts with two lines, then a `git diff`:
#   # breakage: <what it breaks>
#   # tests: <gtest filter of the tests that must fail>
# The working tree must have no changes to the files a patch touches; each patch
# is reverted (git apply -R) before the next, also when the script is interrupted.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"

shopt -s nullglob
patches=()
if [ $# -eq 0 ]; then
  patches=(scripts/mutations/*.patch)
else
  for prefix in "$@"; do patches+=(scripts/mutations/"$prefix"*.patch); done
fi
[ ${#patches[@]} -gt 0 ] || { echo "mutate: no patches" >&2; exit 2; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
applied=""
revert() { if [ -n "$applied" ]; then git apply -R "$applied" && applied=""; fi; }
trap revert EXIT INT TERM

tests_bin() { find "$build" -name switchboard_tests -type f -perm -u+x | head -1; }
caught=0
missed=0
printf '%-44s %-8s %s\n' "breakage" "result" "tests"
for patch in "${patches[@]}"; do
  name="$(basename "$patch" .patch)"
  filter="$(sed -n 's/^# tests: *//p' "$patch" | head -1)"
  if [ -z "$filter" ]; then echo "mutate: $patch has no '# tests:' line" >&2; exit 2; fi
  git apply --check "$patch" || { echo "mutate: $patch does not apply" >&2; exit 2; }
  git apply "$patch"
  applied="$patch"
  if ! cmake --build "$build" -j"$(nproc)" --target switchboard_tests >"$build/mutate-$name.log" 2>&1; then
    result="BUILD"  # a breakage that does not compile tells nothing
    missed=$((missed + 1))
  elif "$(tests_bin)" --gtest_filter="$filter" >>"$build/mutate-$name.log" 2>&1; then
    result="MISSED"
    missed=$((missed + 1))
  else
    result="caught"
    caught=$((caught + 1))
  fi
  revert
  printf '%-44s %-8s %s\n' "$name" "$result" "$filter"
done
# Leave the binary built from the unbroken sources.
cmake --build "$build" -j"$(nproc)" --target switchboard_tests >/dev/null 2>&1
echo "mutate: $caught caught, $missed missed (logs: $build/mutate-*.log)"
[ "$missed" -eq 0 ]
