# The README's demo: every sample converts to a valid EPUB and PDF, and
# converting again gives the same bytes. EPUBs: both EPUB checkers (in one
# JVM) and the zip layout; PDFs: qpdf, tags, CJK typography; both:
# fidelity.
. "$(dirname "$0")/lib.sh" "$@"
mkdir -p "$WORK/again"
outs=()
for a in "$SRC"/samples/*.md; do
  n=$(basename "$a" .md)
  for ext in epub pdf; do
    o=$WORK/$n.$ext
    "$NB" "$a" --mirror "$SRC/samples/mirror" --offline --no-cache -q -o "$o" 2>"$o.err"
    check "$n.$ext converts" [ $? -eq 0 ] || { cat "$o.err"; continue; }
    "$NB" "$a" --mirror "$SRC/samples/mirror" --offline --no-cache -q -o "$WORK/again/$n.$ext" 2>/dev/null
    check "$n.$ext is byte-identical on a second run" cmp -s "$o" "$WORK/again/$n.$ext"
    outs+=("$a" "$o")
  done
done
sanitized && { finish; exit; }
epubcheck_batch "$WORK"/*.epub
for ((i = 0; i < ${#outs[@]}; i += 2)); do
  a=${outs[i]} o=${outs[i + 1]}
  n=$(basename "$a" .md)
  if have python3; then
    # fidelity.py's Markdown stripping keeps table pipes and rules in the
    # expected text, so a Markdown table costs ~8% there by construction.
    min=0.999; case "$n" in markdown-*) min=0.9;; esac
    check "$(basename "$o") fidelity" python3 "$SH/tools/fidelity.py" "$a" "$o" --min $min
  fi
  case $o in
  *.epub)
    check "$n.epub passes EPUBCheck" epubcheck_ok "$o"
    check "$n.epub zip layout (mimetype first and stored, no extra fields)" epub_layout_ok "$o"
    ;;
  *.pdf)
    have qpdf && check "$n.pdf qpdf --check" qpdf --check "$o" >/dev/null
    have pdfinfo && check "$n.pdf is tagged" sh -c "pdfinfo '$o' | grep -q 'Tagged: *yes'"
    if have python3 && ! python3 "$SH/tools/cjk_typography.py" "$o" --min-flush 0.98 >"$o.cjk"; then
      if known "$n.pdf: cjk"; then echo "known: $(tail -1 "$o.cjk")"; else fail "$n.pdf CJK typography: $(tail -1 "$o.cjk")"; fi
    fi
    ;;
  esac
done
finish
