# Memory across runs through the command line (#14): a recipe with
# state: and only_new: run three times against a loopback feed that gains
# two items between runs gives books of all, 2 and 2 items (an item whose
# text repeats an earlier one under another URL is left out); a run killed
# with SIGKILL in the middle (inside an image download that stalls) leaves
# the state as it was; two runs at once both finish, take turns, deliver
# nothing twice, and `sqlite3 FILE 'PRAGMA integrity_check'` says ok;
# `newsbook state` lists and forgets; a file that is not a state file is
# refused and left alone. The feed is served over loopback HTTP when the
# command line takes URL inputs, else read as a file. No timing asserted.
. "$(dirname "$0")/lib.sh" "$@"
case "${LSAN_OPTIONS:-}" in
*suppressions=*) ;;
*) export LSAN_OPTIONS="suppressions=$SRC/tests/hostile/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" ;;
esac
have python3 && have unzip && have sqlite3 || { echo "no python3/unzip/sqlite3: skipped"; exit 77; }
MARK=$WORK/stalled
start_imgserver 1800 1700 "$MARK"
D=$WORK/daily; mkdir -p "$D/feed"
STATE=$D/state.db
feed() { # N [DUP [SLOW]]: items 1..N, newest first; DUP adds item 1's text
         # under another URL; SLOW gives item N an image that stalls
  python3 - "$@" "$BASE" >"$D/feed/feed.xml" <<'PY'
import sys
n = int(sys.argv[1]); dup = sys.argv[2] == "dup" if len(sys.argv) > 3 else False
slow = len(sys.argv) > 4 and sys.argv[3] == "slow"; base = sys.argv[-1]
print('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
      '<title>loopback</title><link>https://news.example/</link>')
def item(i, link, text, img=""):
    print('<item><title>第 %d 条</title><link>%s</link>'
          '<pubDate>Wed, 10 Aug 2022 %02d:00:00 GMT</pubDate>'
          '<description><![CDATA[<p>%s</p>%s]]></description></item>'
          % (i, link, i % 24, text, img))
if dup:
    item(1, "https://mirror.example/copy-of-1",
         "第 1 条的正文，足够长，能单独认出这篇文章：财联社电报，算力板块午后走强。")
for i in range(n, 0, -1):
    img = '<p><img src="%s/slow/img.news.example/%d.jpg" alt="图"></p>' % (base, i) if slow and i == n else ""
    item(i, "https://news.example/a/%d" % i,
         "第 %d 条的正文，足够长，能单独认出这篇文章：财联社电报，算力板块午后走强。" % i, img)
print('</channel></rss>')
PY
}
# the feed: a loopback URL when the command line takes URL inputs
INPUT=$D/feed/feed.xml
if "$NB" --help 2>&1 | grep -q -- --full-text; then
  python3 -m http.server 0 --bind 127.0.0.1 --directory "$D/feed" >"$WORK/http.log" 2>&1 &
  HPID=$!
  trap 'kill "$SPID" "$HPID" 2>/dev/null; wait 2>/dev/null' EXIT
  for _ in $(seq 1 100); do
    HPORT=$(grep -o 'port [0-9]*' "$WORK/http.log" | head -1 | cut -d' ' -f2)
    [ -n "$HPORT" ] && break; sleep 0.1
  done
  [ -n "${HPORT:-}" ] && INPUT=http://127.0.0.1:$HPORT/feed.xml
fi
echo "feed: $INPUT"
# (a loopback feed URL needs the network side on and private addresses
# allowed; a feed file is read offline)
case "$INPUT" in
http*) ACCESS="allow_private: true" ;;
*) ACCESS="offline: true" ;;
esac
cat >"$D/daily.yaml" <<YAML
title: 每日
inputs: [$INPUT]
state: state.db
only_new: true
$ACCESS
no_cache: true
outputs: [daily.epub]
YAML
chapters() { unzip -l "$1" 2>/dev/null | grep -c 'chapter-[0-9]*\.xhtml$'; }
counts() { sqlite3 "file:$STATE?mode=ro" 'PRAGMA integrity_check; SELECT count(*) FROM book; SELECT count(*) FROM article;' | tr '\n' ' '; }
build() { # RUNDIR: one run of the recipe into RUNDIR
  guarded 600 "$NB" build "$D/daily.yaml" --output-dir "$1" -j 2 >"$1.out" 2>"$1.err"
}

feed 5;     mkdir -p "$WORK/r1"; build "$WORK/r1"
rc=$?
check "run 1 exits 0 ($(tail -1 "$WORK/r1.err"))" [ $rc -eq 0 ]
check "book 1 holds all 5 items" [ "$(chapters "$WORK/r1/daily.epub")" -eq 5 ]
check "its summary line says so" grep -q "5 new articles (0 delivered before)" "$WORK/r1.err"
feed 7 dup; mkdir -p "$WORK/r2"; build "$WORK/r2"
rc=$?
check "run 2 exits 0" [ $rc -eq 0 ]
check "book 2 holds the 2 new items, not the copy under another URL ($(chapters "$WORK/r2/daily.epub"))" \
  [ "$(chapters "$WORK/r2/daily.epub")" -eq 2 ]
check "its summary counts 6 delivered before" grep -q "2 new articles (6 delivered before)" "$WORK/r2.err"
feed 9 dup; mkdir -p "$WORK/r3"; build "$WORK/r3"
check "book 3 holds the 2 new items" [ "$(chapters "$WORK/r3/daily.epub")" -eq 2 ]
check "the state is sound: 3 books, 9 articles ($(counts))" [ "$(counts)" = "ok 3 9 " ]
mkdir -p "$WORK/r4"; build "$WORK/r4"
rc=$?
check "a run with nothing new exits 0 ($(tail -1 "$WORK/r4.err"))" [ $rc -eq 0 ]
check "and makes no book" [ ! -e "$WORK/r4/daily.epub" ]
check "and says so in one line" grep -q "nothing new" "$WORK/r4.err"

