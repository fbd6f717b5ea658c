#!/usr/bin/env python3
"""A loopback web site for the acquisition tests: never talks to the network.

Serves feeds (RSS 2.0, Atom, JSON Feed 1.1) whose summary-only items link to
whole web pages, and the hostile cases a fetcher must survive. Every
response to a GET carries an ETag and a Last-Modified (unless the route says
otherwise) and a matching If-None-Match / If-Modified-Since gets a 304 with
no body. Every request is logged, one tab-separated line, so a test can
prove what was transferred:

    METHOD  PATH  STATUS  BODY_BYTES  IF_NONE_MATCH  IF_MODIFIED_SINCE
    USER_AGENT  ACCEPT_ENCODING  CONTENT_ENCODING  ACCEPT

(a missing header is "-").

Routes:
  /feed.xml            RSS 2.0: one full item, two summary-only items (one
                       ending in a 阅读全文 link), one whose page is missing
  /atom.xml            Atom with xml:base and relative links, summary-only
  /feed.json           JSON Feed 1.1 (content_html, content_text, summary-
                       only, external_url, authors, tags, image, language)
  /feed-1.0.json       JSON Feed 1.0 (author object)
  /article/N.html      a whole page: navigation, the article, related links,
                       a footer; its text carries PAGE_N_ markers
  /slow-article/N.html the same page after --page-delay seconds (counted in
                       /stats: the most requests in flight at once)
  /many.xml?n=N        RSS with N summary-only items linking to
                       /slow-article/K.html
  /stats               {"max_in_flight": K} for /slow-article/, then reset
  /slow-feed.xml       one summary-only item whose link is /slow
  /lm-only.xml         a feed with Last-Modified but no ETag
  /no-validators.xml   a feed with neither
  /changing.xml        a feed whose body (and ETag) changes on every request
  /redirect/N/PATH     a 302 chain of N hops ending at /PATH
  /loop                a 302 to itself (a redirect loop)
  /to-file             a 302 to file:///etc/passwd
  /gzip/PATH           /PATH gzip-encoded (when the client accepts gzip)
  /gzip-bomb           100 MB of zeros gzip-encoded (about 100 kB sent)
  /charset/utf8-says-latin1.xml   UTF-8 bytes, header charset=iso-8859-1
  /charset/gbk-decl-says-utf8.xml GBK bytes with encoding="GBK" in the XML
                                  declaration, header charset=utf-8
  /charset/gbk-header.xml         GBK bytes, no declaration, charset=gbk
  /charset/gbk-page.html          a GBK page, header charset=utf-8, <meta
                                  charset="gbk">
  /slow                headers, then nothing for --slow seconds
  /endless             an endless chunked body
  /lying-length        Content-Length 100000, 100 bytes, then the close
  /huge                a 100 MB page with its Content-Length
  /huge-chunked        a 100 MB page, chunked
  /bomb.xml            a billion-laughs feed
  /img/NAME            a small PNG (the pages' and feeds' images)
  /image.png           a PNG image
  /sitemap.xml         XML that is not a feed
  /not-a-feed.json     JSON that is not a JSON Feed
  /feed-as-html        an RSS feed served as text/html
  /empty               200 with an empty body
  /status/N            an empty response with status N
  /site/NAME.html      the article tests/tools/site/NAME.md as a news site
                       would publish it: the fixture's title and body inside
                       a whole page (cookie banner, navigation, byline, share
                       bar, related list, comments, an ad, a footer, each
                       marked SITE_CHROME_*), with JSON-LD, Open Graph and a
                       canonical link; in the fixture's "charset" (default
                       utf-8), named only by the page's <meta>
  /site/feed.xml       RSS 2.0: one summary-only item per fixture, linking to
                       its page, titled and dated as the fixture is
  /site/feed.json      the same as a JSON Feed 1.1
  /files/NAME          the file NAME of --files DIR (no subdirectories), with
                       its Content-Length and a type by its extension that
                       names no charset (.html text/html, .xml
                       application/xml, .json application/json, else
                       text/plain): the hostile inputs as a server would
                       send them

Usage: webserver.py PORTFILE LOGFILE [--lifetime S] [--slow S]
                    [--page-delay S] [--files DIR]
Binds 127.0.0.1 on a free port, writes the port to PORTFILE, and exits by
itself after --lifetime seconds (default 300) so a killed test leaves
nothing behind.
"""
import argparse
import datetime
import email.utils
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import threading
import time
import urllib.parse
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Wed, 10 Aug 2022 12:38:31 GMT"
SITE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site")


