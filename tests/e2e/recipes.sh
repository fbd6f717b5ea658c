# `newsbook build RECIPE.yaml`: bad recipes are refused with the file and
# line; the two sample recipes build valid books with the articles their
# selection names.
. "$(dirname "$0")/lib.sh" "$@"
R=$SRC/samples/recipes

# ## Refusals (need no working pipeline)
bad() { # NAME EXPECTED-LINE-PATTERN YAML
  printf '%s' "$3" >"$WORK/$1.yaml"
  "$NB" build "$WORK/$1.yaml" >/dev/null 2>"$WORK/$1.err"; local rc=$?
  check "$1: exit 2" [ $rc -eq 2 ]
  check "$1: names the recipe and line" grep -qE "$1\.yaml$2: " "$WORK/$1.err"
  check "$1: says what to do" grep -q "—" "$WORK/$1.err"
}
bad syntax ':2' $'title: x\n  bad: [\ninputs: a\n'
bad not-a-map ':1' $'- a\n- b\n'
bad limit ':2' $'inputs: a\nlimit: many\noutputs: [b.epub]\n'
bad since ':2' $'inputs: a\nsince: 2021-13-45\noutputs: [b.epub]\n'
bad order ':2' $'inputs: a\norder: random\noutputs: [b.epub]\n'
bad format ':3' $'inputs: a\noutputs:\n  - book.mobi\n'
bad no-inputs '' $'title: x\noutputs: [b.epub]\n'
printf 'title: x\nfrobnicate: 1\ninputs: [a]\n' >"$WORK/unknown.yaml"
"$NB" build "$WORK/unknown.yaml" >/dev/null 2>"$WORK/unknown.err"
check "unknown key is a warning with its line" grep -q "warning: .*unknown.yaml:2: unknown key 'frobnicate'" "$WORK/unknown.err"
"$NB" build "$WORK/missing.yaml" >/dev/null 2>"$WORK/missing.err"
check "missing recipe exits 2" [ $? -eq 2 ]
"$NB" build >/dev/null 2>&1
check "no recipe exits 2" [ $? -eq 2 ]
"$NB" build --help >"$WORK/help" 2>&1
check "build --help exits 0" [ $? -eq 0 ]

# ## The samples (need the pipeline: skip while the reader is a stub)
"$NB" "$CORPUS/000-cls-gpu-seed.md" --offline -q -o "$WORK/probe.epub" 2>"$WORK/probe.err"
if grep -q "not implemented" "$WORK/probe.err"; then
  echo "the pipeline cannot convert yet: $(head -1 "$WORK/probe.err")"
  [ "$fails" -eq 0 ] || { finish; exit 1; }
  echo "$passes passed (recipe parsing); samples skipped"
  exit 77
fi

# How many articles a recipe's selection names: category at any level or
# as a path, day bounds inclusive (UTC days), duplicates by title and date.
expected() { # CATEGORY SINCE UNTIL
  python3 - "$CORPUS" "$@" <<'EOF'
import glob, os, sys, yaml, email.utils, datetime
corpus, cat, since, until = sys.argv[1:5]
seen, n = set(), 0
for f in sorted(glob.glob(os.path.join(corpus, "*.md"))):
    fm = open(f, encoding="utf-8").read().lstrip().split("---")[1]
    try:
        m = yaml.safe_load(fm) or {}
    except yaml.YAMLError:  # hostile front matter: read it line by line
        m, key = {}, None
        for line in fm.splitlines():
            if line[:1] not in (" ", "\t", "-") and ":" in line:
                key, v = line.split(":", 1)
                m[key] = v.strip().strip("\x27\"") or []
            elif key == "categories" and line.strip().startswith("-"):
                m[key].append(line.strip()[1:].strip())
    cats = [str(c) for c in (m.get("categories") or [])]
    path = cat.split("/")
    if not any(cats[i:i + len(path)] == path for i in range(len(cats))):
        continue
    d = str(m.get("date") or "")
    try:
        day = email.utils.parsedate_to_datetime(d).astimezone(datetime.timezone.utc).date().isoformat()
    except Exception:
        day = d[:10]
    if not (since <= day <= until):
        continue
    key = (str(m.get("title")), d)
    if key in seen:
        continue
    seen.add(key)
    n += 1
print(n)
EOF
}
# Leaves of the EPUB nav's toc tree: one per article.
nav_entries() {
  unzip -p "$1" '*nav.xhtml' | python3 -c '
import sys, xml.etree.ElementTree as ET
X = "{http://www.w3.org/1999/xhtml}"
root = ET.fromstring(sys.stdin.read())
for nav in root.iter(X + "nav"):
    if nav.get("{http://www.idpf.org/2007/ops}type") == "toc":
        print(sum(1 for li in nav.iter(X + "li") if li.find(X + "ol") is None))
        break'
}

