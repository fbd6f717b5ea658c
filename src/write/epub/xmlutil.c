/* Helpers the EPUB writer's files share: the set of images a book embeds,
 * text and attribute values cleaned for XML 1.0, language tags, the URLs an
 * EPUB may link to, and the frame (head, body) of every XHTML page. Nothing
 * here walks a document. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlwriter.h>

#include "newsbook/resource.h"
#include "write/epub/epub.h"

#define XC(s) ((const xmlChar *)(s))

/* ## Images referenced by the book */

/* The id names a file and a manifest item: it must be a plain XML name. */
static int S_plain_id(const char *id, size_t max) {
  size_t i;
  if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z')))
    return 0;
  for (i = 1; i < max && id[i]; i++)
    if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' && id[i] <= 'Z') ||
          (id[i] >= '0' && id[i] <= '9') || id[i] == '-' || id[i] == '_'))
      return 0;
  return i < max;
}

int nb_epub_image_usable(const nb_resource *res) {
  return res && res->status == NB_RES_OK && res->data && res->size > 0 &&
         S_plain_id(res->id, sizeof res->id) && nb_epub_image_ext(res) != NULL;
}

const char *nb_epub_image_ext(const nb_resource *res) {
  const char *mt = res ? res->media_type : NULL;
  if (!mt)
    return NULL;
  /* Core media types of EPUB 3 that need no fallback. WebP is core only in
   * 3.3 (EPUBCheck 4.2 wants a fallback); SVG is validated as a document of
   * its own and may carry script: both are left to the resolver to convert. */
  if (strcmp(mt, "image/jpeg") == 0)
    return "jpg";
  if (strcmp(mt, "image/png") == 0)
    return "png";
  if (strcmp(mt, "image/gif") == 0)
    return "gif";
  return NULL;
}

static size_t S_str_hash(const char *s) {
  size_t h = 5381;
  while (*s)
    h = h * 33 + (unsigned char)*s++;
  return h;
}

static int S_images_grow(nb_epub_images *set) {
  size_t i, n = set->nslots ? set->nslots * 2 : 64;
  size_t *slots = nb_calloc(n, sizeof *slots);
  if (!slots)
    return 0;
  for (i = 0; i < set->count; i++) {
    size_t j = S_str_hash(set->items[i]->id) & (n - 1);
    while (slots[j])
      j = (j + 1) & (n - 1);
    slots[j] = i + 1;
  }
  free(set->slots);
  set->slots = slots;
  set->nslots = n;
  return 1;
}

int nb_epub_images_add(nb_epub_images *set, const nb_resource *res) {
  size_t j;
  if ((set->count + 1) * 2 > set->nslots && !S_images_grow(set))
    return 0;
  j = S_str_hash(res->id) & (set->nslots - 1);
  while (set->slots[j]) {
    if (strcmp(set->items[set->slots[j] - 1]->id, res->id) == 0)
      return 1;
    j = (j + 1) & (set->nslots - 1);
  }
  if (set->count == set->cap) {
    size_t cap = set->cap ? set->cap * 2 : 16;
    const nb_resource **items =
        nb_reallocarray((void *)set->items, cap, sizeof *items);
    if (!items)
      return 0;
    set->items = items;
    set->cap = cap;
  }
  set->items[set->count++] = res;
  set->slots[j] = set->count;
  if (res->media_type && strcmp(res->media_type, "image/gif") == 0 &&
      nb_epub_gif_animated(res->data, res->size))
    set->animated++;
  return 1;
}

/* Skip a GIF's data sub-blocks from @p i; the offset after the terminator,
 * or @p n when they run past the end. */
static size_t S_gif_skip_blocks(const unsigned char *d, size_t n, size_t i) {
  while (i < n && d[i] != 0)
    i += (size_t)d[i] + 1;
  return i < n ? i + 1 : n;
}

int nb_epub_gif_animated(const unsigned char *d, size_t n) {
  size_t i, frames = 0;
  if (!d || n < 13 || memcmp(d, "GIF", 3) != 0)
    return 0;
  i = 13;
  if (d[10] & 0x80) /* global colour table */
    i += (size_t)3 << ((d[10] & 7) + 1);
  while (i < n) {
    if (d[i] == 0x3B) /* trailer */
      break;
    if (d[i] == 0x21) { /* extension: label, then sub-blocks */
      i = S_gif_skip_blocks(d, n, i + 2);
    } else if (d[i] == 0x2C) { /* image: descriptor, table, LZW data */
      if (++frames > 1)
        return 1;
      if (i + 10 > n)
        break;
      if (d[i + 9] & 0x80)
        i += (size_t)3 << ((d[i + 9] & 7) + 1);
      i = S_gif_skip_blocks(d, n, i + 11);
    } else {
      break; /* damaged: what was read is all we know */
    }
  }
  return 0;
}

void nb_epub_images_free(nb_epub_images *set) {
  free((void *)set->items);
  free(set->slots);
  memset(set, 0, sizeof *set);
}

/* ## Text cleaning */

