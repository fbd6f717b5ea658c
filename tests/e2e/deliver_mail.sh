# Sending by e-mail through the command line (#14), to a loopback SMTP
# server the test starts (tests/tools/smtpserver.py, AUTH required):
#   - the message arrives; the attachment's bytes are the book's; its file
#     name is ASCII; the summary line says to whom it went;
#   - the password (from the environment, or an owner-only credentials
#     file) appears in no output, no log, no report, no message; a
#     credentials file others can read, a user in the URL and a password
#     key in a recipe are refused before any work;
#   - a final refusal (550) is exit 1 with the server's reply, the book
#     stays on disk and the state records nothing;
#   - a book of about 60 MB (six articles with 10 MB pictures that do not
#     compress) arrives as two messages of at most 50 MB, each a volume
#     whose bytes are the file on disk.
. "$(dirname "$0")/lib.sh" "$@"
case "${LSAN_OPTIONS:-}" in
*suppressions=*) ;;
*) export LSAN_OPTIONS="suppressions=$SRC/tests/hostile/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}" ;;
esac
have python3 && have sqlite3 || { echo "no python3/sqlite3: skipped"; exit 77; }
SMTP=$SRC/tests/tools/smtpserver.py
PASS='Pa55-w0rd-7f3c9e'
export NEWSBOOK_TEST_SMTP_USER=me@example.com NEWSBOOK_TEST_SMTP_PASSWORD=$PASS
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null' EXIT
start_smtp() { # DIR [ARGS...]: a server saving into DIR; sets SMTP_URL
  local dir=$1; shift
  mkdir -p "$dir"
  python3 "$SMTP" "$dir" "$dir/port" --lifetime 1800 "$@" &
  PIDS+=($!)
  for _ in $(seq 1 300); do [ -s "$dir/port" ] && break; sleep 0.1; done
  [ -s "$dir/port" ] || { echo "FAIL: the SMTP server did not start"; exit 1; }
  SMTP_URL=smtp://127.0.0.1:$(cat "$dir/port")
}
inspect() { python3 "$SMTP" --inspect "$1"; }
sha() { sha256sum "$1" | cut -d' ' -f1; }
ARTICLE=$SRC/samples/cls-gpu.md
SMIRROR=$SRC/samples/mirror

# 1. One book, password from the environment.
start_smtp "$WORK/s1"
NEWSBOOK_SMTP_USER=me@example.com NEWSBOOK_SMTP_PASSWORD=$PASS \
  guarded 600 "$NB" "$ARTICLE" --mirror "$SMIRROR" --offline --no-cache \
  --send-to kindle@example.com --smtp "$SMTP_URL" --mail-from me@example.com \
  --report "$WORK/one.json" -o "$WORK/one.epub" >"$WORK/one.out" 2>"$WORK/one.err"
rc=$?
check "mailed: exit 0 ($(tail -1 "$WORK/one.err"))" [ $rc -eq 0 ]
check "the summary line says to whom" grep -q "sent to kindle@example.com" "$WORK/one.err"
check "one message arrived" [ -f "$WORK/s1/msg-1.eml" -a ! -e "$WORK/s1/msg-2.eml" ]
inspect "$WORK/s1/msg-1.eml" >"$WORK/one.msg"
check "the attachment's bytes are the book's" grep -qx "sha256=$(sha "$WORK/one.epub")" "$WORK/one.msg"
name=$(sed -n 's/^filename=//p' "$WORK/one.msg")
check "its file name is ASCII ($name)" grep -qxE '[a-z0-9.-]+\.epub' <<<"$name"
check "the headers are ASCII" grep -qx "header_ascii=1" "$WORK/one.msg"
check "to the recipient" grep -q "^to=.*kindle@example.com" "$WORK/one.msg"
check "an AUTH took place (the server requires it)" grep -q "AUTH" "$WORK/s1/log"

