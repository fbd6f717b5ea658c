# Shared by the e2e scripts: arguments, a work dir, check helpers.
# Usage in a script: . "$(dirname "$0")/lib.sh" "$@"
set -u
NB=$1; SRC=$(cd "$2" && pwd); SH=$(cd "$3" && pwd); WORK=$4
rm -rf "$WORK"; mkdir -p "$WORK"
MIRROR=$SH/corpus/mirror
CORPUS=$SH/corpus/dev
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1660135111}
export XDG_CACHE_HOME=$WORK/cache
fails=0; passes=0
pass() { passes=$((passes+1)); }
fail() { echo "FAIL: $*"; fails=$((fails+1)); }
check() { local what=$1; shift; if "$@"; then pass; else fail "$what"; fi; }
have() { command -v "$1" >/dev/null 2>&1; }
# Run the checks that need Java/Python only in the plain build: the sanitizer
# pass is about memory errors, and is slow enough already.
sanitized() { [ -n "${NEWSBOOK_SANITIZED:-}" ]; }
# guarded CPU_SECONDS CMD...: run CMD under a hang guard that does not
# depend on how busy the machine is: a CPU-time limit (a loop spends CPU
# however loaded the machine is; three times as much under the sanitizers)
# and, for a process that blocks without spending CPU, a wall-clock limit
# ten times as long (at least 30 minutes). Exit 152 (SIGXCPU) or 124 (wall)
# when the guard fired.
guarded() {
  local cpu=$1 wall
  shift
  sanitized && cpu=$((cpu * 3))
  wall=$((cpu * 10))
  [ "$wall" -ge 1800 ] || wall=1800
  (ulimit -t "$cpu" && exec timeout -k 10 "$wall" "$@")
}
# A sanitizer's report in a stderr file.
sanitizer_report() {
  grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR: [A-Za-z]+Sanitizer' "$1"
}
# The dev corpus converted once per article and format, shared by the
# tests that check those outputs (e2e/corpus_convert, a CTest fixture).
# need_corpus_outputs makes them when a script runs outside CTest.
CORPUS_OUT=$(dirname "$WORK")/e2e-corpus_convert
need_corpus_outputs() {
  [ -f "$CORPUS_OUT/done" ] && [ "$CORPUS_OUT/done" -nt "$NB" ] && return 0
  bash "$SRC/tests/e2e/corpus_convert.sh" "$NB" "$SRC" "$SH" "$CORPUS_OUT" >/dev/null
}
# ## EPUBCheck (Java) and epubcheck-ts (Node, when EPUBCHECK_TS is set)
# Starting Java costs several seconds of CPU, checking a book a fraction of
# one: a script with several EPUBs checks them in one JVM (and one Node)
# with epubcheck_batch FILE... first (tests/tools/EpubCheckBatch.java,
# epubcheck-ts-many.mjs), and epubcheck_ok FILE then reads the verdicts.
# Without a JDK (the batch runner is compiled on first use) each file gets
# its own JVM, as before.
EPUBCHECK_JAR=/usr/bin/epubcheck
EPUBCHECK_VERDICTS=$WORK/epubcheck.tsv
# Java flags for short runs: the C1 compiler and the serial collector start
# fastest.
EPUBCHECK_JVM="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss1024k"
S_epubcheck_runner() { # prints the class path of the compiled batch runner
  local dir=$(dirname "$WORK")/epubcheck-batch tmp
  if [ ! -f "$dir/EpubCheckBatch.class" ] || [ "$SRC/tests/tools/EpubCheckBatch.java" -nt "$dir/EpubCheckBatch.class" ]; then
    tmp=$(mktemp -d "$(dirname "$WORK")/.epubcheck-batch.XXXXXX") || return 1
    # javac, or the compiler module Debian's Java runtime carries anyway
    local javac=(javac)
    have javac || javac=(java -m jdk.compiler/com.sun.tools.javac.Main)
    "${javac[@]}" -nowarn -cp "$EPUBCHECK_JAR" -d "$tmp" "$SRC/tests/tools/EpubCheckBatch.java" >/dev/null 2>&1 ||
      { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir" && mv -f "$tmp/EpubCheckBatch.class" "$dir/" && rm -rf "$tmp"
  fi
  echo "$dir"
}
EPUBCHECK_TS_VERDICTS=$WORK/epubcheck-ts.tsv
epubcheck_batch() {
  have java && [ -f "$EPUBCHECK_JAR" ] || return 0
  [ $# -gt 0 ] || return 0
  local cp f
  if [ -n "${EPUBCHECK_TS:-}" ] && [ -f "$EPUBCHECK_TS" ]; then
    node "$SRC/tests/tools/epubcheck-ts-many.mjs" "$EPUBCHECK_TS" "$@" \
      >>"$EPUBCHECK_TS_VERDICTS" 2>>"$WORK/epubcheck.log"
  fi
  if cp=$(S_epubcheck_runner); then
    java $EPUBCHECK_JVM -cp "$EPUBCHECK_JAR:$cp" EpubCheckBatch "$@" 2>>"$WORK/epubcheck.log" |
      grep -a -P '\tMessages: ' >>"$EPUBCHECK_VERDICTS"
  else
    for f; do
      printf '%s\t%s\n' "$f" "$(java $EPUBCHECK_JVM -jar "$EPUBCHECK_JAR" "$f" 2>&1 | tee -a "$WORK/epubcheck.log" | grep -a -E '^Messages:')" >>"$EPUBCHECK_VERDICTS"
    done
  fi
}
epubcheck_ok() {
  have java && [ -f "$EPUBCHECK_JAR" ] || return 0
  local m
  m=$([ -f "$EPUBCHECK_VERDICTS" ] && awk -F'\t' -v f="$1" '$1 == f {v = $2} END {print v}' "$EPUBCHECK_VERDICTS")
  if [ -z "$m" ]; then
    epubcheck_batch "$1"
    m=$(awk -F'\t' -v f="$1" '$1 == f {v = $2} END {print v}' "$EPUBCHECK_VERDICTS")
  fi
  case "$m" in *"0 fatals / 0 errors / 0 warnings"*) ;; *)
    echo "  epubcheck: ${m:-no verdict}"
    grep -a -F "$1" "$WORK/epubcheck.log" | grep -E '^(ERROR|WARNING|FATAL)' | head -5
    return 1;; esac
  epubcheck_ts_ok "$1"
}
epubcheck_ts_ok() {
  [ -n "${EPUBCHECK_TS:-}" ] && [ -f "$EPUBCHECK_TS" ] || return 0
  local v
  v=$([ -f "$EPUBCHECK_TS_VERDICTS" ] && awk -F'\t' -v f="$1" '$1 == f {v = $2 " " $3 " " $4} END {print v}' "$EPUBCHECK_TS_VERDICTS")
  if [ -n "$v" ]; then
    [ "$v" = "valid 0 0" ] || { echo "  epubcheck-ts reports problems ($v)"; return 1; }
  elif node "$EPUBCHECK_TS" "$1" -w 2>&1 | grep -qE "Errors: +[1-9]|Warnings: +[1-9]|Invalid"; then
    echo "  epubcheck-ts reports problems"; return 1
  fi
}
# An EPUB's zip layout: mimetype first and stored, no extra fields.
epub_layout_ok() {
  local first
  first=$(zipinfo -1 "$1" | head -1)
  [ "$first" = mimetype ] || { echo "  first entry is $first"; return 1; }
  zipinfo "$1" mimetype | grep -q ' stor ' || { echo "  mimetype compressed"; return 1; }
  if zipinfo -v "$1" | grep 'length of extra field' | grep -vq ' 0 bytes'; then
    echo "  extra fields present"; return 1
  fi
}
# start_imgserver LIFETIME SLOW [MARKFILE]: serve the mirror over loopback
# HTTP (tests/tools/imgserver.py) until the script exits; sets SPID, PORT,
# BASE. MARKFILE is created when a /slow/ request arrives.
start_imgserver() {
  local portfile=$WORK/port
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
  python3 "$SRC/tests/tools/imgserver.py" "$MIRROR" "$portfile" --lifetime "$1" --slow "$2" ${3:+--mark "$3"} &
  SPID=$!
  trap 'kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null' EXIT
  for _ in $(seq 1 600); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || { echo "FAIL: the test server did not start"; exit 1; }
  PORT=$(cat "$portfile")
  BASE=http://127.0.0.1:$PORT
}
# start_webserver LIFETIME [SLOW [OPTIONS...]]: serve the loopback web site
# of tests/tools/webserver.py (feeds, article pages, hostile answers; more
# OPTIONS such as --files DIR go to it) until the script exits; sets WPID,
# WPORT, WBASE and WLOG (its request log, one line per request: method,
# path, status, body bytes, validators sent...).
start_webserver() {
  local portfile=$WORK/webport life=$1 slow=${2:-30}
  shift
  [ $# -gt 0 ] && shift
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
  WLOG=$WORK/requests.log
  python3 "$SRC/tests/tools/webserver.py" "$portfile" "$WLOG" --lifetime "$life" --slow "$slow" "$@" </dev/null &
  WPID=$!
  trap 'kill "$WPID" 2>/dev/null; wait "$WPID" 2>/dev/null' EXIT
  for _ in $(seq 1 100); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || { echo "FAIL: the web server did not start"; exit 1; }
  WPORT=$(cat "$portfile")
  WBASE=http://127.0.0.1:$WPORT
}
finish() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
}
# known KEY: 0 when KEY ("NAME.EXT: CHECK") is listed in known-problems.txt.
known() {
  grep -v '^#' "$SRC/tests/e2e/known-problems.txt" | cut -f1 | grep -qxF "$1"
}
