# The EPUB writer's synthetic books (every construct, sections, cover,
# written by the unit test binary) through both EPUB checkers, in one JVM,
# and their zip layout: mimetype first and stored, no extra fields. The
# samples are checked the same way by e2e/samples, the dev corpus article
# by article by e2e/corpus and as one book by e2e/corpus_book. Skips (77)
# without java and EPUBCheck.
. "$(dirname "$0")/lib.sh" "$@"
have java && [ -f /usr/bin/epubcheck ] || { echo "no java/epubcheck"; exit 77; }
sanitized && { echo "checkers skipped under sanitizers"; exit 77; }
: "${EPUBCHECK_TS:=/tmp/ects/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js}"
[ -f "$EPUBCHECK_TS" ] || EPUBCHECK_TS=
export EPUBCHECK_TS

# Synthetic books written by the unit test binary (built beside this work dir).
unit=$(dirname "$WORK")/test_epub
[ -x "$unit" ] || { echo "no $unit"; exit 77; }
NB_EPUB_SAMPLE_DIR=$WORK "$unit" >"$WORK/unit.log" 2>&1
check "unit sample books written" [ $? -eq 0 ]
books=("$WORK"/unit-*.epub)
check "the unit test wrote sample books (${#books[@]})" [ -f "${books[0]}" ]
epubcheck_batch "${books[@]}"
for f in "${books[@]}"; do
  [ -f "$f" ] || continue
  check "$(basename "$f") validates" epubcheck_ok "$f"
  check "$(basename "$f") zip layout" epub_layout_ok "$f"
done
finish
