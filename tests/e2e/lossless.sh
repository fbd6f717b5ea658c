# Nothing lost (issue #11): corpus-like articles whose text feeds and
# readers used to drop (tags named in prose, HTML samples in code, form
# controls, spacer images, the same article twice) convert to EPUB and PDF
# that pass EPUBCheck and keep all their text (fidelity.py >= 0.999).
. "$(dirname "$0")/lib.sh" "$@"
FIX=$SRC/tests/fixtures/read
text_of() { # the spine's text of an EPUB, or a PDF's
  case "$1" in
  *.epub) unzip -p "$1" 'OEBPS/chapter-*.xhtml' | python3 -c 'import html,re,sys; print(html.unescape(re.sub(r"<[^>]+>", "", sys.stdin.read())))' ;;
  *.pdf) pdftotext -enc UTF-8 "$1" - ;;
  esac
}
has() { # has FILE STRING: the output's text holds STRING
  text_of "$1" | tr -d '\n' | grep -qF -- "$2" || { echo "  not in $(basename "$1"): $2"; return 1; }
}
for a in "$FIX"/*.md "$CORPUS"/025-meituan-flutterweb.md "$CORPUS"/011-juejin-lint-rules.md; do
  n=$(basename "$a" .md)
  for ext in epub pdf; do
    o=$WORK/$n.$ext
    "$NB" "$a" --mirror "$MIRROR" --offline --no-cache -q -o "$o" 2>"$o.err"
    check "$n.$ext converts" [ $? -eq 0 ] || { cat "$o.err"; continue; }
    sanitized && continue
    have python3 && check "$n.$ext fidelity" python3 "$SH/tools/fidelity.py" "$a" "$o"
    [ $ext = epub ] && check "$n.epub passes EPUBCheck" epubcheck_ok "$o"
  done
done
sanitized && { finish; exit; }

# What the fixtures are about, in both outputs.
for ext in epub pdf; do
  o=$WORK/juejin-vue-template.$ext
  check "$ext: a Vue template's tags are text" has "$o" '<div id="app">'
  check "$ext: <input v-model> kept" has "$o" '<input v-model="msg"/>'
  check "$ext: <template> kept" has "$o" '</template>'
  check "$ext: <button open-type> kept" has "$o" 'open-type="getUserInfo"'
  check "$ext: tags named in prose kept" has "$o" '<input>、<textarea> 及 <select> 元素上创建双向数据绑定'
  o=$WORK/meituan-script-in-prose.$ext
  check "$ext: an unclosed <script> is a word" has "$o" '置于 <script> 标签中'
  check "$ext: the text after it stays" has "$o" '首屏时间下降了约 30%'
  o=$WORK/025-meituan-flutterweb.$ext
  check "$ext: 025 keeps what follows its <script>" has "$o" 'Docker 镜像定制'
done
# A tool's aligned output in a code block: pdftotext reads each line whole,
# its spaces kept (the line is one span with its text as ActualText),
# instead of reading the right-hand column on its own after the block.
check "pdf: an aligned code line is read as one line" sh -c "pdftotext -enc UTF-8 '$WORK/011-juejin-lint-rules.pdf' - | grep -qF \"  3:7   error  'age' is assigned a value but never used             no-unused-vars\""
check "spacers are not drawn as placeholders" sh -c "! unzip -p '$WORK/cls-flash-spacer.epub' 'OEBPS/chapter-*.xhtml' | grep -q placeholder"
check "the 025 EPUB embeds its 23 mirrored images" sh -c "[ \$(unzip -l '$WORK/025-meituan-flutterweb.epub' | grep -c 'images/img-') -ge 23 ]"

# One article once per book: the same file twice, and the archive's copy
# with stacked quotes around the title, make one chapter, with or without
# a selection.
mkdir -p "$WORK/dup/x" "$WORK/dup/y"
src=$FIX/english-news-embeds.md
cp "$src" "$WORK/dup/x/a.md"
sed "s/^title: .*/title: '_World_ Harbour city opens its first offshore wind farm'/" "$src" >"$WORK/dup/y/a.md"
"$NB" "$WORK/dup/x/a.md" "$src" "$WORK/dup/y/a.md" --offline -q -o "$WORK/dup.epub" 2>/dev/null
check "three copies, no selection: one chapter" sh -c "[ \$(unzip -l '$WORK/dup.epub' | grep -c 'chapter-') -eq 1 ]"
"$NB" "$WORK/dup" --category 'BBC - BBC 英文' --offline -q -o "$WORK/dup-cat.epub" 2>/dev/null
check "two copies, --category: one chapter" sh -c "[ \$(unzip -l '$WORK/dup-cat.epub' | grep -c 'chapter-') -eq 1 ]"

# The title fallback names what the book shows.
printf -- "---\ntitle: '\xe3\x80\x80'\ncategories:\n  - Webtoons - [Naver](https://comic.naver.com)\n---\n<p>正文</p>\n" >"$WORK/ .md"
"$NB" "$WORK/ .md" --offline -o "$WORK/blank.epub" 2>"$WORK/blank.err"
check "a blank title warns what the book shows" grep -q 'using "Untitled"' "$WORK/blank.err"
check "the book shows it" sh -c "unzip -p '$WORK/blank.epub' 'OEBPS/chapter-*.xhtml' | grep -q '>Untitled<'"
"$NB" "$WORK/ .md" --offline -q -t tree -o "$WORK/blank.tree" 2>/dev/null
check "a Markdown link in a category shows as its text" grep -q 'category "Webtoons - Naver"' "$WORK/blank.tree"
finish