def site_articles():
    """The fixtures of SITE_DIR, sorted by name: (slug, front matter as a
    dict, body). Front matter is read as flat 'key: value' lines."""
    out = []
    for name in sorted(os.listdir(SITE_DIR)):
        if not name.endswith(".md"):
            continue
        text = open(os.path.join(SITE_DIR, name), encoding="utf-8").read()
        _, fm, body = text.split("---\n", 2)
        meta = {}
        for line in fm.splitlines():
            key, _, value = line.partition(":")
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            meta[key.strip()] = value
        out.append((name[:-3], meta, body))
    return out


def site_page(slug, meta, body):
    """A fixture as a whole news page, encoded in its charset."""
    title = meta["title"]
    lang = meta.get("lang", "en")
    charset = meta.get("charset", "utf-8")
    zh = lang.startswith("zh")
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle",
                     "headline": title, "datePublished": meta["date"],
                     "author": {"@type": "Person", "name": meta["author"]},
                     "image": "/img/site-lead-%s.png" % slug},
                    ensure_ascii=False)
    html = """<!DOCTYPE html>
<html lang="%(lang)s"><head><meta charset="%(charset)s">
<title>%(title)s - %(site)s</title>
<meta property="og:site_name" content="%(site)s">
<meta property="og:title" content="%(title)s">
<meta property="og:type" content="article">
<meta property="og:image" content="/img/site-lead-%(slug)s.png">
<meta property="article:published_time" content="%(date)s">
<link rel="canonical" href="/site/%(slug)s.html">
<script type="application/ld+json">%(ld)s</script>
</head><body>
<div class="cookie-banner" id="cookie-consent">SITE_CHROME_COOKIE %(cookie)s <button>OK</button></div>
<header class="site-header"><a class="logo" href="/">%(site)s</a>
<nav class="main-nav"><ul><li><a href="/news">SITE_CHROME_NAV %(nav1)s</a></li><li><a href="/city">%(nav2)s</a></li><li><a href="/sport">%(nav3)s</a></li></ul></nav></header>
<main><article class="post">
<h1 class="post-title">%(title)s</h1>
<div class="post-meta"><span class="byline">%(by)s</span> <time datetime="%(date)s">%(date)s</time></div>
<div class="share-bar"><a href="#">SITE_CHROME_SHARE %(share)s</a> <a href="#">Facebook</a> <a href="#">X</a></div>
<div class="post-body">
%(body)s
</div>
</article>
<section class="related-posts"><h2>%(related)s</h2><ul>
<li><a href="/site/a.html">SITE_CHROME_RELATED %(rel1)s</a></li>
<li><a href="/site/b.html">%(rel2)s</a></li>
<li><a href="/site/c.html">%(rel3)s</a></li></ul></section>
<section class="comments" id="comments"><h2>%(comments)s</h2>
<div class="comment"><span class="comment-author">reader42</span><p>SITE_CHROME_COMMENT %(comment)s</p></div></section>
</main>
<aside class="sidebar"><div class="ad ad-slot">SITE_CHROME_AD %(ad)s</div></aside>
<footer class="site-footer"><p>SITE_CHROME_FOOTER %(footer)s</p><a href="/about">%(about)s</a></footer>
</body></html>
""" % {
        "lang": lang, "charset": charset, "title": esc(title), "slug": slug,
        "date": meta["date"], "ld": ld.replace("</", "<\\/"), "body": body,
        "site": "港城日报" if zh else "The Harbour Daily",
        "cookie": "本站使用 Cookie 改善您的浏览体验。" if zh else
                  "We use cookies to improve your experience.",
        "nav1": "新闻" if zh else "News", "nav2": "城市" if zh else "City",
        "nav3": "体育" if zh else "Sport",
        "by": ("记者 " if zh else "By ") + esc(meta["author"]),
        "share": "分享到微博" if zh else "Share this story",
        "related": "相关阅读" if zh else "Related stories",
        "rel1": "港区新建三座公园" if zh else "Ferry fares to rise in spring",
        "rel2": "老城区改造进入第二阶段" if zh else "Council approves cycle lanes",
        "rel3": "运河步道下月开放" if zh else "Harbour wall repairs begin",
        "comments": "网友评论" if zh else "Comments",
        "comment": "终于等到了！" if zh else "About time, frankly.",
        "ad": "广告：滨海新盘火热认购中" if zh else "Advertisement: new flats by the sea",
        "footer": "版权所有 2022 港城日报" if zh else "© 2022 The Harbour Daily",
        "about": "关于我们" if zh else "About us"}
    return html.encode(charset), charset


