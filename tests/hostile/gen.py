#!/usr/bin/env python3
"""Generate the hostile inputs named in cases.tsv into a work directory.

Usage: gen.py [--small] OUTDIR [SHARED_DIR]

--small (the sanitizer runs) makes the pathological counts smaller where a
larger one only exercises the same code longer: memory errors show at 20,000
feed items as well as at 100,000. Full sizes are what bench/hostile.sh times.

Everything big (10 MB paragraphs, 100,000-deep nesting, 10,000-file
directories, decompression bombs) is made here at test time so that the
repository stays small; small inputs are made here too so that one file shows
every input next to the bytes that make it hostile. Output is deterministic
(fixed seeds), so a failing case can be regenerated and replayed by hand.
"""
import os
import random
import struct
import sys
import zlib

ARGS = [a for a in sys.argv[1:] if a != '--small']
SMALL = len(ARGS) < len(sys.argv) - 1


def size(full, small):
    """A pathological count: @small under --small (the sanitizer runs)."""
    return small if SMALL else full
OUT = ARGS[0]
SHARED = ARGS[1] if len(ARGS) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'shared')
MIRROR = os.path.join(SHARED, 'corpus', 'mirror')

FM = ("---\ntitle: '{title}'\ncategories:\n - 测试\n - 恶意输入\n"
      "author: hostile\ndate: Wed, 10 Aug 2022 12:38:31 GMT\n---\n\n")


def put(name, data):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(path, 'wb') as f:
        f.write(data)
    return path


def article(title, body):
    return FM.format(title=title) + body + '\n'


# ## PNG / JPEG / GIF / WebP builders (headers that lie, bombs) ##########

def png_chunk(kind, data):
    return (struct.pack('>I', len(data)) + kind + data +
            struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))


def png(width, height, idat, color=0, depth=8):
    ihdr = struct.pack('>IIBBBBB', width, height, depth, color, 0, 0, 0)
    return (b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) +
            png_chunk(b'IDAT', idat) + png_chunk(b'IEND', b''))


def zeros_deflated(total, chunk=1 << 20):
    """zlib stream of @total zero bytes without holding them in memory."""
    c = zlib.compressobj(9)
    out = []
    block = bytes(chunk)
    left = total
    while left > 0:
        n = min(chunk, left)
        out.append(c.compress(block[:n]))
        left -= n
    out.append(c.flush())
    return b''.join(out)


def png_small_ok():
    # 2x2 grey, valid.
    raw = b'\x00\x10\x20' + b'\x00\x30\x40'
    return png(2, 2, zlib.compress(raw))


def jpeg_sof(width, height):
    # SOI, a DQT, SOF0 claiming width x height, DHT-less SOS, then EOI: the
    # header alone is what a size sniffer reads.
    dqt = b'\xff\xdb\x00\x43\x00' + bytes([1] * 64)
    sof = b'\xff\xc0\x00\x11\x08' + struct.pack('>HH', height, width) + \
        b'\x03\x01\x11\x00\x02\x11\x00\x03\x11\x00'
    sos = b'\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00'
    return b'\xff\xd8' + dqt + sof + sos + bytes(64) + b'\xff\xd9'


def gif_claim(width, height):
    hdr = b'GIF89a' + struct.pack('<HH', width, height) + b'\x80\x00\x00'
    pal = b'\x00\x00\x00\xff\xff\xff'
    desc = b'\x2c' + struct.pack('<HHHH', 0, 0, width, height) + b'\x00'
    # LZW min code size 2, one sub-block: clear, a few codes, end.
    data = b'\x02\x02\x4c\x01\x00'
    return hdr + pal + desc + data + b'\x3b'


def webp_vp8l(width, height):
    bits = (width - 1) | ((height - 1) << 14) | (1 << 28)
    payload = b'\x2f' + struct.pack('<I', bits) + bytes(32)
    chunk = b'VP8L' + struct.pack('<I', len(payload)) + payload
    return b'RIFF' + struct.pack('<I', 4 + len(chunk)) + b'WEBP' + chunk


def webp_vp8x(width, height):
    w, h = width - 1, height - 1
    payload = b'\x00\x00\x00\x00' + w.to_bytes(3, 'little') + \
        h.to_bytes(3, 'little')
    chunk = b'VP8X' + struct.pack('<I', len(payload)) + payload
    return b'RIFF' + struct.pack('<I', 4 + len(chunk)) + b'WEBP' + chunk


def mirror_file(rel):
    p = os.path.join(MIRROR, rel)
    with open(p, 'rb') as f:
        return f.read()


def first_mirror_of(kind):
    with open(os.path.join(MIRROR, 'INDEX.tsv'), encoding='utf-8') as f:
        for line in f:
            cols = line.rstrip('\n').split('\t')
            if len(cols) == 3 and cols[2] == kind and \
                    os.path.exists(os.path.join(MIRROR, cols[1])):
                return mirror_file(cols[1])
    return None