# Killed in the middle: inside the download of an image that stalls.
feed 11 dup slow
cp "$STATE" "$WORK/before.db"; before=$(counts)
rm -f "$MARK"
"$NB" "$D/feed/feed.xml" --state "$STATE" --only-new --allow-private --no-cache \
  --timeout 1700 --max-article-time 0 -o "$WORK/killed.epub" 2>"$WORK/killed.err" &
KPID=$!
for _ in $(seq 1 3000); do [ -e "$MARK" ] && break; kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
check "the run to kill reached the stalled download" [ -e "$MARK" ]
kill -9 "$KPID"; wait "$KPID" 2>/dev/null
check "the killed run wrote no book" [ ! -e "$WORK/killed.epub" ]
check "the killed run left the state file byte for byte" cmp -s "$STATE" "$WORK/before.db"
check "and its content as it was ($(counts))" [ "$(counts)" = "$before" ]
guarded 600 "$NB" "$D/feed/feed.xml" --state "$STATE" --only-new --allow-private --no-cache \
  --timeout 1 -o "$WORK/after.epub" 2>"$WORK/after.err"
check "the next run takes the 2 items the killed one did not deliver ($(tail -1 "$WORK/after.err"))" \
  [ "$(chapters "$WORK/after.epub")" -eq 2 ]

# Two runs at once: they take turns (the run lock); one delivers the 3
# new items, the other nothing, and the file is sound.
feed 14 dup
mkdir -p "$WORK/c1" "$WORK/c2"
build "$WORK/c1" & P1=$!
build "$WORK/c2" & P2=$!
wait $P1; r1=$?; wait $P2; r2=$?
check "two runs at once both finish ($r1, $r2)" [ $r1 -eq 0 -a $r2 -eq 0 ]
check "sqlite3 PRAGMA integrity_check says ok" [ "$(sqlite3 "$STATE" 'PRAGMA integrity_check')" = ok ]
n1=$(chapters "$WORK/c1/daily.epub"); n2=$(chapters "$WORK/c2/daily.epub")
check "one took the 3 new items, the other none ($n1, $n2)" [ $((n1 + n2)) -eq 3 -a $((n1 * n2)) -eq 0 ]
check "the state holds each article once ($(counts))" [ "$(counts)" = "ok 5 14 " ]

# A recipe with two outputs: both books carry the new items, and the
# state records the book once (with the last output).
feed 16 dup
sed 's/^outputs: .*/outputs: [daily.epub, daily.pdf]/' "$D/daily.yaml" >"$D/two.yaml"
mkdir -p "$WORK/two"
guarded 600 "$NB" build "$D/two.yaml" --output-dir "$WORK/two" >"$WORK/two.out" 2>"$WORK/two.err"
rc=$?
check "a recipe with an EPUB and a PDF output builds (exit $rc)" [ $rc -eq 0 ]
check "the EPUB carries the 2 new items" [ "$(chapters "$WORK/two/daily.epub")" -eq 2 ]
check "the PDF is made from the same new items ($(grep -c 'wrote' "$WORK/two.err") summaries)" grep -q "daily.pdf: 2 new articles" "$WORK/two.err"
check "the book is recorded once ($(counts))" [ "$(counts)" = "ok 6 16 " ]

# newsbook state: lists, forgets
"$NB" state "$STATE" >"$WORK/list.txt" 2>"$WORK/list.err"
check "newsbook state lists ($(tail -1 "$WORK/list.txt"))" [ "$(tail -1 "$WORK/list.txt")" = "6 books, 16 articles" ]
check "one line per article, with its URL" [ "$(grep -c 'https://news.example/a/' "$WORK/list.txt")" -eq 16 ]
"$NB" state "$STATE" --forget-before 2000-01-01 >"$WORK/forget0.txt"
check "forgetting before 2000 keeps everything" grep -qx "6 books, 16 articles" "$WORK/forget0.txt"
"$NB" state "$STATE" --forget-before 2999-01-01 >"$WORK/forget1.txt"
check "forgetting before 2999 empties it ($(head -1 "$WORK/forget1.txt"))" grep -qx "0 books, 0 articles" "$WORK/forget1.txt"
"$NB" state "$WORK/none.db" >/dev/null 2>"$WORK/none.err"
rc=$?
check "listing a missing file is an error, and creates nothing" [ $rc -eq 1 -a ! -e "$WORK/none.db" ]

# A file that is not a state file is refused and left alone.
echo "my notes" >"$WORK/notes.txt"
"$NB" "$D/feed/feed.xml" --state "$WORK/notes.txt" --only-new -o "$WORK/x.epub" 2>"$WORK/refused.err"
rc=$?
check "a text file is refused as a state file (exit 1)" [ $rc -eq 1 ]
check "with a clear error ($(cat "$WORK/refused.err"))" grep -q "not a newsbook state file" "$WORK/refused.err"
check "and left as it was" [ "$(cat "$WORK/notes.txt")" = "my notes" ]
check "and no book made" [ ! -e "$WORK/x.epub" ]
"$NB" "$D/feed/feed.xml" --only-new -o "$WORK/x.epub" 2>"$WORK/usage.err"
rc=$?
check "--only-new without --state is a usage error" [ $rc -eq 2 ]
for f in "$WORK"/*.err "$WORK"/r*/*.err; do
  [ -f "$f" ] && sanitizer_report "$f" && fail "sanitizer report in $f"
done
finish