def site_rss(base):
    return rss(base, [
        {"title": meta["title"], "link": "%s/site/%s.html" % (base, slug),
         "guid": "urn:site:%s" % slug, "author": meta["author"],
         "pubDate": email.utils.format_datetime(
             datetime.datetime.fromisoformat(meta["date"])),
         "description": "<p>%s</p>" % esc(meta["summary"])}
        for slug, meta, _ in site_articles()], title="港城日报")


def site_json(base):
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "港城日报", "home_page_url": base + "/",
        "feed_url": base + "/site/feed.json",
        "items": [{"id": "urn:site:%s" % slug,
                   "url": "%s/site/%s.html" % (base, slug),
                   "title": meta["title"], "summary": meta["summary"],
                   "content_text": meta["summary"],
                   "date_published": meta["date"],
                   "authors": [{"name": meta["author"]}]}
                  for slug, meta, _ in site_articles()]},
        ensure_ascii=False).encode("utf-8")


def png(w=16, h=12, rgb=(200, 60, 40)):
    """A small opaque PNG, made here so that the site needs no files."""
    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def page(n):
    """A whole web page around article N: chrome first, the article, more
    chrome. Markers: PAGE_N_TITLE, PAGE_N_PARA_K, PAGE_N_NAV (chrome)."""
    paras = "\n".join(
        "<p>PAGE_%d_PARA_%d 这是第 %d 篇文章的第 %d 段正文，内容足够长，"
        "用来确认全文确实取回并经过阅读器。The full text of article %d, "
        "paragraph %d, long enough to be the article and not the chrome "
        "around it.</p>" % (n, k, n, k, n, k)
        for k in range(1, 7))
    return ("""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>PAGE_%(n)d_TITLE 第 %(n)d 篇 - 测试站</title>
<meta property="og:title" content="PAGE_%(n)d_TITLE 第 %(n)d 篇">
<meta property="og:image" content="/img/lead-%(n)d.jpg">
<meta name="author" content="页面作者 %(n)d">
<link rel="canonical" href="/article/%(n)d.html">
</head><body>
<header><nav><a href="/">首页</a> <a href="/news">PAGE_%(n)d_NAV 新闻</a></nav></header>
<main><article>
<h1>PAGE_%(n)d_TITLE 第 %(n)d 篇</h1>
<p class="byline">页面作者 %(n)d</p>
%(paras)s
<p><img src="/img/body-%(n)d.jpg" alt="插图"></p>
</article></main>
<aside><h2>相关文章</h2><ul><li><a href="/article/99.html">PAGE_%(n)d_NAV 相关</a></li></ul></aside>
<footer>PAGE_%(n)d_NAV 版权所有</footer>
</body></html>
""" % {"n": n, "paras": paras}).encode("utf-8")


def rss(base, items, title="测试频道"):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
           ' xmlns:dc="http://purl.org/dc/elements/1.1/">',
           "<channel><title>%s</title><link>%s/</link>" % (esc(title), base)]
    for it in items:
        out.append("<item>")
        for k in ("title", "link", "guid", "pubDate", "author"):
            if k in it:
                out.append("<%s>%s</%s>" % (k, esc(it[k]), k))
        if "description" in it:
            out.append("<description>%s</description>" % esc(it["description"]))
        if "content" in it:
            out.append("<content:encoded><![CDATA[%s]]></content:encoded>"
                       % it["content"])
        out.append("</item>")
    out.append("</channel></rss>")
    return "\n".join(out).encode("utf-8")


def long_html(tag, n=8):
    return "".join(
        "<p>%s_%d 一段完整的正文内容，足够长，不需要取全文。This item carries "
        "its whole text in the feed.</p>" % (tag, k) for k in range(n))