# 2. The credentials file: refused when others can read it, used at 600.
printf 'machine 127.0.0.1 login me@example.com password %s\n' "$PASS" >"$WORK/creds"
chmod 644 "$WORK/creds"
start_smtp "$WORK/s2"
guarded 600 "$NB" "$ARTICLE" --mirror "$SMIRROR" --offline --no-cache \
  --send-to kindle@example.com --smtp "$SMTP_URL" --smtp-credentials "$WORK/creds" \
  -o "$WORK/creds644.epub" >"$WORK/creds644.out" 2>"$WORK/creds644.err"
rc=$?
check "a credentials file others can read is a usage error ($(cat "$WORK/creds644.err"))" [ $rc -eq 2 ]
check "refused before any work" [ ! -e "$WORK/creds644.epub" ]
chmod 600 "$WORK/creds"
guarded 600 "$NB" "$ARTICLE" --mirror "$SMIRROR" --offline --no-cache \
  --send-to kindle@example.com --smtp "$SMTP_URL" --smtp-credentials "$WORK/creds" \
  -o "$WORK/creds600.epub" >"$WORK/creds600.out" 2>"$WORK/creds600.err"
rc=$?
check "with chmod 600 it is used (exit $rc)" [ -f "$WORK/s2/msg-1.eml" ]
"$NB" "$ARTICLE" --send-to kindle@example.com --smtp "smtp://me:$PASS@127.0.0.1:1" \
  -o "$WORK/url.epub" >"$WORK/url.out" 2>"$WORK/url.err"
rc=$?
check "a password in the URL is a usage error ($(cat "$WORK/url.err"))" [ $rc -eq 2 -a ! -e "$WORK/url.epub" ]
printf 'inputs: [%s]\nsmtp_password: x\noutputs: [r.epub]\n' "$ARTICLE" >"$WORK/pw.yaml"
"$NB" build "$WORK/pw.yaml" >"$WORK/pw.out" 2>"$WORK/pw.err"
rc=$?
check "a password key in a recipe is a usage error" [ $rc -eq 2 ]
check "that says why ($(cat "$WORK/pw.err"))" grep -q "never goes in a recipe" "$WORK/pw.err"

# 3. A final refusal: exit 1 with the server's reply, the book kept,
#    nothing recorded.
start_smtp "$WORK/s3" --mode 550
NEWSBOOK_SMTP_USER=me@example.com NEWSBOOK_SMTP_PASSWORD=$PASS \
  guarded 600 "$NB" "$ARTICLE" --mirror "$SMIRROR" --offline --no-cache \
  --state "$WORK/state.db" --send-to nobody@example.com --smtp "$SMTP_URL" \
  --mail-from me@example.com -o "$WORK/refused.epub" >"$WORK/refused.out" 2>"$WORK/refused.err"
rc=$?
check "a refused message is exit 1" [ $rc -eq 1 ]
check "with the server's reply ($(tail -1 "$WORK/refused.err"))" grep -q "550" "$WORK/refused.err"
check "the book stays on disk" [ -s "$WORK/refused.epub" ]
check "the state records nothing" [ "$(sqlite3 "$WORK/state.db" 'SELECT count(*) FROM book')" = 0 ]

# 3b. A transient refusal (451) is retried, with a warning, and the book
#     arrives; --smtp-require-tls refuses a server without STARTTLS.
start_smtp "$WORK/s5" --mode 451 --fail 1
NEWSBOOK_SMTP_USER=me@example.com NEWSBOOK_SMTP_PASSWORD=$PASS \
  guarded 600 "$NB" "$ARTICLE" --mirror "$SMIRROR" --offline --no-cache \
  --send-to kindle@example.com --smtp "$SMTP_URL" --mail-from me@example.com \
  -o "$WORK/retry.epub" >"$WORK/retry.out" 2>"$WORK/retry.err"
