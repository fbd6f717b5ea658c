# The dev corpus as one book for a Kindle (--device kindle): every image
# fits the 1236x1648 screen and is greyscale, the book is smaller than
# without the profile, the cover has the screen's shape, EPUBCheck finds
# nothing (0 errors, 0 warnings).
. "$(dirname "$0")/lib.sh" "$@"
[ -d "$CORPUS" ] || exit 77
make_book() { # DEVICE|none OUT
  if [ "$1" = none ]; then
    guarded 900 "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q -o "$2"
  else
    guarded 900 "$NB" "$CORPUS" --mirror "$MIRROR" --offline -q --device "$1" -o "$2"
  fi
}
make_book kindle "$WORK/kindle.epub" 2>"$WORK/kindle.err"
check "corpus book for kindle converts" [ -s "$WORK/kindle.epub" ] || tail -3 "$WORK/kindle.err"
make_book none "$WORK/plain.epub" 2>"$WORK/plain.err"
check "corpus book without a device converts" [ -s "$WORK/plain.epub" ] || tail -3 "$WORK/plain.err"
[ -s "$WORK/kindle.epub" ] && [ -s "$WORK/plain.epub" ] || { finish; exit; }

k=$(stat -c %s "$WORK/kindle.epub"); p=$(stat -c %s "$WORK/plain.epub")
echo "kindle: $k bytes, without a device: $p bytes"
check "the kindle book is smaller ($k < $p)" [ "$k" -lt "$p" ]

python3 - "$WORK/kindle.epub" 1236 1648 >"$WORK/images.txt" <<'PY'
import struct, sys, zipfile
path, W, H = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def jpeg(d):
    i = 2
    while i + 9 < len(d):
        if d[i] != 0xFF: i += 1; continue
        m = d[i + 1]
        if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7: i += 2; continue
        L = struct.unpack(">H", d[i + 2:i + 4])[0]
        if 0xC0 <= m <= 0xCF and m not in (0xC4, 0xC8, 0xCC):
            h, w = struct.unpack(">HH", d[i + 5:i + 9]); return w, h, d[i + 9] == 1
        i += 2 + L
    return None
def png(d):
    w, h = struct.unpack(">II", d[16:24]); return w, h, d[25] in (0, 4)
bad = n = svg = 0
with zipfile.ZipFile(path) as z:
    for name in z.namelist():
        d = z.read(name)
        if d[:3] == b"\xff\xd8\xff": r = jpeg(d)
        elif d[:8] == b"\x89PNG\r\n\x1a\n": r = png(d)
        elif d[:4] in (b"GIF8", b"RIFF"): r = (0, 0, False)
        elif name.endswith(".svg"): svg += 1; continue
        else: continue
        n += 1
        if not r or r[0] > W or r[1] > H or not r[2]:
            bad += 1; print("BAD", name, r)
        else:
            print("ok", name, r)
print("images=%d bad=%d svg=%d" % (n, bad, svg))
PY
tail -1 "$WORK/images.txt"
grep BAD "$WORK/images.txt" | head -5
check "every image fits 1236x1648 and is grey" grep -q "bad=0" "$WORK/images.txt"
check "the book has images to check" grep -qE "images=([1-9][0-9]+)" "$WORK/images.txt"
cover=$(unzip -p "$WORK/kindle.epub" '*content.opf' | grep -o 'href="[^"]*" media-type="[^"]*" properties="cover-image"' | sed 's/href="\([^"]*\)".*/\1/')
check "the book has a cover" [ -n "$cover" ]
grep -F "$(basename "${cover:-none}")" "$WORK/images.txt" | grep -qE "\(12[0-9][0-9], 16[0-9][0-9], True\)"
check "the cover has the screen's shape ($(grep -F "$(basename "${cover:-none}")" "$WORK/images.txt"))" [ $? -eq 0 ]
sanitized || check "the kindle book passes EPUBCheck" epubcheck_ok "$WORK/kindle.epub"
finish
