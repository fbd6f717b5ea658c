# Every dev-corpus article converted alone, once, to EPUB and to PDF (with
# --report), for the tests that check those outputs: e2e/corpus (the
# acceptance checks), e2e/images_mirror, e2e/pdf_check, e2e/kinsoku_code.
# A CTest fixture (tests/CMakeLists.txt): it records, the tests judge.
# Per output NAME.EXT: the file, NAME.EXT.json (the report), NAME.EXT.err
# (stderr) and NAME.EXT.rc (exit status); "done" when all are made.
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS"; exit 77; }
convert() { # ARTICLE EXT
  local n
  n=$(basename "$1" .md)
  guarded 300 "$NB" "$1" --mirror "$MIRROR" --offline --no-cache -q \
    --report "$WORK/$n.$2.json" -o "$WORK/$n.$2" 2>"$WORK/$n.$2.err"
  echo $? >"$WORK/$n.$2.rc"
}
for a in "$CORPUS"/*.md; do
  for ext in epub pdf; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
    convert "$a" "$ext" &
  done
done
wait
n=$(ls "$WORK"/*.rc | wc -l)
echo "$n conversions: $(cat "$WORK"/*.rc | grep -cx 0) exited 0"
touch "$WORK/done"
