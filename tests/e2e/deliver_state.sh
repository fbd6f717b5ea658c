# Memory across runs, as the daily loop uses it (the only_new part, driven
# by the test_state binary until the pipeline has --state): three runs of a
# feed that gains two items between runs give books of all, 2 and 2 items;
# an item whose text repeats an earlier one under another URL is left out;
# a run killed with SIGKILL before it records leaves the state as it was;
# two runs at once both finish and PRAGMA integrity_check says ok; with
# run_lock they take turns and the second delivers nothing twice.
. "$(dirname "$0")/lib.sh" "$@"
DRIVER=$(dirname "$WORK")/test_state
[ -x "$DRIVER" ] || { echo "no $DRIVER"; exit 1; }
STATE=$WORK/state.db; OUT=$WORK/books; mkdir -p "$OUT"
feed() { # N [DUP]: a feed of items 1..N (newest first); DUP adds an item
         # with item 1's text under another URL
  python3 - "$@" >"$WORK/feed.xml" <<'PY'
import sys
n = int(sys.argv[1]); dup = len(sys.argv) > 2
print('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
      '<title>loopback</title><link>https://news.example/</link>')
def item(i, link, text):
    print('<item><title>第 %d 条</title><link>%s</link>'
          '<pubDate>Wed, 10 Aug 2022 %02d:00:00 GMT</pubDate>'
          '<description><![CDATA[<p>%s</p>]]></description></item>'
          % (i, link, i % 24, text))
if dup:
    item(1, "https://mirror.example/copy-of-1",
         "第 1 条的正文，足够长，能单独认出这篇文章：财联社电报，算力板块午后走强。")
for i in range(n, 0, -1):
    item(i, "https://news.example/a/%d" % i,
         "第 %d 条的正文，足够长，能单独认出这篇文章：财联社电报，算力板块午后走强。" % i)
print('</channel></rss>')
PY
}
integrity() {
  python3 -c 'import sqlite3,sys; c=sqlite3.connect("file:"+sys.argv[1]+"?mode=ro", uri=True); print(c.execute("PRAGMA integrity_check").fetchone()[0], c.execute("select count(*) from book").fetchone()[0], c.execute("select count(*) from article").fetchone()[0])' "$STATE"
}
run() { "$DRIVER" --run "$STATE" "$OUT" "$WORK/feed.xml"; }

feed 5;       check "run 1 takes all 5 items" [ "$(run)" = "new=5" ]
feed 7 dup;   check "run 2 takes the 2 new ones, not the copy under another URL" [ "$(run)" = "new=2" ]
feed 9 dup;   check "run 3 takes the 2 new ones" [ "$(run)" = "new=2" ]
check "three books written" [ "$(ls "$OUT"/book-*.txt | wc -l)" -eq 3 ]
check "the state is sound: 3 books, 9 articles ($(integrity))" [ "$(integrity)" = "ok 3 9" ]

# killed after choosing, before the book is written and recorded
feed 11
cp "$STATE" "$WORK/before.db"
NB_TEST_PAUSE=60 "$DRIVER" --run "$STATE" "$OUT" "$WORK/feed.xml" >/dev/null &
KPID=$!
for _ in $(seq 1 300); do [ -f "$OUT/chosen" ] && break; sleep 0.1; done
check "the run to kill got going" [ -f "$OUT/chosen" ]
kill -9 "$KPID"; wait "$KPID" 2>/dev/null
check "the killed run left the state file as it was" cmp -s "$STATE" "$WORK/before.db"
check "and its content as it was ($(integrity))" [ "$(integrity)" = "ok 3 9" ]
check "the next run takes the 2 items the killed one did not deliver" [ "$(run)" = "new=2" ]

# two runs at once
feed 14
"$DRIVER" --run "$STATE" "$OUT" "$WORK/feed.xml" >"$WORK/c1" 2>&1 & P1=$!
"$DRIVER" --run "$STATE" "$OUT" "$WORK/feed.xml" >"$WORK/c2" 2>&1 & P2=$!
wait $P1; r1=$?; wait $P2; r2=$?
check "two runs at once both finish ($r1, $r2: $(cat "$WORK/c1" "$WORK/c2" | tr '\n' ' '))" [ $r1 -eq 0 ] && [ $r2 -eq 0 ]
r=$(integrity)
check "the state is consistent after them ($r)" [ "${r%% *}" = ok ]
check "nothing is left to deliver" [ "$(run)" = "new=0" ]
# two runs at once that take turns (run_lock): the second delivers nothing
feed 17
NB_TEST_RUN_LOCK=1 NB_TEST_PAUSE=2 "$DRIVER" --run "$STATE" "$OUT" "$WORK/feed.xml" >"$WORK/l1" 2>&1 & P1=$!
sleep 0.5
NB_TEST_RUN_LOCK=1 "$DRIVER" --run "$STATE" "$OUT" "$WORK/feed.xml" >"$WORK/l2" 2>&1 & P2=$!
wait $P1; r1=$?; wait $P2; r2=$?
check "runs that take turns both finish ($r1, $r2)" [ $r1 -eq 0 ] && [ $r2 -eq 0 ]
check "the first delivers the 3 new items, the second none ($(cat "$WORK/l1" "$WORK/l2" | tr '\n' ' '))" \
  [ "$(cat "$WORK/l1" "$WORK/l2" | tr '\n' ' ')" = "new=3 new=0 " ]
# a file that is not a state file is refused and left alone
echo "my notes" >"$WORK/notes.txt"
"$DRIVER" --run "$WORK/notes.txt" "$OUT" "$WORK/feed.xml" >/dev/null 2>"$WORK/refused.err"
check "a text file is refused as a state file" [ $? -ne 0 ]
check "with a clear error ($(cat "$WORK/refused.err"))" grep -q "not a newsbook state file" "$WORK/refused.err"
check "and left as it was" [ "$(cat "$WORK/notes.txt")" = "my notes" ]
finish
