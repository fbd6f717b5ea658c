#!/usr/bin/env bash
# Install what is missing, build (warnings are errors), and run the whole
# CTest suite; then build with ASan+UBSan+LSan and run the suite again.
#   scripts/test.sh            everything
#   NEWSBOOK_SKIP_SANITIZE=1   skip the sanitizer pass
#   TEST_JOBS=N                tests side by side (default: the cores)
#
# What it costs, and the rules that keep it so, are at the top of
# tests/CMakeLists.txt: no test passes or fails by the machine's speed, and
# the suite stays under 20 minutes on two cores. Each pass ends with its
# slowest tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
# EPUBCheck for EPUB 3.3 rules (npm): optional, used when it installs.
if [ -z "${EPUBCHECK_TS:-}" ] && command -v npm >/dev/null; then
  ects=build/epubcheck-ts
  if [ ! -f "$ects/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js" ]; then
    mkdir -p "$ects"
    (cd "$ects" && npm init -y >/dev/null 2>&1 && timeout 300 npm install --silent @likecoin/epubcheck-ts >/dev/null 2>&1) || true
  fi
  [ -f "$ects/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js" ] &&
    export EPUBCHECK_TS=$PWD/$ects/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js
fi
jobs=${TEST_JOBS:-$(nproc)}

# ctest in DIR, then its five slowest tests (wall seconds as CTest saw them).
S_ctest() {
  local dir=$1 log status=0
  log=$dir/ctest.log
  (cd "$dir" && ctest --output-on-failure -j"$jobs" --timeout 3600) 2>&1 | tee "$log" || status=1
  echo "slowest in $dir:"
  grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$log" |
    sed -E 's/.*Test +#[0-9]+: ([^ ]+) .* ([0-9.]+) sec$/\2 \1/' | sort -rn | head -5 |
    awk '{printf "  %8.1f s  %s\n", $1, $2}'
  return $status
}

# A failing pass does not stop the other: the exit status says both.
status=0
scripts/build.sh
S_ctest build || status=1
if [ -z "${NEWSBOOK_SKIP_SANITIZE:-}" ]; then
  # Warnings are the plain build's job; optimised code keeps the sanitized
  # suite within CI's time.
  BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo scripts/build.sh -DNEWSBOOK_SANITIZE=ON -DNEWSBOOK_WERROR=OFF
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # cairo 1.16 and fontconfig leak a little per PDF; the list names them.
  export LSAN_OPTIONS=suppressions=$PWD/tests/hostile/lsan.supp:print_suppressions=0
  export NEWSBOOK_SANITIZED=1
  S_ctest build-asan || status=1
fi
exit $status
