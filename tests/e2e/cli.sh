# The command line's contract: help, version, exit codes, refusals.
. "$(dirname "$0")/lib.sh" "$@"
A=$CORPUS/000-cls-gpu-seed.md

"$NB" --help >"$WORK/help" 2>&1; check "--help exits 0" [ $? -eq 0 ]
check "--help mentions --mirror" grep -q -- --mirror "$WORK/help"
"$NB" --version >"$WORK/ver" 2>&1; check "--version exits 0" [ $? -eq 0 ]
check "--version prints the version" grep -qE '^newsbook [0-9]' "$WORK/ver"
"$NB" >/dev/null 2>&1; check "no arguments is a usage error (2)" [ $? -eq 2 ]
"$NB" "$A" >/dev/null 2>&1; check "no -o is a usage error (2)" [ $? -eq 2 ]
"$NB" --no-such-option "$A" -o "$WORK/x.epub" >/dev/null 2>&1; check "unknown option exits 2" [ $? -eq 2 ]
"$NB" "$A" -o "$WORK/x.docx" >/dev/null 2>&1; check "unknown output format exits 2" [ $? -eq 2 ]
"$NB" "$A" --to docx -o "$WORK/x.epub" >/dev/null 2>&1; check "--to with a bad format exits 2" [ $? -eq 2 ]
"$NB" "$WORK/missing.md" -o "$WORK/x.epub" 2>"$WORK/err"; rc=$?
check "missing input exits 1" [ $rc -eq 1 ]
check "missing input message names the file" grep -q "missing.md" "$WORK/err"
check "no output after a failure" [ ! -e "$WORK/x.epub" ]

cp "$A" "$WORK/in.md"; sum=$(md5sum <"$WORK/in.md")
"$NB" "$WORK/in.md" --to epub -o "$WORK/in.md" 2>"$WORK/err"; rc=$?
check "output equal to input is refused (1)" [ $rc -eq 1 ]
check "the input is untouched" [ "$(md5sum <"$WORK/in.md")" = "$sum" ]
check "refusal says so" grep -q "also an input" "$WORK/err"

"$NB" "$A" --offline -o "$WORK/no/such/dir/x.epub" 2>"$WORK/err"; rc=$?
check "missing output directory exits 1" [ $rc -eq 1 ]
check "one-line message about the directory" [ "$(grep -c . "$WORK/err")" -ge 1 ]
check "message says what to do" grep -q "does not exist" "$WORK/err"

"$NB" --no-such-option "$A" -o "$WORK/x.epub" 2>"$WORK/err"
check "unknown option: one line in the house style" \
  grep -qx "newsbook: --no-such-option: unknown option — see 'newsbook --help'" "$WORK/err"
"$NB" "$A" -o 2>"$WORK/err"
check "missing value: one line naming the option" grep -qx "newsbook: -o: needs a value — see 'newsbook --help'" "$WORK/err"

# a book's default title is what it was chosen by; its author is not just
# the first article's when there are several
"$NB" "$CORPUS" --category 财联社 --offline -q -o "$WORK/cat.epub" 2>/dev/null
check "--category book is titled by the category" \
  sh -c "unzip -p '$WORK/cat.epub' OEBPS/content.opf | grep -q '<dc:title id=\"title\">财联社</dc:title>'"
mkdir -p "$WORK/周末"; cp "$CORPUS/000-cls-gpu-seed.md" "$CORPUS/026-bbc-musk-tesla.md" "$WORK/周末/"
"$NB" "$WORK/周末/" --offline -q -o "$WORK/dir.pdf" 2>/dev/null
check "a directory's book is titled by the directory" sh -c "pdfinfo '$WORK/dir.pdf' | grep -q '^Title: *周末$'"
check "several authors are summarised" sh -c "pdfinfo '$WORK/dir.pdf' | grep -q '^Author: *.*BBC'"

"$NB" "$A" --since notadate -o "$WORK/x.epub" >/dev/null 2>&1; check "bad --since exits 2" [ $? -eq 2 ]
"$NB" "$A" --metadata novalue -o "$WORK/x.epub" >/dev/null 2>&1; check "bad --metadata exits 2" [ $? -eq 2 ]
finish
