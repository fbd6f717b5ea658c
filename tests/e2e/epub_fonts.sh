# Embedded fonts (--embed-fonts, the embed_fonts write option), on the
# seed article, a code-heavy article, the vertical sample and the corpus
# as one book:
#   - both EPUB checkers have nothing to say;
#   - the fonts are subsets: each well under 1 MB where the installed
#     faces are 15-25 MB, and together only a few hundred KB for one
#     article;
#   - every character of the pages' text is in an embedded font, where the
#     theme's installed faces have it (fc-query reads the subsets' maps);
#   - Chromium, with every CJK font of the system hidden (a fontconfig
#     configuration of DejaVu only), draws the seed's Chinese: printed to
#     PDF, its Han characters are there (MuPDF's text), as they are not
#     without the embedded fonts.
. "$(dirname "$0")/lib.sh" "$@"
have fc-query && have python3 || { echo "no fc-query/python3"; exit 77; }
fc-list | grep -q "NotoSerifCJK" || { echo "no Noto CJK fonts"; exit 77; }
[ -d "$CORPUS" ] || exit 77

convert() { # OUT OPTS MIRROR ARTICLE...: OPTS a comma list of
             # embed_fonts, vertical (the --embed-fonts and --vertical flags)
  local out=$1 opts=$2 mirror=$3 flags=()
  shift 3
  case ",$opts," in *,embed_fonts,*) flags+=(--embed-fonts) ;; esac
  case ",$opts," in *,vertical,*) flags+=(--vertical) ;; esac
  guarded 900 "$NB" "$@" --mirror "$mirror" --offline --no-cache -v "${flags[@]}" -o "$out" 2>"$out.err"
}

# every text character of the book's pages in some embedded font (when
# one of the theme's installed faces has it)
covered() {
  python3 - "$1" <<'EOF'
import re, subprocess, sys, tempfile, zipfile, os
import xml.etree.ElementTree as ET
z = zipfile.ZipFile(sys.argv[1])
have = set()
tmp = tempfile.mkdtemp()
for n in z.namelist():
    if n.startswith("OEBPS/fonts/"):
        p = os.path.join(tmp, os.path.basename(n))
        open(p, "wb").write(z.read(n))
        cs = subprocess.run(["fc-query", "-f", "%{charset}", p], capture_output=True, text=True).stdout
        for r in cs.split():
            a, _, b = r.partition("-")
            have.update(range(int(a, 16), int(b or a, 16) + 1))
want = set()
H = "{http://www.w3.org/1999/xhtml}"
for n in z.namelist():
    if n.endswith(".xhtml"):
        body = ET.fromstring(z.read(n)).find(H + "body")
        want.update(ord(c) for c in "".join(body.itertext()) if not c.isspace())
# what no installed face of the theme has is the reader's to find
missing = sorted(c for c in want - have)
# keep only those some theme face has: ask fontconfig per family
theme = ["Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Serif CJK TC", "Noto Sans CJK TC",
         "Noto Serif CJK JP", "Noto Sans CJK JP", "DejaVu Serif", "DejaVu Sans", "DejaVu Sans Mono"]
could = set()
for fam in theme:
    out = subprocess.run(["fc-match", "-f", "%{charset}", fam], capture_output=True, text=True).stdout
    for r in out.split():
        a, _, b = r.partition("-")
        could.update(range(int(a, 16), int(b or a, 16) + 1))
bad = [c for c in missing if c in could]
print(f"{len(want)} characters, {len(want & have)} in embedded fonts, {len(bad)} missing that a theme face has:",
      "".join(chr(c) for c in bad[:20]))
sys.exit(1 if bad else 0)
EOF
}

sizes_ok() { # EPUB MAX_EACH MAX_TOTAL
  python3 - "$@" <<'EOF'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
each, total = int(sys.argv[2]), int(sys.argv[3])
fonts = [i for i in z.infolist() if i.filename.startswith("OEBPS/fonts/")]
t = sum(i.file_size for i in fonts)
print(f"{len(fonts)} fonts, {t // 1000} KB, largest {max(i.file_size for i in fonts) // 1000} KB")
sys.exit(0 if fonts and all(i.file_size <= each for i in fonts) and t <= total else 1)
EOF
}

