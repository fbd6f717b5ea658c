# Images over HTTP against a loopback server (tests/tools/imgserver.py):
# every mirrored image of real articles arrives with --allow-private, the
# same URLs are refused without it, and redirects to file://, slow servers,
# oversized bodies and lying Content-Types each end as a warning with exit 0.
# The slow handler stalls for STALL seconds against a --timeout of 3: the
# run ends long before the stall would, however busy the machine.
. "$(dirname "$0")/lib.sh" "$@"

"$NB" --help 2>&1 | grep -q -- --allow-private || { echo "CLI without --allow-private: skipped"; exit 77; }
have python3 || { echo "no python3: skipped"; exit 77; }
STALL=300
start_imgserver 3600 $STALL

# report FILE.json EXPR: evaluate a Python expression over the report
report() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
imgs, warns = r["images"], r["warnings"]
ok = [i for i in imgs if i["status"] == "ok"]
def status(sub):
    return [i["status"] for i in imgs if sub in i["url"]]
def reason(sub):
    return " ".join((i["reason"] or "") for i in imgs if sub in i["url"])
def status_end(suffix):
    return [i["status"] for i in imgs if i["url"].endswith(suffix)]
def warned(url):
    return sum(1 for w in warns if w["kind"] == "image" and w["url"] == url)
v = eval(sys.argv[2])
if not v:
    print("  report check failed:", sys.argv[2])
    for i in imgs:
        print("   ", i["status"], i["origin"], i["url"][:100], i["reason"])
sys.exit(0 if v else 1)
EOF
}

# 1. Real articles, image URLs pointed at the server.
for art in 011-juejin-lint-rules 016-osc-luantan-many-images 025-meituan-flutterweb; do
  src=$CORPUS/$art.md
  loc=$WORK/$art.md
  sed -E "s#https?://([A-Za-z0-9.-]+\\.[a-z]{2,})/#$BASE/\\1/#g" "$src" > "$loc"
  "$NB" "$src" --mirror "$MIRROR" --offline --no-cache -q -o "$WORK/$art.mirror.epub" \
    --report "$WORK/$art.mirror.json"
  check "$art: mirror run" test -s "$WORK/$art.mirror.epub"
  want=$(python3 -c 'import json,sys; print(sum(1 for i in json.load(open(sys.argv[1]))["images"] if i["status"]=="ok"))' "$WORK/$art.mirror.json")

  "$NB" "$loc" --allow-private --no-cache -q -o "$WORK/$art.epub" --report "$WORK/$art.json" 2>"$WORK/$art.err"
  check "$art: exit 0 with --allow-private" test $? -eq 0
  check "$art: every mirrored image arrives ($want)" report "$WORK/$art.json" "len(ok) == $want and $want > 0 and all(i['origin'] == 'network' for i in ok)"
  check "$art: misses are warned once each" report "$WORK/$art.json" "all(warned(i['url']) == 1 for i in imgs if i['status'] != 'ok')"

  "$NB" "$loc" --no-cache -o "$WORK/$art.priv.epub" --report "$WORK/$art.priv.json" 2>"$WORK/$art.priv.err"
  check "$art: exit 0 without --allow-private" test $? -eq 0
  check "$art: loopback refused without --allow-private" report "$WORK/$art.priv.json" "len(imgs) > 0 and all(i['status'] == 'refused' and 'private' in i['reason'] for i in imgs)"
  check "$art: one warning per refused URL" report "$WORK/$art.priv.json" "all(warned(i['url']) == 1 for i in imgs)"
  check "$art: warnings on stderr name the URL" grep -q "$BASE/" "$WORK/$art.priv.err"
done

# 1b. The three articles as one book, resolved by several threads at once.
"$NB" "$WORK/011-juejin-lint-rules.md" "$WORK/016-osc-luantan-many-images.md" \
  "$WORK/025-meituan-flutterweb.md" -j 3 --allow-private --no-cache -q --cover none \
  -o "$WORK/all.epub" --report "$WORK/all.json"
check "book: exit 0 with -j 3" test $? -eq 0
want=$(python3 -c 'import json,sys; print(len({i["url"] for f in sys.argv[1:] for i in json.load(open(f))["images"] if i["status"]=="ok"}))' \
  "$WORK"/011-juejin-lint-rules.json "$WORK"/016-osc-luantan-many-images.json "$WORK"/025-meituan-flutterweb.json)
check "book: every image arrives with -j 3 ($want)" report "$WORK/all.json" "len(ok) == $want"
check "book: one warning per failing URL" report "$WORK/all.json" "all(warned(i['url']) == 1 for i in imgs if i['status'] != 'ok')"