def feed_xml(base):
    return rss(base, [
        {"title": "FULL_ITEM 完整条目", "link": base + "/article/10.html",
         "guid": "urn:test:full", "pubDate": "Wed, 10 Aug 2022 12:00:00 GMT",
         "content": long_html("FULL_ITEM_BODY")},
        {"title": "SUMMARY_ONE 摘要条目", "link": base + "/article/1.html",
         "guid": "urn:test:one", "pubDate": "Wed, 10 Aug 2022 11:00:00 GMT",
         "description": "<p>SUMMARY_ONE_TEXT 只有一句摘要。</p>"},
        {"title": "SUMMARY_TWO 阅读全文条目", "link": base + "/article/2.html",
         "guid": base + "/article/2.html",
         "pubDate": "Wed, 10 Aug 2022 10:00:00 GMT",
         "author": "feed-author@example.com (频道作者)",
         "description": "<p>SUMMARY_TWO_TEXT " + "摘要文字很长。" * 60 +
                        '</p><p><a href="' + base +
                        '/article/2.html">阅读全文</a></p>'},
        {"title": "SUMMARY_MISSING 页面不存在", "link": base + "/missing.html",
         "guid": "urn:test:missing",
         "pubDate": "Wed, 10 Aug 2022 09:00:00 GMT",
         "description": "SUMMARY_MISSING_TEXT 页面取不到，摘要留下。"},
    ])


