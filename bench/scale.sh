#!/usr/bin/env bash
# Scale benchmark (issue 5): a 1,000-article category of a synthetic
# 10,000-article archive, compiled to EPUB and to PDF; pandoc on the same
# 1,000 files to EPUB for a ratio. Prints figures and ratios against the
# targets; never passes or fails on time (bench is not test).
#
# Usage: bench/scale.sh [NEWSBOOK] [ARCHIVE_DIR]
#   NEWSBOOK     the CLI (default: build/newsbook, else the newest build-*/newsbook)
#   ARCHIVE_DIR  made with bench/make-archive.py when missing
#                (default: ${TMPDIR:-/tmp}/newsbook-bench-archive)
# Environment: RUNS (alternating rounds, default 3), PANDOC_RUNS (rounds
#   pandoc joins, default 1: it takes minutes), PANDOC_TIMEOUT (s, 1800), JOBS (-j),
#   MIRROR (image mirror, default ../shared/corpus/mirror), KEEP=1 keeps outputs.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
nb=${1:-}
if [ -z "$nb" ]; then
  if [ -x "$src/build/newsbook" ]; then nb=$src/build/newsbook
  else nb=$(ls -t "$src"/build-*/newsbook 2>/dev/null | head -1); fi
fi
[ -n "$nb" ] && [ -x "$nb" ] || { echo "scale: no newsbook binary — build first or pass its path" >&2; exit 2; }
archive=${2:-${TMPDIR:-/tmp}/newsbook-bench-archive}
mirror=${MIRROR:-$src/../shared/corpus/mirror}
runs=${RUNS:-3}
pandoc_runs=${PANDOC_RUNS:-1}
pandoc_timeout=${PANDOC_TIMEOUT:-1800}
category=千篇
for tool in /usr/bin/time hyperfine pdfinfo python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "scale: $tool is missing (apt-get install time hyperfine poppler-utils)" >&2; exit 2; }
done
have_pandoc=1; command -v pandoc >/dev/null 2>&1 || have_pandoc=0

if [ ! -f "$archive/category-files.txt" ]; then
  python3 "$here/make-archive.py" "$archive" || exit 2
fi
out=$(mktemp -d "${TMPDIR:-/tmp}/newsbook-bench.XXXXXX")
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$out"' EXIT
export XDG_CACHE_HOME=$out/cache SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
mapfile -t files <"$archive/category-files.txt"
n_files=${#files[@]}
jobs=()
[ -n "${JOBS:-}" ] && jobs=(-j "$JOBS")

nb_args() { # FORMAT
  printf '%s\0' "$archive" --category "$category" --mirror "$mirror" --offline \
    -q "${jobs[@]}" -o "$out/book.$1"
}

# One timed run through hyperfine, wrapped in /usr/bin/time for the peak
# memory and CPU time. Prints "WALL_S MAXRSS_KIB EXIT CPU_S" (nan when it
# did not finish). CPU time tells more than wall time on a busy machine.
run() { # NAME CMD...
  local name=$1; shift
  local cmd; cmd=$(printf '%q ' /usr/bin/time -f '%e %M %x %U %S' -o "$out/$name.time" "$@")
  hyperfine --runs 1 --style none -i --export-json "$out/$name.json" "$cmd" \
    >"$out/$name.hf" 2>&1
  python3 - "$out/$name.json" "$out/$name.time" <<'EOF2'
import json, sys
try:
    wall = "%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"]
except Exception:
    wall = "nan"
try:
    t = open(sys.argv[2]).read().split()
    rss, rc, cpu = t[-4], t[-3], "%.3f" % (float(t[-2]) + float(t[-1]))
except Exception:
    rss, rc, cpu = "0", "?", "nan"
print(wall, rss, rc, cpu)
EOF2
}

echo "newsbook scale benchmark"
echo "  binary:   $nb ($("$nb" --version 2>/dev/null))"
echo "  archive:  $archive ($(find "$archive" -name '*.md' | wc -l) articles; category $category: $n_files)"
echo "  machine:  $(nproc) cores, $(uname -sr), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  method:   $runs alternating rounds (pandoc in the first $pandoc_runs), hyperfine + /usr/bin/time"
echo

mapfile -d '' epub_args < <(nb_args epub)
mapfile -d '' pdf_args < <(nb_args pdf)

