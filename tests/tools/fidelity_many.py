#!/usr/bin/env python3
"""../shared/tools/fidelity.py over many (article, output) pairs in one
Python process, each output's text extracted once however many articles
are looked for in it (a whole-corpus book holds every article).

    fidelity_many.py TOOLS_DIR [--min M] ARTICLE OUTPUT [ARTICLE OUTPUT ...]

TOOLS_DIR is where fidelity.py lives; its own functions compute the
expected text, the output's text and the coverage, so the verdicts are
fidelity.py's. Prints one line per pair:

    OUTPUT<TAB>ok|low<TAB>fidelity: 0.9993 (12345/12353 chars) OUTPUT

and exits 1 when any pair is below --min (default 0.999, as fidelity.py).
"""
import importlib.util
import os
import sys


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    tools = args.pop(0)
    minimum = 0.999
    if args[:1] == ["--min"]:
        minimum = float(args[1])
        args = args[2:]
    if len(args) % 2:
        sys.exit("fidelity_many.py: articles and outputs come in pairs")
    spec = importlib.util.spec_from_file_location(
        "fidelity", os.path.join(tools, "fidelity.py"))
    fid = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fid)
    texts, low = {}, 0
    for article, output in zip(args[0::2], args[1::2]):
        try:
            if output not in texts:
                out = (fid.epub_text(output) if output.lower().endswith(".epub")
                       else fid.pdf_text(output))
                texts[output] = fid.norm(out)
            title, body = fid.expected_text(article)
            cov, got, total, _ = fid.coverage(fid.norm(title + body),
                                              texts[output])
            line = f"fidelity: {cov:.4f} ({got}/{total} chars) {output}"
            ok = cov >= minimum
        except Exception as e:  # a broken output is a verdict, not a crash
            line, ok = f"fidelity: cannot read {output}: {e}", False
        low += not ok
        print(f"{output}\t{'ok' if ok else 'low'}\t{line}", flush=True)
    sys.exit(1 if low else 0)


if __name__ == "__main__":
    main()