for name in daily-cls weekly-tech; do
  "$NB" build -q "$R/$name.yaml" --output-dir "$WORK" 2>"$WORK/$name.err"; rc=$?
  check "$name builds (exit $rc)" [ $rc -eq 0 ] || tail -3 "$WORK/$name.err"
  check "$name wrote its EPUB" [ -s "$WORK/$name.epub" ]
  check "$name wrote its PDF" [ -s "$WORK/$name.pdf" ]
  check "$name left nothing beside the recipe" [ ! -e "$R/$name.epub" ]
done
sanitized || epubcheck_batch "$WORK"/daily-cls.epub "$WORK"/weekly-tech.epub
n_daily=$(expected 金融/财联社 2021-03-22 2021-03-22)
n_weekly=$(expected 编程 2021-03-16 2021-03-22)
check "the daily selection is not empty" [ "$n_daily" -gt 0 ]
for pair in "daily-cls:$n_daily" "weekly-tech:$n_weekly"; do
  name=${pair%%:*}; want=${pair#*:}
  [ -s "$WORK/$name.epub" ] || continue
  got=$(nav_entries "$WORK/$name.epub")
  check "$name: $got nav entries, $want articles selected" [ "$got" = "$want" ]
  sanitized || check "$name passes EPUBCheck" epubcheck_ok "$WORK/$name.epub"
  check "$name has a cover image (generated: nb_book_generate_cover in the pipeline)" sh -c "unzip -p '$WORK/$name.epub' '*.opf' | grep -q 'cover-image'"
  check "$name has the recipe's title" sh -c "unzip -p '$WORK/$name.epub' '*.opf' | grep -q '$(sed -n 's/^title: //p' "$R/$name.yaml")'"
done
if have pdfinfo; then
  for name in daily-cls weekly-tech; do
    [ -s "$WORK/$name.pdf" ] || continue
    pages=$(pdfinfo "$WORK/$name.pdf" 2>/dev/null | awk '/^Pages:/{print $2}')
    check "$name PDF has pages (${pages:-0})" [ "${pages:-0}" -gt 0 ]
  done
  size=$(pdfinfo "$WORK/weekly-tech.pdf" 2>/dev/null | awk -F': *' '/^Page size:/{print $2}')
  check "weekly-tech PDF is B5 ($size)" sh -c "echo '$size' | grep -qE '^(498|499)(\.[0-9]+)? x (708|709)'"
fi

# Days relative to "now" (SOURCE_DATE_EPOCH: 2021-03-23 00:00 UTC), and
# paths relative to the recipe's own directory.
mkdir -p "$WORK/rel/sub"
ln -s "$CORPUS" "$WORK/rel/articles"
printf 'inputs: [../articles]\ncategory: 财联社\nsince: -1d\nuntil: today\nmirror: %s\noffline: yes\noutputs: [out.epub]\n' \
  "$MIRROR" >"$WORK/rel/sub/r.yaml"
(cd / && SOURCE_DATE_EPOCH=1616457600 "$NB" build -q "$WORK/rel/sub/r.yaml" 2>"$WORK/rel.err")
check "relative recipe builds beside itself" [ -s "$WORK/rel/sub/out.epub" ] || tail -3 "$WORK/rel.err"
[ -s "$WORK/rel/sub/out.epub" ] && { got=$(nav_entries "$WORK/rel/sub/out.epub")
  check "since: -1d / until: today select that day ($got of $n_daily)" [ "$got" = "$n_daily" ]; }

# -o replaces the recipe's outputs.
"$NB" build -q "$R/daily-cls.yaml" -o "$WORK/only.epub" 2>/dev/null
check "-o replaces the outputs" sh -c "[ -s '$WORK/only.epub' ] && [ ! -e '$WORK/only.pdf' ]"
# Same recipe, same bytes.
"$NB" build -q "$R/daily-cls.yaml" -o "$WORK/again.epub" 2>/dev/null
check "same recipe, same EPUB bytes" cmp -s "$WORK/only.epub" "$WORK/again.epub"
finish
