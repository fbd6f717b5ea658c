#!/usr/bin/env python3
"""Build a synthetic news archive for the scale benchmark.

Copies the real articles of the dev corpus, round robin, into N articles
(10,000 by default) laid out as a blog archive (OUT/YYYY/MM/NNNNN-slug.md),
each with a new title, a date spread over one year and categories varied
around the original ones. One category, 基准/千篇 (with sub-categories
深度, 电报, 要闻, 公司 for sections), gets exactly --category-size articles
(1,000 by default): that is the book bench/scale.sh compiles.

The bodies are kept byte for byte, so the archive has the corpus's real
mix of HTML and Markdown, long and short, images and none. Seeded: the same
arguments give the same archive.

Usage: make-archive.py OUT_DIR [--corpus DIR] [--count N] [--category-size N]
Writes OUT_DIR/category-files.txt: the selected category's files, one per
line (for pandoc).
"""
import argparse
import email.utils
import glob
import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

try:
    import yaml
except ImportError:  # the front matter is simple enough to fall back on
    yaml = None

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "corpus", "dev"))
BENCH_CATEGORY = ["基准", "千篇"]
BENCH_SUBS = ["深度", "电报", "要闻", "公司"]
TITLE_TAGS = ["快讯", "观察", "独家", "解读", "速递", "专访", "评论", "前瞻"]
THEMES = ["专题一", "专题二", "专题三", "专题四", "专题五", "专题六",
          "专题七", "专题八", "专题九", "专题十", "专题十一", "专题十二"]


def split_article(text):
    """(front matter text, body) of an article; leading blank lines kept out."""
    s = text.lstrip("\ufeff").lstrip()
    if not s.startswith("---"):
        return "", text
    end = s.find("\n---", 3)
    if end < 0:
        return "", text
    fm = s[s.index("\n") + 1:end + 1]
    rest = s[end + 4:]
    rest = rest[rest.find("\n") + 1:] if "\n" in rest else ""
    return fm, rest


def parse_front_matter(fm):
    if yaml is not None:
        try:
            data = yaml.safe_load(fm)
            if isinstance(data, dict):
                return data
        except yaml.YAMLError:
            pass
    data = {}
    for line in fm.splitlines():
        if ":" in line and not line.startswith((" ", "\t", "-")):
            k, v = line.split(":", 1)
            data[k.strip()] = v.strip().strip("'\"")
    return data


def q(value):
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(str(value), ensure_ascii=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--category-size", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=20230101)
    args = ap.parse_args()

    sources = sorted(glob.glob(os.path.join(args.corpus, "*.md")))
    if not sources:
        sys.exit(f"make-archive: no articles in {args.corpus}")
    if args.category_size > args.count:
        sys.exit("make-archive: --category-size must not exceed --count")
    articles = []
    for path in sources:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            fm, body = split_article(f.read())
        meta = parse_front_matter(fm)
        cats = meta.get("categories") or []
        if isinstance(cats, str):
            cats = [cats]
        articles.append({
            "slug": os.path.splitext(os.path.basename(path))[0].split("-", 1)[-1],
            "title": " ".join(str(meta.get("title") or "").split()) or "无题",
            "author": str(meta.get("author") or ""),
            "headimg": meta.get("headimg"),
            "thumbnail": meta.get("thumbnail"),
            "categories": [str(c) for c in cats] or ["未分类"],
            "body": body,
        })

    rng = random.Random(args.seed)
    start = datetime(2023, 1, 1, tzinfo=timezone.utc)
    # Every step-th article is in the bench category, spread over the year.
    step = args.count / args.category_size
    chosen = {int(i * step) for i in range(args.category_size)}
    os.makedirs(args.out, exist_ok=True)
    listing = []
    for i in range(args.count):
        src = articles[i % len(articles)]
        when = start + timedelta(seconds=rng.randrange(365 * 86400))
        if i in chosen:
            cats = BENCH_CATEGORY + [BENCH_SUBS[len(listing) % len(BENCH_SUBS)]]
        else:
            cats = list(src["categories"][:2]) + [rng.choice(THEMES)]
        title = f"{src['title']}（{rng.choice(TITLE_TAGS)}·第{i + 1}期）"
        lines = ["---", f"title: {q(title)}", "categories:"]
        lines += [f"  - {q(c)}" for c in cats]
        if src["headimg"]:
            lines.append(f"headimg: {q(src['headimg'])}")
        lines.append(f"author: {q(src['author'])}")
        lines.append("comments: false")
        lines.append(f"date: {email.utils.format_datetime(when, usegmt=True)}")
        if src["thumbnail"]:
            lines.append(f"thumbnail: {q(src['thumbnail'])}")
        lines.append("---")
        sub = os.path.join(args.out, f"{when.year:04d}", f"{when.month:02d}")
        os.makedirs(sub, exist_ok=True)
        path = os.path.join(sub, f"{i + 1:05d}-{src['slug']}.md")
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("\n".join(lines) + "\n\n" + src["body"])
        if i in chosen:
            listing.append(path)
    with open(os.path.join(args.out, "category-files.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(sorted(listing)) + "\n")
    print(f"make-archive: {args.count} articles in {args.out}, "
          f"{len(listing)} in {'/'.join(BENCH_CATEGORY)}")


if __name__ == "__main__":
    main()
