# URL inputs end to end against a loopback site (tests/tools/webserver.py):
# an RSS feed and a JSON Feed become one chapter per item, summary-only
# items with the text of their pages; a second run against the unchanged
# site transfers no body (the server's log shows only 304s); loopback is
# refused without --allow-private; hostile answers (a redirect loop, an
# endless body, a 100 MB page, an entity bomb, a slow server, an image)
# end as one line, never a crash or a hang. A news site made from the
# fixtures of tests/tools/site (whole pages full of chrome, one in GBK named
# only by its <meta>) read through its RSS feed and its JSON Feed: each
# chapter is its page's article (fidelity against the fixture, no chrome);
# JSON output loads no image; a recipe takes URLs; a second run only
# revalidates.
. "$(dirname "$0")/lib.sh" "$@"
# Leaks inside cairo and fontconfig are not ours to fix (tests/hostile/lsan.supp).
case "${LSAN_OPTIONS:-}" in
*suppressions=*) ;;
*) export LSAN_OPTIONS="suppressions=$SRC/tests/hostile/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" ;;
esac

have python3 || { echo "no python3: skipped"; exit 77; }
have unzip || { echo "no unzip: skipped"; exit 77; }
start_webserver 600 60

# chapters FILE.epub: the number of article chapters
chapters() { unzip -l "$1" | grep -c 'chapter-[0-9]*\.xhtml$'; }
# text FILE.epub: the text of every chapter, tags removed
text() { unzip -p "$1" 'OEBPS/chapter-*.xhtml' | sed -e 's/<[^>]*>//g'; }
# requests PATH: the log lines for exactly PATH
requests() { awk -F'\t' -v p="$1" '$2 == p' "$WLOG"; }
# one_line FILE: stderr is exactly one error line, "newsbook: URL: what —
# what to do"
one_line() { [ "$(grep -c '' "$1")" -eq 1 ] && grep -qE '^newsbook: [^ ].*: .+ — .+' "$1"; }
# elapsed CMD...: run, setting rc and secs
elapsed() { local t0; t0=$(date +%s); "$@"; rc=$?; secs=$(( $(date +%s) - t0 )); }

C=$WORK/cache
# 1. RSS: four items, two of them summaries with pages, one with a page
# that is missing.
"$NB" "$WBASE/feed.xml" --allow-private --cache "$C" -o "$WORK/rss.epub" 2>"$WORK/rss.err"
check "rss: exit 0" test $? -eq 0
check "rss: one chapter per item" test "$(chapters "$WORK/rss.epub")" -eq 4
text "$WORK/rss.epub" >"$WORK/rss.txt"
check "rss: a full item as it is" grep -q FULL_ITEM_BODY_7 "$WORK/rss.txt"
check "rss: a summary replaced by its page" grep -q PAGE_1_PARA_6 "$WORK/rss.txt"
check "rss: the summary itself gone" sh -c "! grep -q SUMMARY_ONE_TEXT '$WORK/rss.txt'"
check "rss: a 阅读全文 item replaced by its page" grep -q PAGE_2_PARA_6 "$WORK/rss.txt"
check "rss: the item titles kept" grep -q "SUMMARY_ONE 摘要条目" "$WORK/rss.txt"
check "rss: a missing page keeps the summary" grep -q SUMMARY_MISSING_TEXT "$WORK/rss.txt"
check "rss: and warns with its URL" grep -q "$WBASE/missing.html.*HTTP 404" "$WORK/rss.err"
# fidelity of each fetched article against its page's article text
if have curl && [ -f "$SH/tools/fidelity.py" ]; then
  for n in 1 2; do
    curl -s "$WBASE/article/$n.html" | python3 -c '
import re, sys
page = sys.stdin.read()
art = re.search(r"<article>(.*)</article>", page, re.S).group(1)
art = re.sub(r"<h1>.*?</h1>", "", art, flags=re.S)
print("---\ntitle: \"%s\"\n---\n%s" % (sys.argv[1], art))' "SUMMARY_" >"$WORK/page$n.md"
    check "rss: fidelity of article $n to its page" \
      python3 "$SH/tools/fidelity.py" "$WORK/page$n.md" "$WORK/rss.epub" --min 0.99
  done
