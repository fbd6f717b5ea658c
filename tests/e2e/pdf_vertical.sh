# Vertical writing in PDF (#17), asked through the book's metadata
# (writing-mode=vertical-rl) until the command line has --vertical: the
# PDF turns right to left (/ViewerPreferences /Direction /R2L), CJK
# glyphs stand upright in their vertical forms (。，、 at the top right of
# their cell, brackets turned), Latin words and long numbers lie sideways,
# numbers of up to three digits stand upright in one cell, columns run
# right to left and pdftotext reads them in that order, page numbers sit
# at the foot of the outer edge; outline, links and tags are there; every
# dev-corpus Chinese and Japanese article converts with its text, and
# qpdf, MuPDF and Ghostscript read the files cleanly.
. "$(dirname "$0")/lib.sh" "$@"
for t in pdftotext pdftoppm qpdf mutool python3; do
  have $t || { echo "skip: $t not installed"; exit 77; }
done

cat >"$WORK/v.md" <<'EOF'
---
title: 竖排测试
author: 测试
lang: zh-CN
---
<p>第一段开始。他说「今天的会议在3号楼召开」，共有12人参加（包括2位嘉宾）。会议讨论了《年度报告》的内容，预算为2024万元、比去年增加百分之五，各方面的意见都已经收集完毕，下周再议。</p>
<p>第二段开始。新系统使用 Linux 与 RFID 技术，每秒处理123次请求，全年共计123456次；工程师们说『这套系统很稳定』，用户也很满意，后续还会继续改进。</p>
<p>第三段开始。<a href="https://example.com/report">报告全文</a>可在网上查阅，其中第7章介绍了新的设计，第8章则讨论未来的计划与预算。</p>
EOF
for i in 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
  echo "<p>第${i}段开始。这是用来填满版面的段落，文字在竖排的栏中自上而下排列，栏从右向左排列，读者从右边的栏读起，一直读到左边的栏，然后翻到下一页继续阅读。</p>" >>"$WORK/v.md"
done
V=$WORK/v.pdf
"$NB" "$WORK/v.md" -q --metadata writing-mode=vertical-rl -o "$V" 2>"$WORK/v.err"
check "the fixture converts vertically" [ $? -eq 0 ] || cat "$WORK/v.err"
"$NB" "$WORK/v.md" -q -o "$WORK/h.pdf" 2>/dev/null
check "the fixture converts horizontally" [ $? -eq 0 ]

direction() { qpdf --qdf --object-streams=disable "$1" - 2>/dev/null | tr -d '\n' | grep -q '/ViewerPreferences *<<[^>]*/Direction */R2L'; }
check "the vertical PDF turns right to left (/Direction /R2L)" direction "$V"
check "a horizontal PDF does not" sh -c "! qpdf --qdf --object-streams=disable '$WORK/h.pdf' - 2>/dev/null | grep -aq '/Direction'"
check "vertical pages are as many as they need (>= 2)" [ "$(pdfinfo "$V" | awk '/^Pages:/{print $2}')" -ge 2 ]

# Glyphs: where they stand (MuPDF's structured text and the page's ink)
cat >"$WORK/glyphs.py" <<'EOF'
import html, re, subprocess, sys
pdf, work = sys.argv[1], sys.argv[2]
dpi = 144; s = dpi / 72.0
xml = subprocess.run(["mutool", "draw", "-q", "-F", "stext", "-o", "-", pdf, "1"],
                     capture_output=True, text=True).stdout
subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                pdf, work + "/page"], check=True)
data = open(work + "/page.pgm", "rb").read()
m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
W, H = int(m.group(1)), int(m.group(2)); px = data[m.end():]
def ink(x0, y0, x1, y1):
    xs = ys = n = 0
    for yy in range(int(y0 * s), int(y1 * s)):
        for xx in range(int(x0 * s), int(x1 * s)):
            if 0 <= xx < W and 0 <= yy < H and px[yy * W + xx] < 128:
                xs += xx; ys += yy; n += 1
    return (xs / n / s, ys / n / s) if n else None
chars = []  # (c, x0, x1, y, wmode, dir, size)
for font in re.finditer(r'<line [^>]*wmode="(\d)" dir="([^"]*)">\s*<font [^>]*size="([\d.]+)">(.*?)</line>', xml, re.S):
    for c in re.finditer(r'<char quad="([-\d. ]+)" x="([-\d.]+)" y="([-\d.]+)"[^>]*c="([^"]*)"', font.group(4)):
        q = [float(v) for v in c.group(1).split()]
        ch = html.unescape(c.group(4))
        if ch not in "\u3000 ":  # spaces, and the blanks framing a number
            chars.append((ch, min(q[0::2]), max(q[0::2]), float(c.group(3)),
                          int(font.group(1)), font.group(2), float(font.group(3)),
                          min(q[1::2]), max(q[1::2])))