seed=$(ls "$CORPUS"/000-*.md)
convert "$WORK/seed.epub" embed_fonts "$MIRROR" "$seed"
check "the seed converts with embedded fonts" [ $? -eq 0 ]
check "the size added is reported" grep -q "note: embedded .* font subsets" "$WORK/seed.epub.err"
check "the seed's fonts are subsets: $(sizes_ok "$WORK/seed.epub" 400000 600000)" sizes_ok "$WORK/seed.epub" 400000 600000
check "the seed's characters are embedded: $(covered "$WORK/seed.epub")" covered "$WORK/seed.epub"
convert "$WORK/code.epub" embed_fonts "$MIRROR" "$CORPUS"/009-*.md
check "a code article converts with embedded fonts" [ $? -eq 0 ]
check "its code face is embedded" sh -c "unzip -l '$WORK/code.epub' | grep -q 'fonts/.*Mono'"
check "its characters are embedded: $(covered "$WORK/code.epub")" covered "$WORK/code.epub"
convert "$WORK/vertical.epub" embed_fonts,vertical "$SRC/samples/mirror" "$SRC"/samples/vertical-*.md
check "the vertical sample converts with embedded fonts" [ $? -eq 0 ]
check "its Traditional Chinese faces are embedded" sh -c "unzip -l '$WORK/vertical.epub' | grep -q 'fonts/.*CJKTC'"
convert "$WORK/book.epub" embed_fonts "$MIRROR" "$CORPUS"/*.md
check "the corpus book converts with embedded fonts" [ $? -eq 0 ]
check "the corpus book's fonts are subsets: $(sizes_ok "$WORK/book.epub" 1500000 3000000)" sizes_ok "$WORK/book.epub" 1500000 3000000
check "the corpus book's characters are embedded: $(covered "$WORK/book.epub")" covered "$WORK/book.epub"
sanitized && { finish; exit; }
for b in seed code vertical book; do
  check "$b.epub with fonts passes both EPUB checkers" epubcheck_ok "$WORK/$b.epub"
done

# Chromium with the system's CJK fonts hidden
if have chromium && have mutool; then
  mkdir -p "$WORK/nocjk/cache" "$WORK/with" "$WORK/without"
  cat >"$WORK/nocjk/fonts.conf" <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts/truetype/dejavu</dir>
  <cachedir>$WORK/nocjk/cache</cachedir>
</fontconfig>
EOF
  "$NB" "$seed" --mirror "$MIRROR" --offline -q -o "$WORK/plain.epub"
  (cd "$WORK/with" && unzip -qo "$WORK/seed.epub")
  (cd "$WORK/without" && unzip -qo "$WORK/plain.epub")
  han() { # PDF: Han characters MuPDF finds in it
    mutool draw -F stext -o - "$1" 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
print(sum(1 for c in ET.fromstring(sys.stdin.read()).iter("char") if "\u4e00" <= c.get("c", "") <= "\u9fff"))'
  }
  want=$(unzip -p "$WORK/seed.epub" OEBPS/chapter-0001.xhtml | python3 -c '
import sys, xml.etree.ElementTree as ET
b = ET.fromstring(sys.stdin.read()).find("{http://www.w3.org/1999/xhtml}body")
print(sum(1 for c in "".join(b.itertext()) if "\u4e00" <= c <= "\u9fff"))')
  for d in with without; do
    FONTCONFIG_FILE=$WORK/nocjk/fonts.conf timeout 120 chromium --headless --no-sandbox \
      --disable-gpu --no-pdf-header-footer --print-to-pdf="$WORK/$d.pdf" \
      "$WORK/$d/OEBPS/chapter-0001.xhtml" >/dev/null 2>&1
  done
  got=$(han "$WORK/with.pdf"); none=$(han "$WORK/without.pdf")
  check "Chromium without CJK fonts draws the seed's Chinese from the embedded fonts ($got of $want Han characters; $none without them)" \
    [ "${got:-0}" -ge $((want * 95 / 100)) -a "${none:-0}" -lt $((want / 10)) ]
fi
finish
