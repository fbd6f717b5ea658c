#!/usr/bin/env bash
# Two newsbook binaries, the same outputs: byte-identical EPUB and PDF, the
# same exit statuses and the same messages, over every dev-corpus article
# alone, the samples, the whole corpus as one book, a --category book, the
# sample recipes, the RSS feed, and a set of refusals and failures. For a
# refactoring that must change nothing (issue 12): run it with the binary
# from before and the one from after.
#
#   tests/tools/same-output.sh OLD/newsbook NEW/newsbook [WORKDIR]
#   SAME_QUICK=1   three articles instead of all of them
#
# Prints one line per difference and a summary; exits 1 on any difference.
set -u
OLD=$(realpath "$1"); NEW=$(realpath "$2")
W=${3:-$(mktemp -d)}
SRC=$(cd "$(dirname "$0")/../.." && pwd)
SH=${SHARED:-$SRC/../shared}
C=$SH/corpus/dev M=$SH/corpus/mirror
export SOURCE_DATE_EPOCH=1660135111
rm -rf "$W"; mkdir -p "$W/old" "$W/new"
n=0 bad=0
diff_line() { echo "DIFF: $*"; bad=$((bad + 1)); }

# Warnings of parallel work come in any order: the same lines, and the same
# last line (the outcome), is what must hold.
same_messages() {
  if ! cmp -s <(sort "$W/old/$1.stderr") <(sort "$W/new/$1.stderr") ||
    ! cmp -s <(tail -1 "$W/old/$1.stderr") <(tail -1 "$W/new/$1.stderr"); then
    diff_line "$1: messages differ: $(diff <(sort "$W/old/$1.stderr") <(sort "$W/new/$1.stderr") | head -4 | tr '\n' '|')"
  fi
}

