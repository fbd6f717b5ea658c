# The EPUB writer end to end: the unit test's synthetic books (every
# construct, sections, cover) and the samples through both EPUB checkers;
# zip layout (mimetype first and stored, no extra fields); byte-identical
# output on a second run; the whole dev corpus as one book with one nav
# entry per article. Skips (77) without java and EPUBCheck.
. "$(dirname "$0")/lib.sh" "$@"
have java && [ -f /usr/bin/epubcheck ] || { echo "no java/epubcheck"; exit 77; }
sanitized && { echo "checkers skipped under sanitizers"; exit 77; }
: "${EPUBCHECK_TS:=/tmp/ects/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js}"
[ -f "$EPUBCHECK_TS" ] || EPUBCHECK_TS=
export EPUBCHECK_TS

layout_ok() {
  local first
  first=$(zipinfo -1 "$1" | head -1)
  [ "$first" = mimetype ] || { echo "  first entry is $first"; return 1; }
  zipinfo "$1" mimetype | grep -q ' stor ' || { echo "  mimetype compressed"; return 1; }
  if zipinfo -v "$1" | grep 'length of extra field' | grep -vq ' 0 bytes'; then
    echo "  extra fields present"; return 1
  fi
}

# Synthetic books written by the unit test binary (built beside this work dir).
unit=$(dirname "$WORK")/test_epub
if [ -x "$unit" ]; then
  NB_EPUB_SAMPLE_DIR=$WORK "$unit"
  check "unit sample books written" [ $? -eq 0 ]
  for f in "$WORK"/unit-*.epub; do
    [ -f "$f" ] || continue
    check "$(basename "$f") validates" epubcheck_ok "$f"
    check "$(basename "$f") zip layout" layout_ok "$f"
  done
fi

# The samples through the CLI, twice: identical bytes.
for a in "$SRC"/samples/*.md; do
  n=$(basename "$a" .md)
  "$NB" "$a" --mirror "$SRC/samples/mirror" --offline -q -o "$WORK/$n.epub"
  check "$n converts" [ $? -eq 0 ]
  [ -f "$WORK/$n.epub" ] || continue
  check "$n validates" epubcheck_ok "$WORK/$n.epub"
  check "$n zip layout" layout_ok "$WORK/$n.epub"
  "$NB" "$a" --mirror "$SRC/samples/mirror" --offline -q -o "$WORK/$n.again.epub"
  check "$n is byte-identical on a second run" cmp -s "$WORK/$n.epub" "$WORK/$n.again.epub"
done

# The whole dev corpus as one book.
if [ -d "$CORPUS" ]; then
  "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q -o "$WORK/all.epub" 2>"$WORK/all.err"
  check "the dev corpus converts as one book" [ $? -eq 0 ]
  if [ -f "$WORK/all.epub" ]; then
    check "all.epub validates" epubcheck_ok "$WORK/all.epub"
    n=$(ls "$CORPUS"/*.md | wc -l)
    got=$(unzip -p "$WORK/all.epub" OEBPS/nav.xhtml | python3 -c '
import sys, xml.etree.ElementTree as ET
h = "{http://www.w3.org/1999/xhtml}"; t = "{http://www.idpf.org/2007/ops}type"
toc = [n for n in ET.parse(sys.stdin).iter(h + "nav") if n.get(t) == "toc"][0]
print(sum(1 for a in toc.iter(h + "a") if a.get("href", "").startswith("chapter-")))')
    check "one nav entry per article ($got of $n)" [ "$got" -eq "$n" ]
    # every article's text is in the book, in order
    if have python3; then
      for a in "$CORPUS"/*.md; do
        python3 "$SH/tools/fidelity.py" "$a" "$WORK/all.epub" >"$WORK/fid.out" 2>&1
        rc=$?
        check "$(basename "$a") text in all.epub: $(tail -1 "$WORK/fid.out")" [ "$rc" -eq 0 ]
      done
    fi
  fi
fi
finish
