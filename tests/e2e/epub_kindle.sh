# Books Send to Kindle and Kobo accept, by construction: the rules they
# enforce beyond EPUBCheck, each checked on the corpus book (the whole dev
# corpus as one book, plus an article with fragment links and a theme
# with CSS custom properties), unzipped and inspected:
#   dc:language present and a real tag; ASCII file and manifest names;
#   no "--" inside an XML comment; every link and fragment resolving;
#   nav and NCX listing the same entries in the same order; no CSS custom
#   properties; the book within Send to Kindle's 50 MB.
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
have python3 || { echo "no python3"; exit 77; }

cat >"$WORK/anchors.md" <<'EOF'
---
title: 锚点与主题
date: 2022-08-12 10:00:00
categories:
  - 测试
---
<p>先看<a href="#part-2">第二部分</a>，再看<a href="#missing">不存在的锚点</a>和<a href="#">空锚点</a>。</p>
<h2 id="part-2">第二部分</h2>
<p>正文。</p>
EOF
cat >"$WORK/theme.css" <<'EOF'
:root { --accent: #1a4d8f; --gap: 1em; }
body { color: #1a1a1a; margin: 0 var(--gap); }
a { color: var(--accent); text-decoration: underline; }
p { text-indent: 2em; }
EOF

"$NB" "$CORPUS" "$WORK/anchors.md" --mirror "$MIRROR" --offline -v \
  --style "$WORK/theme.css" -o "$WORK/book.epub" 2>"$WORK/book.err"
check "the corpus book converts" [ $? -eq 0 ] || { tail -3 "$WORK/book.err"; finish; exit; }
check "custom properties reported" grep -q "custom properties" "$WORK/book.err"
check "the missing anchor reported" grep -q "#missing" "$WORK/book.err"

python3 - "$WORK/book.epub" >"$WORK/kindle.out" 2>&1 <<'EOF'
import posixpath, re, sys, zipfile
from urllib.parse import unquote, urlsplit
import xml.etree.ElementTree as ET
path = sys.argv[1]
H = "{http://www.w3.org/1999/xhtml}"
E = "{http://www.idpf.org/2007/ops}"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
NCX = "{http://www.daisy.org/z3986/2005/ncx/}"
problems = {}
def rule(name, ok, detail=""):
    problems.setdefault(name, [])
    if not ok:
        problems[name].append(detail)

z = zipfile.ZipFile(path)
names = z.namelist()
opf = ET.fromstring(z.read("OEBPS/content.opf"))

# 1. dc:language, a real tag
langs = [e.text or "" for e in opf.iter(DC + "language")]
rule("dc:language", len(langs) >= 1, "none")
for l in langs:
    rule("dc:language", re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", l) and l.lower() != "und", l)

# 2. ASCII names, in the zip and in the manifest
for n in names:
    rule("ASCII file names", n.isascii() and " " not in n, n)
items = {i.get("id"): i for i in opf.iter(OPF + "item")}
for i in items.values():
    href = i.get("href")
    rule("ASCII manifest names", href.isascii() and " " not in href and i.get("id").isascii(), href)
    rule("manifest items exist", "OEBPS/" + unquote(href) in names, href)
listed = {"OEBPS/" + unquote(i.get("href")) for i in items.values()}
for n in names:
    if n not in ("mimetype", "META-INF/container.xml", "OEBPS/content.opf"):
        rule("every file in the manifest", n in listed, n)

# 3. no "--" inside an XML comment
rule('no "--" in XML comments', True)
for n in names:
    if n.endswith((".xhtml", ".opf", ".ncx", ".xml")):
        text = z.read(n).decode("utf-8")
        for c in re.findall(r"<!--(.*?)-->", text, re.S):
            rule('no "--" in XML comments', "--" not in c and not c.endswith("-"), n)

# 4. every link and fragment resolving
ids = {}
docs = {}
for n in names:
    if n.endswith(".xhtml"):
        doc = ET.fromstring(z.read(n))
        docs[n] = doc
        ids[n] = {e.get("id") for e in doc.iter() if e.get("id")}
def resolves(base, ref):
    u = urlsplit(ref)
    if u.scheme:
        return u.scheme in ("http", "https", "mailto")
    target = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(u.path))) if u.path else base
    if target not in names:
        return False
    return not u.fragment or u.fragment in ids.get(target, set())
for n, doc in docs.items():
    for e in doc.iter():
        for attr in ("href", "src"):
            v = e.get(attr)
            if v is not None:
                rule("links resolve", resolves(n, v), f"{n}: {v}")
ncx = ET.fromstring(z.read("OEBPS/toc.ncx"))
for c in ncx.iter(NCX + "content"):
    rule("links resolve", resolves("OEBPS/toc.ncx", c.get("src")), "toc.ncx: " + c.get("src"))

# 5. nav and NCX agree
nav = docs["OEBPS/nav.xhtml"]
toc = [n for n in nav.iter(H + "nav") if n.get(E + "type") == "toc"][0]
nav_entries = [("".join(a.itertext()).strip(), a.get("href")) for a in toc.iter(H + "a")]
ncx_entries = [("".join(p.find(NCX + "navLabel").itertext()).strip(), p.find(NCX + "content").get("src"))
               for p in ncx.iter(NCX + "navPoint")]
rule("nav and NCX agree", nav_entries == ncx_entries,
     f"{len(nav_entries)} nav entries, {len(ncx_entries)} NCX entries")
orders = [int(p.get("playOrder")) for p in ncx.iter(NCX + "navPoint")]
rule("NCX play order", orders == list(range(1, len(orders) + 1)), str(orders[:5]))

# 6. no CSS custom properties
for n in names:
    if n.endswith(".css"):
        css = z.read(n).decode("utf-8")
        css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
        css = re.sub(r'"[^"\n]*"|\'[^\'\n]*\'', '""', css)
        rule("no CSS custom properties", not re.search(r"(^|[{;\s])--[A-Za-z_]", css) and "var(" not in css.lower(), n)

# 7. size
import os
size = os.path.getsize(path)
rule("within 50 MB", size <= 50 * 1000 * 1000, f"{size} bytes")

bad = 0
for name, fails in problems.items():
    print(f"{name}: {'ok' if not fails else 'FAIL ' + '; '.join(fails[:3])}")
    bad += bool(fails)
print(f"{bad} rules broken of {len(problems)}")
sys.exit(1 if bad else 0)
EOF
rc=$?
cat "$WORK/kindle.out"
check "Kindle and Kobo rules: $(tail -1 "$WORK/kindle.out")" [ $rc -eq 0 ]
# the anchor that exists stays a link; the others became text
unzip -p "$WORK/book.epub" 'OEBPS/chapter-*.xhtml' >"$WORK/all.xhtml"
check "the existing anchor is still a link" grep -q 'href="#part-2"' "$WORK/all.xhtml"
check "the missing anchors are text" sh -c "! grep -q 'href=\"#missing\"\|href=\"#\"' '$WORK/all.xhtml'"
sanitized || check "the corpus book passes EPUBCheck" epubcheck_ok "$WORK/book.epub"
finish
