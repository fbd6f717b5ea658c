#!/usr/bin/env python3
"""Are a PDF's kinsoku "violations" all the source's own line breaks?

    kinsoku_explained.py ARTICLE.md FILE.pdf

cjk_typography.py cannot tell code from prose: a code line that ends with
"{" or starts with "}" counts as a kinsoku violation, although the line break
is the author's, not ours, and kinsoku must never move characters in code.
This script runs the checker with every violation shown and accepts one only
when the source explains it:
  * a line that starts with a forbidden character must be the start of a
    line of a preformatted block (<pre>, or a fenced/indented Markdown code
    block) or the whole start of a paragraph;
  * a line that ends with an opening bracket must be the end of a line of a
    preformatted block.
Comparison is on text with all white space removed, as the checker joins a
printed line's words without spaces. A wrapped code line's continuation is
not the start of a source line, so a bad break inside code still fails.
Prints one line per unexplained violation and a summary; exits 1 if any.
"""
import html, re, subprocess, sys

def norm(s):
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]*>", "", s)))

def source_lines(path):
    src = open(path, encoding="utf-8", errors="replace").read()
    m = re.match(r"\A\s*---[ \t]*\n.*?\n---[ \t]*\n?(.*)\Z", src, re.S)
    body = m.group(1) if m else src
    code, paras = [], []
    for blk in re.findall(r"<pre\b[^>]*>(.*?)</pre>", body, re.S | re.I):
        code += [norm(l) for l in blk.split("\n")]
    for blk in re.findall(r"^```[^\n]*\n(.*?)^```", body, re.S | re.M):
        code += [norm(l) for l in blk.split("\n")]
    for blk in re.findall(r"<(?:p|li|h[1-6]|td|th|div)\b[^>]*>(.*?)</", body, re.S | re.I):
        paras.append(norm(blk))
    return [c for c in code if c], [p for p in paras if p]

CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

def ragged_lines(pdf):
    """The lines cjk_typography.py counts as ragged (same merging, same
    page-edge rule), so that each can be looked up in the source."""
    import xml.etree.ElementTree as ET
    raw = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", pdf, "-"],
                         check=True, capture_output=True).stdout.decode("utf-8", "replace")
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", raw))
    ns = "{http://www.w3.org/1999/xhtml}"
    out = []
    for page in root.iter(ns + "page"):
        words = sorted(((float(w.get("yMin")), float(w.get("yMax")), float(w.get("xMin")),
                         float(w.get("xMax")), w.text or "") for w in page.iter(ns + "word")),
                       key=lambda w: (w[0] + w[1]) / 2)
        rows = []
        for w in words:
            if rows:
                y0, y1 = rows[-1][0]
                if min(y1, w[1]) - max(y0, w[0]) > 0.5 * min(y1 - y0, w[1] - w[0]):
                    rows[-1][1].append(w)
                    rows[-1][0] = (min(y0, w[0]), max(y1, w[1]))
                    continue
            rows.append([(w[0], w[1]), [w]])
        merged = []
        for _, ws in rows:
            ws.sort(key=lambda w: w[2])
            t = "".join(w[4] for w in ws).strip()
            if t:
                merged.append((max(w[3] for w in ws), t))
        rights = [round(x1) for x1, t in merged if len(CJK.findall(t)) >= 8]
        if not rights:
            continue
        edge = max(set(rights), key=rights.count)
        out += [t for x1, t in merged
                if len(CJK.findall(t)) >= 8 and edge - 14 <= x1 < edge - 1.0]
    return out

def main():
    if sys.argv[1] == "--flush":
        # every ragged line must end where a source block (paragraph, list
        # item, cell) ends: a block's last line, which is short by nature
        art, pdf = sys.argv[2], sys.argv[3]
        code, paras = source_lines(art)
        bad = 0
        rl = ragged_lines(pdf)
        for t in rl:
            t = re.sub(r"\s+", "", t).lstrip("•◦▪‣·0123456789.")
            if not any(p.endswith(t) for p in paras + code):
                bad += 1
                print("unexplained ragged line:", t)
        print(f"flush: {len(rl)} ragged, {len(rl) - bad} are the last line of a "
              f"source block, {bad} unexplained {pdf}")
        sys.exit(1 if bad else 0)
    art, pdf = sys.argv[1], sys.argv[2]
    here = sys.argv[3] if len(sys.argv) > 3 else "../shared/tools"
    code, paras = source_lines(art)
    out = subprocess.run([sys.executable, here + "/cjk_typography.py", pdf,
                          "--show", "100000", "--min-flush", "0"],
                         capture_output=True, text=True).stdout
    bad = total = 0
    for line in out.splitlines():
        m = re.match(r"line (starts|ends) with '.*?': (.*)$", line)
        if not m:
            continue
        total += 1
        text = re.sub(r"\s+", "", m.group(2))
        if m.group(1) == "starts":
            ok = any(c.startswith(text) for c in code) or \
                 any(p.startswith(text) for p in paras)
        else:
            ok = any(c.endswith(text) for c in code)
        if not ok:
            bad += 1
            print("unexplained:", line)
    print(f"kinsoku: {total} flagged, {total - bad} are the source's own line "
          f"breaks (code lines, paragraph starts), {bad} unexplained {pdf}")
    sys.exit(1 if bad else 0)

if __name__ == "__main__":
    main()
