/* What the chapter writer decides about pieces of a document, apart from
 * walking it (xhtml.c): whether a link's content names it for a reader
 * that cannot see it, whether a picture has a description, and which
 * numbers stand upright in vertical text. No state of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/xmlwriter.h>

#include "newsbook/doc.h"
#include "write/epub/epub.h"
#include "write/upright.h"

#define XC(s) ((const xmlChar *)(s))

/* ## Pictures' descriptions */

/* 1 when @p alt is no description: a placeholder word ("image", "图片",
 * "img_2"), a file name or a URL, as sources and CMSs fill it in. */
static int S_meaningless_alt(const char *alt) {
  static const char *const words[] = {
      "image",  "img",  "picture",   "pic",  "photo",   "图片",     "图",
      "圖片",   "圖",   "照片",      "画像", "写真",    "이미지",   "untitled",
      "无标题", "null", "undefined", "alt",  "default", "thumbnail"};
  static const char *const exts[] = {".jpg",  ".jpeg", ".png", ".gif",
                                     ".webp", ".bmp",  ".svg"};
  size_t n, i, k;
  while (*alt == ' ')
    alt++;
  n = strlen(alt);
  while (n && alt[n - 1] == ' ')
    n--;
  for (i = 0; i < sizeof words / sizeof words[0]; i++) {
    k = strlen(words[i]);
    if (n >= k && strncasecmp(alt, words[i], k) == 0 &&
        strspn(alt + k, "0123456789-_ ") >= n - k)
      return 1;
  }
  for (i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    k = strlen(exts[i]);
    if (n > k && strncasecmp(alt + n - k, exts[i], k) == 0)
      return 1;
  }
  return strncasecmp(alt, "http://", 7) == 0 ||
         strncasecmp(alt, "https://", 8) == 0 || strncmp(alt, "//", 2) == 0;
}

/* 1 when an embedded picture has no description, for the package's
 * accessibility claims (the alt written is the model's, whatever this
 * says): no alt, a meaningless one, or alt "" where it cannot be
 * decoration, alone in its figure or paragraph. An empty alt among text
 * is decoration. */
int nb_epub_undescribed(const nb_node *img, const char *alt) {
  const nb_node *parent = nb_node_parent(img);
  if (!alt)
    return 1;
  if (!*alt)
    return parent &&
           (nb_node_get_type(parent) == NB_NODE_FIGURE ||
            (nb_node_first_child(parent) == img && nb_node_next(img) == NULL));
  return S_meaningless_alt(alt);
}

/* ## Links' names */

int nb_epub_has_text(const char *s) {
  for (; s && *s; s++)
    if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
      return 1;
  return 0;
}

/* Scanned only for the outermost link (inner ones write no <a>), so each
 * node is visited once more at most. */
nb_epub_link_text nb_epub_link_content(nb_node *link, const char **image_url) {
  nb_iter *it = nb_iter_new(link);
  nb_event ev;
  nb_epub_link_text r = NB_EPUB_LINK_EMPTY;
  if (!it)
    return NB_EPUB_LINK_TEXT; /* out of memory: leave the link as it is */
  while (r != NB_EPUB_LINK_TEXT && (ev = nb_iter_next(it)) != NB_EVENT_DONE) {
    nb_node *n = nb_iter_node(it);
    if (ev != NB_EVENT_ENTER)
      continue;
    switch (nb_node_get_type(n)) {
    case NB_NODE_TEXT:
    case NB_NODE_CODE:
      if (nb_epub_has_text(nb_node_get_literal(n)))
        r = NB_EPUB_LINK_TEXT;
      break;
    case NB_NODE_IMAGE:
      /* a placeholder always shows words; an image its description */
      if (!nb_epub_image_usable(nb_node_get_resource(n)) ||
          nb_epub_has_text(nb_node_get_alt(n)))
        r = NB_EPUB_LINK_TEXT;
      else {
        r = NB_EPUB_LINK_IMAGES;
        *image_url = nb_node_get_url(n);
      }
      break;
    default: break;
    }
  }
  nb_iter_free(it);
  return r;
}

/* 1 when @p url names a picture file (by its path's extension). */
int nb_epub_image_url(const char *url) {
  static const char *const exts[] = {"jpg",  "jpeg", "png", "gif",
                                     "webp", "bmp",  "svg", "avif"};
  size_t n = strcspn(url, "?#"), i, k;
  const char *dot = NULL;
  for (i = 0; i < n; i++)
    if (url[i] == '.')
      dot = url + i + 1;
    else if (url[i] == '/')
      dot = NULL;
  if (!dot)
    return 0;
  k = (size_t)(url + n - dot);
  for (i = 0; i < sizeof exts / sizeof exts[0]; i++)
    if (k == strlen(exts[i]) && strncasecmp(dot, exts[i], k) == 0)
      return 1;
  return 0;
}

/* The host of an http(s) URL, as a link's name when nothing else names it:
 * "music.163.com". Into @p buf; "" when there is none. */
const char *nb_epub_url_host(const char *href, char *buf, size_t size) {
  const char *h = strstr(href, "://");
  size_t n;
  buf[0] = '\0';
  if (!h)
    return buf;
  h += 3;
  n = strcspn(h, "/?#:");
  if (n >= size)
    n = size - 1;
  memcpy(buf, h, n);
  buf[n] = '\0';
  return buf;
}

/* ## Vertical text */

static int S_digit(char c) {
  return c >= '0' && c <= '9';
}

/* Text in vertical writing: short numbers wrapped in span.tcy, which the
 * vertical style sheet sets upright in one cell; everything else as is. */
int nb_epub_vertical_text(xmlTextWriterPtr w, const char *s, size_t n) {
  size_t i = 0, from = 0;
  while (i < n) {
    size_t j;
    if (!S_digit(s[i])) {
      i++;
      continue;
    }
    for (j = i; j < n && S_digit(s[j]); j++)
      ;
    if (nb_upright_number(s, n, i, j)) {
      if (nb_epub_text(w, s + from, i - from) < 0 ||
          xmlTextWriterStartElement(w, XC("span")) < 0 ||
          nb_epub_attr(w, "class", "tcy") < 0 ||
          nb_epub_text(w, s + i, j - i) < 0 ||
          xmlTextWriterFullEndElement(w) < 0)
        return -1;
      from = j;
    }
    i = j;
  }
  return nb_epub_text(w, s + from, n - from);
}
