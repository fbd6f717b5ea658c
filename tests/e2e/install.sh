# `cmake --install` puts the CLI, library, headers, pkg-config file, styles
# and man page in place, and a program can build against the library.
. "$(dirname "$0")/lib.sh" "$@"
B=$(dirname "$NB")
P=$WORK/prefix
cmake --install "$B" --prefix "$P" >"$WORK/install.log" 2>&1
check "cmake --install succeeds" [ $? -eq 0 ] || cat "$WORK/install.log"
check "CLI installed" [ -x "$P/bin/newsbook" ]
check "library installed" sh -c "ls '$P'/lib*/libnewsbook.* >/dev/null 2>&1"
check "umbrella header installed" [ -f "$P/include/newsbook/newsbook.h" ]
check "pkg-config file installed" sh -c "ls '$P'/lib*/pkgconfig/newsbook.pc >/dev/null 2>&1"
check "default style installed" [ -f "$P/share/newsbook/styles/default.css" ]
check "man page installed" [ -f "$P/share/man/man1/newsbook.1" ]
# A sanitized library needs the sanitizer runtime at link time: the compile
# check belongs to the plain build.
if have cc && have pkg-config && ! sanitized; then
  cat >"$WORK/prog.c" <<'C'
#include <newsbook/newsbook.h>
#include <stdio.h>
int main(void) {
  nb_doc *d = nb_doc_new();
  printf("%s %d\n", nb_version(), d != NULL);
  nb_doc_free(d);
  return 0;
}
C
  pc=$(ls -d "$P"/lib*/pkgconfig | head -1)
  PKG_CONFIG_PATH=$pc cc -std=c11 "$WORK/prog.c" -o "$WORK/prog" $(PKG_CONFIG_PATH=$pc pkg-config --cflags --libs newsbook) >"$WORK/cc.log" 2>&1
  check "a program compiles against the installed library" [ $? -eq 0 ] || head -20 "$WORK/cc.log"
  [ -x "$WORK/prog" ] && check "and runs" sh -c "'$WORK/prog' | grep -q '^0\.1\.0 1$'"
fi
if have man; then
  check "man page renders" sh -c "MANWIDTH=80 man -l '$P/share/man/man1/newsbook.1' 2>/dev/null | grep -q SYNOPSIS"
fi
finish