fi

# 2. The same run again: only conditional requests, answered 304.
before=$(grep -c '' "$WLOG")
"$NB" "$WBASE/feed.xml" --allow-private --cache "$C" -o "$WORK/rss2.epub" 2>"$WORK/rss2.err"
check "again: exit 0" test $? -eq 0
tail -n +"$((before + 1))" "$WLOG" >"$WORK/again.log"
check "again: the feed answered 304" sh -c "awk -F'\t' '\$2 == \"/feed.xml\"' '$WORK/again.log' | grep -q '	304	0	\"'"
check "again: no body crossed for the feed or its pages" \
  sh -c "! awk -F'\t' '(\$2 == \"/feed.xml\" || \$2 ~ /^\\/article\\//) && \$3 != 304' '$WORK/again.log' | grep -q ."
check "again: the same book" cmp -s "$WORK/rss.epub" "$WORK/rss2.epub"
# offline, from the cache alone
"$NB" "$WBASE/feed.xml" --offline --cache "$C" -o "$WORK/rss3.epub" 2>"$WORK/rss3.err"
check "offline: exit 0 from the cache" test $? -eq 0
check "offline: the same book" cmp -s "$WORK/rss.epub" "$WORK/rss3.epub"

# 3. JSON Feed.
"$NB" "$WBASE/feed.json" --allow-private --no-cache -o "$WORK/json.epub" 2>"$WORK/json.err"
check "json: exit 0" test $? -eq 0
check "json: one chapter per item" test "$(chapters "$WORK/json.epub")" -eq 4
text "$WORK/json.epub" >"$WORK/json.txt"
check "json: a summary replaced by its page" grep -q PAGE_4_PARA_6 "$WORK/json.txt"
check "json: content_text kept" grep -q JSON_TEXT_PARA_TWO "$WORK/json.txt"
"$NB" "$WBASE/atom.xml" --allow-private --no-cache -o "$WORK/atom.pdf" 2>"$WORK/atom.err"
check "atom: a PDF too" test $? -eq 0 -a -s "$WORK/atom.pdf"

# 4. --full-text never / always.
"$NB" "$WBASE/feed.xml" --allow-private --no-cache --full-text never -o "$WORK/never.epub" 2>/dev/null
check "never: the summaries stay" grep -q SUMMARY_ONE_TEXT <(text "$WORK/never.epub")
"$NB" "$WBASE/feed.xml" --allow-private --no-cache --full-text always -o "$WORK/always.epub" 2>/dev/null
check "always: even the full item's page" grep -q PAGE_10_PARA_1 <(text "$WORK/always.epub")