def main():
    os.makedirs(OUT, exist_ok=True)
    rnd = random.Random(6)
    passwd_probe = 'root:x:0:0'  # what a leak of /etc/passwd would show

    # ## Encodings ######################################################
    put('utf8-invalid.md',
        FM.format(title='坏的UTF8').encode() +
        b'<p>before \xff\xfe overlong \xc0\xaf surrogate \xed\xa0\x80 '
        b'cut \xe4\xb8 VALID_AFTER_BAD_BYTES \xe4\xb8\xad\xe6\x96\x87</p>\n'
        b'<p>ends mid sequence \xe4')
    put('utf8-invalid-title.md',
        b'---\ntitle: "bad \xff\xfe title"\nauthor: "\xc3"\n---\n\n'
        b'BODY_OF_BAD_TITLE\n')
    put('nul-bytes.md',
        FM.format(title='NUL').encode() +
        b'<p>before\x00NUL_MIDDLE\x00after</p>\n<p>AFTER_NUL_PARA</p>\n')
    put('nul-in-frontmatter.md',
        b'---\ntitle: "nul\x00title"\n---\n\nBODY_AFTER_NUL_FM\n')
    put('bom-utf8.md', b'\xef\xbb\xbf' +
        article('BOM标题', '<p>BOM_BODY_TEXT</p>').encode())
    put('bom-utf16le.md', b'\xff\xfe' +
        article('UTF16标题', 'UTF16_BODY_TEXT').encode('utf-16-le'))
    put('bom-utf16be.md', b'\xfe\xff' +
        article('UTF16标题', 'UTF16_BODY_TEXT').encode('utf-16-be'))
    put('bom-only.md', b'\xef\xbb\xbf')
    put('gbk-body.md', article('中文标题', '<p>这是一段中文GBK_BODY正文。</p>')
        .encode('gbk'))
    put('gb18030-body.md', article('中文标题', '<p>扩展字𠀀GB18030_BODY正文。</p>')
        .encode('gb18030'))
    put('gbk-meta.html',
        ('<html><head><meta charset="gbk"><title>网页标题</title></head>'
         '<body><p>带meta的GBK_META_BODY正文。</p></body></html>').encode('gbk'))
    put('gb2312-http-equiv.html',
        ('<html><head><meta http-equiv="Content-Type" '
         'content="text/html; charset=gb2312"><title>标题</title></head>'
         '<body><p>GB2312_BODY 中文</p></body></html>').encode('gb2312'))
    put('crlf.md', article('CRLF标题', '<p>CRLF_BODY</p>')
        .replace('\n', '\r\n'))
    put('cr-only.md', article('CR标题', 'CR_BODY').replace('\n', '\r'))
    put('control-chars.md', article('控制字符', '<p>ctl \x01\x02\x07\x0b\x0c'
                                    '\x1b\x7f \ufffe \uffff CTRL_BODY</p>'
                                    '\n\n&#0; &#1; &#xD800; &#x110000; '
                                    '&#99999999999; &#xFFFE; NUMREF_BODY'))

    # ## Front matter ###################################################
    put('fm-missing.md', '<p>NO_FRONT_MATTER_BODY</p>\n')
    put('fm-unterminated.md',
        "---\ntitle: 'never closed'\nauthor: x\n\nUNTERMINATED_BODY text\n"
        "<p>UNTERMINATED_PARA</p>\n")
    put('fm-huge.md', "---\ntitle: 'huge front matter'\nnotes: |\n" +
        ''.join('  line %d of a very long front matter block\n' % i
                for i in range(150000)) + "---\n\nHUGE_FM_BODY\n")
    bomb = ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
            "\"lol\",\"lol\"]"]
    prev = 'a'
    for n in 'bcdefghijklmn':
        bomb.append('%s: &%s [%s]' % (n, n, ','.join(['*' + prev] * 9)))
        prev = n
    put('fm-alias-bomb.md', "---\ntitle: 'alias bomb'\n" + '\n'.join(bomb) +
        "\ncategories: *n\nauthor: *n\n---\n\nALIAS_BOMB_BODY\n")
    put('fm-deep-flow.md', "---\ntitle: 'deep'\ncategories: " +
        '[' * 100000 + ']' * 100000 + "\n---\n\nDEEP_FLOW_BODY\n")
    put('fm-deep-block.md', "---\ntitle: 'deep block'\n" +
        ''.join(' ' * i + 'k%d:\n' % i for i in range(1500)) +
        "---\n\nDEEP_BLOCK_BODY\n")
    put('fm-bad-yaml.md',
        "---\ntitle: 'unclosed quote\n\tauthor: tab\n: : :\n- [\n"
        "date: {{{\n---\n\nBAD_YAML_BODY\n")
    put('fm-wrong-types.md',
        "---\ntitle: [a, b, {c: d}]\ncategories: {x: y}\nauthor: 12345\n"
        "date: 2022-13-45T99:99:99Z\nheadimg: [1, 2]\ntags: !!binary aGVsbG8=\n"
        "---\n\nWRONG_TYPES_BODY\n")
    put('fm-huge-title.md', "---\ntitle: '" + '长' * 300000 +
        "TITLE_END'\n---\n\nHUGE_TITLE_BODY\n")
    put('fm-yaml-tags.md',
        "---\ntitle: !!python/object/apply:os.system ['echo pwned']\n"
        "author: !<tag:yaml.org,2002:str> x\n---\n\nYAML_TAGS_BODY\n")
    put('fm-multi-doc.md', "---\ntitle: first\n---\n---\ntitle: second\n---\n"
        "\nMULTI_DOC_BODY\n")
    put('fm-only.md', "---\ntitle: 'only front matter'\n---\n")
    put('fm-dashes-only.md', "---\n---\n")
    put('fm-date-overflow.md',
        "---\ntitle: dates\ndate: 99999999999-01-01\n---\n\nDATE_BODY\n")
    put('fm-headimg-passwd.md',
        "---\ntitle: headimg\nheadimg: 'file:///etc/passwd'\n"
        "thumbnail: '../../../../../../etc/passwd'\n---\n\nHEADIMG_BODY\n")

    # ## HTML #############################################################
    put('html-tag-soup.md', article('tag soup',
        '<div><p>SOUP_ONE <b>bold <i>both</b> italic</i></p></div></div>'
        '</span><table><p>SOUP_IN_TABLE</p><tr><td>SOUP_CELL<td>x</table>'
        '<ul><p>SOUP_IN_UL</p><li>a<li>b</ul><h1><h2>SOUP_HEAD</h1></h2>'
        '<a href="x"><a href="y">SOUP_LINK</a></a><p <p>> <<>>'
        '<br/><br></br><img><img src><p>SOUP_END'))
    for kind, op, cl in (('div', '<div>', '</div>'),
                         ('inline', '<b><i>', '</i></b>'),
                         ('list', '<ul><li>', '</li></ul>'),
                         ('quote', '<blockquote>', '</blockquote>')):
        n = 100000 if kind != 'inline' else 50000
        put('html-deep-%s.md' % kind, article('deep ' + kind,
            '<p>DEEP_START</p>' + op * n + 'DEEP_%s_MARKER' % kind.upper() +
            cl * n + '<p>DEEP_AFTER</p>'))
    put('html-deep-unclosed.md', article('deep unclosed',
        '<span>' * 100000 + 'UNCLOSED_MARKER'))
    put('html-deep-table.md', article('deep table',
        '<table><tr><td>' * 3000 + 'TABLE_MARKER' +
        '</td></tr></table>' * 3000))
    para = ''.join(rnd.choice('中文段落测试内容很长的一段没有结束的文字，。')
                   for _ in range(3300000))
    para = para[:size(len(para), 660000)]  # the stream stays as it was
    put('html-10mb-paragraph.md', article('10MB段落',
        '<p>BIG_PARA_START' + para + 'BIG_PARA_END</p>'))
    put('md-10mb-paragraph.md', article('10MB段落md',
        'MD_BIG_START' + para + 'MD_BIG_END'))
    put('html-1mb-token.md', article('1MB token',
        '<p>TOKEN_START ' + 'a' * (1 << 20) + ' TOKEN_END</p>'))
    put('html-1mb-cjk-token.md', article('1MB CJK',
        '<p>CJK_START' + '字' * 350000 + 'CJK_END</p>'))
    put('html-1mb-url.md', article('long url',
        '<p><a href="https://x.example/' + 'u' * (1 << 20) +
        '">LONG_URL_LINK</a></p>'))
    put('html-entity-bomb.html',
        '<?xml version="1.0"?>\n<!DOCTYPE html [\n'
        '<!ENTITY a "lollollollollollollollollollol">\n' +
        ''.join('<!ENTITY %s "%s">\n' % (c, ('&%s;' % p) * 10)
                for p, c in zip('abcdefghi', 'bcdefghij')) +
        ']>\n<html><head><title>bomb</title></head><body>'
        '<p>&j;</p><p>ENTITY_BOMB_AFTER</p></body></html>\n')
    put('html-xxe.html',
        '<?xml version="1.0"?>\n<!DOCTYPE html [\n'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
        '<!ENTITY % pe SYSTEM "file:///etc/passwd">\n%pe;\n]>\n'
        '<html><body><p>&xxe;</p><p>XXE_AFTER</p></body></html>\n')
    put('html-xxe.md', article('xxe in md',
        '<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<p>&xxe;</p><p>XXE_MD_AFTER</p>'))
    put('html-xinclude.html',
        '<html xmlns:xi="http://www.w3.org/2001/XInclude"><body>'
        '<xi:include href="/etc/passwd" parse="text"/>'
        '<p>XINCLUDE_AFTER</p></body></html>\n')
    put('html-chrome.md', article('chrome',
        '<script>EVIL_SCRIPT_TEXT()</script><style>EVIL_STYLE{}</style>'
        '<p onclick="EVIL_HANDLER()">CHROME_TEXT '
        '<a href="javascript:EVIL_JS()">js link</a> '
        '<a href="vbscript:EVIL_VB">vb</a></p>'
        '<iframe src="https://evil.example/">EVIL_IFRAME</iframe>'
        '<form action="https://evil.example/"><input value="EVIL_FORM">'
        '</form><object data="x.swf"></object><embed src="x.swf">'
        '<svg><script>EVIL_SVG_SCRIPT()</script></svg>'
        '<math><mi xlink:href="javascript:EVIL_MATH">m</mi></math>'
        '<p style="background:url(javascript:EVIL_CSS)">CHROME_END</p>'))
    # HTML5 void elements that libxml2's HTML 4 parser thinks have content:
    # what follows them ends up inside.
    put('html-embed.md', article('embed',
        '<p>x<embed src="v.swf">EMBED_AFTER</p><p>EMBED_NEXT</p>'))
    put('html-unterminated-comment.md', article('comment',
        '<p>BEFORE_COMMENT</p><!-- never closed <p>INSIDE_COMMENT</p>'))
    put('html-cdata.md', article('cdata',
        '<p>CDATA_BEFORE <![CDATA[ ]]> <![CDATA[ never closed'))
    put('html-huge-attr.md', article('huge attr',
        '<p class="' + 'c' * (1 << 20) + '" title="' + '"' * 10 +
        '">HUGE_ATTR_TEXT</p>'))
    put('html-many-attrs.md', article('many attrs',
        '<p ' + ' '.join('a%d="v"' % i for i in range(100000)) +
        '>MANY_ATTRS_TEXT</p>'))
    put('html-table-spans.md', article('spans',
        '<table><tr><td colspan="1000000" rowspan="1000000">SPAN_A</td>'
        '<td colspan="-5" rowspan="0">SPAN_B</td>'
        '<td colspan="99999999999999999999">SPAN_C</td></tr>'
        '<tr><td rowspan="65535">SPAN_D</td></tr></table>'))
    put('html-table-wide.md', article('wide table',
        '<table>' + ('<tr>' + '<td>c</td>' * 2000 + '</tr>') * 3 +
        '</table><p>WIDE_TABLE_AFTER</p>'))
    put('html-table-long.md', article('long table',
        '<table>' + ''.join('<tr><td>%d</td><td>行%d</td><td>x</td></tr>' %
                            (i, i) for i in range(20000)) +
        '</table><p>LONG_TABLE_AFTER</p>'))
    put('html-img-dims.md', article('img dims',
        '<p>IMG_DIMS_TEXT<img width="99999999999" height="-1" '
        'src="data:image/png;base64,' +
        __import__('base64').b64encode(png_small_ok()).decode() + '"></p>'))
    put('html-many-headings.md', article('many headings',
        ''.join('<h%d>H%d_%d</h%d><p>t</p>' % (i % 6 + 1, i, i, i % 6 + 1)
                for i in range(20000)) + '<p>HEADINGS_END</p>'))
    put('html-ruby-soup.md', article('ruby',
        '<ruby>漢<rt>kan<ruby>字<rt>ji</rt></ruby></rt><rp>(</ruby>'
        '<rt>orphan</rt><p>RUBY_END</p>'))
    put('html-bidi-zw.md', article('bidi',
        '<p>\u202eRLO_TEXT\u202c \u200b\u200b\u200b\u2066x\u2069 '
        '\ufeff BIDI_END</p>'))
    put('html-pre-huge-line.md', article('pre',
        '<pre><code>' + 'x' * 500000 + '\tPRE_END</code></pre>'))
    put('html-only-tags.html', '<html><body>' + '<br>' * 50000 +
        '</body></html>')
    put('empty.html', '')

    # ## Markdown #########################################################
    md_fm = FM.format(title='markdown')
    put('md-deep-quote.md', md_fm + '>' * 100000 + ' MD_QUOTE_MARKER\n')
    put('md-deep-list.md', md_fm + '- ' * 100000 + 'MD_LIST_MARKER\n')
    put('md-emph-pathological.md', md_fm + '*a **a ' * 50000 + 'EMPH_END\n')
    put('md-brackets.md', md_fm + '[' * 100000 + '![' * 30000 + ']' * 1000 +
        '(' * 10000 + ' BRACKETS_END\n')
    put('md-backticks.md', md_fm +
        ''.join('`' * (i % 50 + 1) + 'x' for i in range(50000)) +
        ' TICKS_END\n')
    put('md-table-cols.md', md_fm + '|' + 'h|' * 10000 + '\n|' +
        '-|' * 10000 + '\n|' + 'c|' * 10000 + '\n\nMD_TABLE_END\n')
    put('md-link-refs.md', md_fm +
        ''.join('[r%d]: https://x.example/%d\n' % (i, i)
                for i in range(50000)) + '[r1] MD_REFS_END\n')
    put('md-images-passwd.md', md_fm +
        '![a](../../../../../../../etc/passwd) ![b](/etc/passwd) '
        '![c](file:///etc/passwd) ![d](file://localhost/etc/passwd) '
        '![e](%2e%2e/%2e%2e/%2e%2e/etc/passwd) '
        '![f](..%2f..%2f..%2f..%2fetc%2fpasswd) MD_PASSWD_END\n')
    put('md-html-mix.md', md_fm + '<div>\n\n# HEAD_IN_DIV\n\n</div>\n\n'
        '<p>unclosed *emph* <b>bold\n\n> quote </b>\n\nMD_MIX_END\n')

    # ## Images #############################################################
    mirror = os.path.join('mirror', 'evil.example')
    put(os.path.join(mirror, 'png-100k.png'), png(100000, 100000, b''))
    put(os.path.join(mirror, 'png-max.png'), png(0x7fffffff, 0x7fffffff, b''))
    put(os.path.join(mirror, 'png-zero.png'), png(0, 0, b''))
    # 20000 x 20000 grey = 400 MP of zeros in ~400 KB: a decompression bomb.
    put(os.path.join(mirror, 'png-bomb.png'),
        png(20000, 20000, zeros_deflated(20000 * 20001)))
    # Small header, endless IDAT: a decoder must stop at the rows it needs.
    put(os.path.join(mirror, 'png-idat-flood.png'),
        png(100, 100, zeros_deflated(64 << 20)))
    put(os.path.join(mirror, 'jpeg-65500.jpg'), jpeg_sof(65500, 65500))
    put(os.path.join(mirror, 'jpeg-zero.jpg'), jpeg_sof(0, 0))
    put(os.path.join(mirror, 'gif-65535.gif'), gif_claim(65535, 65535))
    put(os.path.join(mirror, 'gif-zero.gif'), gif_claim(0, 0))
    put(os.path.join(mirror, 'webp-vp8l-16k.webp'), webp_vp8l(16384, 16384))
    put(os.path.join(mirror, 'webp-vp8x-16m.webp'), webp_vp8x(1 << 24,
                                                               1 << 24))
    put(os.path.join(mirror, 'not-image.png'), '<html>not an image</html>')
    put(os.path.join(mirror, 'empty.png'), b'')
    put(os.path.join(mirror, 'svg-xxe.svg'),
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM '
        '"file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg" '
        'width="10" height="10"><text>&x;</text>'
        '<script>alert(1)</script></svg>')
    put(os.path.join(mirror, 'svg-bomb.svg'),
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lollollollol">' +
        ''.join('<!ENTITY %s "%s">' % (c, ('&%s;' % p) * 10)
                for p, c in zip('abcdefghi', 'bcdefghij')) +
        ']><svg xmlns="http://www.w3.org/2000/svg" width="99999999" '
        'height="99999999"><text>&j;</text></svg>')
    truncs = {'png': 'png', 'jpg': 'jpeg', 'gif': 'gif', 'webp': 'webp'}
    for ext, kind in sorted(truncs.items()):
        data = first_mirror_of(kind)
        if data is None:
            continue
        put(os.path.join(mirror, 'trunc-half.' + ext), data[:len(data) // 2])
        put(os.path.join(mirror, 'trunc-header.' + ext), data[:20])
        flipped = bytearray(data)
        r = random.Random(len(data))
        for _ in range(max(1, len(data) // 200)):
            i = r.randrange(16, len(flipped))
            flipped[i] ^= 1 << r.randrange(8)
        put(os.path.join(mirror, 'bitflip.' + ext), bytes(flipped))

    def img_article(name, srcs, extra=''):
        body = ''.join('<p>%s<img src="%s" alt="ALT_%s"></p>' %
                       (name.upper(), s, s.rsplit('/', 1)[-1].replace('.', '_'))
                       for s in srcs)
        put(name + '.md', article(name, body + extra +
                                  '<p>%s_END</p>' % name.upper()))

    ev = 'https://evil.example/'
    img_article('img-huge-claims', [ev + n for n in (
        'png-100k.png', 'png-max.png', 'png-zero.png', 'jpeg-65500.jpg',
        'jpeg-zero.jpg', 'gif-65535.gif', 'gif-zero.gif',
        'webp-vp8l-16k.webp', 'webp-vp8x-16m.webp')])
    img_article('img-bombs', [ev + 'png-bomb.png', ev + 'png-idat-flood.png'])
    img_article('img-truncated', [ev + n for n in (
        'trunc-half.png', 'trunc-half.jpg', 'trunc-half.gif',
        'trunc-half.webp', 'trunc-header.png', 'trunc-header.jpg',
        'trunc-header.gif', 'trunc-header.webp')])
    img_article('img-bitflip', [ev + n for n in (
        'bitflip.png', 'bitflip.jpg', 'bitflip.gif', 'bitflip.webp')])
    img_article('img-not-image', [ev + 'not-image.png', ev + 'empty.png'])
    img_article('img-svg', [ev + 'svg-xxe.svg', ev + 'svg-bomb.svg'])
    img_article('img-passwd', [
        '../../../../../../../../etc/passwd', '/etc/passwd',
        'file:///etc/passwd', 'file://localhost/etc/passwd',
        'FILE:///etc/passwd', '%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        'https://evil.example/../../../../../etc/passwd',
        'https://evil.example/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        'https://evil.example/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
        'http://127.0.0.1/x.png', 'http://[::1]/x.png',
        'http://169.254.169.254/latest/meta-data/', 'gopher://x/',
        'ftp://evil.example/x.png', 'javascript:alert(1)'])
    img_article('img-data-uris', [
        'data:image/png;base64,' + __import__('base64').b64encode(
            png(100000, 100000, b'')).decode(),
        'data:image/png;base64,!!!not base64!!!',
        'data:text/html,<script>alert(1)</script>',
        'data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg">'
        '<script>alert(1)</script></svg>',
        'data:,', 'data:image/png;base64,' + 'A' * 200000])
    img_article('img-many-missing', [ev + 'missing-%d.png' % i
                                     for i in range(3000)])
    put('img-srcset.md', article('srcset',
        '<p>SRCSET_TEXT<img srcset="' + ', '.join('x%d.png %dw' % (i, i)
                                                   for i in range(5000)) +
        ' ,,,, , 9999999999999999999x" src=""></p>'
        '<p><img srcset="file:///etc/passwd 1x"></p><p>SRCSET_END</p>'))
    put('img-headimg-bomb.md',
        "---\ntitle: headimg bomb\nheadimg: '%spng-bomb.png'\n---\n\n"
        "<p>HEADIMG_BOMB_END</p>\n" % ev)

    # Symlinks out of the input root.
    os.makedirs(os.path.join(OUT, 'outside'), exist_ok=True)
    put(os.path.join('outside', 'secret.png'), png_small_ok())
    sym = os.path.join(OUT, 'symroot')
    os.makedirs(sym, exist_ok=True)
    for name, target in (('passwd.png', '/etc/passwd'),
                         ('secret.png', os.path.join(OUT, 'outside',
                                                     'secret.png')),
                         ('etc', '/etc'), ('loop.png', 'loop.png')):
        p = os.path.join(sym, name)
        if os.path.lexists(p):
            os.remove(p)
        os.symlink(target, p)
    put(os.path.join('symroot', 'article.md'), article('symlinks',
        '<p>SYMLINK_TEXT<img src="passwd.png"><img src="secret.png">'
        '<img src="etc/passwd"><img src="loop.png">'
        '<img src="../outside/secret.png"></p><p>SYMLINK_END</p>'))

    # ## Feeds ##############################################################
    put('feed-xxe.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        '<rss version="2.0"><channel><title>xxe</title>'
        '<item><title>item &xxe;</title><description>&xxe; FEED_XXE_BODY'
        '</description></item></channel></rss>\n')
    put('feed-entity-bomb.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
        '<!ENTITY a "lollollollollollollollollollol">\n' +
        ''.join('<!ENTITY %s "%s">\n' % (c, ('&%s;' % p) * 10)
                for p, c in zip('abcdefghi', 'bcdefghij')) +
        ']>\n<rss version="2.0"><channel><title>bomb</title>'
        '<item><title>t</title><description>&j; FEED_BOMB_BODY'
        '</description></item></channel></rss>\n')
    put('feed-external-dtd.xml',
        '<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "%s">\n'
        '<rss version="2.0"><channel><title>dtd</title><item><title>t'
        '</title><description>&leak; FEED_DTD_BODY</description></item>'
        '</channel></rss>\n' % os.path.join(OUT, 'evil.dtd'))
    put('evil.dtd', '<!ENTITY leak SYSTEM "file:///etc/passwd">\n')
    put('feed-xinclude.xml',
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:xi="http://www.w3.org/2001/XInclude"><title>x</title>'
        '<entry><title>e</title><content type="html">FEED_XI_BODY'
        '</content><xi:include href="/etc/passwd" parse="text"/></entry>'
        '</feed>\n')
    put('feed-deep.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>d</title>'
        '<item><title>deep</title><description>FEED_DEEP_BODY</description>'
        '<x>' + '<y>' * 100000 + '</y>' * 100000 + '</x></item>'
        '</channel></rss>\n')
    put('feed-html-deep.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>d</title>'
        '<item><title>deep html</title><description><![CDATA[' +
        '<div>' * 100000 + 'FEED_HTML_DEEP' + ']]></description></item>'
        '</channel></rss>\n')
    put('feed-truncated.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title>'
        '<item><title>one</title><description>FEED_TRUNC_ONE</description>'
        '</item><item><title>two</title><descrip')
    put('feed-many-items.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>m</title>'
        + ''.join('<item><title>条目%d</title><guid>g%d</guid>'
                  '<description>&lt;p&gt;ITEM_%d&lt;/p&gt;</description>'
                  '</item>' % (i, i, i) for i in range(2000)) +
        '</channel></rss>\n')
    put('feed-empty-items.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>e</title>'
        '<item/><item><title/></item><item><description/></item>'
        '</channel></rss>\n')

    # ## Unseen kinds (session 2): sizes and shapes nobody wrote by hand ##
    # HTML: breadth rather than depth, and numbers the model must clamp.
    put('html-50k-tables.md', article('50k tables',
        '<table><tr><td>t</td><td>u</td></tr></table>' * size(50000, 10000) +
        '<p>TABLES50K_END</p>'))
    put('html-table-nest-10k.md', article('nested tables',
        '<table>' * 10000 + 'TNEST_MARKER' + '</table>' * 10000 +
        '<p>TNEST_END</p>'))
    put('html-colspan-100k.md', article('colspan',
        '<table>' + ''.join(
            '<tr><td colspan="100000" rowspan="100000">CS%d</td>'
            '<td colspan=100000>x</td><td rowspan=2147483648>y</td></tr>'
            % i for i in range(2000)) + '</table><p>COLSPAN_END</p>'))
    r5 = random.Random(5)  # its own stream: earlier inputs stay the same
    put('html-pre-5mb-line.md', article('5MB pre',
        '<pre>PRE5_START ' + ''.join(r5.choice('abc中文 ;{}()')
                                     for _ in range(size(5 << 20, 1 << 20))) +
        ' PRE5_END</pre>'))
    put('html-style-giant.md', article('giant styles',
        '<p style="text-align:' + 'x' * (1 << 20) + '">STYLE_ONE</p>'
        '<td style="' + 'text-align:center;' * 100000 + '">STYLE_TWO</td>'
        '<table><tr><td align="' + 'r' * 100000 + '" style="text-align:'
        + ' ' * 100000 + 'right' + '">STYLE_THREE</td></tr></table>'
        '<p style="' + ';' * 500000 + '">STYLE_END</p>'))
    put('html-attrs-slash.md', article('slash attrs',
        '<p/' + '/'.join('a%d' % i for i in range(100000)) +
        '>SLASH_ATTRS_TEXT</p><p>SLASH_END</p>'))
    put('html-attrs-spread.md', article('attrs everywhere',
        ''.join('<span ' + ' '.join('d%d="%d"' % (j, j) for j in range(300))
                + '>s%d</span>' % i for i in range(300)) +
        '<p>ATTR_SPREAD_END</p>'))
    put('html-attr-entities.md', article('entities in attributes',
        '<a href="https://x.example/?' + '&amp;' * 200000 + '" title="' +
        '&#x1F600;&#0;&#xD800;' * 50000 + '">ATTR_ENT_LINK</a>'
        '<img alt="' + '&lt;' * 100000 + '" src="data:,"><p>ATTR_ENT_END</p>'))
    put('html-200k-inlines.md', article('inline siblings',
        '<p>' + '<b>b</b><i>i</i><a href="#x">a</a>' * 70000 +
        'INLINES_END</p>'))
    put('html-mixed-deep.md', article('mixed deep',
        '<ul><li><table><tr><td><blockquote><div><h2><a href="#">' * 4000 +
        'MIXDEEP_MARKER' + '</a></h2></div></blockquote></td></tr></table>'
        '</li></ul>' * 4000 + '<p>MIXDEEP_END</p>'))
    put('html-comment-storm.md', article('comments',
        '<p>COMMENTS_START</p>' + '<!--x-->' * 100000 + '<!-->' * 50000 +
        '<?php x ?>' * 50000 + '<!x>' * 50000 + '<p>COMMENTS_END</p>'))
    put('html-base-href.md', article('base href',
        '<base href="file:///etc/"><p>BASE_TEXT<img src="passwd">'
        '<img src="./passwd"><a href="shadow">l</a></p><p>BASE_END</p>'))
    # Markdown: md4c's worst cases at sizes past the existing ones.
    put('md-quote-lines.md', md_fm + ''.join(
        '> ' * (i % 500) + 'q%d\n' % i for i in range(20000)) +
        '\nMDQL_END\n')
    put('md-list-markers.md', md_fm + ''.join(
        ('1. ', '- ', '* ', '+ ', '2) ')[i % 5] for i in range(100000)) +
        'MDLM_MARKER\n\nMDLM_END\n')
    put('md-emph-1m.md', md_fm + '*_' * 500000 + ' EMPH1M_A\n\n' +
        '**' * 250000 + 'x' + '__' * 250000 + '\n\n' +
        '~' * 500000 + 'x\n\nEMPH1M_END\n')
    put('md-tabs.md', md_fm + '-\t' + '\t' * size(1 << 20, 1 << 18) + 'x\n\n' +
        ''.join('\t' * (i % 64) + '> - ' + '\t' * (i % 7) + 'y\n'
                for i in range(size(50000, 10000))) + '\nTABS_END\n')
    put('md-html-blocks.md', md_fm + '<div>\n\n' * 50000 +
        '</div>\n\n' * 50000 + '<table>\n<tr>\n' * 20000 + '\nMDHB_END\n')
    put('md-entities.md', md_fm + '&amp;' * 200000 + ' &#0; &#xD800; '
        '&#x110000; &#99999999; &bogus; ' * 20000 + 'MDENT_END\n')
    # Front matter: breadth and size.
    put('fm-100k-categories.md', "---\ntitle: many categories\ncategories:\n"
        + ''.join(' - 类别%d\n' % i for i in range(100000)) +
        "tags: [" + ','.join('t%d' % i for i in range(100000)) + "]\n"
        "---\n\nFM100K_BODY\n")
    put('fm-5mb-title.md', "---\ntitle: '" + '标题很长' * (size(5 << 20, 1 << 20) // 12) +
        "TITLE5M_END'\nauthor: '" + 'a' * (1 << 20) + "'\n---\n\n"
        "FM5M_BODY\n")
    put('fm-anchor-storm.md', "---\ntitle: anchors\n" + ''.join(
        'k%d: &a%d v%d\nr%d: *a%d\n' % (i, i, i, i, i)
        for i in range(50000)) + "categories: [*a1, *a2]\n---\n\nANCHORS_BODY\n")
    # Feeds.
    put('feed-100k-items.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>m</title>'
        + ''.join('<item><title>T%d</title><description>I%d</description>'
                  '</item>' % (i, i) for i in range(size(100000, 20000))) +
        '</channel></rss>\n')
    # JSON Feed: nesting past json-c's cap, a cut-off file, many items,
    # bytes that are not UTF-8 and \u0000 escapes, one huge text, and HTML
    # that tries to reach files and run script.
    jv = '{"version": "https://jsonfeed.org/version/1.1", '
    put('feed-json-deep.json',
        jv + '"title": "deep", "items": [' + '[' * 100000 + ']' * 100000 +
        ']}')
    put('feed-json-truncated.json',
        jv + '"items": [{"id": "1", "title": "JTRUNC", "content_html": '
        '"<p>JTRUNC_BODY')
    put('feed-json-many.json',
        jv + '"title": "many", "items": [' + ','.join(
            '{"id": "j%d", "title": "J_%d", "content_html": "<p>J_%d body</p>"}'
            % (i, i, i) for i in range(20000)) + ']}')
    put('feed-json-bad-utf8.json',
        (jv + '"items": [{"id": "1", "title": "JBAD \\u0000 title", '
         '"content_text": "JBAD_BODY ').encode() + b'\xff\xfe\xc0\xaf' +
        ' \\ud800 lone \\u0000 nul JBAD_END"}]}'.encode())
    put('feed-json-big-text.json',
        jv + '"items": [{"id": "1", "title": "JBIG", "content_text": "' +
        ('很长的一段文字。' * 8 + '\\n') * 40000 + 'JBIG_END"}]}')
    put('feed-json-hostile-html.json',
        jv + '"home_page_url": "file:///etc/", "items": [{"id": "1", '
        '"url": "javascript:alert(1)", "title": "JHTML", "image": '
        '"file:///etc/passwd", "content_html": "<p>JHTML_BODY<script>'
        'alert(1)</script><img src=\\"passwd\\"><img src=\\"file:///etc/'
        'passwd\\"><a href=\\"javascript:alert(1)\\">x</a></p>"}]}')
    put('feed-json-items-object.json',
        jv + '"items": {"0": {"id": "1", "title": "JOBJ"}}}')
    # One title and date for every item, each with its own text: not
    # duplicates, and telling them apart must stay linear.
    put('feed-same-title.xml',
        '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>m</title>'
        + ''.join('<item><title>快讯</title>'
                  '<pubDate>Wed, 10 Aug 2022 12:00:00 GMT</pubDate>'
                  '<description>SAME_TITLE_%d</description></item>' % i
                  for i in range(30000)) +
        '</channel></rss>\n')
    put('feed-atom-xml-base.xml',
        '<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xml:base="file:///etc/"><title>base</title>'
        '<entry xml:base="javascript:alert(1)//"><title>e1</title>'
        '<link href="passwd"/><content type="html">&lt;p&gt;ATOM_BASE_ONE'
        '&lt;img src="passwd"&gt;&lt;a href="shadow"&gt;x&lt;/a&gt;&lt;/p&gt;'
        '</content></entry>'
        '<entry xml:base="../../../../../../etc/"><title>e2</title>'
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml" '
        'xml:base="file:///etc/"><p>ATOM_BASE_TWO<img src="passwd"/></p>'
        '</div></content></entry>'
        '<entry xml:base="http://127.0.0.1/"><title>e3</title>'
        '<content type="html">&lt;img src="x.png"&gt;ATOM_BASE_THREE'
        '</content></entry></feed>\n')
    # Line endings and characters that mean something to somebody.
    put('mixed-eol.md',
        b'---\r\ntitle: EOL\xe6\xb7\xb7\xe5\x90\x88\rauthor: a\n\r\ndate: '
        b'2022-08-10\r\n---\r\n\r\n<p>EOL_ONE\r\rEOL_TWO</p>\n\r\r\n'
        b'plain\rEOL_THREE\n\n\r\n' * 1000 + b'EOL_END\r')
    put('title-bidi-storm.md', "---\ntitle: '" +
        ''.join('\u202e\u202b\u2067' for _ in range(10000)) + 'BIDI标题' +
        '\u202c' * 3 + "'\nauthor: '\u202eevil\u202c'\n---\n\n<p>" +
        '\u202d\u202e\u2066\u2067\u2068' * 20000 + 'BIDISTORM_END</p>\n')
    put('combining-storm.md', "---\ntitle: 'Z" + '\u0301\u0302\u0303' * 10000
        + "'\n---\n\n<p>" + ('a' + '\u0300\u0301\u0308\u0336' * 500) * 200 +
        ' \u0e49' * 5000 + '\u3099' * 20000 + ' COMBINING_END</p>\n')
    put('line-separators.md', "---\ntitle: \"LS\u2028PS\u2029title\"\n"
        "author: x\u2028y\n---\n\n<p>LSEP_ONE\u2028LSEP_TWO\u2029"
        + '\u2028\u2029\u0085' * 50000 + 'LSEP_END</p>\n\nmd\u2028line\n')
    zw = '\u200b\u200c\u200d\u2060\ufeff\u180e\u034f'
    put('zero-width.md', "---\ntitle: '" + zw.join('零宽标题') + "'\n"
        "categories:\n - " + zw + "\n---\n\n" + zw + '<p>' +
        zw.join('zero width everywhere ' * 2000) + '</p>' + zw * 20000 +
        '<p>ZW_END</p>' + zw + '\n')
    cesu = b'\xed\xa0\xbd\xed\xb8\x80'  # U+1F600 as two UTF-8 surrogates
    put('cesu-surrogates.md', b"---\ntitle: 'CESU " + cesu * 100 +
        b"'\ncategories:\n - '" + cesu + b"'\n---\n\n<p>CESU_ONE " +
        cesu * 50000 + b' \xed\xb0\x80\xed\xa0\x80 lone \xed\xbf\xbf '
        b'CESU_END</p>\n')
    put('overlong-utf8.md', b"---\ntitle: 'over\xc0\xafl\xe0\x80\xafong'\n---\n"
        b"\n<p>OVERLONG_ONE \xc0\x80 \xc1\xbf \xe0\x80\x80 \xf0\x80\x80\x80 "
        b"\xf8\x88\x80\x80\x80 \xfc\x84\x80\x80\x80\x80 \xf4\x90\x80\x80 "
        b"\xfe\xff " * 20000 + b"<a href=\"x\xc0\xae\xc0\xae/\xc0\xafetc\">"
        b"OVERLONG_LINK</a><img src=\"\xc0\xae\xc0\xae\xc0\xafetc\xc0\xafpasswd\">"
        b" OVERLONG_END</p>\n")

    # ## Web pages (whole .html documents: the page reader) ##############
    sentence = ('The council voted on Tuesday to extend the tram line to the '
                'harbour, a project discussed for more than a decade. ')
    chrome = ('<header><nav><ul>' + ''.join(
        '<li><a href="/s%d">Section %d</a></li>' % (i, i) for i in range(30))
        + '</ul></nav></header>')
    put('page-deep-10k.html',
        '<!DOCTYPE html><html><head><title>deep page</title></head><body>' +
        chrome + '<div>' * 10000 + '<p>PAGE_DEEP_MARKER ' + sentence * 3 +
        '</p>' + '</div>' * 10000 + '<p>PAGE_DEEP_AFTER ' + sentence * 2 +
        '</p></body></html>')
    put('page-deep-100k.html',
        '<html><body>' + '<div>' * 100000 + '<p>PAGE_DEEPER_MARKER ' +
        sentence * 3 + '</p>' + '</div>' * 100000 + '</body></html>')
    # 100 MB, as pages get with inlined scripts and pictures; the article
    # is small. Over the default 64 MiB input cap; under a raised one.
    with open(os.path.join(OUT, 'page-100mb.html'), 'w') as f:
        f.write('<!DOCTYPE html><html><head><title>big page</title><script>')
        line = 'for (var i = 0; i<n && a[i] > 0; i++) { s += "<p>" + i; }\n'
        f.write(line * (60 * 1000000 // len(line)))
        f.write('</script><style>')
        f.write('.c { background: url(data:image/png;base64,' +
                'QUJD' * 2500000 + '); }\n' * 2)
        f.write('</style></head><body>' + chrome)
        f.write('<img alt="inline" src="data:image/png;base64,' +
                'QUJD' * 5000000 + '">')
        f.write('<article><p>PAGE_100MB_MARKER ' + sentence * 4 + '</p><p>' +
                sentence * 3 + '</p></article></body></html>')
    # legacy charsets nobody declared, and a declaration that lies
    body = ('<p>网页正文GBK_PAGE_BODY。' + '国内芯片产业在过去几年持续成长，'
            '许多公司都在这个领域投入了大量资金，下游生态成为关键。' * 3 + '</p>')
    put('page-undeclared-gbk.html', ('<html><head><title>新闻标题</title>'
        '</head><body>' + body + '</body></html>').encode('gbk'))
    put('page-lying-meta.html', ('<html><head><meta charset="utf-8">'
        '<title>新闻标题</title></head><body>' + body.replace(
            'GBK_PAGE_BODY', 'LYING_META_BODY') + '</body></html>')
        .encode('gbk'))
    put('page-undeclared-sjis.html', ('<html><body><p>日本語SJIS_PAGE_BODY。' +
        '東京で開かれた会議では、来年の予算について話し合いが行われました。'
        * 3 + '</p></body></html>').encode('shift_jis'))
    put('page-undeclared-big5.html', ('<html><body><p>台灣BIG5_PAGE_BODY。' +
        '台灣的半導體產業在過去幾年持續成長，許多公司都投入大量資金。' * 3 +
        '</p></body></html>').encode('big5'))
    # tag soup: unclosed, misnested, stray end tags, broken attributes
    put('page-broken.html',
        '<html><head><title>broken</title><body><div class=main"><p>'
        'BROKEN_ONE <b>bold <i>both</b> italic</i> ' + sentence +
        '<div></p></span></table><td>cell<p <p>x< y > z ' + sentence +
        '<a href=x y= =z>BROKEN_LINK</a> <p>BROKEN_TWO ' + sentence * 2 +
        '</li></ul><li>stray item ' + sentence + '</html></body><p>'
        'BROKEN_AFTER_END ' + sentence)
    # billion laughs in every form HTML allows: declared entities (which
    # HTML ignores), a storm of references, out-of-range numbers
    put('page-entity-trick.html',
        '<!DOCTYPE html [\n<!ENTITY l0 "lol">\n' +
        ''.join('<!ENTITY l%d "%s">\n' % (i, ('&l%d;' % (i - 1)) * 10)
                for i in range(1, 10)) +
        ']>\n<html><head><title>entities</title></head><body><article>'
        '<p>' + '&l9;' * 1000 + '</p><p>' + '&amp;' * 1000000 + '</p><p>'
        '&#99999999999; &#x110000; &#0; &#xD800; &lt;&gt;&nbsp;&copy;</p>'
        '<p>ENTITY_TRICK_AFTER ' + sentence * 2 + '</p></article>'
        '</body></html>')
    # huge attribute values where the page reader looks: class, lazy image
    # addresses, styles, links, Open Graph, JSON-LD
    ten = 5 * 1000000
    put('page-huge-attrs.html',
        '<html><head><meta property="og:title" content="' + 'T' * ten +
        '"><script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "' + 'h' * ten + '", "author": {"name": "' +
        'n' * 100000 + '"}}</script></head><body>'
        '<div class="' + 'article-body ' * (ten // 13) + '" style="' +
        'display:block;' * (ten // 14) + '"><p>HUGE_ATTR_PAGE_TEXT ' +
        sentence * 3 + '</p><img data-src="' + 'x' * ten +
        '" src="blank.gif" srcset="' + 'a.jpg 1x, ' * (ten // 10) +
        '"><p><a href="' + '../' * (ten // 3) + '">link</a> ' + sentence +
        '</p></div></body></html>')
    put('page-million-siblings.html',
        '<html><head><title>siblings</title></head><body>'
        '<div class="tags">' + '<span>s</span>' * 1000000 + '</div>'
        '<article><p>SIBLINGS_TEXT ' + sentence * 3 + '</p>' +
        '<p>' + sentence + '<br>' * 100000 + 'SIBLINGS_BR_END</p>'
        '</article></body></html>')

    # ## Files, directories, paths ##########################################
    put('empty.md', b'')
    put('whitespace.md', ' \n\t\n  \r\n')
    put('garbage.md', bytes(rnd.randrange(256) for _ in range(65536)))
    put('long-line-nobreak.md', article('long', 'x' * (4 << 20)))
    os.makedirs(os.path.join(OUT, 'empty-dir'), exist_ok=True)
    d = os.path.join(OUT, 'dir-10000')
    if not os.path.isdir(d) or len(os.listdir(d)) < 10000:
        os.makedirs(d, exist_ok=True)
        for i in range(10000):
            with open(os.path.join(d, 'a%05d.md' % i), 'w',
                      encoding='utf-8') as f:
                f.write("---\ntitle: '文章 %d'\ncategories:\n - 测试\n"
                        "date: 2022-08-%02d\n---\n\n<p>正文 DIR10K_%05d</p>\n"
                        % (i, i % 28 + 1, i))
    d = os.path.join(OUT, 'dir-loop')
    os.makedirs(os.path.join(d, 'sub'), exist_ok=True)
    put(os.path.join('dir-loop', 'sub', 'a.md'), article('loop', 'LOOP_BODY'))
    for name, target in (('self', '.'), (os.path.join('sub', 'up'), '..'),
                         ('etc', '/etc'), ('dangling.md', 'nowhere.md')):
        p = os.path.join(d, name)
        if os.path.lexists(p):
            os.remove(p)
        os.symlink(target, p)
    deep = os.path.join(OUT, 'dir-deep')
    p = deep
    for i in range(150):
        p = os.path.join(p, 'd')
    os.makedirs(p, exist_ok=True)
    with open(os.path.join(p, 'deep.md'), 'w', encoding='utf-8') as f:
        f.write(article('deep dir', 'DEEP_DIR_BODY'))
    weird = os.path.join(OUT, 'weird-names')
    os.makedirs(weird, exist_ok=True)
    for n in (b'a<b>&c"d\'.md', b'new\nline.md', b'bad\xff\xfeutf8.md',
              b'-rf.md', b' space .md', (b'L' * 250) + b'.md',
              b'\xe4\xb8\xad\xe6\x96\x87\xe2\x80\xae.md'):
        with open(os.path.join(weird.encode(), n), 'wb') as f:
            f.write(b'WEIRD_NAME_BODY ' + n.replace(b'\n', b' ') + b'\n')
    fifo_dir = os.path.join(OUT, 'fifo-dir')
    os.makedirs(fifo_dir, exist_ok=True)
    fifo = os.path.join(fifo_dir, 'pipe.md')
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    put(os.path.join('fifo-dir', 'real.md'), article('fifo', 'FIFO_REAL'))
    put('victim.md', article('victim', 'VICTIM_BODY'))
    put('victim2.md', article('victim2', 'VICTIM2_BODY'))
    os.makedirs(os.path.join(OUT, 'a-directory.epub'), exist_ok=True)
    os.makedirs(os.path.join(OUT, 'mixed-dir'), exist_ok=True)
    put(os.path.join('mixed-dir', 'good.md'), article('good', 'MIXED_GOOD'))
    put(os.path.join('mixed-dir', 'bad.md'), bytes(rnd.randrange(256)
                                                    for _ in range(4096)))
    put(os.path.join('mixed-dir', 'huge.md'), article('huge',
                                                     'h' * (2 << 20)))
    # unescaped code: a million would-be tags to turn back into text, an
    # HTML sample of 100k elements, an inline <code> never closed
    # Issue #11/#16 inputs at scale: tags named in prose and never closed,
    # a <pre> of would-be tags with unclosed scripts and comments, layout
    # tables nested with headings, many embeds, many images whose
    # descriptions are looked for around them.
    put('html-unclosed-storm.md', article('unclosed',
        '<p>UNCLOSED_START ' +
        '<textarea>a <script>b <select>c <title>d <xmp>e </p><p>' * 30000 +
        'UNCLOSED_STORM_END</p>'))
    put('html-code-storm.md', article('code storm',
        '<pre><code>CODE_STORM_START ' +
        '<div a=<span>x</span>><script>y<!--z <input v-model="m"/>' * 50000 +
        '</code></pre><p>CODE_STORM_END</p>'))
    put('html-layout-nest.md', article('layout',
        '<table><tr><td><h3>L</h3>' * 20000 + 'LAYOUT_END' +
        '</td></tr></table>' * 20000))
    put('html-embeds-many.md', article('embeds',
        '<p>EMBEDS_START</p>' +
        ''.join('<iframe src="https://v.example/%d" title="t%d"></iframe>'
                % (i, i) for i in range(20000)) + '<p>EMBEDS_END</p>'))
    put('html-alt-many.md', article('alts',
        '<p>ALTS_START ' + '<img src="i.png" alt="image">' * 50000 +
        'ALTS_END</p>'))
    put('html-code-tags.md', article('code tags',
        '<pre>CODE_TAGS_START ' + '<x' * 1000000 + '</pre>'
        '<pre><body>' + '<div id="a">d</div>' * 100000 + '</body></pre>'
        '<p>CODE_TAGS_MID <code>' + '#include <stdio.h>\n' * 100000 +
        ' CODE_TAGS_END'))
    # The probe string must be real for the "no leak" checks to mean much.
    with open('/etc/passwd', encoding='utf-8', errors='replace') as f:
        if passwd_probe not in f.read():
            sys.stderr.write('gen.py: /etc/passwd lacks %r; leak checks weak\n'
                             % passwd_probe)


if __name__ == '__main__':
    main()