text = "".join(c[0] for c in chars)
bad = []
def need(what, cond):
    if not cond:
        bad.append(what)
# upright CJK: vertical (wmode 1) lines
han = [c for c in chars if "\u4e00" <= c[0] <= "\u9fff"]
need("CJK in vertical lines", han and all(c[4] == 1 for c in han))
# a glyph's cell: its column (the nearest Han character's) and the em
# above its current point (the foot of its em box), or for a glyph
# turned sideways its box along the column
def cell(c):
    em = c[6]
    col = min(han, key=lambda h: (abs(h[1] - c[1]) > 3, abs(h[3] - c[3])))
    if c[8] - c[7] > 0.5 * em:
        return col[1], c[7], col[1] + em, c[8], em
    return col[1], c[3] - em, col[1] + em, c[3], em
def where(p, c):
    x0, y0, x1, y1, em = cell(c)
    i = ink(x0, y0, x1, y1)
    if not i:
        return None
    return ((i[0] - (x0 + x1) / 2) / em, (i[1] - (y0 + y1) / 2) / em)
for p in "。，、":
    got = [c for c in chars if c[0] == p]
    need(p + " present", got)
    for c in got:
        w = where(p, c)
        need("%s at the top right of its cell (%s)" % (p, w), w and w[0] > 0.05 and w[1] < -0.1)
# brackets turned: upright in a vertical form (a vertical line) or the
# horizontal glyph turned a quarter (a line running down the page)
for p in "「」『』（）《》":
    got = [c for c in chars if c[0] == p]
    need(p + " present", got)
    for c in got:
        need(p + " turned", c[4] == 1 or c[5] == "0 1")
# Latin and long numbers sideways (horizontal lines running down the page)
for word in ("Linux", "RFID", "2024", "123456"):
    idx = text.find(word)
    need(word + " found", idx >= 0)
    if idx >= 0:
        need(word + " sideways", all(c[4] == 0 and c[5].startswith("0 1") or c[5] == "0 1"
                                      for c in chars[idx:idx + len(word)]))
# numbers of up to three digits upright in one cell: in a vertical line,
# never among the sideways text; MuPDF, which does not read ActualText,
# reads the digits from the font's ToUnicode map (pdftotext reads the
# ActualText, checked below)
idx = text.find("在3号")
need("3 upright", idx >= 0 and chars[idx + 1][4] == 1)
side = "".join(c[0] for c in chars if c[4] == 0)
for num in ("12", "123"):
    need(num + " not sideways", num + "人" not in side and num + "次请" not in side)
need("MuPDF reads 12 and 123", "共有12人" in text and "处理123次" in text)
need("no U+FFFD", "\ufffd" not in text)
# columns right to left: the body's vertical lines, in reading order
cols = [float(x) for x in re.findall(r'<line bbox="([-\d.]+) [^"]*" wmode="1"', xml)]
need("columns run right to left", cols and cols[0] > cols[-1])
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
EOF
check "glyph forms and positions (mutool stext, page ink)" python3 "$WORK/glyphs.py" "$V" "$WORK"

# Reading order: every paragraph in order, columns right to left
check "pdftotext reads the columns in order (fidelity)" \
  python3 "$SH/tools/fidelity.py" "$WORK/v.md" "$V" --min 0.999
order_ok() {
  pdftotext "$1" - | tr -d ' \n' | python3 -c '
import sys
t = sys.stdin.read()
pos = [t.find("第%s段开始" % i) for i in ["一", "二", "三"] + list(range(4, 26))]
sys.exit(0 if all(p >= 0 for p in pos) and pos == sorted(pos) else 1)'
}
check "paragraphs come out in order" order_ok "$V"
check "short numbers read in place" sh -c "pdftotext '$V' - | tr -d ' \\n' | grep -q '共有12人参加.*每秒处理123次请求'"
# every pdftotext line of the body runs down one column, right to left
cols_ok() {
  pdftotext -bbox-layout -f 1 -l 1 "$1" - | python3 -c '
import re, sys
ls = [(float(a), float(b), float(c), float(d)) for a, b, c, d in
      re.findall(r"<line xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\" yMax=\"([\d.]+)\"", sys.stdin.read())]
body = [l for l in ls if l[3] - l[1] > 200]   # full columns
ok = len(body) > 10 and all(b[0] < a[0] for a, b in zip(body, body[1:]))
sys.exit(0 if ok else 1)'
}
check "full columns read right to left" cols_ok "$V"
# running head and page numbers: the foot of the outer edge (page 1 is a
# left-hand page in a right-to-left book), the head on the outer margin
folio_ok() {
  pdftoppm -gray -r 72 -f 1 -l 2 "$1" "$WORK/folio" &&
  python3 - "$WORK"/folio-*1.pgm "$WORK"/folio-*2.pgm <<'PY'
import re, sys
def ink(path, x0, y0, x1, y1):
    d = open(path, "rb").read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", d)
    W, H = int(m.group(1)), int(m.group(2)); px = d[m.end():]
    return sum(1 for y in range(int(y0 * H), int(y1 * H)) for x in range(int(x0 * W), int(x1 * W))
               if px[y * W + x] < 200)
# below the text block, in the outer half: page 1 is a left-hand page
# in a right-to-left book, its outer edge on the left
p1, p2 = sys.argv[1], sys.argv[2]
ok = (ink(p1, 0, 0.93, 0.5, 1) > 0 and ink(p1, 0.5, 0.93, 1, 1) == 0 and
      ink(p2, 0.5, 0.93, 1, 1) > 0 and ink(p2, 0, 0.93, 0.5, 1) == 0)
sys.exit(0 if ok else 1)
PY
}
check "page numbers at the foot of the outer edge" folio_ok "$V"