rc=$?
check "a 451 is retried and the run succeeds (exit $rc)" [ $rc -eq 0 -a -f "$WORK/s5/msg-1.eml" ]
check "the retry is reported ($(grep -m1 warning "$WORK/retry.err"))" grep -q "warning" "$WORK/retry.err"
start_smtp "$WORK/s6"
NEWSBOOK_SMTP_USER=me@example.com NEWSBOOK_SMTP_PASSWORD=$PASS \
  guarded 600 "$NB" "$ARTICLE" --mirror "$SMIRROR" --offline --no-cache \
  --send-to kindle@example.com --smtp "$SMTP_URL" --mail-from me@example.com \
  --smtp-require-tls -o "$WORK/notls.epub" >"$WORK/notls.out" 2>"$WORK/notls.err"
rc=$?
check "--smtp-require-tls refuses a server without STARTTLS ($(tail -1 "$WORK/notls.err"))" [ $rc -eq 1 -a ! -e "$WORK/s6/msg-1.eml" ]

# 4. About 60 MB: two volumes, two messages of at most 50 MB.
BIG=$WORK/big; mkdir -p "$BIG"
python3 - "$BIG" <<'PY'
import os, struct, sys, zlib
d = sys.argv[1]
def png(path, w, h):
    raw = b"".join(b"\0" + os.urandom(w * 3) for _ in range(h))
    def chunk(t, b): return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
for i in range(1, 7):
    png(os.path.join(d, "p%d.png" % i), 1820, 1820)
    open(os.path.join(d, "a%d.md" % i), "w").write(
        "---\ntitle: 第 %d 篇\ndate: 2022-08-%02d\n---\n\n第 %d 篇的正文。\n\n![图 %d](p%d.png)\n" % (i, i, i, i, i))
PY
start_smtp "$WORK/s4" --max-size 50000000
NEWSBOOK_SMTP_USER=me@example.com NEWSBOOK_SMTP_PASSWORD=$PASS \
  guarded 1200 "$NB" "$BIG"/a*.md --no-cache --offline --title "大书" \
  --send-to kindle@example.com --smtp "$SMTP_URL" --mail-from me@example.com \
  -o "$WORK/big.epub" >"$WORK/big.out" 2>"$WORK/big.err"
rc=$?
check "the 60 MB book is sent (exit $rc: $(tail -1 "$WORK/big.err"))" grep -q "in 2 volumes" "$WORK/big.err"
total=0
for v in 1 2; do [ -f "$WORK/big-${v}of2.epub" ] && total=$((total + $(stat -c %s "$WORK/big-${v}of2.epub"))); done
echo "volumes: $(stat -c %s "$WORK"/big-*of2.epub 2>/dev/null | tr '\n' ' ')(together $total bytes)"
check "the book is about 60 MB in all ($total)" [ "$total" -gt 55000000 ]
check "two messages arrived" [ -f "$WORK/s4/msg-2.eml" -a ! -e "$WORK/s4/msg-3.eml" ]
for v in 1 2; do
  m=$WORK/s4/msg-$v.eml
  [ -f "$m" ] || continue
  inspect "$m" >"$m.txt"
  size=$(stat -c %s "$m")
  check "message $v is at most 50 MB ($size)" [ "$size" -le 50000000 ]
  f=$(sed -n 's/^filename=//p' "$m.txt")
  check "message $v carries a volume ($f)" grep -qxE '[a-z0-9.-]+-[12]of2\.epub' <<<"$f"
  vol=${f##*-}; vol=${vol%%of2.epub}
  check "its bytes are volume $vol on disk" grep -qx "sha256=$(sha "$WORK/big-${vol}of2.epub")" "$m.txt"
done
rm -rf "$BIG"

# 5. The password nowhere: outputs, logs, reports, messages (plain or
#    base64).
B64=$(printf '%s' "$PASS" | base64)
leaks=$(grep -rlaF -e "$PASS" -e "$B64" "$WORK" 2>/dev/null | grep -v '/creds$')
check "no password in any output, log or message (${leaks:-none})" [ -z "$leaks" ]
for f in "$WORK"/*.err; do sanitizer_report "$f" && fail "sanitizer report in $f"; done
finish
