#!/usr/bin/env bash
# The kinsoku problems tests/e2e/known-problems.txt lists for code-heavy
# articles must all be the source's own line breaks: a code line that ends
# with "{" or starts with "}", or a paragraph that starts with "!". Any
# violation the source does not explain (a bad break we made, in prose or
# inside a wrapped code line) fails. See kinsoku_explained.py.
. "$(dirname "$0")/lib.sh" "$@"
have python3 && have pdftotext || { echo "skip: python3/pdftotext missing"; exit 77; }
[ -d "$CORPUS" ] || { echo "skip: no corpus"; exit 77; }
sanitized && { echo "skip: checker-only test"; exit 77; }
arts=(); flush=()
while IFS=$'\t' read -r key why; do
  case "$key" in \#*|"") continue;; esac
  name=${key%%.pdf: cjk}
  [ "$name" != "$key" ] || continue
  f=$CORPUS/$name.md; [ -f "$f" ] || f=$SRC/samples/$name.md
  [ -f "$f" ] || continue
  case "$why" in
    *kinsoku*|*'starts with'*|*'lines ending'*) arts+=("$f");;
    *flush*) flush+=("$f");;
  esac
done <"$SRC/tests/e2e/known-problems.txt"
check "known-problems.txt lists code-kinsoku articles" [ ${#arts[@]} -gt 0 ]
check "known-problems.txt lists flush-heuristic articles" [ ${#flush[@]} -gt 0 ]
# corpus articles: the PDFs e2e/corpus_convert made; samples converted here
need_corpus_outputs
for a in "${arts[@]}" "${flush[@]}"; do
  n=$(basename "$a" .md)
  [ -f "$WORK/$n.pdf" ] && continue
  if [ -f "$CORPUS_OUT/$n.pdf.rc" ]; then
    [ "$(cat "$CORPUS_OUT/$n.pdf.rc")" = 0 ] && ln -s "$CORPUS_OUT/$n.pdf" "$WORK/$n.pdf" ||
      fail "$n: conversion failed: $(tail -1 "$CORPUS_OUT/$n.pdf.err")"
    continue
  fi
  "$NB" "$a" --mirror "$MIRROR" --offline -q -o "$WORK/$n.pdf" 2>"$WORK/$n.err" ||
    fail "$n: conversion failed: $(tail -1 "$WORK/$n.err")"
done
for a in "${arts[@]}"; do
  n=$(basename "$a" .md)
  python3 "$SRC/tests/e2e/kinsoku_explained.py" "$a" "$WORK/$n.pdf" "$SH/tools" | tee "$WORK/$n.k"
  check "$n: every kinsoku flag is a source line break" [ "${PIPESTATUS[0]}" -eq 0 ]
done
# a ragged CJK line must be the last line of its paragraph, item or cell
for a in "${flush[@]}"; do
  n=$(basename "$a" .md)
  python3 "$SRC/tests/e2e/kinsoku_explained.py" --flush "$a" "$WORK/$n.pdf" | tee "$WORK/$n.f"
  check "$n: every ragged line ends a source block" [ "${PIPESTATUS[0]}" -eq 0 ]
done
finish
