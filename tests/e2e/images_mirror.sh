# Images from the offline mirror, over every dev-corpus article (the EPUBs
# and reports e2e/corpus_convert made once): every mirror hit is embedded,
# every miss is one warning, the EPUB manifest holds exactly the distinct
# images, stored formats are what readers can show, the CMYK JPEG keeps
# ImageMagick's colours, and the caps work.
. "$(dirname "$0")/lib.sh" "$@"

"$NB" --help 2>&1 | grep -q -- --report || { echo "CLI without --report: skipped"; exit 77; }
have python3 && have unzip || { echo "no python3/unzip: skipped"; exit 77; }
need_corpus_outputs

for a in "$CORPUS"/*.md; do
  n=$(basename "$a" .md)
  ln -sf "$CORPUS_OUT/$n.epub" "$WORK/$n.epub"
  ln -sf "$CORPUS_OUT/$n.epub.json" "$WORK/$n.json"
  check "$n: exit 0" test "$(cat "$CORPUS_OUT/$n.epub.rc")" = 0
done
# One Python for every article; a line "NAME: problem" per problem.
python3 - "$MIRROR/INDEX.tsv" "$WORK" "$CORPUS"/*.md >"$WORK/accounted.txt" <<'EOF'
import json, os, sys, zipfile, re
index = {}
for line in open(sys.argv[1], encoding="utf-8").read().splitlines()[1:]:
    url, path, kind = line.split("\t")
    index[url] = path

def accounted(report, epub):
    r = json.load(open(report))
    imgs, warns = r["images"], r["warnings"]
    bad = []
    for i in imgs:
        u = i["url"]
        if u.startswith("//"):
            u = "https:" + u
        hit = index.get(u, "-") != "-"
        if hit and i["status"] != "ok":
            bad.append("mirror hit not embedded: %s (%s)" % (i["url"], i["reason"]))
        if not hit and u.startswith("http") and i["status"] == "ok":
            bad.append("embedded without a mirror hit: %s" % i["url"])
        if i["status"] == "ok" and i["media_type"] not in ("image/jpeg", "image/png", "image/gif", "image/svg+xml"):
            bad.append("stored as %s: %s" % (i["media_type"], i["url"]))
        nw = sum(1 for w in warns if w["kind"] == "image" and w["url"] == i["url"])
        if i["status"] != "ok" and nw != 1:
            bad.append("%d warnings for %s" % (nw, i["url"]))
    ids = {i["id"] for i in imgs if i["status"] == "ok"}
    z = zipfile.ZipFile(epub)
    opf = [x for x in z.namelist() if x.endswith(".opf")]
    if opf:
        text = z.read(opf[0]).decode("utf-8")
        items = re.findall(r'<item [^>]*media-type="image/[^"]*"[^>]*>', text)
        names = set()
        for it in items:
            m = re.search(r'href="([^"]*)"', it)
            if m:
                names.add(m.group(1).rsplit("/", 1)[-1].rsplit(".", 1)[0])
        # a generated cover may add one image of its own
        if not ids <= names or len(names - ids) > 1:
            bad.append("manifest images %d, distinct embedded %d" % (len(names), len(ids)))
    return bad

for article in sys.argv[3:]:
    n = os.path.basename(article)[:-3]
    try:
        bad = accounted(os.path.join(sys.argv[2], n + ".json"),
                        os.path.join(sys.argv[2], n + ".epub"))
    except Exception as e:
        bad = ["cannot read the report or the EPUB: %s" % e]
    for b in bad:
        print("%s: %s" % (n, b))
EOF
for a in "$CORPUS"/*.md; do
  n=$(basename "$a" .md)
  out=$(grep "^$n: " "$WORK/accounted.txt" | cut -d' ' -f2- | tr '\n' ';')
  check "$n: images accounted for${out:+: $out}" test -z "$out"
done

# The CMYK JPEG: stored as an RGB JPEG whose colours match ImageMagick's.
CMYK=https://img.cls.cn/images/20210322/g05e7HeIiA.jpg
if have convert && have identify && found=$(python3 - "$WORK" <<EOF
import json, glob, sys
for f in sorted(glob.glob(sys.argv[1] + "/*.json")):
    for i in json.load(open(f))["images"]:
        if i["url"] == "$CMYK" and i["status"] == "ok":
            print(f[:-5] + ".epub " + i["id"]); sys.exit(0)
sys.exit(1)
EOF
); then
  set -- $found
  unzip -p "$1" "*$2.jpg" > "$WORK/cmyk-stored.jpg"
  check "CMYK: stored as a 3-component JPEG" sh -c "identify -format '%[colorspace]' '$WORK/cmyk-stored.jpg' | grep -q sRGB"
  want=$(convert "$MIRROR/img.cls.cn/images/20210322/g05e7HeIiA.jpg" -colorspace sRGB -format '%[fx:mean.r*255] %[fx:mean.g*255] %[fx:mean.b*255]' info:)
  got=$(convert "$WORK/cmyk-stored.jpg" -format '%[fx:mean.r*255] %[fx:mean.g*255] %[fx:mean.b*255]' info:)
  check "CMYK: colours match ImageMagick ($got vs $want)" python3 -c "
import sys; a=[float(x) for x in '$want'.split()]; b=[float(x) for x in '$got'.split()]
sys.exit(0 if max(abs(x-y) for x,y in zip(a,b)) < 3 else 1)"
fi

# Caps: pixels, width, WebP kept.
A=$CORPUS/016-osc-luantan-many-images.md
"$NB" "$A" --mirror "$MIRROR" --offline --no-cache -q --max-image-pixels 10000000 \
  -o "$WORK/cap.epub" --report "$WORK/cap.json" 2>/dev/null
check "pixel cap: exit 0" test $? -eq 0
check "pixel cap: the 6000x4000 JPEG is refused" python3 -c "
import json,sys; r=json.load(open('$WORK/cap.json'))
x=[i for i in r['images'] if 'up-8115965e54f6cfa2b1c2e917a93afff1fae' in i['url']]
sys.exit(0 if x and x[0]['status']=='too-large' and any(w['url']==x[0]['url'] for w in r['warnings']) else 1)"
"$NB" "$A" --mirror "$MIRROR" --offline --no-cache -q --max-image-width 800 \
  -o "$WORK/w800.epub" --report "$WORK/w800.json" 2>/dev/null
check "max width: nothing wider than 800" python3 -c "
import json,sys; r=json.load(open('$WORK/w800.json'))
ok=[i for i in r['images'] if i['status']=='ok']
sys.exit(0 if ok and all(i['width']<=800 for i in ok) else 1)"
check "max width: the EPUB validates" epubcheck_ok "$WORK/w800.epub"
"$NB" "$CORPUS/011-juejin-lint-rules.md" --mirror "$MIRROR" --offline --no-cache -q --webp keep \
  -o "$WORK/keep.epub" --report "$WORK/keep.json" 2>/dev/null
check "webp keep: WebP stored as WebP" python3 -c "
import json,sys; r=json.load(open('$WORK/keep.json'))
sys.exit(0 if any(i['media_type']=='image/webp' for i in r['images']) else 1)"

finish
