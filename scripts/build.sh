#!/usr/bin/env bash
# Configure and build into build/ (or $BUILD_DIR) with warnings as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${BUILD_DIR:-build}
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DNEWSBOOK_WERROR=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