# run NAME OUTPUT-EXT ARGS...: each binary converts into its own directory
# (OUT stands for the output path); outputs, exit status and stderr (with
# the directory names made equal) are compared.
run() {
  local name=$1 ext=$2 side bin; shift 2
  n=$((n + 1))
  for side in old new; do
    bin=$OLD; [ $side = new ] && bin=$NEW
    local out=$W/$side/$name.$ext args=() a
    for a in "$@"; do a=${a//OUT/$out}; args+=("${a//SIDE/$side}"); done
    (cd "$W/$side" && XDG_CACHE_HOME=$W/$side/cache "$bin" "${args[@]}" \
      >"$W/$side/$name.stdout" 2>"$W/$side/$name.stderr" </dev/null)
    echo $? >"$W/$side/$name.rc"
    # timings and the binary's own path differ by nature
    sed -i -E "s#$W/$side#W#g; s#, [0-9]+\.[0-9]+ s\$#, T s#" "$W/$side/$name.stderr"
  done
  cmp -s "$W/old/$name.rc" "$W/new/$name.rc" ||
    diff_line "$name: exit $(cat "$W/old/$name.rc") before, $(cat "$W/new/$name.rc") after"
  same_messages "$name"
  cmp -s "$W/old/$name.stdout" "$W/new/$name.stdout" || diff_line "$name: standard output differs"
  if [ -e "$W/old/$name.$ext" ] || [ -e "$W/new/$name.$ext" ]; then
    cmp -s "$W/old/$name.$ext" "$W/new/$name.$ext" ||
      diff_line "$name.$ext: outputs differ"
  fi
}

arts=("$C"/*.md)
[ -n "${SAME_QUICK:-}" ] && arts=("$C"/000-*.md "$C"/016-*.md "$C"/028-*.md)
for a in "${arts[@]}"; do
  b=$(basename "$a" .md)
  run "$b" epub "$a" --mirror "$M" --offline -o OUT
  run "$b" pdf "$a" --mirror "$M" --offline -o OUT
done
for a in "$SRC"/samples/*.md; do
  b=sample-$(basename "$a" .md)
  run "$b" epub "$a" --mirror "$SRC/samples/mirror" --offline -o OUT
  run "$b" pdf "$a" --mirror "$SRC/samples/mirror" --offline -o OUT
done
# books
run corpus epub "$C" --mirror "$M" --offline -o OUT
run corpus pdf "$C" --mirror "$M" --offline -o OUT
run corpus-j1 epub "$C" --mirror "$M" --offline -j 1 -o OUT
run category epub "$C" --category 财联社 --mirror "$M" --offline -o OUT
run category pdf "$C" --category 财联社 --mirror "$M" --offline -o OUT
run category-day epub "$C" --category 金融/财联社 --group-by day --order oldest --mirror "$M" --offline -o OUT
run since epub "$C" --since 2021-03-20 --limit 5 --title 本周 --author 编辑部 --lang zh-CN --metadata publisher=X --mirror "$M" --offline -o OUT
run few epub "$C/000-cls-gpu-seed.md" "$C/026-bbc-musk-tesla.md" --cover none --mirror "$M" --offline -o OUT
run meta-one pdf "$C/000-cls-gpu-seed.md" --metadata title=改名 --metadata subject=测试 --page-size B5 --mirror "$M" --offline -o OUT
run cover epub "$C/000-cls-gpu-seed.md" "$C/026-bbc-musk-tesla.md" --cover "$SRC/samples/mirror/img.cls.cn/images/20220810/q958U8NyF3.png" --mirror "$M" --offline -o OUT
run report epub "$C/016-osc-luantan-many-images.md" --mirror "$M" --offline -j 1 --report OUT.json -o OUT
cmp -s "$W/old/report.epub.json" "$W/new/report.epub.json" || diff_line "report: the JSON reports differ"
run feed epub "$SH/corpus/feeds/"*rss2*.xml --offline -o OUT
run tree tree "$C/000-cls-gpu-seed.md" --to tree -o OUT
# recipes (outputs beside each binary's own copy)
for r in daily-cls weekly-tech; do
  for side in old new; do mkdir -p "$W/$side/recipe-$r"; done
  n=$((n + 1))
  for side in old new; do
    bin=$OLD; [ $side = new ] && bin=$NEW
    XDG_CACHE_HOME=$W/$side/cache "$bin" build "$SRC/samples/recipes/$r.yaml" \
      --output-dir "$W/$side/recipe-$r" 2>"$W/$side/recipe-$r.stderr"
    echo $? >"$W/$side/recipe-$r.rc"
    sed -i -E "s#$W/$side#W#g; s#, [0-9]+\.[0-9]+ s\$#, T s#" "$W/$side/recipe-$r.stderr"
  done
  cmp -s "$W/old/recipe-$r.rc" "$W/new/recipe-$r.rc" || diff_line "recipe $r: exit status"
  same_messages "recipe-$r"
  for f in "$W/old/recipe-$r"/*; do
    cmp -s "$f" "$W/new/recipe-$r/$(basename "$f")" || diff_line "recipe $r: $(basename "$f") differs"
  done
done
# refusals and failures: status and message
mkdir -p "$W/old/dir.epub" "$W/new/dir.epub"
printf -- '---\ntitle: x\n---\n<p>x</p>\n' >"$W/in.md"
run missing epub "$W/nowhere.md" -o OUT
run is-dir epub "$C/000-cls-gpu-seed.md" -o "$W/SIDE/dir.epub"
run unknown-format docx "$C/000-cls-gpu-seed.md" -o OUT
run bad-style epub "$C/000-cls-gpu-seed.md" --style nosuchstyle -o OUT
run nothing-selected epub "$C" --category 没有这个分类 --offline -o OUT
run nothing-dated epub "$C" --since 2030-01-01 --offline -o OUT
run empty-feed epub "$SH/corpus/feeds/"*empty*.xml --offline -o OUT
run strict epub "$C/000-cls-gpu-seed.md" "$W/nowhere-dir/x.md" --strict --offline -o OUT
run strict-size epub "$C/000-cls-gpu-seed.md" "$C/041-meteor-209p-long.md" --max-input-bytes 20K --strict --offline -o OUT
run size-some epub "$C/000-cls-gpu-seed.md" "$C/041-meteor-209p-long.md" --max-input-bytes 20K --offline -o OUT
run size-all epub "$C/041-meteor-209p-long.md" --max-input-bytes 20K --offline -o OUT
run quiet-fail epub "$C/041-meteor-209p-long.md" --max-input-bytes 20K -q --offline -o OUT
run bad-cover epub "$C/000-cls-gpu-seed.md" "$C/026-bbc-musk-tesla.md" --cover "$C/000-cls-gpu-seed.md" --offline -o OUT
run missing-cover epub "$C/000-cls-gpu-seed.md" --cover "$W/nocover.png" --offline -o OUT
run no-dir pdf "$C/000-cls-gpu-seed.md" --offline -o "$W/no/such/dir/x.pdf"
run verbose epub "$C/016-osc-luantan-many-images.md" -v --mirror "$M" --offline -o OUT
run usage-no-output epub "$C/000-cls-gpu-seed.md"
run usage-no-input epub -o OUT
run usage-unknown-option epub --frobnicate "$C/000-cls-gpu-seed.md" -o OUT
run usage-missing-value epub "$C/000-cls-gpu-seed.md" -o
run usage-bad-number epub "$C/000-cls-gpu-seed.md" --max-download lots -o OUT
run usage-bad-date epub "$C/000-cls-gpu-seed.md" --since yesterday -o OUT
run usage-help txt --help
run usage-build-help txt build --help
run usage-build-none txt build
for side in old new; do cp "$W/in.md" "$W/$side/same.md"; done
run output-is-input epub same.md --to epub -o same.md
echo "same-output: $n comparisons, $bad differences"
[ $bad -eq 0 ]