# 5. A news site: summary-only RSS and JSON Feed items whose pages are whole
# pages (cookie banner, navigation, share bar, related list, comments, an
# ad, a footer), one in GBK named only by its <meta>.
SITE=$SRC/tests/tools/site
nsite=$(ls "$SITE"/*.md | wc -l)
SC=$WORK/site-cache
"$NB" "$WBASE/site/feed.xml" --allow-private --cache "$SC" -o "$WORK/site.epub" 2>"$WORK/site.err"
check "site rss: exit 0" test $? -eq 0
"$NB" "$WBASE/site/feed.json" --allow-private --no-cache -o "$WORK/site-json.epub" 2>"$WORK/site-json.err"
check "site json feed: exit 0" test $? -eq 0
epubcheck_batch "$WORK/rss.epub" "$WORK/json.epub" "$WORK/site.epub" "$WORK/site-json.epub"
check "rss: EPUBCheck" epubcheck_ok "$WORK/rss.epub"
check "json: EPUBCheck" epubcheck_ok "$WORK/json.epub"
for b in site site-json; do
  check "$b: one chapter per item ($nsite)" test "$(chapters "$WORK/$b.epub")" -eq "$nsite"
  check "$b: no chrome of the pages" sh -c "! unzip -p '$WORK/$b.epub' | grep -a -q SITE_CHROME_"
  check "$b: EPUBCheck" epubcheck_ok "$WORK/$b.epub"
  for f in "$SITE"/*.md; do
    check "$b: fidelity of $(basename "$f" .md) to its page's article" \
      python3 "$SH/tools/fidelity.py" "$f" "$WORK/$b.epub" --min 0.99
  done
done
check "site: the book is titled as the feed" \
  grep -q '<dc:title[^>]*>港城日报</dc:title>' <(unzip -p "$WORK/site.epub" '*.opf')
check "site: a warning about a fetched article names its URL" \
  grep -q "^newsbook: warning: $WBASE/site/open-data.html: image $WBASE/missing-img/route-map.png" "$WORK/site.err"
# again: only revalidation, nothing but 304 for the feed and its pages
before=$(grep -c '' "$WLOG")
"$NB" "$WBASE/site/feed.xml" --allow-private --cache "$SC" -o "$WORK/site2.epub" 2>/dev/null
check "site again: exit 0" test $? -eq 0
tail -n +"$((before + 1))" "$WLOG" | awk -F'\t' '$2 ~ /^\/site\//' >"$WORK/site-again.log"
check "site again: the feed and its $nsite pages asked for" test "$(grep -c '' "$WORK/site-again.log")" -eq $((nsite + 1))
check "site again: all answered 304 with no body" \
  sh -c "! awk -F'\t' '\$3 != 304 || \$4 != 0' '$WORK/site-again.log' | grep -q ."
check "site again: the same book" cmp -s "$WORK/site.epub" "$WORK/site2.epub"

# JSON out: the articles' fields and text; no image is loaded for it.
before=$(grep -c '' "$WLOG")
"$NB" "$WBASE/site/feed.json" --allow-private --no-cache -o "$WORK/site.json" 2>"$WORK/site.json.err"
check "to json: exit 0" test $? -eq 0
check "to json: no image requested" \
  sh -c "! tail -n +$((before + 1)) '$WLOG' | awk -F'\t' '\$2 ~ /^\/(img|missing-img)\//' | grep -q ."
cat >"$WORK/check-json.py" <<'PY'
import json, os, re, sys
book = json.load(open(sys.argv[1], encoding="utf-8"))
base, site = sys.argv[2], sys.argv[3]
slugs = sorted(f[:-3] for f in os.listdir(site) if f.endswith(".md"))
arts = {a["url"]: a for a in book["articles"]}
assert book["title"] == "港城日报", book["title"]
assert len(book["articles"]) == len(slugs), len(book["articles"])
for slug in slugs:
    a = arts["%s/site/%s.html" % (base, slug)]
    fm, body = open(os.path.join(site, slug + ".md"),
                    encoding="utf-8").read().split("---\n", 2)[1:]
    title = re.search(r'^title: "(.*)"$', fm, re.M).group(1)
    assert a["title"] == title, (a["title"], title)
    assert a["byline"], slug
    assert "SITE_CHROME" not in a["text"], slug
    first = re.sub(r"<[^>]+>", "", body.strip().split("\n")[0])
    first = first.replace("&mdash;", "\u2014")
    assert first in a["text"], (slug, first[:40])
PY
check "to json: the articles, their URLs, titles and text" \
  python3 "$WORK/check-json.py" "$WORK/site.json" "$WBASE" "$SITE"

# One page by its URL: its article, not the page; --extract never keeps it all.
"$NB" "$WBASE/site/tram-line.html" --allow-private --no-cache -o "$WORK/page.epub" 2>/dev/null
check "page url: exit 0" test $? -eq 0
check "page url: one chapter" test "$(chapters "$WORK/page.epub")" -eq 1
check "page url: titled by the headline, not the page" \
  grep -q '<dc:title[^>]*>港区轻轨新线今日开通 老城区到码头只需十八分钟</dc:title>' <(unzip -p "$WORK/page.epub" '*.opf')
check "page url: no chrome" sh -c "! unzip -p '$WORK/page.epub' | grep -a -q SITE_CHROME_"
check "page url: fidelity" python3 "$SH/tools/fidelity.py" "$SITE/tram-line.md" "$WORK/page.epub" --min 0.99
"$NB" "$WBASE/site/tram-line.html" --allow-private --no-cache --extract never -o "$WORK/page-all.epub" 2>/dev/null
check "--extract never: the page whole" grep -q SITE_CHROME_NAV <(text "$WORK/page-all.epub")

# --max-per-host: never more transfers to one host at once.
python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/stats").read()' "$WBASE"
"$NB" "$WBASE/many.xml?n=6" --allow-private --no-cache --max-per-host 2 --to json -o "$WORK/many.json" 2>/dev/null
check "--max-per-host 2: exit 0" test $? -eq 0
check "--max-per-host 2: at most 2 pages at once" python3 -c '
import json, sys, urllib.request
n = json.load(urllib.request.urlopen(sys.argv[1] + "/stats"))["max_in_flight"]
print("  most pages in flight at once:", n)
sys.exit(not 1 <= n <= 2)' "$WBASE"

# A selection rules items out before their pages are fetched.
for f in xml json; do
  before=$(grep -c '' "$WLOG")
  "$NB" "$WBASE/site/feed.$f" --allow-private --no-cache --since 2022-08-10 --to json -o "$WORK/since-$f.json" 2>/dev/null
  check "--since ($f): exit 0" test $? -eq 0
  check "--since ($f): the day's item only" python3 -c '
import json, sys
a = json.load(open(sys.argv[1]))["articles"]
sys.exit(not (len(a) == 1 and a[0]["url"].endswith("/site/tram-line.html")
              and "十年规划终落地" in a[0]["text"]))' "$WORK/since-$f.json"
  tail -n +"$((before + 1))" "$WLOG" | awk -F'\t' '$2 ~ /^\/site\/.*\.html$/ {print $2}' >"$WORK/since-$f.pages"
  check "--since ($f): only its page fetched" test "$(cat "$WORK/since-$f.pages")" = /site/tram-line.html
done
before=$(grep -c '' "$WLOG")
"$NB" "$WBASE/site/feed.xml" --allow-private --no-cache --since 2030-01-01 -o "$WORK/none.epub" 2>"$WORK/none.err"
check "--since nothing: exit 1" test $? -eq 1
check "--since nothing: says the selection left nothing" grep -q "no article matches the selection" "$WORK/none.err"
check "--since nothing: no page fetched" sh -c "! tail -n +$((before + 1)) '$WLOG' | awk -F'\t' '\$2 ~ /^\/site\/.*\.html\$/' | grep -q ."

# A feed file: its items keep the feed's text unless --full-text is given.
python3 -c 'import sys, urllib.request; sys.stdout.buffer.write(urllib.request.urlopen(sys.argv[1]).read())' \
  "$WBASE/site/feed.xml" >"$WORK/site-feed.xml"
"$NB" "$WORK/site-feed.xml" --allow-private --no-cache --to json -o "$WORK/file.json" 2>/dev/null
check "feed file: exit 0" test $? -eq 0
check "feed file: the summaries, nothing fetched" sh -c "! grep -q 'The method' '$WORK/file.json' && grep -q 'A year of arrival times' '$WORK/file.json'"
"$NB" "$WORK/site-feed.xml" --allow-private --no-cache --full-text auto --to json -o "$WORK/file-full.json" 2>/dev/null
check "feed file --full-text auto: exit 0" test $? -eq 0
check "feed file --full-text auto: the pages' text" grep -q 'The method' "$WORK/file-full.json"

# A recipe: URL inputs stay URLs; its keys for the web.
cat >"$WORK/site.yaml" <<EOF
title: 港城日报 · 今日
inputs:
  - $WBASE/site/feed.xml
allow_private: true
full_text: auto
extract: auto
max_per_host: 2
no_cache: true
outputs:
  - recipe.epub
  - recipe.json
EOF
"$NB" build "$WORK/site.yaml" -q 2>"$WORK/recipe.err"
check "recipe: exit 0" test $? -eq 0
check "recipe: one chapter per item" test "$(chapters "$WORK/recipe.epub")" -eq "$nsite"
check "recipe: the full text" python3 "$SH/tools/fidelity.py" "$SITE/open-data.md" "$WORK/recipe.epub" --min 0.99
check "recipe: and the JSON" python3 -c '
import json, sys
sys.exit(len(json.load(open(sys.argv[1]))["articles"]) != int(sys.argv[2]))' "$WORK/recipe.json" "$nsite"
sed -i 's/^allow_private: true$/allow_private: false/' "$WORK/site.yaml"
"$NB" build "$WORK/site.yaml" -q -o "$WORK/recipe-private.epub" 2>"$WORK/recipe-private.err"
check "recipe without allow_private: exit 1" test $? -eq 1
check "recipe without allow_private: says so" grep -q -- --allow-private "$WORK/recipe-private.err"

# 6. Refusals and hostile answers: one line, no output, no hang.
"$NB" "$WBASE/feed.xml" --no-cache -o "$WORK/private.epub" 2>"$WORK/private.err"
check "private: exit 1" test $? -eq 1
check "private: one error line" one_line "$WORK/private.err"
check "private: names --allow-private" grep -q -- --allow-private "$WORK/private.err"
check "private: nothing written" test ! -e "$WORK/private.epub"
hostile() { # NAME PATH REGEX [OPTIONS...]
  local name=$1 path=$2 re=$3
  shift 3
  elapsed "$NB" "$WBASE$path" --allow-private --no-cache "$@" -o "$WORK/$name.epub" 2>"$WORK/$name.err"
  check "$name: exit 1 (got $rc)" test "$rc" -eq 1
  check "$name: one error line" one_line "$WORK/$name.err"
  check "$name: says why" grep -qiE "$re" "$WORK/$name.err"
  check "$name: within its limits (${secs}s)" test "$secs" -lt 60
}
hostile loop /loop "more than 5 redirects"
hostile to-file /to-file "not http or https"
hostile endless /endless "download cap" --max-download 1000000
hostile huge /huge "download cap"
hostile gzip-bomb /gzip-bomb "download cap" --max-download 10000000
hostile lying-length /lying-length "incomplete"
hostile slow /slow "timed out|stalled" --timeout 3
hostile image /image.png "image/png, not a feed or a web page"
hostile not-json-feed /not-a-feed.json "not a JSON Feed"
hostile status /status/503 "HTTP 503"
"$NB" "$WBASE/bomb.xml" --allow-private --no-cache -o "$WORK/bomb.epub" 2>"$WORK/bomb.err"
check "bomb: exit 0" test $? -eq 0
check "bomb: warned" grep -qi "entity bomb" "$WORK/bomb.err"
check "bomb: small" test "$(stat -c %s "$WORK/bomb.epub")" -lt 100000
check "bomb: its text kept" grep -q BOMB_BODY <(text "$WORK/bomb.epub")
"$NB" "$WBASE/charset/gbk-header.xml" --allow-private --no-cache -o "$WORK/gbk.epub" 2>/dev/null
check "charset: GBK by the header" grep -q 编码测试 <(text "$WORK/gbk.epub")
"$NB" "$WBASE/charset/utf8-says-latin1.xml" --allow-private --no-cache -o "$WORK/lie.epub" 2>"$WORK/lie.err"
check "charset: UTF-8 bytes under a Latin-1 label" grep -q 编码测试 <(text "$WORK/lie.epub")
check "charset: the lie is told" grep -q "bytes are UTF-8" "$WORK/lie.err"

finish
