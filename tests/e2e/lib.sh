# Shared by the e2e scripts: arguments, a work dir, check helpers.
# Usage in a script: . "$(dirname "$0")/lib.sh" "$@"
set -u
NB=$1; SRC=$2; SH=$3; WORK=$4
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
epubcheck_ok() {
  have java && [ -f /usr/bin/epubcheck ] || return 0
  local m; m=$(java -jar /usr/bin/epubcheck "$1" 2>&1 | grep -E '^Messages:')
  case "$m" in *"0 fatals / 0 errors / 0 warnings"*) ;; *) echo "  epubcheck: $m"; java -jar /usr/bin/epubcheck "$1" 2>&1 | grep -E '^(ERROR|WARNING|FATAL)' | head -5; return 1;; esac
  if [ -n "${EPUBCHECK_TS:-}" ] && [ -f "$EPUBCHECK_TS" ]; then
    if node "$EPUBCHECK_TS" "$1" -w 2>&1 | grep -qE "Errors: +[1-9]|Warnings: +[1-9]|Invalid"; then
      echo "  epubcheck-ts reports problems"; return 1; fi
  fi
}
# start_imgserver LIFETIME SLOW: serve the mirror over loopback HTTP
# (tests/tools/imgserver.py) until the script exits; sets SPID, PORT, BASE.
start_imgserver() {
  local portfile=$WORK/port
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
  python3 "$SRC/tests/tools/imgserver.py" "$MIRROR" "$portfile" --lifetime "$1" --slow "$2" &
  SPID=$!
  trap 'kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null' EXIT
  for _ in $(seq 1 100); do [ -s "$portfile" ] && break; sleep 0.1; done
  [ -s "$portfile" ] || { echo "FAIL: the test server did not start"; exit 1; }
  PORT=$(cat "$portfile")
  BASE=http://127.0.0.1:$PORT
}
# start_webserver LIFETIME [SLOW]: serve the loopback web site of
# tests/tools/webserver.py (feeds, article pages, hostile answers) until the
# script exits; sets WPID, WPORT, WBASE and WLOG (its request log, one line
# per request: method, path, status, body bytes, validators sent...).
start_webserver() {
  local portfile=$WORK/webport
  unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
  WLOG=$WORK/requests.log
  python3 "$SRC/tests/tools/webserver.py" "$portfile" "$WLOG" --lifetime "$1" --slow "${2:-30}" &
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
