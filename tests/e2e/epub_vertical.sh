# Vertical writing in EPUB: every dev-corpus Chinese and Japanese article
# and the vertical sample, written vertically (--vertical; the book's
# metadata writing-mode=vertical-rl for the one book of them all), carry the markers reading systems need (vertical-rl with its
# -epub- form on the root, page-progression-direction="rtl" on the spine,
# Kindle's primary-writing-mode, short numbers in span.tcy set with
# text-combine-upright) and keep their text (fidelity); all of them as one
# vertical book pass both EPUB checkers with nothing to say. (Each article
# through the checkers on its own takes minutes of Java:
# tests/tools/epubcheck-corpus.sh -- --vertical.)
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
have python3 || { echo "no python3"; exit 77; }
: "${EPUBCHECK_TS:=/work/tools-npm/node_modules/@likecoin/epubcheck-ts/bin/epubcheck.js}"
[ -f "$EPUBCHECK_TS" ] || EPUBCHECK_TS=
export EPUBCHECK_TS

markers_ok() {
  python3 - "$1" <<'EOF'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
opf = z.read("OEBPS/content.opf").decode()
css = z.read("OEBPS/css/style.css").decode()
ok = True
def need(what, cond):
    global ok
    if not cond:
        print("  missing:", what)
        ok = False
need("spine rtl", re.search(r'<spine[^>]*page-progression-direction="rtl"', opf))
need("primary-writing-mode", '<meta name="primary-writing-mode" content="vertical-rl"/>' in opf)
need("writing-mode on html", re.search(r"html\s*\{[^}]*\bwriting-mode:\s*vertical-rl", css))
need("-epub-writing-mode", "-epub-writing-mode: vertical-rl" in css)
need("text-combine-upright", re.search(r"span\.tcy\s*\{[^}]*text-combine-upright:\s*all", css))
need("-epub-text-combine", "-epub-text-combine: horizontal" in css)
need("code and tables across", re.search(r"pre, table\s*\{[^}]*writing-mode:\s*horizontal-tb", css))
for n in z.namelist():
    if n.startswith("OEBPS/chapter-"):
        for s in re.findall(r'<span class="tcy">([^<]*)</span>', z.read(n).decode()):
            need(f"tcy of 1-3 digits ({s!r})", re.fullmatch(r"[0-9]{1,3}", s))
sys.exit(0 if ok else 1)
EOF
}

n=0
cjk=()
for a in "$CORPUS"/*.md "$SRC"/samples/vertical-*.md; do
  name=$(basename "$a" .md)
  mirror=$MIRROR
  case "$a" in "$SRC"/samples/*) mirror=$SRC/samples/mirror ;; esac
  "$NB" "$a" --mirror "$mirror" --offline -q -o "$WORK/$name.epub" 2>/dev/null || continue
  lang=$(unzip -p "$WORK/$name.epub" OEBPS/content.opf | sed -n 's:.*<dc\:language>\(.*\)</dc\:language>.*:\1:p')
  case "$lang" in zh*|ja*) ;; *) rm -f "$WORK/$name.epub"; continue ;; esac
  "$NB" "$a" --mirror "$mirror" --offline -q --vertical \
    -o "$WORK/$name.v.epub" 2>"$WORK/$name.err"
  check "$name ($lang) converts vertically" [ $? -eq 0 ] || continue
  n=$((n + 1))
  cjk+=("$a")
  check "$name vertical markers" markers_ok "$WORK/$name.v.epub"
  sanitized && continue
  # the same text as the horizontal book (the horizontal fidelity is the
  # reader's business: a few corpus articles are known to be short of it)
  fv=$(python3 "$SH/tools/fidelity.py" "$a" "$WORK/$name.v.epub" 2>&1 | tail -1 | awk '{print $2}')
  fh=$(python3 "$SH/tools/fidelity.py" "$a" "$WORK/$name.epub" 2>&1 | tail -1 | awk '{print $2}')
  echo "$name: fidelity $fv vertical, $fh horizontal" >>"$WORK/fidelity.txt"
  check "$name vertical keeps the text ($fv, horizontal $fh)" \
    python3 -c "import sys; sys.exit(0 if float('$fv') >= float('$fh') - 1e-4 else 1)"
done
check "Chinese and Japanese articles found ($n)" [ "$n" -ge 30 ]
"$NB" "${cjk[@]}" --mirror "$MIRROR" --offline -q --metadata writing-mode=vertical-rl \
  --title "直排" -o "$WORK/cjk-vertical.epub" 2>"$WORK/cjk-vertical.err"
check "the Chinese and Japanese articles convert as one vertical book" [ $? -eq 0 ]
check "the vertical book has every article" [ "$(unzip -l "$WORK/cjk-vertical.epub" | grep -c 'chapter-.*xhtml')" -eq "$n" ]
check "the vertical book's markers" markers_ok "$WORK/cjk-vertical.epub"
sanitized || check "the vertical book passes both EPUB checkers" epubcheck_ok "$WORK/cjk-vertical.epub"
# the sample's recipe asks for it too
mkdir -p "$WORK/recipe"
"$NB" build "$SRC/samples/recipes/vertical.yaml" --output-dir "$WORK/recipe" -q 2>"$WORK/recipe.err"
check "the vertical recipe builds" [ $? -eq 0 ] || cat "$WORK/recipe.err"
[ -f "$WORK/recipe/vertical-taipei-library.epub" ] &&
  check "the vertical recipe's book is vertical" markers_ok "$WORK/recipe/vertical-taipei-library.epub"
finish