def atom_xml(base):
    return ("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="%s/">
<title>原子频道</title><id>urn:test:atom</id><updated>2022-08-10T12:00:00Z</updated>
<entry><title>ATOM_ONE 原子条目</title><id>tag:test,2022:atom-one</id>
<link rel="alternate" href="article/3.html"/>
<published>2022-08-10T12:00:00+08:00</published>
<author><name>原子作者</name></author>
<summary type="html">&lt;p&gt;ATOM_ONE_SUMMARY 摘要。&lt;/p&gt;</summary></entry>
<entry xml:base="sub/"><title>ATOM_TWO 完整</title><id>tag:test,2022:atom-two</id>
<link href="../article/11.html"/>
<updated>2022-08-09T12:00:00Z</updated>
<content type="html">%s&lt;img src="pic.jpg" alt="rel"&gt;</content></entry>
</feed>""" % (base, esc(long_html("ATOM_TWO_BODY")))).encode("utf-8")


def feed_json(base, version="1.1"):
    if version == "1.1":
        return json.dumps({
            "version": "https://jsonfeed.org/version/1.1",
            "title": "JSON 频道",
            "home_page_url": base + "/",
            "feed_url": base + "/feed.json",
            "language": "zh-CN",
            "authors": [{"name": "频道作者"}],
            "items": [
                {"id": "json-full", "url": base + "/article/12.html",
                 "title": "JSON_FULL 完整", "content_html": long_html("JSON_FULL_BODY"),
                 "summary": "JSON_FULL_SUMMARY",
                 "date_published": "2022-08-10T12:00:00+08:00",
                 "authors": [{"name": "条目作者", "url": "https://example.com/a"}],
                 "tags": ["科技", "测试"], "image": base + "/img/json-full.jpg"},
                {"id": 42, "url": base + "/article/4.html",
                 "title": "JSON_SUMMARY 摘要",
                 "content_text": "JSON_SUMMARY_TEXT 只有摘要。",
                 "date_published": "2022-08-09T08:00:00Z",
                 "banner_image": base + "/img/banner-4.jpg"},
                {"id": "json-text", "title": "JSON_TEXT 纯文本",
                 "content_text": ("JSON_TEXT_PARA_ONE <not a tag> & more " + "文字" * 300 +
                                  "\n\nJSON_TEXT_PARA_TWO line one\nline two"),
                 "date_modified": "2022-08-08T08:00:00Z", "language": "en"},
                {"id": "json-external", "external_url": base + "/article/5.html",
                 "title": "JSON_EXTERNAL 外链", "summary": "JSON_EXTERNAL_SUMMARY",
                 "content_html": "<p>JSON_EXTERNAL_BODY 评论。</p>"},
            ]}, ensure_ascii=False).encode("utf-8")
    return json.dumps({
        "version": "https://jsonfeed.org/version/1",
        "title": "JSON 1.0",
        "author": {"name": "旧版作者"},
        "items": [{"id": "v1-one", "url": base + "/article/6.html",
                   "title": "JSON_V1 条目", "content_html": long_html("JSON_V1_BODY"),
                   "author": {"name": "条目旧作者"}}]},
        ensure_ascii=False).encode("utf-8")


def many_xml(base, n):
    return rss(base, [
        {"title": "MANY_%d" % k, "link": "%s/slow-article/%d.html" % (base, k),
         "guid": "urn:many:%d" % k, "description": "MANY_%d_SUMMARY" % k}
        for k in range(n)])


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
<!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<rss version="2.0"><channel><title>&i;</title>
<item><title>BOMB_ITEM &i;</title><link>BASE/article/20.html</link>
<description>BOMB_BODY &i;&i;&i;&i; LONG</description></item>
</channel></rss>
"""

CHARSET_TEXT = "编码测试：中文正文 CHARSET_BODY"


def charset_feed(base, encoding, decl):
    head = '<?xml version="1.0" encoding="%s"?>' % decl if decl else ""
    body = ("%s<rss version=\"2.0\"><channel><title>编码</title><item>"
            "<title>CHARSET_TITLE 标题</title><link>%s/article/21.html</link>"
            "<description>%s</description></item></channel></rss>"
            % (head, base, CHARSET_TEXT + "。" + "中文正文很长。" * 80))
    return body.encode(encoding)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("portfile")
    ap.add_argument("logfile")
    ap.add_argument("--lifetime", type=float, default=300)
    ap.add_argument("--slow", type=float, default=30)
    ap.add_argument("--page-delay", type=float, default=0.5)
    ap.add_argument("--files", default=None)
    args = ap.parse_args()
    log_lock = threading.Lock()
    stats = {"in_flight": 0, "max": 0}
    counter = {"changing": 0}
    logf = open(args.logfile, "a", buffering=1, encoding="utf-8")

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):
            pass

        def log(self, status, nbytes, cenc="-"):
            h = self.headers
            fields = [self.command, self.path, str(status), str(nbytes),
                      h.get("If-None-Match", "-"),
                      h.get("If-Modified-Since", "-"),
                      h.get("User-Agent", "-"),
                      h.get("Accept-Encoding", "-"), cenc,
                      h.get("Accept", "-")]
            with log_lock:
                logf.write("\t".join(f.replace("\t", " ") for f in fields) + "\n")

        def send(self, code, body=b"", ctype="text/plain", extra=(),
                 validators=True, cenc=None):
            if validators and code == 200:
                etag = '"%s"' % hashlib.sha1(body).hexdigest()[:16]
                extra = list(extra)
                if validators in (True, "etag"):
                    extra.append(("ETag", etag))
                if validators in (True, "lm"):
                    extra.append(("Last-Modified", LAST_MODIFIED))
                inm = self.headers.get("If-None-Match")
                ims = self.headers.get("If-Modified-Since")
                if ((inm and validators in (True, "etag") and inm == etag) or
                        (not inm and ims and validators in (True, "lm") and
                         ims == LAST_MODIFIED)):
                    self.log(304, 0)
                    self.send_response(304)
                    for k, v in extra:
                        self.send_header(k, v)
                    self.end_headers()
                    return
            if cenc == "gzip":
                body = gzip.compress(body, mtime=0)
            # logged before the answer goes out: a client that has its answer
            # finds its request in the log
            self.log(code, len(body), cenc or "-")
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if cenc:
                self.send_header("Content-Encoding", cenc)
            for k, v in extra:
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        def stream(self, total, chunked, ctype="text/html; charset=utf-8",
                   chunk=b"<p>" + b"x" * 65529 + b"</p>\n"):
            """Send total bytes (None: without end), chunked or with a
            Content-Length, until the client goes away."""
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            if chunked:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(total))
            self.send_header("Connection", "close")
            self.end_headers()
            sent = 0

            def put(data):
                if chunked:
                    self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
                else:
                    self.wfile.write(data)

            try:
                head = b"<!DOCTYPE html><html><body>"
                put(head)
                sent += len(head)
                while total is None or sent < total:
                    piece = chunk if total is None else chunk[:total - sent]
                    put(piece)
                    sent += len(piece)
                if chunked:
                    self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            self.log(200, sent)

        def send_file(self, name):
            """A file of --files, read and sent in pieces (some are 100 MB)."""
            fn = os.path.join(args.files, name)
            if "/" in name or name.startswith(".") or not os.path.isfile(fn):
                return self.send(404, b"not found", "text/plain",
                                 validators=False)
            ext = os.path.splitext(name)[1]
            ctype = {".html": "text/html", ".htm": "text/html",
                     ".xml": "application/xml",
                     ".json": "application/json"}.get(ext, "text/plain")
            size = os.path.getsize(fn)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(size))
            self.send_header("Connection", "close")
            self.end_headers()
            sent = 0
            try:
                with open(fn, "rb") as f:
                    while self.command != "HEAD":
                        piece = f.read(1 << 16)
                        if not piece:
                            break
                        self.wfile.write(piece)
                        sent += len(piece)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
            self.log(200, sent)

        def base(self):
            return "http://%s" % self.headers.get("Host", "127.0.0.1")

        def do_GET(self):
            url = urllib.parse.urlsplit(self.path)
            path, query = url.path, urllib.parse.parse_qs(url.query)
            base = self.base()
            if path.startswith("/gzip/"):
                inner = "/" + path[len("/gzip/"):]
                ae = self.headers.get("Accept-Encoding", "")
                self._cenc = "gzip" if "gzip" in ae else None
                return self.do_GET_inner(inner, query, base)
            self._cenc = None
            return self.do_GET_inner(path, query, base)

        def do_GET_inner(self, path, query, base):
            cenc = self._cenc
            xml = "application/rss+xml; charset=utf-8"
            if path == "/feed.xml":
                return self.send(200, feed_xml(base), xml, cenc=cenc)
            if path == "/feed-as-html":
                return self.send(200, feed_xml(base), "text/html", cenc=cenc)
            if path == "/atom.xml":
                return self.send(200, atom_xml(base), "application/atom+xml",
                                 cenc=cenc)
            if path == "/feed.json":
                return self.send(200, feed_json(base), "application/feed+json",
                                 cenc=cenc)
            if path == "/feed-1.0.json":
                return self.send(200, feed_json(base, "1.0"),
                                 "application/json", cenc=cenc)
            if path == "/many.xml":
                n = int(query.get("n", ["8"])[0])
                return self.send(200, many_xml(base, n), xml)
            if path == "/slow-feed.xml":
                return self.send(200, rss(base, [
                    {"title": "SLOW_ITEM", "link": base + "/slow",
                     "guid": "urn:slow", "description": "SLOW_ITEM_SUMMARY"}]),
                    xml)
            if path == "/lm-only.xml":
                return self.send(200, feed_xml(base), xml, validators="lm")
            if path == "/no-validators.xml":
                return self.send(200, feed_xml(base), xml, validators=False)
            if path == "/changing.xml":
                with log_lock:
                    counter["changing"] += 1
                    k = counter["changing"]
                return self.send(200, rss(base, [{
                    "title": "CHANGING_%d" % k, "link": base + "/article/1.html",
                    "description": "CHANGING_%d_TEXT" % k}]), xml)
            if path.startswith("/article/") and path.endswith(".html"):
                n = path[len("/article/"):-len(".html")]
                if n.isdigit():
                    return self.send(200, page(int(n)), "text/html; charset=utf-8",
                                     cenc=cenc)
            if path == "/site/feed.xml":
                return self.send(200, site_rss(base), xml, cenc=cenc)
            if path == "/site/feed.json":
                return self.send(200, site_json(base), "application/feed+json",
                                 cenc=cenc)
            if path.startswith("/site/") and path.endswith(".html"):
                slug = path[len("/site/"):-len(".html")]
                for s, meta, body in site_articles():
                    if s == slug:
                        data, _ = site_page(s, meta, body)
                        # the charset only in the page's <meta>, as many
                        # legacy sites have it
                        return self.send(200, data, "text/html", cenc=cenc)
            if path.startswith("/slow-article/") and path.endswith(".html"):
                n = path[len("/slow-article/"):-len(".html")]
                with log_lock:
                    stats["in_flight"] += 1
                    stats["max"] = max(stats["max"], stats["in_flight"])
                time.sleep(args.page_delay)
                with log_lock:
                    stats["in_flight"] -= 1
                return self.send(200, page(int(n) if n.isdigit() else 0),
                                 "text/html; charset=utf-8", validators=False)
            if path == "/stats":
                with log_lock:
                    body = json.dumps({"max_in_flight": stats["max"]}).encode()
                    stats["max"] = 0
                return self.send(200, body, "application/json", validators=False)
            if path.startswith("/redirect/"):
                rest = path[len("/redirect/"):]
                n, _, tail = rest.partition("/")
                n = int(n) if n.isdigit() else 0
                loc = "/redirect/%d/%s" % (n - 1, tail) if n > 1 else "/" + tail
                return self.send(302, b"", "text/plain", [("Location", loc)])
            if path == "/loop":
                return self.send(302, b"", "text/plain", [("Location", "/loop")])
            if path == "/to-file":
                return self.send(302, b"", "text/plain",
                                 [("Location", "file:///etc/passwd")])
            if path == "/gzip-bomb":
                raw = io.BytesIO()
                with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as z:
                    block = b"\0" * (1 << 20)
                    for _ in range(100):
                        z.write(block)
                return self.send(200, raw.getvalue(), "text/html",
                                 [("Content-Encoding", "gzip")], validators=False)
            if path == "/charset/utf8-says-latin1.xml":
                return self.send(200, charset_feed(base, "utf-8", None),
                                 "application/xml; charset=iso-8859-1")
            if path == "/charset/gbk-decl-says-utf8.xml":
                return self.send(200, charset_feed(base, "gbk", "GBK"),
                                 "application/xml; charset=utf-8")
            if path == "/charset/gbk-header.xml":
                return self.send(200, charset_feed(base, "gbk", None),
                                 'application/rss+xml; charset="GBK"')
            if path == "/charset/gbk-page.html":
                body = ("<!DOCTYPE html><html><head><meta charset=\"gbk\">"
                        "<title>编码页面</title></head><body><article><h1>编码页面"
                        "</h1><p>%s</p></article></body></html>" % (
                            CHARSET_TEXT + "。" + "中文正文。" * 100)).encode("gbk")
                return self.send(200, body, "text/html; charset=utf-8")
            if path == "/slow":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", "100000")
                self.log(200, 0)
                self.end_headers()
                self.wfile.flush()
                time.sleep(args.slow)
                self.close_connection = True
                return
            if path == "/endless":
                return self.stream(None, True)
            if path == "/lying-length":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", "100000")
                self.send_header("Connection", "close")
                self.end_headers()
                body = feed_xml(base)[:100]
                self.wfile.write(body)
                self.close_connection = True
                self.log(200, len(body))
                return
            if path == "/huge":
                return self.stream(100 << 20, False)
            if path == "/huge-chunked":
                return self.stream(100 << 20, True)
            if path == "/bomb.xml":
                # a long body, so that no full text replaces it
                body = BOMB.replace(b"BASE", base.encode()).replace(
                    b"LONG", b"long enough to be the whole article. " * 20)
                return self.send(200, body, "application/rss+xml")
            if path.startswith("/files/") and args.files:
                return self.send_file(path[len("/files/"):])
            if path.startswith("/img/"):
                return self.send(200, png(), "image/png")
            if path == "/image.png":
                return self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")
            if path == "/sitemap.xml":
                return self.send(200, b'<?xml version="1.0"?><urlset xmlns='
                                 b'"http://www.sitemaps.org/schemas/sitemap/0.9">'
                                 b"<url><loc>http://x/</loc></url></urlset>",
                                 "application/xml")
            if path == "/not-a-feed.json":
                return self.send(200, b'{"hello": "world"}', "application/json")
            if path == "/empty":
                return self.send(200, b"", "text/html", validators=False)
            if path.startswith("/status/"):
                code = path[len("/status/"):]
                return self.send(int(code) if code.isdigit() else 500,
                                 b"", "text/plain", validators=False)
            return self.send(404, b"not found", "text/plain", validators=False)

        do_HEAD = do_GET

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            # a client that hangs up (a cap, a time limit) is what the
            # tests do on purpose: not worth a traceback
            if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
                super().handle_error(request, client_address)

    srv = Server(("127.0.0.1", 0), H)
    srv.daemon_threads = True
    tmp = args.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(tmp, args.portfile)
    t = threading.Timer(args.lifetime, lambda: os._exit(0))
    t.daemon = True
    t.start()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
