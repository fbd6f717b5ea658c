#!/usr/bin/env bash
# Install what is missing, build (warnings are errors), and run the whole
# CTest suite; then build with ASan+UBSan+LSan and run the suite again.
#   scripts/test.sh            everything
#   NEWSBOOK_SKIP_SANITIZE=1   skip the sanitizer pass
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
scripts/build.sh
(cd build && ctest --output-on-failure -j2 --timeout 1800)
if [ -z "${NEWSBOOK_SKIP_SANITIZE:-}" ]; then
  # Warnings are the plain build's job; optimised code keeps the sanitized
  # suite within CI's time.
  BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo scripts/build.sh -DNEWSBOOK_SANITIZE=ON -DNEWSBOOK_WERROR=OFF
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # cairo 1.16 and fontconfig leak a little per PDF; the list names them.
  export LSAN_OPTIONS=suppressions=$PWD/tests/hostile/lsan.supp:print_suppressions=0
  export HOSTILE_BUDGET=${HOSTILE_BUDGET:-1700}
  export NEWSBOOK_SANITIZED=1
  (cd build-asan && ctest --output-on-failure -j2 --timeout 1800)
fi
