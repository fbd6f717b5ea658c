#!/usr/bin/env bash
# Timings of the hostile suite's large cases, at full size: the figures that
# the tests deliberately do not assert (a test's hang guard is a generous
# CPU-time limit; how long a pathological input really takes is measured
# here). Prints wall and CPU seconds per run, slowest first.
#
#   bench/hostile.sh [NEWSBOOK] [REGEX]
#   REGEX      the cases to time (default: the large ones below)
#   SANITIZED=1  run as the sanitizer pass does (generous guards, the
#              binary given should then be build-asan/newsbook); the inputs
#              stay full size
#   ROUNDS=N   run each case N times (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
nb=${1:-build/newsbook}
re=${2:-'^(feed-100k-items|feed-many-items|dir-10000|html-10mb-paragraph|html-10mb-paragraph-pdf|md-10mb-paragraph|html-pre-5mb-line|html-pre-huge-line|fm-5mb-title|fm-100k-categories|md-tabs|html-50k-tables|html-200k-inlines|html-table-long|html-many-headings|md-quote-lines|md-emph-1m|line-separators|combining-storm|long-line-nobreak|html-code-tags)$'}
work=${WORK:-/tmp/newsbook-bench-hostile}
[ -n "${SANITIZED:-}" ] && export NEWSBOOK_SANITIZED=1
rm -rf "$work.gen"
python3 tests/hostile/gen.py "$work.gen" ../shared >/dev/null
touch "$work.gen/done"
for round in $(seq 1 "${ROUNDS:-1}"); do
  HOSTILE_ONLY=$re HOSTILE_GEN=$work.gen bash tests/e2e/hostile.sh "$nb" . ../shared "$work" >/dev/null || true
  cat "$work/results.tsv" >>"$work.all.tsv"
done
echo "hostile cases at full size with $nb ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)):"
printf '  %-32s %5s %9s %9s\n' case exit "wall s" "CPU s"
sort -t$'\t' -k5 -g -r "$work.all.tsv" |
  awk -F'\t' '{printf "  %-32s %5s %9s %9s  %s\n", $1, $3, $4, $5, ($2 == "ok" ? "" : "FAILED")}'
rm -f "$work.all.tsv"
