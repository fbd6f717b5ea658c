# Every dev-corpus article alone, through the checks of the project's
# acceptance tool (../shared/tools/corpus-check): conversion, fidelity,
# EPUBCheck and epubcheck-ts; for PDFs CJK typography, fonts (pdffonts),
# qpdf, MuPDF and Ghostscript. The same checks and thresholds, one line per
# problem in its words ("NAME.EXT: CHECK ..."), on the outputs that
# e2e/corpus_convert made once for every test that needs them; EPUBCheck
# runs in one JVM for the whole corpus, fidelity in one Python process.
# Problems listed in known-problems.txt are reported, not failed.
# Under the sanitizer build only the conversions are judged (memory errors
# are the point there).
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS"; exit 77; }
need_corpus_outputs
O=$CORPUS_OUT
LOG=$WORK/corpus-check.log
: >"$LOG"
problem() { echo "$*" | tee -a "$LOG" >/dev/null; }

epubs=() pdfs=() pairs=() n=0
for a in "$CORPUS"/*.md; do
  name=$(basename "$a" .md)
  n=$((n + 1))
  for ext in epub pdf; do
    o=$O/$name.$ext
    if sanitizer_report "$o.err"; then
      fail "$name.$ext: sanitizer report: $(grep -m1 -E 'ERROR: |runtime error:' "$o.err" | cut -c1-160)"
      continue
    fi
    if [ "$(cat "$o.rc" 2>/dev/null)" != 0 ]; then
      problem "$name.$ext: conversion failed: $(tail -1 "$o.err")"
      continue
    fi
    pairs+=("$a" "$o")
    if [ $ext = epub ]; then epubs+=("$o"); else pdfs+=("$o"); fi
  done
done

if ! sanitized; then
  # fidelity, every output
  python3 "$SRC/tests/tools/fidelity_many.py" "$SH/tools" "${pairs[@]}" >"$WORK/fidelity.tsv"
  while IFS=$'\t' read -r o verdict line; do
    [ "$verdict" = ok ] || problem "$(basename "$o"): $line"
  done <"$WORK/fidelity.tsv"
  # EPUBCheck (both checkers)
  epubcheck_batch "${epubs[@]}"
  for o in "${epubs[@]}"; do
    have java && [ -f "$EPUBCHECK_JAR" ] || break
    m=$(awk -F'\t' -v f="$o" '$1 == f {v = $2} END {print v}' "$EPUBCHECK_VERDICTS")
    case "$m" in *"0 fatals / 0 errors / 0 warnings"*) ;;
    *) problem "$(basename "$o"): epubcheck ${m:-(no verdict)}" ;; esac
    epubcheck_ts_ok "$o" >/dev/null || problem "$(basename "$o"): epubcheck-ts reports problems"
  done
  # PDFs, two at a time
  pdf_checks() { # PDF: its problem lines on stdout
    local o=$1 name
    name=$(basename "$o")
    python3 "$SH/tools/cjk_typography.py" "$o" --min-flush 0.98 >"$o.cjk" 2>&1 ||
      echo "$name: $(tail -1 "$o.cjk" | sed 's# /.*##')"
    pdffonts "$o" | awk 'NR>2 && (($2=="Type" && $3=="3") || $(NF-4)!="yes" || $(NF-3)!="yes" || $(NF-2)!="yes"){bad=1} END{exit bad}' ||
      echo "$name: a font is Type 3, or not embedded/subset/with ToUnicode"
    # spacing.py as corpus-check runs it with CORPUS_CHECK_SPACING=1: no
    # loose or letter-spaced line, no full-width quote in Latin text, the
    # CJK-Latin space near a quarter em (issue 15)
    if have mutool; then
      python3 "$SH/tools/spacing.py" "$o" >"$o.sp" 2>&1 ||
        echo "$name: $(tail -1 "$o.sp" | sed 's# /.*##')"
    fi
    qpdf --check "$o" >/dev/null 2>&1 || echo "$name: qpdf --check not clean"
    if have mutool && mutool draw -q -o /dev/null "$o" 2>&1 | grep -v "ICC support" | grep -qiE "error|warning"; then
      echo "$name: MuPDF (mutool draw) complains"
    fi
    if have gs && gs -q -dNOPAUSE -dBATCH -sDEVICE=nullpage "$o" 2>&1 | grep -qiE "error|warning"; then
      echo "$name: Ghostscript complains"
    fi
  }
  for o in "${pdfs[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    pdf_checks "$o" >"$WORK/$(basename "$o").problems" &
  done
  wait
  cat "$WORK"/*.pdf.problems 2>/dev/null >>"$LOG"
fi

sort -o "$LOG" "$LOG"
cat "$LOG"
echo "corpus: $n articles, $(grep -c . "$LOG") problems"
# Each problem line is "NAME.EXT: CHECK-WORD ..."; listed ones are known.
while IFS= read -r line; do
  [ -n "$line" ] || continue
  key=$(printf '%s' "$line" | sed -E 's/^([^:]+): ([a-z]+).*/\1: \2/')
  if known "$key"; then echo "known: $line"; else fail "new problem: $line"; fi
done <"$LOG"
check "every article was converted to both formats" [ ${#pairs[@]} -eq $((n * 4)) ]
finish
