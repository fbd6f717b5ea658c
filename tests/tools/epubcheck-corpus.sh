#!/usr/bin/env bash
# Both EPUB checkers (Debian's EPUBCheck 4.2 and epubcheck-ts for EPUB 3.3)
# on every dev-corpus article converted on its own, with any extra options:
# the per-article check CTest leaves out for time (a few seconds of Java
# each). One line per book with anything to say, a summary last.
#
#   tests/tools/epubcheck-corpus.sh PATH/TO/newsbook [OUTDIR] [-- ARGS]
#   tests/tools/epubcheck-corpus.sh build/newsbook -- --metadata writing-mode=vertical-rl
#
# Environment: CORPUS, MIRROR, EPUBCHECK_TS (default the one under
# /work/tools-npm), ONLY (a grep pattern on article names), LANGS (a grep
# pattern on the book's dc:language: e.g. '^zh\|^ja' for Chinese and
# Japanese only). Exit 0 when every book is clean, 1 otherwise.
set -u
NB=${1:?usage: epubcheck-corpus.sh PATH/TO/newsbook [OUTDIR] [-- ARGS]}
shift
OUT=/tmp/epubcheck-corpus
if [ $# -gt 0 ] && [ "$1" != -- ]; then OUT=$1; shift; fi
[ "${1:-}" = -- ] && shift
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SH=$(cd "$HERE/../shared" 2>/dev/null && pwd)
CORPUS=${CORPUS:-$SH/corpus/dev}
MIRROR=${MIRROR:-$SH/corpus/mirror}
TS=${EPUBCHECK_TS:-/work/tools-npm/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js}
ONLY=${ONLY:-.}
LANGS=${LANGS:-.}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1660135111}
mkdir -p "$OUT"
n=0; bad=0
for a in "$CORPUS"/*.md; do
  name=$(basename "$a" .md)
  echo "$name" | grep -q -- "$ONLY" || continue
  o=$OUT/$name.epub
  if ! "$NB" "$a" --mirror "$MIRROR" --offline -q "${EXTRA[@]}" -o "$o" 2>"$o.err"; then
    echo "$name: conversion failed: $(tail -1 "$o.err")"; bad=$((bad + 1)); continue
  fi
  unzip -p "$o" OEBPS/content.opf | sed -n 's:.*<dc\:language>\(.*\)</dc\:language>.*:\1:p' \
    | grep -q -- "$LANGS" || continue
  n=$((n + 1))
  m=$(java -jar /usr/bin/epubcheck "$o" 2>&1 | grep -E '^Messages:')
  case "$m" in *"0 fatals / 0 errors / 0 warnings / 0 infos"*) ;; *) echo "$name: epubcheck $m"; bad=$((bad + 1)) ;; esac
  if [ -f "$TS" ]; then
    r=$(node "$TS" "$o" -w 2>&1 | grep -E "^ *(Errors|Warnings):" | tr '\n' ' ' | tr -s ' ')
    case "$r" in *"Errors: 0 Warnings: 0"*) ;; *) echo "$name: epubcheck-ts $r"; bad=$((bad + 1)) ;; esac
  fi
done
echo "epubcheck: $n books, $bad with problems"
[ "$bad" -eq 0 ]
