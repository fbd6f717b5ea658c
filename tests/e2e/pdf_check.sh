#!/usr/bin/env bash
# PDF acceptance checks on real articles (issue 3): conversion succeeds,
# pdftotext finds the text in order (fidelity), CJK lines are justified and
# obey kinsoku, every font is embedded, subset and has ToUnicode (no
# Type 3), qpdf/MuPDF/Ghostscript read it cleanly, pdfinfo shows title,
# author and Tagged: yes, and two runs give identical bytes.
# The articles' PDFs are the ones e2e/corpus_convert made.
#   pdf_check.sh NEWSBOOK SRCDIR SHAREDDIR WORKDIR   (exit 77: tools missing)
. "$(dirname "$0")/lib.sh" "$@"
exe=$NB src=$SRC shared=$SH work=$WORK
for t in pdftotext pdffonts pdfinfo qpdf python3; do
  command -v "$t" >/dev/null || { echo "skip: $t not installed"; exit 77; }
done
[ -d "$shared/corpus/dev" ] || { echo "skip: no corpus"; exit 77; }
need_corpus_outputs
fail=0
bad() { echo "FAIL: $*"; fail=1; }
for name in 000-cls-gpu-seed 041-meteor-209p-long 015-osc-jeecg 028-hk01-5g-ranking; do
  art=$shared/corpus/dev/$name.md
  out=$work/$name.pdf
  if [ "$(cat "$CORPUS_OUT/$name.pdf.rc")" != 0 ]; then
    bad "$name: conversion failed: $(tail -1 "$CORPUS_OUT/$name.pdf.err")"; continue
  fi
  ln -sf "$CORPUS_OUT/$name.pdf" "$out"
  python3 "$shared/tools/fidelity.py" "$art" "$out" >"$work/$name.fid" || bad "$name: $(tail -1 "$work/$name.fid")"
  # 015 is mostly one-line list items: the checker's "most common right
  # edge" is then a short line's, so its flush share says nothing there
  if [ "$name" != 015-osc-jeecg ]; then
    python3 "$shared/tools/cjk_typography.py" "$out" --min-flush 0.98 >"$work/$name.cjk" || bad "$name: $(tail -1 "$work/$name.cjk")"
  else
    python3 "$shared/tools/cjk_typography.py" "$out" --min-flush 0 >"$work/$name.cjk" || bad "$name: $(tail -1 "$work/$name.cjk")"
  fi
  pdffonts "$out" | awk 'NR>2 && (($2=="Type" && $3=="3") || $(NF-4)!="yes" || $(NF-3)!="yes" || $(NF-2)!="yes"){b=1} END{exit b}' \
    || bad "$name: a font is Type 3 or not embedded/subset/with ToUnicode"
  # a Traditional Chinese article takes the TC faces, a Simplified one SC
  case $name in
  028-*) want=CJKtc ;;
  *) want=CJKsc ;;
  esac
  pdffonts "$out" | grep -q "$want" || bad "$name: no $want face"
  qpdf --check "$out" >/dev/null 2>&1 || bad "$name: qpdf --check"
  info=$(pdfinfo "$out")
  grep -q '^Tagged: *yes' <<<"$info" || bad "$name: not tagged"
  grep -q '^Title: *[^ ]' <<<"$info" || bad "$name: no title"
  grep -q '^Author: *[^ ]' <<<"$info" || bad "$name: no author"
  if command -v mutool >/dev/null && mutool draw -q -o /dev/null "$out" 2>&1 | grep -v "ICC support" | grep -qiE "error|warning"; then
    bad "$name: MuPDF complains"; fi
  if command -v gs >/dev/null && gs -q -dNOPAUSE -dBATCH -sDEVICE=nullpage "$out" 2>&1 | grep -qiE "error|warning"; then
    bad "$name: Ghostscript complains"; fi
done
# a book: contents page numbers point at the pages the titles are on
"$exe" "$shared/corpus/dev" --category 财联社 --mirror "$shared/corpus/mirror" --offline -q -o "$work/book.pdf" 2>"$work/book.err" \
  || bad "book: conversion failed: $(tail -1 "$work/book.err")"
if [ -s "$work/book.pdf" ]; then
  pdfinfo "$work/book.pdf" | grep -q '^Tagged: *yes' || bad "book: not tagged"
  qpdf --check "$work/book.pdf" >/dev/null 2>&1 || bad "book: qpdf --check"
  python3 - "$work/book.pdf" <<'PY' || bad "book: contents page numbers"
import re, subprocess, sys
pdf = sys.argv[1]
def text(first, last, *opt):
    return subprocess.run(["pdftotext", *opt, "-f", str(first), "-l", str(last), pdf, "-"],
                          capture_output=True, text=True).stdout
pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout).group(1))
toc_page = next(p for p in range(1, pages + 1) if "目录" in text(p, p))
entries, carry = [], ""
for line in text(toc_page, toc_page, "-layout").splitlines()[1:]:
    m = re.match(r"^\s*(.*?)\s+(\d+)\s*$", line)
    if not m:
        carry += line.strip(); continue
    entries.append(((carry + m.group(1)).replace(" ", ""), int(m.group(2)))); carry = ""
# a section's entry carries the page of its first article, whose title is
# what that page shows
bad = [(t, n) for i, (t, n) in enumerate(entries)
       if t[:10] not in re.sub(r"\s+", "", text(n, n))
       and not (i + 1 < len(entries) and entries[i + 1][1] == n)]
