#!/usr/bin/env bash
# Generate the hostile inputs once for every share of e2e/hostile (the CTest
# fixture e2e/hostile_inputs): gen.py into DIR, with the smaller
# pathological counts when the suite runs under the sanitizers.
#   make-inputs.sh DIR SHARED_DIR
set -u
dir=$1 shared=$2
small=()
[ -n "${NEWSBOOK_SANITIZED:-}" ] && small=(--small)
command -v python3 >/dev/null || { echo "SKIP: python3 is needed"; exit 77; }
rm -rf "$dir"
python3 "$(dirname "$0")/gen.py" "${small[@]}" "$dir" "$shared" || exit 1
touch "$dir/done"
echo "hostile inputs in $dir${small:+ (small)}: $(du -sh "$dir" | cut -f1)"