/* Append @p s to @p b keeping only what XML 1.0 allows and readers show:
 * invalid UTF-8 becomes U+FFFD, C0/C1 controls (but tab and newline), DEL
 * and the non-characters U+FFFE/U+FFFF are dropped. With @p collapse, runs of
 * white space become one space and the ends are trimmed. */
static void S_clean(nb_buf *b, const char *s, size_t len, int collapse) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  int pending = 0, started = 0;
  while (i < len) {
    uint32_t cp;
    char enc[4];
    size_t n = nb_utf8_decode(p + i, len - i, &cp);
    i += n;
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
      if (collapse)
        pending = started;
      else if (cp != '\r')
        nb_buf_putc(b, (char)cp);
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0xfffe || cp == 0xffff)
      continue;
    if (pending) {
      nb_buf_putc(b, ' ');
      pending = 0;
    }
    started = 1;
    if (cp < 0x80)
      nb_buf_putc(b, (char)cp);
    else
      nb_buf_append(b, enc, nb_utf8_encode(cp, enc));
  }
}

int nb_epub_text(xmlTextWriterPtr w, const char *s, size_t len) {
  nb_buf b = NB_BUF_INIT;
  int rc;
  if (!s || !len)
    return 0;
  S_clean(&b, s, len, 0);
  if (b.failed)
    return -1;
  rc = b.len ? xmlTextWriterWriteString(w, XC(b.data)) : 0;
  nb_buf_free(&b);
  return rc < 0 ? -1 : 0;
}

int nb_epub_attr(xmlTextWriterPtr w, const char *name, const char *value) {
  nb_buf b = NB_BUF_INIT;
  int rc;
  S_clean(&b, value ? value : "", value ? strlen(value) : 0, 0);
  nb_buf_putc(&b, '\0'); /* make data non-NULL even when empty */
  if (b.failed)
    return -1;
  rc = xmlTextWriterWriteAttribute(w, XC(name), XC(b.data));
  nb_buf_free(&b);
  return rc < 0 ? -1 : 0;
}

int nb_epub_element(xmlTextWriterPtr w, const char *name,
                    const char *class_name, const char *text) {
  if (xmlTextWriterStartElement(w, XC(name)) < 0)
    return -1;
  if (class_name && nb_epub_attr(w, "class", class_name) < 0)
    return -1;
  if (text && nb_epub_text(w, text, strlen(text)) < 0)
    return -1;
  return xmlTextWriterFullEndElement(w) < 0 ? -1 : 0;
}

char *nb_epub_clean_label(const char *s) {
  nb_buf b = NB_BUF_INIT;
  S_clean(&b, s ? s : "", s ? strlen(s) : 0, 1);
  nb_buf_putc(&b, '\0');
  if (b.failed) {
    nb_buf_free(&b);
    return NULL;
  }
  return nb_buf_detach(&b);
}

/* 1 when @p s looks like a BCP 47 tag: a primary subtag of 2..8 letters,
 * then subtags of 1..8 letters or digits; copied into @p buf with '_' as
 * '-'. */
static int S_lang_ok(const char *s, char *buf, size_t size) {
  size_t i, n, sub = 0, nsub = 0;
  if (!s || (n = strlen(s)) == 0 || n >= size || n > 35)
    return 0;
  for (i = 0; i <= n; i++) {
    char c = s[i];
    if (c == '-' || c == '_' || c == '\0') {
      if (sub == 0 || sub > 8 || (nsub == 0 && sub < 2))
        return 0;
      nsub++;
      sub = 0;
      buf[i] = c ? '-' : '\0';
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (nsub > 0 && c >= '0' && c <= '9')))
      return 0;
    buf[i] = c;
    sub++;
  }
  return 1;
}

int nb_epub_lang_ok(const char *lang, char *buf, size_t size) {
  return S_lang_ok(lang, buf, size);
}

const char *nb_epub_lang(const char *lang, const char *fallback, char *buf,
                         size_t size) {
  if (S_lang_ok(lang, buf, size) || S_lang_ok(fallback, buf, size))
    return buf;
  snprintf(buf, size, "en");
  return buf;
}

/* ## URLs */

/* Percent-encode what RFC 3986 does not allow in a path, query or fragment;
 * keep valid escapes; a second '#' is data, not a delimiter. */
static void S_encode_rest(nb_buf *b, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  int seen_hash = 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    int enc = c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}[]", c) != NULL;
    if (c == '%' && !(nb_hex_value((unsigned char)s[1]) >= 0 &&
                      nb_hex_value((unsigned char)s[2]) >= 0))
      enc = 1;
    if (c == '#') {
      enc = seen_hash;
      seen_hash = 1;
    }
    if (enc) {
      nb_buf_putc(b, '%');
      nb_buf_putc(b, hex[c >> 4]);
      nb_buf_putc(b, hex[c & 15]);
    } else {
      nb_buf_putc(b, (char)c);
    }
  }
}