clean() {
  qpdf --check "$1" >/dev/null 2>&1 || { echo "  qpdf: $1"; return 1; }
  if mutool draw -q -o /dev/null "$1" 2>&1 | grep -v "ICC support" | grep -qiE "error|warning"; then echo "  mutool: $1"; return 1; fi
  if have gs && gs -q -dNOPAUSE -dBATCH -sDEVICE=nullpage "$1" 2>&1 | grep -qiE "error|warning"; then echo "  gs: $1"; return 1; fi
}

# Reading order where poppler's block sort is easily misled (#17): a
# heading one upright number long ("03") after a paragraph whose last
# column is short and an indented one-column paragraph; a raised note
# (<sup>) at a column's foot; an empty list item's bullet alone in its
# column; a table whose text is read as two columns, with line breaks in
# its cells. Each of these once made pdftotext read a column out of order.
{
  long="本轮退市制度改革除了规则更丰富也更加严格之外还有一个最明显的特征便是退市速度加快旧规则是有三十天退市整理期的而新规实施后当触及退市条件后一旦交易所判定退市就将直接退市。"
  printf -- '---\ntitle: 竖排读序\nlang: zh-CN\n---\n'
  echo "<p>${long}本轮退市制度改革除了规则更丰富也更加严格之外还有一个最明显的特征便是退市速度加快最后几个字。</p>"
  echo "<p>自此公司经营状况开始陷入困顿并多次濒临退市边缘。</p>"
  echo "<h4><strong>03</strong></h4><h4><strong>第三节的标题</strong></h4>"
  echo "<p>${long}</p>"
  echo "<p>${long}本轮退市制度改革除了规则更丰富也更加严格之外还有一个最明显的实际可见的流星数量也会少愈多。<sup>【10】</sup></p>"
  echo "<p>本轮退市制度改革除了规则更丰富也更加严格之外还有一个最明显的特征便是退市速度加快旧规则是有三十天退市</p>"
  echo "<p>${long}本轮退市制度改革除了规则更丰富也更加严格之外还有一个最明显的特征便是退市速度加快旧规则是有短。</p>"
  echo "<p>彗星怎样观测和测量？</p>"
  echo "<ul><li></li><li>天体测量：彗星的位置有助于更好地了解彗星轨道的历史变化。</li></ul>"
  printf '<table><tr><th>省/地点</th><th>极大北京时间<br>时/分</th><th>市区</th><th>乡郊</th><th>很黑地区</th></tr>'
  for i in 0 1 2 3 4 5 6 7 8 9 10 11; do
    printf '<tr><td>城市%s</td><td>小于21时<br>时/分</td><td>%s/%s/%s</td><td>J/V/Y<br>乡郊</td><td>很黑地区 %s</td></tr>' $i $i $((i * 3)) $((i * 7)) $i
  done
  echo "</table>"
  echo "<p>${long}</p>"
} >"$WORK/order.md"
"$NB" "$WORK/order.md" -q --metadata writing-mode=vertical-rl -o "$WORK/order.pdf" 2>"$WORK/order.err"
check "the reading-order fixture converts vertically" [ $? -eq 0 ] || cat "$WORK/order.err"
check "short heading, raised note, lone bullet, long table: read in order (fidelity)" \
  python3 "$SH/tools/fidelity.py" "$WORK/order.md" "$WORK/order.pdf" --min 0.999
check "a paragraph's short last column before the next paragraph and a one-number heading" \
  sh -c "pdftotext '$WORK/order.pdf' - | tr -d ' \n' | grep -q '最后几个字。自此公司经营状况开始陷入困顿并多次濒临退市边缘。03第三节的标题'"
check "a raised note read at its column's foot" \
  sh -c "pdftotext '$WORK/order.pdf' - | tr -d ' \n' | grep -q '少愈多。【10】本轮'"
