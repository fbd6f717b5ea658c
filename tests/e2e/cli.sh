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

"$NB" "$A" --since notadate -o "$WORK/x.epub" >/dev/null 2>&1; check "bad --since exits 2" [ $? -eq 2 ]
"$NB" "$A" --metadata novalue -o "$WORK/x.epub" >/dev/null 2>&1; check "bad --metadata exits 2" [ $? -eq 2 ]
finish
