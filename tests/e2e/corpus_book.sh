# The whole dev corpus as one book: valid, one nav entry per article.
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
n=$(ls "$CORPUS"/*.md | wc -l)
timeout 600 "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q -o "$WORK/all.epub" 2>"$WORK/epub.err"
check "corpus book (EPUB) converts" [ $? -eq 0 ] || tail -3 "$WORK/epub.err"
timeout 600 "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q -o "$WORK/all.pdf" 2>"$WORK/pdf.err"
check "corpus book (PDF) converts" [ $? -eq 0 ] || tail -3 "$WORK/pdf.err"
if [ -f "$WORK/all.epub" ]; then
  "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q --jobs 1 -o "$WORK/all-j1.epub" 2>/dev/null
  check "EPUB with --jobs 1 is byte-identical to the parallel run" cmp -s "$WORK/all.epub" "$WORK/all-j1.epub"
fi
if [ -f "$WORK/all.pdf" ]; then
  "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q --jobs 1 -o "$WORK/all-j1.pdf" 2>/dev/null
  check "PDF with --jobs 1 is byte-identical to the parallel run" cmp -s "$WORK/all.pdf" "$WORK/all-j1.pdf"
fi
sanitized && { finish; exit; }
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
  for a in "$CORPUS"/000-*.md "$CORPUS"/041-*.md; do
    check "$(basename "$a") found in the book" python3 "$SH/tools/fidelity.py" "$a" "$WORK/all.epub"
  done
fi
if [ -f "$WORK/all.pdf" ] && have pdfinfo; then
  check "corpus book PDF qpdf clean" qpdf --check "$WORK/all.pdf" >/dev/null
  for a in "$CORPUS"/000-*.md "$CORPUS"/041-*.md; do
    check "$(basename "$a") found in the PDF book" python3 "$SH/tools/fidelity.py" "$a" "$WORK/all.pdf"
  done
fi
finish