print(len(entries), "entries,", len(bad), "wrong:", bad[:3])
sys.exit(1 if bad or len(entries) < 5 else 0)
PY
fi
# same input, same bytes
art=$shared/corpus/dev/000-cls-gpu-seed.md
"$exe" "$art" --mirror "$shared/corpus/mirror" --offline -q -o "$work/again.pdf" 2>/dev/null \
  && cmp -s "$work/again.pdf" "$work/000-cls-gpu-seed.pdf" || bad "output is not byte-identical across runs"
# page sizes
for size in A5 B5 Letter 150x220mm; do
  "$exe" "$art" --mirror "$shared/corpus/mirror" --offline -q --page-size "$size" -o "$work/size.pdf" 2>/dev/null \
    || { bad "--page-size $size failed"; continue; }
  python3 "$shared/tools/cjk_typography.py" "$work/size.pdf" --min-flush 0.98 >/dev/null || bad "--page-size $size: typography"
done
# white space survives as pdftotext reads it (fidelity.py ignores white
# space, so it cannot see a lost one): short first words, <br>, inline tags
cat >"$work/spaces.md" <<'MD'
---
title: Spaces
lang: en
---
<p>On Saturday one.</p><p>x y z.</p><ul><li>In Paris.</li></ul><p>A<br>b c <em>d</em> e</p>
MD
"$exe" "$work/spaces.md" -q -o "$work/spaces.pdf" 2>/dev/null || bad "spaces: conversion failed"
sp=$(pdftotext -raw "$work/spaces.pdf" - 2>/dev/null | tr '\n' '|')
for want in "On Saturday one." "x y z." "In Paris." "b c d e"; do
  case "$sp" in *"$want"*) ;; *) bad "spaces: '$want' not in the PDF's text: $sp";; esac
done
# emoji and symbols are drawn (fonts/ ends each chain with Symbola) and copy
# as themselves: no box of hex digits, no missing-glyph warning
cat >"$work/emoji.md" <<'MD'
---
title: 表情
---
<p>热门🔥 完成✅ 发射🚀 上涨📈 思考🤔</p>
MD
"$exe" "$work/emoji.md" -o "$work/emoji.pdf" 2>"$work/emoji.err" || bad "emoji: conversion failed"
grep -q "no installed font" "$work/emoji.err" && bad "emoji: $(head -1 "$work/emoji.err")"
em=$(pdftotext "$work/emoji.pdf" - 2>/dev/null | tr -d ' \n')
case "$em" in *"热门🔥完成✅发射🚀上涨📈思考🤔"*) ;; *) bad "emoji: text reads '$em'";; esac
pdffonts "$work/emoji.pdf" | awk 'NR>2 && $2=="Type" && $3=="3"{b=1} END{exit b}' || bad "emoji: a Type 3 font"
# issue 15: spacing of the seed and 041 (no loose or letter-spaced line,
# the CJK-Latin space near a quarter em) and an English article (hyphens,
# no full-width quotes)
if command -v mutool >/dev/null; then
  for name in 000-cls-gpu-seed 041-meteor-209p-long; do
    python3 "$shared/tools/spacing.py" "$work/$name.pdf" >"$work/$name.sp" 2>&1 \
      || bad "$name: $(tail -1 "$work/$name.sp")"
    awk '{for (i = 1; i <= NF; i++) if ($i ~ /^mixed_gap_median=/) {split($i, a, "="); m = a[2]}}
         END {exit !(m >= 0.20 && m <= 0.30)}' "$work/$name.sp" \
      || bad "$name: CJK-Latin space off a quarter em: $(tail -1 "$work/$name.sp")"
  done
  "$exe" "$shared/corpus/dev/048-aom-abduction.md" --mirror "$shared/corpus/mirror" --offline -q \
    -o "$work/048.pdf" 2>/dev/null || bad "048: conversion failed"
  python3 "$shared/tools/spacing.py" "$work/048.pdf" >"$work/048.sp" 2>&1 || bad "048: $(tail -1 "$work/048.sp")"
fi
# issue 16: the catalog's /Lang and DisplayDocTitle, /Alt on every Figure,
# page furniture marked as artifacts (qpdf --qdf leaves content readable)
python3 - "$work/000-cls-gpu-seed.pdf" <<'PY' || bad "seed: tagged-PDF entries missing"
import json, subprocess, sys
j = json.loads(subprocess.run(["qpdf", "--json", sys.argv[1]], capture_output=True, check=True).stdout)
vals = [v.get("value") for v in j["qpdf"][1].values() if isinstance(v, dict)]
cat = [v for v in vals if isinstance(v, dict) and v.get("/Type") == "/Catalog"][0]
figs = [v for v in vals if isinstance(v, dict) and v.get("/S") == "/Figure"]
assert cat.get("/Lang", "").startswith("u:zh"), cat
assert cat.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is True
assert figs and all("/Alt" in f for f in figs)
PY
qpdf --qdf --object-streams=disable "$work/000-cls-gpu-seed.pdf" "$work/seed-qdf.pdf" 2>/dev/null
grep -aq "/Artifact BMC" "$work/seed-qdf.pdf" || bad "seed: running heads and page numbers are not artifacts"
[ $fail = 0 ] && echo "pdf_check: all good"
exit $fail