char *nb_epub_safe_href(const char *url) {
  nb_buf b = NB_BUF_INIT;
  const char *p, *host, *end;
  size_t i, hlen;
  int port = 0, alnum = 0;
  if (!url)
    return NULL;
  while (*url == ' ' || *url == '\t' || *url == '\n' || *url == '\r')
    url++;
  if (strncasecmp(url, "mailto:", 7) == 0) {
    for (p = url + 7; *p; p++)
      if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
          strchr("\"<>\\^`{|}[]%#", *p))
        return NULL;
    if (!strchr(url + 7, '@') || url[7] == '@')
      return NULL;
    nb_buf_puts(&b, "mailto:");
    nb_buf_puts(&b, url + 7);
    return b.failed ? (nb_buf_free(&b), NULL) : nb_buf_detach(&b);
  }
  if (strncasecmp(url, "http://", 7) == 0)
    host = url + 7, nb_buf_puts(&b, "http://");
  else if (strncasecmp(url, "https://", 8) == 0)
    host = url + 8, nb_buf_puts(&b, "https://");
  else
    return NULL;
  end = host + strcspn(host, "/?#");
  hlen = (size_t)(end - host);
  if (hlen == 0 || hlen > 253) {
    nb_buf_free(&b);
    return NULL;
  }
  /* A plain host name or IPv4 address, with an optional numeric port. No
   * user info, no IDN (it would need punycode), no IPv6 literal. */
  for (i = 0; i < hlen; i++) {
    char c = host[i];
    if (port) {
      if (c < '0' || c > '9')
        goto bad;
    } else if (c == ':') {
      port = 1;
      if (i + 1 == hlen)
        goto bad;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
               (c >= '0' && c <= '9')) {
      alnum = 1;
      nb_buf_putc(&b, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      continue;
    } else if (c != '.' && c != '-' && c != '_') {
      goto bad;
    }
    nb_buf_putc(&b, c);
  }
  if (!alnum || host[0] == '.' || host[0] == '-')
    goto bad;
  S_encode_rest(&b, end);
  if (b.failed)
    goto bad;
  return nb_buf_detach(&b);
bad:
  nb_buf_free(&b);
  return NULL;
}

/* ## Page frame */

xmlTextWriterPtr nb_epub_xhtml_begin(xmlBufferPtr xbuf, const char *lang,
                                     const char *title, const char *css_href,
                                     const char *body_class) {
  xmlTextWriterPtr w = xmlNewTextWriterMemory(xbuf, 0);
  char lbuf[40];
  const char *l = nb_epub_lang(lang, NULL, lbuf, sizeof lbuf);
  if (!w)
    return NULL;
  if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0 ||
      xmlTextWriterWriteDTD(w, XC("html"), NULL, NULL, NULL) < 0 ||
      xmlTextWriterStartElement(w, XC("html")) < 0 ||
      nb_epub_attr(w, "xmlns", "http://www.w3.org/1999/xhtml") < 0 ||
      nb_epub_attr(w, "xmlns:epub", "http://www.idpf.org/2007/ops") < 0 ||
      nb_epub_attr(w, "lang", l) < 0 || nb_epub_attr(w, "xml:lang", l) < 0 ||
      xmlTextWriterWriteString(w, XC("\n")) < 0 ||
      xmlTextWriterStartElement(w, XC("head")) < 0 ||
      xmlTextWriterStartElement(w, XC("meta")) < 0 ||
      nb_epub_attr(w, "charset", "utf-8") < 0 ||
      xmlTextWriterEndElement(w) < 0 ||
      nb_epub_element(w, "title", NULL, title && *title ? title : "Untitled") <
          0)
    goto fail;
  if (css_href &&
      (xmlTextWriterStartElement(w, XC("link")) < 0 ||
       nb_epub_attr(w, "rel", "stylesheet") < 0 ||
       nb_epub_attr(w, "type", "text/css") < 0 ||
       nb_epub_attr(w, "href", css_href) < 0 || xmlTextWriterEndElement(w) < 0))
    goto fail;
  if (xmlTextWriterFullEndElement(w) < 0 ||
      xmlTextWriterWriteString(w, XC("\n")) < 0 ||
      xmlTextWriterStartElement(w, XC("body")) < 0 ||
      (body_class && nb_epub_attr(w, "class", body_class) < 0) ||
      xmlTextWriterWriteString(w, XC("\n")) < 0)
    goto fail;
  return w;
fail:
  xmlFreeTextWriter(w);
  return NULL;
}

int nb_epub_xhtml_end(xmlTextWriterPtr w, xmlBufferPtr xbuf, nb_buf *out,
                      nb_error *err) {
  int rc = 0;
  /* body, then html: full end tags, never <body/> */
  if (xmlTextWriterFullEndElement(w) < 0 ||
      xmlTextWriterWriteString(w, XC("\n")) < 0 ||
      xmlTextWriterFullEndElement(w) < 0 || xmlTextWriterEndDocument(w) < 0)
    rc = -1;
  xmlFreeTextWriter(w);
  if (rc == 0)
    nb_buf_append(out, xmlBufferContent(xbuf), (size_t)xmlBufferLength(xbuf));
  if (rc < 0 || out->failed)
    return nb_error_set(err, NB_ERR_LIBRARY, NULL, 0,
                        "cannot write XHTML (out of memory?)");
  return 0;
}