# Alternating rounds: newsbook EPUB, pandoc EPUB, newsbook PDF, so that
# drift in the machine hits all alike. pandoc is slow on a thousand files;
# it runs in the first PANDOC_RUNS rounds only, capped by PANDOC_TIMEOUT.
e_times=(); p_times=(); d_times=(); e_rss=0; p_rss=0; d_rss=0
e_cpu=(); p_cpu=(); d_cpu=()
for r in $(seq 1 "$runs"); do
  read -r w m rc c < <(run "epub-$r" "$nb" "${epub_args[@]}")
  echo "  round $r: newsbook EPUB $w s, CPU $c s (exit $rc)"
  [ "$rc" = 0 ] && e_times+=("$w") && e_cpu+=("$c"); [ "$m" -gt "$e_rss" ] && e_rss=$m
  if [ "$have_pandoc" = 1 ] && [ "$r" -le "$pandoc_runs" ]; then
    read -r w m rc c < <(run "pandoc-$r" timeout "$pandoc_timeout" pandoc -f markdown -t epub3 \
      --metadata title=bench -o "$out/pandoc.epub" "${files[@]}")
    echo "  round $r: pandoc EPUB   $w s, CPU $c s (exit $rc)"
    if [ "$rc" = 0 ]; then d_times+=("$w"); d_cpu+=("$c"); elif [ "$rc" = 124 ]; then d_times+=(">$pandoc_timeout"); fi
    [ "$m" -gt "$d_rss" ] && d_rss=$m
  fi
  read -r w m rc c < <(run "pdf-$r" "$nb" "${pdf_args[@]}")
  echo "  round $r: newsbook PDF  $w s, CPU $c s (exit $rc)"
  [ "$rc" = 0 ] && p_times+=("$w") && p_cpu+=("$c"); [ "$m" -gt "$p_rss" ] && p_rss=$m
done
for f in epub pdf; do
  [ -f "$out/book.$f" ] && continue
  echo "  newsbook wrote no $f; it says:"
  mapfile -d '' again < <(nb_args "$f")
  "$nb" "${again[@]}" 2>&1 | tail -3 | sed 's/^/    /'
done
pages=0
[ -f "$out/book.pdf" ] && pages=$(pdfinfo "$out/book.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
nav=0
[ -f "$out/book.epub" ] && nav=$(unzip -p "$out/book.epub" '*.ncx' 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
N = "{http://www.daisy.org/z3986/2005/ncx/}"
try:
    root = ET.fromstring(sys.stdin.read())
    print(sum(1 for p in root.iter(N + "navPoint") if p.find(N + "navPoint") is None))
except ET.ParseError:
    print(0)')
echo

python3 - "$n_files" "$pages" "$nav" "$e_rss" "$p_rss" "${d_rss:-0}" \
  "${e_times[*]:-}" "${p_times[*]:-}" "${d_times[*]:-}" \
  "$(stat -c %s "$out/book.epub" 2>/dev/null || echo 0)" \
  "$(stat -c %s "$out/book.pdf" 2>/dev/null || echo 0)" \
  "${e_cpu[*]:-}" "${p_cpu[*]:-}" "${d_cpu[*]:-}" <<'EOF'
import math, statistics, sys
n, pages, nav, e_rss, p_rss, d_rss = (int(x or 0) for x in sys.argv[1:7])
def times(s):
    # ">T" is a run stopped at the time limit: counted as T, a lower bound.
    return [float(x.lstrip(">")) for x in s.split() if x != "nan"]
capped = ">" in sys.argv[9]
e, p, d = times(sys.argv[7]), times(sys.argv[8]), times(sys.argv[9])
e_size, p_size = int(sys.argv[10]), int(sys.argv[11])
ec, pc, dc = times(sys.argv[12]), times(sys.argv[13]), times(sys.argv[14])
med = lambda v: statistics.median(v) if v else math.nan
fmt = lambda v: ", ".join(f"{x:.2f}" for x in v) or "-"
mib = lambda k: k / 1024.0
em, pm, dm = med(e), med(p), med(d)
print(f"EPUB    median {em:7.3f} s  (runs: {fmt(e)}; CPU {fmt(ec)})  peak {mib(e_rss):7.1f} MiB  "
      f"{e_size / 1048576:.1f} MiB, {nav} NCX articles for {n} selected")
print(f"PDF     median {pm:7.3f} s  (runs: {fmt(p)}; CPU {fmt(pc)})  peak {mib(p_rss):7.1f} MiB  "
      f"{p_size / 1048576:.1f} MiB, {pages} pages")
if d:
    print(f"pandoc  median {dm:7.3f} s  (runs: {fmt(d)}; CPU {fmt(dc)})  peak {mib(d_rss):7.1f} MiB  "
          "(EPUB, no images: it cannot reach the network or a mirror)"
          + ("; stopped at the time limit, so a lower bound" if capped else ""))
print()
print("load average after the runs:", open("/proc/loadavg").read().split()[:3])
def target(name, ok, detail):
    print(f"  {name:<28} {detail:<34} {'met' if ok else 'NOT met'}")
print("Targets (issue 5):")
target("EPUB under 1 s", em < 1.0, f"{em:.3f} s")
if d:
    target("EPUB under 1/10 of pandoc", em < dm / 10, f"ratio {em / dm:.3f} (pandoc/newsbook {dm / em:.1f}x)")
pps = pages / pm if pm and pm == pm and pm > 0 else 0.0
target("PDF at least 300 pages/s", pps >= 300, f"{pps:.0f} pages/s ({pages} pages)")
target("PDF under 300 MiB", pages > 0 and mib(p_rss) < 300, f"{mib(p_rss):.1f} MiB peak")
ecm, pcm = med(ec), med(pc)
if ec and pc:
    print(f"CPU time (user+sys; on a busy machine the fairer figure): EPUB {ecm:.3f} s, "
          f"PDF {pcm:.3f} s = {pages / pcm if pcm > 0 else 0:.0f} pages per CPU second")
EOF
