#!/usr/bin/env bash
# Build the libFuzzer harnesses (clang, ASan+UBSan) in build-fuzz and run each
# for a bounded time on a seed corpus made from ../shared/corpus and
# tests/hostile. Exits non-zero when any harness finds a crash, a leak or a
# timeout; the reproducer is kept in build-fuzz/findings/HARNESS/.
#
#   scripts/fuzz.sh                 every harness, 60 s each
#   scripts/fuzz.sh html css        only these (names without fuzz_)
#   FUZZ_SECONDS=600 scripts/fuzz.sh
#   FUZZ_JOBS=2                     parallel libFuzzer workers per harness
#   FUZZ_SHARED=/path/to/shared     where corpus/ lives (default ../shared)
#   FUZZ_NO_BUILD=1                 reuse the existing build-fuzz
#
# See docs/FUZZING.md for longer runs, reproducing and minimising findings.
set -uo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac
SECS=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-1}
SHARED=${FUZZ_SHARED:-$SRC/../shared}
CORPUS=$SHARED/corpus

if ! command -v clang >/dev/null; then
  echo "fuzz.sh: clang is needed (apt-get install clang) — libFuzzer ships with it" >&2
  exit 2
fi
if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  CC=clang cmake -S "$SRC" -B "$BUILD" -DNEWSBOOK_FUZZ=ON -DBUILD_TESTING=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
  cmake --build "$BUILD" -j"${FUZZ_BUILD_JOBS:-2}" >/dev/null || {
    echo "fuzz.sh: build failed: cmake --build $BUILD" >&2; exit 2; }
fi

# ## Seed corpora: copied at run time, never committed. Each harness reads
# options from its first bytes (tests/fuzz/fuzz_common.h), so seeds get a
# prefix that selects the defaults.
SEEDS=$BUILD/seeds
rm -rf "$SEEDS"; mkdir -p "$SEEDS"
S_seed() { # S_seed HARNESS PREFIX_HEX FILE...
  local h=$1 pre=$2 f i=0; shift 2
  mkdir -p "$SEEDS/$h"
  for f in "$@"; do
    [ -f "$f" ] || continue
    # Big seeds only slow libFuzzer down; it mutates towards size anyway.
    { printf "$pre"; head -c 65536 "$f"; } >"$SEEDS/$h/seed-$i"
    i=$((i + 1))
  done
}
# Front matter: the YAML between the first two --- lines of each article
# (after any blank lines: many corpus articles start with one).
FM_AWK='!seen && /^[ \t\r]*$/ {next} !seen {seen=1; if (/^---/) {fm=1; next}}'
mkdir -p "$SEEDS/front_matter"
i=0
for f in "$CORPUS"/dev/*.md; do
  { printf '\x00'; awk "$FM_AWK"' fm==1 && /^---/ {exit} fm==1 {print}' \
    "$f"; } >"$SEEDS/front_matter/seed-$i"
  i=$((i + 1))
done
articles=("$CORPUS"/dev/*.md "$SRC"/samples/*.md)
S_seed article '\x80\x80\x01' "${articles[@]}"
S_seed markdown '\x80\x80\x01' "$SRC"/samples/*.md "$SRC"/tests/spec/*.txt
# HTML bodies: the articles without front matter.
mkdir -p "$SEEDS/html"
i=0
for f in "$CORPUS"/dev/*.md "$SRC"/samples/*.html; do
  [ -f "$f" ] || continue
  { printf '\x80\x80\x01'; awk "$FM_AWK"' fm==1 && /^---/ {fm=2; next} fm!=1 {print}' "$f" | head -c 65536; } \
    >"$SEEDS/html/seed-$i"
  i=$((i + 1))
done
S_seed feed '\x80\x80\x10' "$CORPUS"/feeds/*.xml
# Web pages: the 20 smallest pages of the extraction benchmark, read with
# the defaults (auto extraction, no HTTP charset, tree dump).
mkdir -p "$SEEDS/page"
i=0
while read -r f; do
  { printf '\x80\x80\x00'; zcat "$f" | head -c 65536; } >"$SEEDS/page/seed-$i"
  i=$((i + 1))
done < <(ls -S -r "$SHARED"/extraction/html/*.html.gz 2>/dev/null | head -20)
images=()
while IFS=$'\t' read -r url path kind; do
  [ "$kind" = kind ] && continue
  [ -f "$CORPUS/mirror/$path" ] && images+=("$CORPUS/mirror/$path")
done <"$CORPUS/mirror/INDEX.tsv"
# Small images make fast seeds: keep the 40 smallest.
mapfile -t small < <(ls -S -r "${images[@]}" 2>/dev/null | head -40)
S_seed image '\x1c' "${small[@]}"
S_seed css '' "$SRC"/styles/*.css
# Hand-made seeds, option prefix included (JSON Feed for fuzz_feed...).
if [ -d "$SRC/tests/fuzz/seeds" ]; then
  for d in "$SRC"/tests/fuzz/seeds/*/; do
    h=$(basename "$d")
    mkdir -p "$SEEDS/$h"
    cp "$d"* "$SEEDS/$h/" 2>/dev/null
  done
fi
# The hostile inputs and earlier findings are seeds too.
if [ -d "$SRC/tests/hostile/fuzz" ]; then
  for d in "$SRC"/tests/hostile/fuzz/*/; do
    h=$(basename "$d")
    mkdir -p "$SEEDS/$h"
    cp "$d"* "$SEEDS/$h/" 2>/dev/null
  done
fi

# ## Run
harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
  for f in "$BUILD"/tests/fuzz/fuzz_*; do
    [ -x "$f" ] && harnesses+=("$(basename "$f" | sed 's/^fuzz_//')")
  done
fi
status=0
for h in "${harnesses[@]}"; do
  exe=$BUILD/tests/fuzz/fuzz_$h
  [ -x "$exe" ] || { echo "fuzz.sh: no harness $exe" >&2; status=2; continue; }
  out=$BUILD/findings/$h
  work=$BUILD/corpus/$h
  rm -rf "$out"   # the previous run's findings: keep them elsewhere if needed
  mkdir -p "$out" "$work" "$SEEDS/$h"
  dict=""
  [ -f "$SRC/tests/fuzz/$h.dict" ] && dict="-dict=$SRC/tests/fuzz/$h.dict"
  echo "== fuzz_$h: ${SECS}s"
  # rss_limit: decoders are allowed their pixel cap, not more; timeout: a
  # single input taking 10 s is a hang for our purposes.
  par=""
  # Parallel jobs write fuzz-N.log into the current directory: run there.
  [ "$JOBS" -gt 1 ] && par="-jobs=$JOBS -workers=$JOBS"
  ( cd "$out" &&
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
      "$exe" "$work" "$SEEDS/$h" $dict -max_total_time="$SECS" \
        -timeout=10 -rss_limit_mb=2048 -max_len=262144 -print_final_stats=1 \
        -artifact_prefix="$out/" $par >"$out/log.txt" 2>&1 )
  rc=$?
  cat "$out"/fuzz-*.log >>"$out/log.txt" 2>/dev/null
  if [ $rc -ne 0 ] || ls "$out" | grep -qE '^(crash|leak|timeout|oom|slow-unit)-'; then
    echo "   FOUND: $(grep -m1 -E 'ERROR: |runtime error|Timeout|out-of-memory' "$out/log.txt" | cut -c1-200)"
    ls "$out" | grep -E '^(crash|leak|timeout|oom)-' | sed 's/^/   /'
    status=1
  else
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$out/log.txt" | tail -1 | sed 's/^/   /'
  fi
done
exit $status
