# `cmake --install` puts the CLI, the libraries, headers, pkg-config file,
# styles, man page and the example in place; the example (examples/convert.c,
# the whole conversion through the public API) builds against the installed
# library with `cc $(pkg-config --cflags --libs newsbook)`, runs, and writes
# an EPUB that EPUBCheck accepts; it also links the static library with
# `pkg-config --static`.
. "$(dirname "$0")/lib.sh" "$@"
B=$(dirname "$NB")
P=$WORK/prefix
cmake --install "$B" --prefix "$P" >"$WORK/install.log" 2>&1
check "cmake --install succeeds" [ $? -eq 0 ] || cat "$WORK/install.log"
check "CLI installed" [ -x "$P/bin/newsbook" ]
check "static library installed" sh -c "ls '$P'/lib*/libnewsbook.a >/dev/null 2>&1"
check "umbrella header installed" [ -f "$P/include/newsbook/newsbook.h" ]
check "pipeline header installed" [ -f "$P/include/newsbook/convert.h" ]
check "pkg-config file installed" sh -c "ls '$P'/lib*/pkgconfig/newsbook.pc >/dev/null 2>&1"
check "default style installed" [ -f "$P/share/newsbook/styles/default.css" ]
check "man page installed" [ -f "$P/share/man/man1/newsbook.1" ]
check "example installed" [ -f "$P/share/doc/newsbook/examples/convert.c" ]
if have man; then
  check "man page renders" sh -c "MANWIDTH=80 man -l '$P/share/man/man1/newsbook.1' 2>/dev/null | grep -q SYNOPSIS"
fi
# A sanitized library needs the sanitizer runtime at link time (and is
# built without the shared library): the compile checks belong to the
# plain build.
if ! have cc || ! have pkg-config || sanitized; then finish; exit; fi

lib=$(ls -d "$P"/lib* | head -1)
export PKG_CONFIG_PATH=$lib/pkgconfig
check "shared library installed" [ -f "$lib/libnewsbook.so" ]
if have nm && [ -f "$lib/libnewsbook.so" ]; then
  # only the public API: every exported function is nb_*
  stray=$(nm -D --defined-only "$lib/libnewsbook.so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | grep -v '^nb_' | head -3)
  check "the shared library exports only nb_* symbols${stray:+ (also: $stray)}" [ -z "$stray" ]
fi
ex=$P/share/doc/newsbook/examples/convert.c
art=$SRC/samples/cls-gpu.md

# The README's way: shared library, plain --libs.
cc -std=c11 -Wall -Wextra -pedantic -Werror "$ex" -o "$WORK/convert" \
  $(pkg-config --cflags --libs newsbook) >"$WORK/cc.log" 2>&1
check "the example compiles with pkg-config --cflags --libs newsbook" [ $? -eq 0 ] || head -20 "$WORK/cc.log"
if [ -x "$WORK/convert" ]; then
  LD_LIBRARY_PATH=$lib "$WORK/convert" "$art" "$WORK/example.epub" >"$WORK/run.out" 2>"$WORK/run.err"
  check "the example runs (exit 0)" [ $? -eq 0 ] || cat "$WORK/run.err"
  check "the example says what it wrote" grep -q "example.epub: .*1 article" "$WORK/run.out"
  check "the example wrote an EPUB" [ -s "$WORK/example.epub" ]
  if [ -s "$WORK/example.epub" ]; then
    check "the example's EPUB passes EPUBCheck" epubcheck_ok "$WORK/example.epub"
    have python3 && check "the example's EPUB holds the article" \
      python3 "$SH/tools/fidelity.py" "$art" "$WORK/example.epub"
  fi
  LD_LIBRARY_PATH=$lib "$WORK/convert" "$WORK/missing.md" "$WORK/x.epub" >/dev/null 2>"$WORK/fail.err"
  check "the example fails cleanly on a missing input (exit 1)" [ $? -eq 1 ]
  check "and says why" grep -q "missing.md: cannot read input" "$WORK/fail.err"
fi

# The static library with the dependencies the .pc file declares private
# (Requires.private, Libs.private), linked as the system has them (shared:
# `pkg-config --static` would also want the static archives of libcurl's
# own dependencies, which Debian's -dev packages do not bring).
req=$(pkg-config --print-requires-private newsbook | awk '{print $1}')
priv=$(sed -n 's/^Libs.private: *//p' "$PKG_CONFIG_PATH/newsbook.pc")
cc -std=c11 "$ex" -o "$WORK/convert-static" $(pkg-config --cflags newsbook) \
  "$lib/libnewsbook.a" $(pkg-config --libs $req) $priv >"$WORK/cc-static.log" 2>&1
check "the example links the static library with the .pc's private dependencies" [ $? -eq 0 ] || head -20 "$WORK/cc-static.log"
if [ -x "$WORK/convert-static" ]; then
  env -u LD_LIBRARY_PATH "$WORK/convert-static" "$art" "$WORK/static.epub" >/dev/null 2>&1
  check "the statically linked example writes the same EPUB" cmp -s "$WORK/static.epub" "$WORK/example.epub"
fi
finish
