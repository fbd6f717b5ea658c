# What DAISY Ace failed the EPUBs on, checked cheaply on the samples, every
# dev-corpus article and the corpus as one book in sections (Ace itself is
# tests/tools/ace-corpus.sh: too slow and too heavy for CTest):
#   - the nav's toc has role="doc-toc" (any page-list role="doc-pagelist");
#   - headings: one headline (h1, or h2 under a section page), then no
#     level skipped anywhere in a page;
#   - links: every <a> has text, an image with a description, or a label;
#     the theme underlines links, and every colour it gives text is 4.5:1 or
#     more against its background (white unless the rule says otherwise);
#   - every <img> has an alt attribute;
#   - a package claiming dcterms:conformsTo says so in its summary too.
# (Which images lack a description is the unit test's: in the output a
# decorative image and an undescribed one both have alt="".)
. "$(dirname "$0")/lib.sh" "$@"
have python3 || { echo "no python3"; exit 77; }
mkdir -p "$WORK/books"
for a in "$SRC"/samples/*.md; do
  "$NB" "$a" --mirror "$SRC/samples/mirror" --offline -q --no-cache \
    -o "$WORK/books/sample-$(basename "$a" .md).epub" 2>/dev/null
  check "$(basename "$a") converts" [ $? -eq 0 ]
done
if [ -d "$CORPUS" ]; then
  for a in "$CORPUS"/*.md; do
    "$NB" "$a" --mirror "$MIRROR" --offline -q \
      -o "$WORK/books/$(basename "$a" .md).epub" 2>/dev/null
    check "$(basename "$a") converts" [ $? -eq 0 ]
  done
  "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q --group-by category \
    -o "$WORK/books/book-by-category.epub" 2>/dev/null
  check "the corpus book converts" [ $? -eq 0 ]
fi

python3 - "$WORK/books" >"$WORK/a11y.out" 2>&1 <<'EOF'
import glob, os, re, sys, zipfile
import xml.etree.ElementTree as ET
H = "{http://www.w3.org/1999/xhtml}"
E = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
bad = 0
def fail(book, msg):
    global bad
    bad += 1
    print(f"{book}: {msg}")

def lum(hexc):
    hexc = hexc.lstrip("#")
    if len(hexc) == 3:
        hexc = "".join(c * 2 for c in hexc)
    rgb = [int(hexc[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

def contrast(a, b):
    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)

def check_css(book, css):
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    link_underlined = False
    for sel, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", css):
        decl = dict((k.strip().lower(), v.strip()) for k, _, v in
                    (d.partition(":") for d in body.split(";") if ":" in d))
        sels = [s.strip() for s in sel.split(",")]
        if "a" in sels and "underline" in decl.get("text-decoration", ""):
            link_underlined = True
        fg = decl.get("color")
        bg = decl.get("background-color", "#ffffff")
        if fg and re.fullmatch(r"#[0-9a-fA-F]{3,6}", fg) and re.fullmatch(r"#[0-9a-fA-F]{3,6}", bg):
            if contrast(fg, bg) < 4.5:
                fail(book, f"css: {sel.strip()} {fg} on {bg} is {contrast(fg, bg):.2f}:1")
        # a background darker than white under the body text colour
        if "background-color" in decl and not fg and re.fullmatch(r"#[0-9a-fA-F]{3,6}", bg):
            if contrast("#1a1a1a", bg) < 4.5:
                fail(book, f"css: {sel.strip()} text on {bg} is {contrast('#1a1a1a', bg):.2f}:1")
    if not link_underlined:
        fail(book, "css: links are not underlined")

for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.epub"))):
    book = os.path.basename(path)
    z = zipfile.ZipFile(path)
    names = z.namelist()
    opf = ET.fromstring(z.read("OEBPS/content.opf"))
    meta = [(m.get("property"), (m.text or "")) for m in opf.iter(OPF + "meta")]
    conforms = any(p == "dcterms:conformsTo" for p, _ in meta)
    check_css(book, z.read("OEBPS/css/style.css").decode("utf-8"))
    nav = ET.fromstring(z.read("OEBPS/nav.xhtml"))
    for n in nav.iter(H + "nav"):
        t = n.get(E + "type")
        want = {"toc": "doc-toc", "page-list": "doc-pagelist"}.get(t)
        if want and n.get("role") != want:
            fail(book, f"nav {t} has role {n.get('role')!r}, not {want}")
    sectioned = any(n.startswith("OEBPS/section-") for n in names)
    for name in names:
        if not name.endswith(".xhtml"):
            continue
        page = ET.fromstring(z.read(name))
        levels = [int(e.tag[-1]) for e in page.iter() if re.fullmatch(re.escape(H) + "h[1-6]", str(e.tag))]
        if name.startswith("OEBPS/chapter-") and levels:
            first = 2 if sectioned else 1
            if levels[0] != first:
                fail(book, f"{name}: starts with h{levels[0]}, not h{first}")
            if levels.count(first) != 1 or min(levels) < first:
                fail(book, f"{name}: the headline is not the only h{first}")
        for prev, cur in zip(levels, levels[1:]):
            if cur > prev + 1:
                fail(book, f"{name}: h{prev} then h{cur}")
                break
        for a in page.iter(H + "a"):
            text = "".join(a.itertext()).strip()
            alts = [i.get("alt", "").strip() for i in a.iter(H + "img")]
            if not text and not any(alts) and not a.get("aria-label") and not a.get("title"):
                fail(book, f"{name}: a link to {a.get('href')} has no name")
        for i in page.iter(H + "img"):
            if i.get("alt") is None:
                fail(book, f"{name}: an img without alt")
    summary = " ".join(v for p, v in meta if p == "schema:accessibilitySummary")
    if conforms and "Meets EPUB Accessibility" not in summary:
        fail(book, "claims conformance but its summary does not say so")
print(f"{bad} problems")
sys.exit(1 if bad else 0)
EOF
rc=$?
grep -v ' problems$' "$WORK/a11y.out" | head -20
check "accessibility markers: $(tail -1 "$WORK/a11y.out")" [ $rc -eq 0 ]
finish