# 2. The cache: a networked run fills it, an offline run reads it.
art=011-juejin-lint-rules
"$NB" "$WORK/$art.md" --allow-private --cache "$WORK/c" -q -o "$WORK/c1.epub" --report "$WORK/c1.json"
"$NB" "$WORK/$art.md" --offline --cache "$WORK/c" -q -o "$WORK/c2.epub" --report "$WORK/c2.json"
check "cache: an offline run finds what a networked run fetched" report "$WORK/c2.json" "len(ok) > 0 and all(i['origin'] == 'cache' for i in ok)"
check "cache: same images as the networked run" test "$(python3 -c 'import json,sys; print(sorted(i["id"] or "" for i in json.load(open(sys.argv[1]))["images"]))' "$WORK/c1.json")" = "$(python3 -c 'import json,sys; print(sorted(i["id"] or "" for i in json.load(open(sys.argv[1]))["images"]))' "$WORK/c2.json")"

# 3. Hostile handlers.
J=img.cls.cn/images/20210322/SG4G7dd5ie.jpg
cat > "$WORK/hostile.md" <<EOF
---
title: 图片测试
date: 2022-08-10
source: $BASE/article.html
---

<p>重定向三次：<img src="$BASE/redirect/3/$J" alt="redirect3"></p>
<p>重定向七次：<img src="$BASE/redirect/7/$J" alt="redirect7"></p>
<p>重定向到文件：<img src="$BASE/to-file" alt="tofile"></p>
<p>很慢：<img src="$BASE/slow/$J" alt="slow"></p>
<p>太大：<img src="$BASE/big" alt="big"></p>
<p>声称太大：<img src="$BASE/big-cl" alt="bigcl"></p>
<p>类型错误：<img src="$BASE/wrongtype/$J" alt="wrongtype"></p>
<p>网页：<img src="$BASE/html" alt="html"></p>
<p>不存在：<img src="$BASE/nowhere/x.png" alt="404"></p>
<p>本地文件：<img src="file:///etc/passwd" alt="file"></p>
<p>逃逸：<img src="../../../../../../etc/passwd" alt="escape"></p>
EOF
start=$(date +%s)
"$NB" "$WORK/hostile.md" --allow-private --no-cache --timeout 3 --max-download 1000000 \
  -q -o "$WORK/hostile.epub" --report "$WORK/hostile.json" 2>"$WORK/hostile.err"
rc=$?
elapsed=$(( $(date +%s) - start ))
check "hostile: exit 0" test $rc -eq 0
check "hostile: EPUB written" test -s "$WORK/hostile.epub"
check "hostile: the slow server did not hold the run ($elapsed s)" test "$elapsed" -lt $((STALL / 2))
check "hostile: 3 redirects followed" report "$WORK/hostile.json" "status('/redirect/3/') == ['ok']"
check "hostile: 7 redirects stopped" report "$WORK/hostile.json" "status('/redirect/7/') == ['missing'] and 'redirect' in reason('/redirect/7/')"
check "hostile: redirect to file:// refused" report "$WORK/hostile.json" "status('/to-file') == ['refused']"
check "hostile: slow server timed out" report "$WORK/hostile.json" "status('/slow/') == ['missing'] and 'timed out' in reason('/slow/')"
check "hostile: endless body hits the cap" report "$WORK/hostile.json" "status_end('/big') == ['too-large'] and status_end('/big-cl') == ['too-large']"
check "hostile: lying Content-Type ignored" report "$WORK/hostile.json" "status('/wrongtype/') == ['ok'] and [i['media_type'] for i in imgs if '/wrongtype/' in i['url']] == ['image/jpeg']"
check "hostile: HTML body is not an image" report "$WORK/hostile.json" "status('/html') == ['broken'] and 'HTML' in reason('/html')"
check "hostile: 404 is missing" report "$WORK/hostile.json" "status('/nowhere/') == ['missing'] and '404' in reason('/nowhere/')"
check "hostile: file: URL refused" report "$WORK/hostile.json" "status('file:///etc/passwd') == ['refused']"
check "hostile: path escape refused" report "$WORK/hostile.json" "status('../../') == ['refused']"
check "hostile: one warning per failing URL" report "$WORK/hostile.json" "all(warned(i['url']) == 1 for i in imgs if i['status'] != 'ok') and len([w for w in warns if w['kind'] == 'image']) == len([i for i in imgs if i['status'] != 'ok'])"
check "hostile: no password file in the book" sh -c "! unzip -p '$WORK/hostile.epub' | grep -q 'root:x:0:0'"

finish
