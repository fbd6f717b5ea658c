#!/usr/bin/env bash
# PDF speed and memory (issue 3): one article to PDF with newsbook against
# pango-view laying out the same article's plain text to PDF, measured
# alternately (A B A B ...) in one run so that both see the same machine
# state; then hyperfine's view of the same pair, and peak memory from
# /usr/bin/time -v. Prints figures and the ratio; asserts nothing. Besides
# wall time it prints CPU time (user + system) per run, which a machine
# shared with other work disturbs far less.
#   bench/pdf.sh [NEWSBOOK] [ARTICLE.md] [RUNS]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
exe=${1:-$here/build/newsbook}
art=${2:-$here/../shared/corpus/dev/041-meteor-209p-long.md}
runs=${3:-15}
shared=$here/../shared
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
command -v pango-view >/dev/null || { echo "pango-view not installed"; exit 1; }
# the article's text, as fidelity.py sees it
python3 - "$art" >"$tmp/plain.txt" <<PY
import sys; sys.path.insert(0, "$shared/tools")
import fidelity
t, b = fidelity.expected_text(sys.argv[1])
print(t); print(b)
PY
nb=("$exe" "$art" --mirror "$shared/corpus/mirror" --offline -q -o "$tmp/nb.pdf")
pv=(pango-view --no-display --font "Noto Serif CJK SC 10.5" --width 482 --wrap word-char --output "$tmp/pv.pdf" "$tmp/plain.txt")
"${nb[@]}" || { echo "newsbook failed"; exit 1; }
"${pv[@]}" || { echo "pango-view failed"; exit 1; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
# wall ms and CPU ms (user + system, from the kernel's accounting of the
# child) of one run, "WALL CPU"; Python's own start-up is in neither
wc_ms() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
t1 = time.perf_counter()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(int((t1 - t0) * 1000), int(cpu * 1000))
PY
}
a=(); b=(); ca=(); cb=()
for ((i = 0; i < runs; i++)); do
  read -r w c < <(wc_ms "${nb[@]}"); a+=("$w"); ca+=("$c")
  read -r w c < <(wc_ms "${pv[@]}"); b+=("$w"); cb+=("$c")
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END{print (NR%2)? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
ma=$(med "${a[@]}"); mb=$(med "${b[@]}")
echo "article:    $(basename "$art") ($(wc -c <"$tmp/plain.txt") bytes of text, $(pdfinfo "$tmp/nb.pdf" 2>/dev/null | awk '/^Pages/{print $2}') pages)"
echo "newsbook:   median ${ma} ms over $runs runs (alternated)"
echo "pango-view: median ${mb} ms over $runs runs (alternated)"
awk -v a="$ma" -v b="$mb" 'BEGIN{printf "ratio:      %.2fx pango-view (goal <= 1.3x)\n", (b > 0 ? a / b : 0)}'
mca=$(med "${ca[@]}"); mcb=$(med "${cb[@]}")
awk -v a="$mca" -v b="$mcb" 'BEGIN{printf "CPU time:   newsbook %d ms, pango-view %d ms (medians, user+system): %.2fx\n", a, b, (b > 0 ? a / b : 0)}'
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 2 --runs "$runs" --export-markdown "$tmp/hf.md" \
    "$(printf '%q ' "${nb[@]}")" "$(printf '%q ' "${pv[@]}")" >/dev/null 2>&1 && cat "$tmp/hf.md"
fi
if [ -x /usr/bin/time ]; then
  for who in nb pv; do
    if [ $who = nb ]; then /usr/bin/time -v "${nb[@]}" 2>"$tmp/t"; else /usr/bin/time -v "${pv[@]}" 2>"$tmp/t"; fi
    awk -v w=$who -F: '/Maximum resident/{printf "peak RSS %-10s %.1f MiB\n", (w=="nb"?"newsbook:":"pango-view:"), $2/1024}' "$tmp/t"
  done
  echo "(goal: newsbook <= 80 MiB)"
fi
# The tools users would otherwise reach for, on the same article, alternated
# with newsbook in the same run: WeasyPrint (HTML to PDF) and pandoc (EPUB).
wruns=${WRUNS:-3}
python3 - "$art" >"$tmp/article.html" <<PY
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
m = re.match(r"\A\s*---[ \t]*\n(.*?)\n---[ \t]*\n?(.*)\Z", src, re.S)
body = m.group(2) if m else src
print('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body>' + body + '</body></html>')
PY
if command -v weasyprint >/dev/null; then
  wa=(); wb=()
  for ((i = 0; i < wruns; i++)); do
    wa+=("$(ms "${nb[@]}")")
    wb+=("$(ms weasyprint "$tmp/article.html" "$tmp/wp.pdf")")
  done
  mwa=$(med "${wa[@]}"); mwb=$(med "${wb[@]}")
  awk -v a="$mwa" -v b="$mwb" 'BEGIN{printf "weasyprint: median %d ms vs newsbook %d ms: newsbook takes %.2fx WeasyPrint'"'"'s time\n", b, a, (b > 0 ? a / b : 0)}'
fi
if command -v pandoc >/dev/null; then
  ea=(); eb=()
  nbe=("$exe" "$art" --mirror "$shared/corpus/mirror" --offline -q -o "$tmp/nb.epub")
  for ((i = 0; i < runs; i++)); do
    ea+=("$(ms "${nbe[@]}")")
    eb+=("$(ms pandoc -f markdown -t epub3 "$art" -o "$tmp/pd.epub")")
  done
  mea=$(med "${ea[@]}"); meb=$(med "${eb[@]}")
  awk -v a="$mea" -v b="$meb" 'BEGIN{printf "EPUB:       newsbook median %d ms, pandoc %d ms: %.2fx pandoc'"'"'s time\n", a, b, (b > 0 ? a / b : 0)}'
fi
