# Books from archives (issue 5): the dev corpus's largest category with
# --category to EPUB and PDF, one nav entry per selected article; the
# RSSHub feed to a book with one chapter per item; an empty feed refused.
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
FEEDS=$SH/corpus/feeds

"$NB" "$CORPUS/000-cls-gpu-seed.md" --offline -q -o "$WORK/probe.epub" 2>"$WORK/probe.err"
if grep -q "not implemented" "$WORK/probe.err"; then
  echo "the pipeline cannot convert yet: $(head -1 "$WORK/probe.err")"
  exit 77
fi

# The category (at any level) most articles have, and how many distinct
# articles (title and date) it holds. Front matter that YAML cannot parse
# is read line by line, as a tolerant reader would.
read -r CAT N < <(python3 - "$CORPUS" <<'EOF'
import collections, glob, os, sys, yaml
count, seen = collections.Counter(), collections.defaultdict(set)
for f in sorted(glob.glob(os.path.join(sys.argv[1], "*.md"))):
    fm = open(f, encoding="utf-8").read().lstrip().split("---")[1]
    try:
        m = yaml.safe_load(fm) or {}
    except yaml.YAMLError:
        m, key = {}, None
        for line in fm.splitlines():
            if line[:1] not in (" ", "\t", "-") and ":" in line:
                key, v = line.split(":", 1)
                m[key] = v.strip().strip("'\"") or []
            elif key == "categories" and line.strip().startswith("-"):
                m[key].append(line.strip()[1:].strip())
    cats = m.get("categories") or []
    cats = [cats] if isinstance(cats, str) else cats
    for c in set(str(c) for c in cats):
        seen[c].add((str(m.get("title")), str(m.get("date"))))
best = max(sorted(seen), key=lambda c: len(seen[c]))
print(best, len(seen[best]))
EOF
)
echo "largest category: $CAT ($N articles)"
check "found a largest category" [ -n "$CAT" -a "${N:-0}" -gt 1 ]

toc_leaves() { # EPUB: leaves of the nav's toc tree (articles)
  unzip -p "$1" '*nav.xhtml' | python3 -c '
import sys, xml.etree.ElementTree as ET
X = "{http://www.w3.org/1999/xhtml}"
root = ET.fromstring(sys.stdin.read())
for nav in root.iter(X + "nav"):
    if nav.get("{http://www.idpf.org/2007/ops}type") == "toc":
        print(sum(1 for li in nav.iter(X + "li") if li.find(X + "ol") is None))
        break'
}
ncx_leaves() {
  unzip -p "$1" '*.ncx' | python3 -c '
import sys, xml.etree.ElementTree as ET
N = "{http://www.daisy.org/z3986/2005/ncx/}"
root = ET.fromstring(sys.stdin.read())
print(sum(1 for p in root.iter(N + "navPoint") if p.find(N + "navPoint") is None))'
}
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/{print $2}'; }

# ## The conversions: the largest category and the RSSHub feed, each to
# EPUB and PDF (both EPUBs then checked in one JVM)
for fmt in epub pdf; do
  guarded 600 "$NB" "$CORPUS" --category "$CAT" --mirror "$MIRROR" --offline \
    -q -o "$WORK/cat.$fmt" 2>"$WORK/cat-$fmt.err"; rc=$?
  check "category book ($fmt) converts (exit $rc)" [ $rc -eq 0 ] || tail -3 "$WORK/cat-$fmt.err"
done
FEED=$(ls "$FEEDS"/*rss2*.xml 2>/dev/null | head -1)
if [ -n "$FEED" ]; then
  for fmt in epub pdf; do
    guarded 300 "$NB" "$FEED" --offline -q -o "$WORK/feed.$fmt" 2>"$WORK/feed-$fmt.err"; rc=$?
    check "feed to $fmt converts (exit $rc)" [ $rc -eq 0 ] || tail -3 "$WORK/feed-$fmt.err"
  done
fi
sanitized || epubcheck_batch "$WORK"/*.epub

# ## The largest category
if [ -s "$WORK/cat.epub" ]; then
  got=$(toc_leaves "$WORK/cat.epub")
  check "nav has one entry per selected article ($got of $N)" [ "$got" = "$N" ]
  got=$(ncx_leaves "$WORK/cat.epub")
  check "NCX has one entry per selected article ($got of $N)" [ "$got" = "$N" ]
  sanitized || check "category book passes EPUBCheck" epubcheck_ok "$WORK/cat.epub"
  check "category book has a cover image (generated: nb_book_generate_cover in the pipeline)" sh -c "unzip -p '$WORK/cat.epub' '*.opf' | grep -q 'properties=\"cover-image\"'"
fi
if [ -s "$WORK/cat.pdf" ] && have pdfinfo; then
  p=$(pages "$WORK/cat.pdf")
  check "category PDF has pages (${p:-0})" [ "${p:-0}" -gt 0 ]
  check "category PDF is at least one page per article" [ "${p:-0}" -ge "$N" ]
  have qpdf && check "category PDF qpdf clean" qpdf --check "$WORK/cat.pdf" >/dev/null
  if have mutool; then
    o=$(mutool show "$WORK/cat.pdf" outline 2>/dev/null | grep -c .)
    check "PDF outline has at least an entry per article ($o for $N)" [ "$o" -ge "$N" ]
  fi
fi

# ## The RSSHub feed: one chapter per item
if [ -n "$FEED" ]; then
  items=$(python3 -c 'import sys, xml.etree.ElementTree as ET; print(len(ET.parse(sys.argv[1]).getroot().findall("./channel/item")))' "$FEED")
  if [ -s "$WORK/feed.epub" ]; then
    got=$(toc_leaves "$WORK/feed.epub")
    check "feed book: one nav entry per item ($got of $items)" [ "$got" = "$items" ]
    chapters=$(unzip -p "$WORK/feed.epub" '*.opf' | python3 -c '
import sys, re
opf = sys.stdin.read()
spine = re.findall(r"<itemref\b[^>]*idref=\"([^\"]+)\"", opf)
print(len(spine))')
    check "feed book: the spine holds every item ($chapters >= $items)" [ "$chapters" -ge "$items" ]
    sanitized || check "feed book passes EPUBCheck" epubcheck_ok "$WORK/feed.epub"
  fi
  if [ -s "$WORK/feed.pdf" ] && have pdfinfo; then
    p=$(pages "$WORK/feed.pdf")
    check "feed PDF has pages (${p:-0})" [ "${p:-0}" -ge "$items" ]
  fi
fi

# ## An empty feed: a clear message, not a crash or an empty book
EMPTY=$(ls "$FEEDS"/*empty*.xml 2>/dev/null | head -1)
if [ -n "$EMPTY" ]; then
  "$NB" "$EMPTY" --offline -o "$WORK/empty.epub" 2>"$WORK/empty.err"; rc=$?
  check "empty feed exits 1 (got $rc)" [ $rc -eq 1 ]
  check "empty feed writes nothing" [ ! -e "$WORK/empty.epub" ]
  check "empty feed message names the feed" grep -q "$(basename "$EMPTY")" "$WORK/empty.err"
fi
finish
