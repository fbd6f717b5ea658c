# An OPDS shelf of real books: three corpus books (EPUB, PDF, both) in a
# directory, catalog.xml rebuilt from it, served by a static web server on
# loopback; every link of the catalog fetched through it returns the file.
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
DRIVER=$(dirname "$WORK")/test_opds
[ -x "$DRIVER" ] || { echo "no $DRIVER"; exit 1; }
SHELF=$WORK/shelf; mkdir -p "$SHELF"
one() { "$NB" "$@" --mirror "$MIRROR" --offline -q; }
one "$CORPUS"/000-*.md -o "$SHELF/cls-gpu.epub"
one "$CORPUS"/000-*.md -o "$SHELF/cls-gpu.pdf"
one "$CORPUS"/00[1-4]-*.md --title "财联社 四篇" -o "$SHELF/four.epub"
one "$CORPUS"/041-*.md -o "$SHELF/english.pdf"
check "three books made" [ "$(ls "$SHELF" | wc -l)" -eq 4 ]
"$DRIVER" --update "$SHELF"
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
finish
