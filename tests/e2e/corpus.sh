# Every dev-corpus article alone, through the project's acceptance checker
# (EPUBCheck, fidelity, CJK typography, fonts, qpdf, MuPDF, Ghostscript).
# Under the sanitizer build only the conversions run (memory errors are the
# point there).
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS"; exit 77; }
if sanitized; then
  for a in "$CORPUS"/*.md; do
    n=$(basename "$a" .md)
    for ext in epub pdf; do
      timeout 300 "$NB" "$a" --mirror "$MIRROR" --offline -q -o "$WORK/$n.$ext" 2>"$WORK/$n.$ext.err"
      check "$n.$ext converts cleanly under sanitizers" [ $? -eq 0 ] || tail -3 "$WORK/$n.$ext.err"
    done
  done
  finish; exit
fi
# spacing.py too: no loose or letter-spaced line, no full-width quote in
# Latin text (issue 15)
CORPUS_CHECK_SPACING=1 "$SH/tools/corpus-check" "$NB" both 2>&1 | tee "$WORK/corpus-check.log"
check "corpus-check ran over the corpus" grep -q "^corpus-check: " "$WORK/corpus-check.log"
# Each problem line is "NAME.EXT: CHECK-WORD ..."; listed ones are known.
while IFS= read -r line; do
  case "$line" in corpus-check:*|"") continue;; esac
  key=$(printf '%s' "$line" | sed -E 's/^([^:]+): ([a-z]+).*/\1: \2/')
  if known "$key"; then echo "known: $line"; else fail "new problem: $line"; fi
done < <(grep -E '^[^ ]+\.(epub|pdf): ' "$WORK/corpus-check.log")
finish
