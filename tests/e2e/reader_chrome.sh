# Issue #16, the reader's side, on the dev corpus and the fixtures: page
# controls are gone (no "复制代码" in the corpus' EPUB or PDF text), embeds
# leave a placeholder with their link, labels do not repeat the byline,
# images carry a description, body headings do not skip levels.
. "$(dirname "$0")/lib.sh" "$@"
sanitized && { echo "checks text only: skipped under sanitizers"; exit 77; }
have pdftotext || exit 77
conv() { "$NB" "$1" --mirror "$MIRROR" --offline --no-cache -q -o "$2" 2>/dev/null; }
chapter() { unzip -p "$1" 'OEBPS/chapter-*.xhtml'; }
for a in "$CORPUS"/009-*.md "$CORPUS"/010-*.md "$CORPUS"/011-*.md; do
  n=$(basename "$a" .md)
  conv "$a" "$WORK/$n.epub"; conv "$a" "$WORK/$n.pdf"
  check "$n.epub has no copy button" sh -c "! unzip -p '$WORK/$n.epub' 'OEBPS/chapter-*.xhtml' | grep -q 复制代码"
  check "$n.pdf has no copy button" sh -c "! pdftotext '$WORK/$n.pdf' - | grep -q 复制代码"
done
conv "$CORPUS"/036-cnbeta-iframe-video.md "$WORK/036.epub"
check "036: its video is a placeholder with its link" sh -c "unzip -p '$WORK/036.epub' 'OEBPS/chapter-*.xhtml' | grep -q 'Video not included.*href=\"https://tv.sohu.com/'"
conv "$CORPUS"/036-cnbeta-iframe-video.md "$WORK/036.pdf"
check "036.pdf shows the placeholder" sh -c "pdftotext '$WORK/036.pdf' - | grep -q 'Video not included'"
conv "$CORPUS"/028-hk01-5g-ranking.md "$WORK/028.epub"
check "028: kicker and byline differ" sh -c "[ \"\$(unzip -p '$WORK/028.epub' 'OEBPS/chapter-*.xhtml' | grep -o 'class=\"kicker\">[^<]*')\" != 'class=\"kicker\">香港 01 - 标签' ] && unzip -p '$WORK/028.epub' 'OEBPS/chapter-*.xhtml' | grep -q 'class=\"byline\">香港 01<'"
conv "$CORPUS"/009-juejin-webpack.md "$WORK/009k.epub"
check "009: no generic kicker" sh -c "! unzip -p '$WORK/009k.epub' 'OEBPS/chapter-*.xhtml' | grep -q 'class=\"kicker\">分类'"
conv "$CORPUS"/000-cls-gpu-seed.md "$WORK/000.epub"
check "000: no alt=\"image\"" sh -c "! unzip -p '$WORK/000.epub' 'OEBPS/chapter-*.xhtml' | grep -q 'alt=\"image\"'"
# 041's images had no alt at all: each has a description now
conv "$CORPUS"/041-meteor-209p-long.md "$WORK/041.epub"
check "041: no content image with an empty alt" sh -c "! unzip -p '$WORK/041.epub' 'OEBPS/chapter-*.xhtml' | grep -q 'alt=\"\"'"
# body headings: the model's levels start at 2 and never skip
for a in "$CORPUS"/*.md; do
  "$NB" "$a" --offline -q -t tree -o "$WORK/t.tree" 2>/dev/null
  python3 - "$WORK/t.tree" <<'PY' || fail "$(basename "$a"): heading levels skip"
import re, sys
prev = 1
for m in re.finditer(r"heading level=(\d)", open(sys.argv[1], encoding="utf-8").read()):
    lv = int(m.group(1))
    if lv < 2 or lv > prev + 1:
        sys.exit(1)
    prev = lv
PY
done
pass
finish
