# An OPDS shelf of real books through the command line (--opds DIR):
# three corpus books (EPUB, PDF, both) written into the shelf, a fourth
# written elsewhere and linked in under its ASCII name; catalog.xml is
# rebuilt after each, parses, is valid Atom (RFC 4287's required elements
# and formats), and served by a static web server on loopback every link
# of it returns the file; a book made later is listed first.
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
have python3 && have xmllint || { echo "no python3/xmllint: skipped"; exit 77; }
SHELF=$WORK/shelf
one() { guarded 900 "$NB" "$@" --mirror "$MIRROR" --offline -q --opds "$SHELF"; }
one "$CORPUS"/000-*.md -o "$WORK/not-yet.epub" 2>/dev/null
check "the shelf's parent must exist; its directory is made" [ -d "$SHELF" ]
rm -rf "$SHELF" "$WORK/not-yet.epub"
mkdir -p "$SHELF"
one "$CORPUS"/000-*.md -o "$SHELF/cls-gpu.epub"
one "$CORPUS"/000-*.md -o "$SHELF/cls-gpu.pdf"
SOURCE_DATE_EPOCH=1660300000 one "$CORPUS"/00[1-4]-*.md --title "财联社 四篇" -o "$SHELF/four.epub"
mkdir -p "$WORK/elsewhere"
SOURCE_DATE_EPOCH=1660400000 one "$CORPUS"/041-*.md -o "$WORK/elsewhere/english.pdf"
rc=$?
check "a book written elsewhere is shelved (exit $rc)" [ $rc -eq 0 ]
check "four books on the shelf ($(ls "$SHELF" | grep -cE '\.(epub|pdf)$'))" [ "$(ls "$SHELF" | grep -cE '\.(epub|pdf)$')" -eq 4 ]
linked=$(ls "$SHELF" | grep -E '^newsbook-.*\.pdf$')
check "under an ASCII name (${linked:-none})" grep -qxE 'newsbook-[0-9-]+-[a-z0-9-]+\.pdf' <<<"$linked"
check "the same bytes as the book" cmp -s "$WORK/elsewhere/english.pdf" "$SHELF/${linked:-none}"
check "the catalog is written" [ -s "$SHELF/catalog.xml" ]
check "the catalog parses" xmllint --noout --nonet "$SHELF/catalog.xml"

unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
python3 -m http.server 0 --bind 127.0.0.1 --directory "$SHELF" >"$WORK/http.log" 2>&1 &
HPID=$!
trap 'kill "$HPID" 2>/dev/null; wait "$HPID" 2>/dev/null' EXIT
for _ in $(seq 1 100); do
  PORT=$(grep -o 'port [0-9]*' "$WORK/http.log" | head -1 | cut -d' ' -f2)
  [ -n "$PORT" ] && break; sleep 0.1
done
check "the web server started" [ -n "${PORT:-}" ]
python3 - "$SHELF/catalog.xml" "http://127.0.0.1:${PORT:-0}/" "$SHELF" >"$WORK/links.txt" <<'PY'
import os, sys, urllib.parse, urllib.request, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
cat, base, shelf = sys.argv[1:4]
root = ET.parse(cat).getroot()
assert root.tag == A + "feed"
for k in ("id", "title", "updated"):
    assert len(root.findall(A + k)) == 1, k
entries = root.findall(A + "entry")
print("entries=%d" % len(entries))
prev = None
bad = 0
for e in entries:
    for k in ("id", "title", "updated"):
        assert len(e.findall(A + k)) == 1, k
    up = e.find(A + "updated").text
    if prev is not None and up > prev:
        print("ORDER", up, prev); bad += 1
    prev = up
    acq = 0
    for l in e.findall(A + "link"):
        href = l.get("href")
        assert "/" not in href and ":" not in href, href
        url = urllib.parse.urljoin(base, href)
        data = urllib.request.urlopen(url, timeout=30).read()
        local = open(os.path.join(shelf, urllib.parse.unquote(href)), "rb").read()
        if data != local:
            print("BAD", href); bad += 1
        if l.get("rel") == "http://opds-spec.org/acquisition":
            acq += 1
            if int(l.get("length")) != len(local):
                print("LENGTH", href); bad += 1
        print("ok", l.get("rel").rsplit("/", 1)[-1], href, len(data))
    if not acq:
        print("NOACQ", e.find(A + "title").text); bad += 1
print("bad=%d" % bad)
PY
cat "$WORK/links.txt" | head -20
check "three entries (EPUB+PDF of one book together)" grep -qx "entries=3" "$WORK/links.txt"
check "every link fetched through the web server is the file" grep -qx "bad=0" "$WORK/links.txt"
check "covers and thumbnails are linked" [ "$(grep -c -E '^ok (image|thumbnail) ' "$WORK/links.txt")" -ge 4 ]
check "the EPUB's title is read from the book" grep -q "<title>财联社 四篇</title>" "$SHELF/catalog.xml"
first=$(python3 -c 'import sys,xml.etree.ElementTree as E; A="{http://www.w3.org/2005/Atom}"; print(E.parse(sys.argv[1]).getroot().find(A+"entry").find(A+"link[@rel=\"http://opds-spec.org/acquisition\"]").get("href"))' "$SHELF/catalog.xml")
check "the newest book is listed first ($first)" [ "$first" = "$linked" ]
# Valid Atom (RFC 4287): the feed and each entry have exactly one id (an
# IRI), title and updated (RFC 3339); an author on the feed or on every
# entry; every link an href; each entry content or an alternate link.
python3 - "$SHELF/catalog.xml" >"$WORK/atom.txt" <<'PY'
import re, sys, urllib.parse, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
root = ET.parse(sys.argv[1]).getroot()
bad = []
def one(el, k, where):
    found = el.findall(A + k)
    if len(found) != 1: bad.append("%s: %d <%s>" % (where, len(found), k)); return None
    return found[0].text or ""
if root.tag != A + "feed": bad.append("root is not atom:feed")
for el, where in [(root, "feed")] + [(e, "entry %d" % i) for i, e in enumerate(root.findall(A + "entry"))]:
    i = one(el, "id", where)
    if i is not None and not urllib.parse.urlsplit(i).scheme: bad.append(where + ": id is not an IRI: " + i)
    one(el, "title", where)
    u = one(el, "updated", where)
    if u is not None and not RFC3339.match(u): bad.append(where + ": updated " + u)
    for l in el.findall(A + "link"):
        if not l.get("href"): bad.append(where + ": link without href")
    if where != "feed":
        if not root.findall(A + "author") and not el.findall(A + "author"): bad.append(where + ": no author")
        if not el.findall(A + "content") and not [l for l in el.findall(A + "link") if l.get("rel", "alternate") == "alternate"] \
           and not el.findall(A + "link"):
            bad.append(where + ": no content and no link")
print("\n".join(bad)); print("atom-bad=%d" % len(bad))
PY
check "valid Atom ($(head -3 "$WORK/atom.txt" | tr '\n' ' '))" grep -qx "atom-bad=0" "$WORK/atom.txt"
finish