check "a one-column paragraph before a lone bullet's list" \
  sh -c "pdftotext '$WORK/order.pdf' - | tr -d ' \n' | grep -q '有短。彗星怎样观测和测量？•*天体测量'"
table_ok() {
  pdftotext "$1" - | tr -d ' \n' | python3 -c '
import sys
t = sys.stdin.read()
rows = "".join("城市%d小于21时时/分%d/%d/%dJ/V/Y乡郊很黑地区%d" % (i, i, i * 3, i * 7, i) for i in range(12))
sys.exit(0 if "省/地点极大北京时间时/分市区乡郊很黑地区" + rows in t else 1)'
}
check "the table's cells in order" table_ok "$WORK/order.pdf"
check "the reading-order fixture is clean (qpdf, MuPDF, Ghostscript)" clean "$WORK/order.pdf"
# the heading's digits stay one word (read as "03", not "0 3")
check "an upright number read as one word" sh -c "pdftotext '$WORK/order.pdf' - | grep -q '^03$'"

check "the fixture is clean (qpdf, MuPDF, Ghostscript)" clean "$V"
check "the fixture is tagged" sh -c "pdfinfo '$V' | grep -q 'Tagged: *yes'"
check "the fixture's link is kept" sh -c "qpdf --qdf --object-streams=disable '$V' - | grep -aq 'example.com/report'"

# A vertical book of two articles: outline, contents, tags
"$NB" "$WORK/v.md" "$SRC/samples/vertical-taipei-library.md" --mirror "$SRC/samples/mirror" --offline -q \
  --metadata writing-mode=vertical-rl --title "直排之书" -o "$WORK/book.pdf" 2>"$WORK/book.err"
check "a vertical book converts" [ $? -eq 0 ] || cat "$WORK/book.err"
check "the book's outline has both articles" sh -c "mutool show '$WORK/book.pdf' outline | grep -q '竖排测试' && mutool show '$WORK/book.pdf' outline | grep -q '北市首座'"
check "the book turns right to left" direction "$WORK/book.pdf"
check "the book is clean" clean "$WORK/book.pdf"
check "the book is tagged" sh -c "pdfinfo '$WORK/book.pdf' | grep -q 'Tagged: *yes'"

# The sample, through its recipe
mkdir -p "$WORK/recipe"
"$NB" build "$SRC/samples/recipes/vertical.yaml" --output-dir "$WORK/recipe" -q 2>"$WORK/recipe.err"
check "the vertical recipe builds" [ $? -eq 0 ] || cat "$WORK/recipe.err"
S=$WORK/recipe/vertical-taipei-library.pdf
if check "the vertical recipe writes a PDF" [ -s "$S" ]; then
  check "the sample's PDF turns right to left" direction "$S"
  check "the sample's PDF is clean" clean "$S"
  check "the sample's text in order" python3 "$SH/tools/fidelity.py" "$SRC/samples/vertical-taipei-library.md" "$S" --min 0.999
fi

# Every dev-corpus Chinese and Japanese article, vertically, with its
# text in order (016's one missing character, 0.9996, is a lone hyphen
# lost as in horizontal PDF).
[ -d "$CORPUS" ] || { finish; exit; }
sanitized && { finish; exit; }
n=0
for a in "$CORPUS"/*.md; do
  name=$(basename "$a" .md)
  lang=$(sed -n '1,/^---$/{s/^lang: *//p}' "$a" | head -1)
  if [ -z "$lang" ]; then
    # no lang in the front matter: the reader guesses; ask the EPUB
    "$NB" "$a" --mirror "$MIRROR" --offline -q -o "$WORK/$name.epub" 2>/dev/null || continue
    lang=$(unzip -p "$WORK/$name.epub" OEBPS/content.opf | sed -n 's:.*<dc\:language>\(.*\)</dc\:language>.*:\1:p')
    rm -f "$WORK/$name.epub"
  fi
  case "$lang" in zh*|ja*) ;; *) continue ;; esac
  o=$WORK/$name.v.pdf
  "$NB" "$a" --mirror "$MIRROR" --offline -q --metadata writing-mode=vertical-rl -o "$o" 2>"$WORK/$name.err"
  check "$name ($lang) converts vertically" [ $? -eq 0 ] || continue
  n=$((n + 1))
  check "$name turns right to left" direction "$o"
  check "$name is clean" clean "$o"
  f=$(python3 "$SH/tools/fidelity.py" "$a" "$o" 2>&1 | tail -1 | awk '{print $2}')
  check "$name vertical fidelity ($f)" python3 -c "import sys; sys.exit(0 if float('$f') >= 0.999 else 1)"
done
check "Chinese and Japanese articles found ($n)" [ "$n" -ge 30 ]
finish
