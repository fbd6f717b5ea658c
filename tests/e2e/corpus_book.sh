# The whole dev corpus as one book, EPUB and PDF: it converts, is valid
# (EPUBCheck, qpdf), has one nav entry per article and every article's text
# in the EPUB (the PDF: two), and is byte-identical with --jobs 1 (plain
# build only: thread timing is the same under the sanitizers, and the
# conversions are the slowest part there).
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
n=$(ls "$CORPUS"/*.md | wc -l)
for ext in epub pdf; do
  guarded 600 "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q -o "$WORK/all.$ext" 2>"$WORK/$ext.err"
  check "corpus book ($ext) converts" [ $? -eq 0 ] || tail -3 "$WORK/$ext.err"
  sanitizer_report "$WORK/$ext.err" && fail "corpus book ($ext): sanitizer report"
done
sanitized && { finish; exit; }
for ext in epub pdf; do
  [ -f "$WORK/all.$ext" ] || continue
  guarded 600 "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q --jobs 1 -o "$WORK/all-j1.$ext" 2>/dev/null
  check "$ext with --jobs 1 is byte-identical to the parallel run" cmp -s "$WORK/all.$ext" "$WORK/all-j1.$ext"
done
if [ -f "$WORK/all.epub" ]; then
  check "corpus book passes EPUBCheck" epubcheck_ok "$WORK/all.epub"
  entries=$(unzip -p "$WORK/all.epub" '*nav.xhtml' | python3 -c '
import sys, xml.etree.ElementTree as ET
ns = {"x": "http://www.w3.org/1999/xhtml", "e": "http://www.idpf.org/2007/ops"}
root = ET.fromstring(sys.stdin.read())
for nav in root.iter("{http://www.w3.org/1999/xhtml}nav"):
    if nav.get("{http://www.idpf.org/2007/ops}type") == "toc":
        # leaves of the toc tree are articles
        print(sum(1 for li in nav.iter("{http://www.w3.org/1999/xhtml}li") if li.find("x:ol", ns) is None))
        break')
  check "nav has one entry per article ($entries of $n)" [ "$entries" = "$n" ]
fi
# every article's text in the EPUB, in order; two of them in the PDF
pairs=()
[ -f "$WORK/all.epub" ] && for a in "$CORPUS"/*.md; do pairs+=("$a" "$WORK/all.epub"); done
[ -f "$WORK/all.pdf" ] && for a in "$CORPUS"/000-*.md "$CORPUS"/041-*.md; do pairs+=("$a" "$WORK/all.pdf"); done
if [ ${#pairs[@]} -gt 0 ]; then
  python3 "$SRC/tests/tools/fidelity_many.py" "$SH/tools" "${pairs[@]}" >"$WORK/fidelity.tsv"
  i=0
  while IFS=$'\t' read -r o verdict line; do
    check "$(basename "${pairs[i]}") text in $(basename "$o"): ${line% /*}" [ "$verdict" = ok ]
    i=$((i + 2))
  done <"$WORK/fidelity.tsv"
fi
if [ -f "$WORK/all.pdf" ] && have qpdf; then
  check "corpus book PDF qpdf clean" qpdf --check "$WORK/all.pdf" >/dev/null
fi
finish
