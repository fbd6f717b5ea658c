# Article extraction from whole web pages, measured on the public
# article-extraction benchmark (../shared/extraction: 121 real pages with
# human ground truth) by ../shared/tools/extraction-score.py, which runs
# `newsbook PAGE.html --to json` on each. The bar is the issue's: F1 of at
# least 0.97 and no page failing. Also a page's article through the CLI
# into an EPUB, chrome left out.
#
# The score is skipped where the set is missing, and under the sanitizers
# (121 pages through an instrumented binary say nothing the plain build does
# not). No timing is asserted: the score prints its median time per page.
. "$(dirname "$0")/lib.sh" "$@"
have python3 || { echo "SKIP: python3 is needed"; exit 77; }

# A news page: navigation, share bar, article, related list, footer.
page=$WORK/news.html
{
  printf '<!DOCTYPE html><html lang="en"><head><title>Tram line reaches '
  printf 'the harbour | The Daily Example</title>'
  printf '<meta property="og:site_name" content="The Daily Example">'
  printf '</head><body><nav><a href="/">Home NAV_TEXT</a> <a href="/w">'
  printf 'World</a></nav><div class="share-bar"><a href="#">Share '
  printf 'SHARE_TEXT</a></div><article><h1>Tram line reaches the harbour'
  printf '</h1>'
  for i in 1 2 3 4 5; do
    printf '<p>ARTICLE_%s The council voted on Tuesday to extend the tram ' "$i"
    printf 'line to the harbour, a project discussed for a decade, and work '
    printf 'begins in the spring.</p>'
  done
  printf '<ul class="related"><li><a href="/a">RELATED_TEXT one</a></li>'
  printf '<li><a href="/b">Two</a></li></ul></article><footer>FOOTER_TEXT'
  printf ' Copyright 2024</footer></body></html>'
} >"$page"
"$NB" "$page" --offline -q -o "$WORK/news.epub" 2>"$WORK/news.err"
check "a news page converts" [ $? -eq 0 ]
text=$(unzip -p "$WORK/news.epub" '*.xhtml' 2>/dev/null)
for w in ARTICLE_1 ARTICLE_5; do
  check "the article's $w is kept" grep -q "$w" <<<"$text"
done
for w in NAV_TEXT SHARE_TEXT RELATED_TEXT FOOTER_TEXT; do
  check "the page's $w is left out" bash -c '! grep -q "$0" <<<"$1"' "$w" "$text"
done
check "the title is the headline without the site" \
  grep -q '<dc:title[^>]*>Tram line reaches the harbour</dc:title>' \
  <(unzip -p "$WORK/news.epub" '*.opf' 2>/dev/null)
"$NB" "$page" --offline -q --to json -o "$WORK/probe.json" 2>/dev/null
check "--to json writes the page's article" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["articles"]
t = a[0]["text"]
sys.exit(not (len(a) == 1 and "ARTICLE_5" in t and "NAV_TEXT" not in t
              and "FOOTER_TEXT" not in t))' "$WORK/probe.json"
"$NB" "$page" --offline -q --extract never --to json -o "$WORK/never.json" 2>/dev/null
check "--extract never: the page whole" grep -q NAV_TEXT "$WORK/never.json"
"$NB" "$page" --offline -q --extract sometimes -o "$WORK/bad.json" 2>"$WORK/bad.err"
check "--extract sometimes: a usage error" [ $? -eq 2 ]
check "--extract sometimes: says what it takes" grep -q "auto, always or never" "$WORK/bad.err"
if sanitized; then
  finish
  exit
fi

if [ ! -f "$SH/extraction/ground-truth.json" ]; then
  echo "no benchmark set at $SH/extraction: the score is skipped"
  finish
  exit
fi
python3 "$SH/tools/extraction-score.py" "$NB" >"$WORK/score.txt" 2>&1
tail -1 "$WORK/score.txt"
line=$(grep '^extraction: ' "$WORK/score.txt")
check "extraction-score ran" [ -n "$line" ]
f1=$(sed -E 's/.* f1=([0-9.]+).*/\1/' <<<"$line")
failed=$(sed -E 's/.* failed=([0-9]+).*/\1/' <<<"$line")
check "no page failed (failed=$failed)" [ "$failed" = 0 ]
check "F1 $f1 is at least 0.97" python3 -c "import sys; sys.exit(float('$f1') < 0.97)"
finish
