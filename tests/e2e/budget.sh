# The per-article time budget (--max-article-time) against a loopback
# server that sends headers and then stalls (tests/tools/imgserver.py
# /slow/): an article whose images cannot arrive in time ends within its
# budget with the one-line message; converted alone, nothing is written
# and the exit is 1; in a book it is skipped (exit 0, 1 with --strict) and
# the other articles are written. 0 turns the limit off (then --timeout
# governs each download).
#
# "Ended within its budget" is told from "waited for the server" without
# depending on the machine's speed: the server stalls for STALL seconds and
# each download may take as long, so a run the budget did not stop takes
# at least STALL; one it stopped takes its budget plus start-up, which no
# machine stretches to half of STALL.
. "$(dirname "$0")/lib.sh" "$@"

"$NB" --help 2>&1 | grep -q -- --max-article-time || { echo "CLI without --max-article-time: skipped"; exit 77; }
have python3 || { echo "no python3: skipped"; exit 77; }
STALL=300
start_imgserver 3600 $STALL
J=$(cd "$MIRROR" && find . -type f -name '*.jpg' | sort | head -1 | sed 's#^\./##')
[ -n "$J" ] || { echo "no JPEG in the mirror: skipped"; exit 77; }

cat > "$WORK/slow.md" <<EOT
---
title: 慢图文章
---
<p>SLOW_ARTICLE_TEXT</p>
<p><img src="$BASE/slow/$J" alt="一"></p>
<p><img src="$BASE/slow/$J?second" alt="二"></p>
<p><img src="$BASE/slow/$J?third" alt="三"></p>
EOT
cat > "$WORK/fast.md" <<EOT
---
title: 快文章
---
<p>FAST_ARTICLE_TEXT</p>
EOT

# elapsed CMD...: run, leaving the exit status in $rc and seconds in $secs
elapsed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@"; rc=$?
  t1=$(date +%s.%N)
  secs=$(python3 -c "print(int(float('$t1') - float('$t0') + 0.999))")
}

# 1. One article: a clear error, no output, within the budget.
elapsed "$NB" "$WORK/slow.md" --allow-private --no-cache --max-article-time 2 \
  --timeout $STALL -o "$WORK/alone.epub" 2>"$WORK/alone.err"
check "alone: exit 1" test "$rc" -eq 1
check "alone: ended by the budget, not the server ($secs s)" test "$secs" -lt $((STALL / 2))
check "alone: no output file" test ! -e "$WORK/alone.epub"
check "alone: no temporary left" sh -c "! ls -a '$WORK' | grep -q '\\.tmp-'"
check "alone: the one-line message" \
  grep -q "^newsbook: $WORK/slow.md: took longer than 2 s (--max-article-time) — nothing written" "$WORK/alone.err"

# The same for a PDF (the budget is before any writer).
elapsed "$NB" "$WORK/slow.md" --allow-private --no-cache --max-article-time 1 \
  --timeout $STALL -q -o "$WORK/alone.pdf" 2>"$WORK/alone-pdf.err"
check "alone pdf: exit 1, no output" test "$rc" -eq 1 -a ! -e "$WORK/alone.pdf"
check "alone pdf: message even with -q" grep -q "took longer than 1 s" "$WORK/alone-pdf.err"

# 2. In a book: skipped, the others written, exit 0.
elapsed "$NB" "$WORK/slow.md" "$WORK/fast.md" --allow-private --no-cache \
  --max-article-time 2 --timeout $STALL -o "$WORK/book.epub" 2>"$WORK/book.err"
check "book: exit 0" test "$rc" -eq 0
check "book: ended by the budget, not the server ($secs s)" test "$secs" -lt $((STALL / 2))
check "book: written" test -s "$WORK/book.epub"
check "book: the slow article skipped with the message" \
  grep -q "^newsbook: $WORK/slow.md: took longer than 2 s (--max-article-time) — skipped" "$WORK/book.err"
if have unzip; then
  unzip -p "$WORK/book.epub" 'OEBPS/*.xhtml' > "$WORK/book.txt"
  check "book: the fast article is in" grep -q FAST_ARTICLE_TEXT "$WORK/book.txt"
  check "book: the slow article is not" sh -c "! grep -q SLOW_ARTICLE_TEXT '$WORK/book.txt'"
fi
if ! sanitized; then
  check "book: epubcheck" epubcheck_ok "$WORK/book.epub"
fi

# 3. --strict: the book is not written, exit 1.
"$NB" "$WORK/slow.md" "$WORK/fast.md" --allow-private --no-cache --strict \
  --max-article-time 1 --timeout $STALL -q -o "$WORK/strict.epub" 2>"$WORK/strict.err"
check "strict: exit 1" test $? -eq 1
check "strict: not written" test ! -e "$WORK/strict.epub"

# 4. The option's values: 0 is no limit (--timeout then ends the download),
# garbage is a usage error, and a recipe can say it.
elapsed "$NB" "$WORK/slow.md" --allow-private --no-cache --max-article-time 0 \
  --timeout 1 -q -o "$WORK/nolimit.epub" 2>"$WORK/nolimit.err"
check "0: no limit, the download timeout applies (exit 0)" test "$rc" -eq 0 -a -s "$WORK/nolimit.epub"
check "0: no budget message" sh -c "! grep -q 'took longer' '$WORK/nolimit.err'"
"$NB" "$WORK/fast.md" --max-article-time soon -o "$WORK/x.epub" 2>"$WORK/usage.err"
check "garbage: usage error (exit 2)" test $? -eq 2
check "garbage: names the option" grep -q -- "--max-article-time" "$WORK/usage.err"
# A recipe says it as max_article_time (recipes cannot allow loopback
# downloads, so here only the key itself is checked).
cat > "$WORK/recipe.yaml" <<EOT
title: 限时
inputs: [fast.md]
max_article_time: 5
outputs: [recipe.epub]
EOT
"$NB" build "$WORK/recipe.yaml" 2>"$WORK/recipe.err"
check "recipe: exit 0" test $? -eq 0 -a -s "$WORK/recipe.epub"
check "recipe: max_article_time is a known key" sh -c "! grep -q 'unknown key' '$WORK/recipe.err'"
sed -i 's/max_article_time: 5/max_article_time: soon/' "$WORK/recipe.yaml"
"$NB" build "$WORK/recipe.yaml" -q 2>"$WORK/recipe-bad.err"
check "recipe: a bad max_article_time is a usage error" test $? -eq 2
check "recipe: the message names the line" grep -q "recipe.yaml:3: max_article_time" "$WORK/recipe-bad.err"

finish
