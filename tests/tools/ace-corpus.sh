#!/usr/bin/env bash
# DAISY Ace over the samples and the dev corpus: one EPUB per article, one
# Ace run per EPUB, one line per violation, a summary last. A tool, not a
# CTest test: Ace needs Node and Chromium and takes seconds per book (the
# cheap checks of what Ace failed on are in tests/e2e/epub_a11y.sh).
#
#   tests/tools/ace-corpus.sh PATH/TO/newsbook [OUTDIR] [-- EXTRA NEWSBOOK ARGS]
#
# The books: every sample, every corpus article, and the whole corpus as
# one book grouped by category. OUTDIR (default /tmp/ace-corpus) keeps the
# EPUBs and Ace's reports (OUTDIR/ace/NAME/report.json). Environment:
# CORPUS (default ../shared/corpus/dev), MIRROR, ACE_PREFIX (the npm
# prefix holding @daisy/ace, default /work/tools-npm), JOBS (parallel Ace
# runs, default 2), ONLY (a grep pattern on book names). Exit 0 when Ace
# reports no violation anywhere, 1 otherwise, 2 on a usage or set-up
# error.
set -u
NB=${1:?usage: ace-corpus.sh PATH/TO/newsbook [OUTDIR] [-- ARGS]}
shift
OUT=/tmp/ace-corpus
if [ $# -gt 0 ] && [ "$1" != -- ]; then OUT=$1; shift; fi
[ "${1:-}" = -- ] && shift
EXTRA=("$@")
HERE=$(cd "$(dirname "$0")/../.." && pwd)
SH=$(cd "$HERE/../shared" 2>/dev/null && pwd)
CORPUS=${CORPUS:-$SH/corpus/dev}
MIRROR=${MIRROR:-$SH/corpus/mirror}
ACE_PREFIX=${ACE_PREFIX:-/work/tools-npm}
JOBS=${JOBS:-2}
ONLY=${ONLY:-.}
export PUPPETEER_EXECUTABLE_PATH=${PUPPETEER_EXECUTABLE_PATH:-/usr/bin/chromium}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1660135111}
ACE=$ACE_PREFIX/node_modules/.bin/ace-puppeteer
[ -x "$ACE" ] || { echo "no Ace at $ACE (set ACE_PREFIX)" >&2; exit 2; }
[ -x "$NB" ] || { echo "no newsbook at $NB" >&2; exit 2; }
mkdir -p "$OUT/epub" "$OUT/ace"

# 1. the books: samples with their own mirror, corpus articles with theirs
list=()
for a in "$HERE"/samples/*.md; do
  n=sample-$(basename "$a" .md)
  echo "$n" | grep -q -- "$ONLY" || continue
  "$NB" "$a" --mirror "$HERE/samples/mirror" --offline -q "${EXTRA[@]}" \
    -o "$OUT/epub/$n.epub" 2>"$OUT/epub/$n.err" || { echo "$n: does not convert"; continue; }
  list+=("$n")
done
for a in "$CORPUS"/*.md; do
  n=$(basename "$a" .md)
  echo "$n" | grep -q -- "$ONLY" || continue
  "$NB" "$a" --mirror "$MIRROR" --offline -q "${EXTRA[@]}" \
    -o "$OUT/epub/$n.epub" 2>"$OUT/epub/$n.err" || { echo "$n: does not convert"; continue; }
  list+=("$n")
done

# the whole corpus as one book, in sections (headlines are h2 there)
n=book-by-category
if echo "$n" | grep -q -- "$ONLY"; then
  "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q --group-by category "${EXTRA[@]}" \
    -o "$OUT/epub/$n.epub" 2>"$OUT/epub/$n.err" && list+=("$n") || echo "$n: does not convert"
fi

# 2. Ace, JOBS at a time
run_ace() {
  local n=$1
  rm -rf "$OUT/ace/$n"
  timeout 600 "$ACE" -s -o "$OUT/ace/$n" "$OUT/epub/$n.epub" >"$OUT/ace/$n.log" 2>&1
}
export -f run_ace
export OUT ACE
printf '%s\n' "${list[@]}" | xargs -P "$JOBS" -I{} bash -c 'run_ace "$@"' _ {}

# 3. one line per violation, then the summary
python3 - "$OUT" "${list[@]}" <<'EOF'
import json, os, sys
out, names = sys.argv[1], sys.argv[2:]
total = bad = missing = 0
for n in names:
    p = os.path.join(out, "ace", n, "report.json")
    if not os.path.exists(p):
        print(f"{n}: no Ace report (see {out}/ace/{n}.log)")
        missing += 1
        continue
    r = json.load(open(p))
    count = 0
    for a in r.get("assertions", []):
        doc = a.get("earl:testSubject", {}).get("url", "?")
        for b in a.get("assertions", []):
            t = b["earl:test"]
            res = b["earl:result"]
            if res.get("earl:outcome") != "fail":
                continue
            count += 1
            print(f"{n}: {doc}: {t.get('earl:impact','?')} {t.get('dct:title','?')}: "
                  f"{res.get('dct:description','').splitlines()[0][:160]}")
    total += count
    bad += count > 0
print(f"ace: {len(names)} books, {total} violations in {bad} books"
      + (f", {missing} without a report" if missing else ""))
sys.exit(1 if total or missing else 0)
EOF
