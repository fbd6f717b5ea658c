/* SVG safety check before an SVG is embedded in an EPUB as-is.
 *
 * Reading systems run SVG with a browser engine, so an SVG with a script,
 * an event handler, foreign HTML, an entity declaration or a reference to
 * anything outside itself is refused rather than sanitised: rewriting XML
 * safely is a bigger job than news images deserve. The scan is lexical and
 * errs toward refusing. */
#include <ctype.h>
#include <string.h>

#include "resource/internal.h"

static int S_ieq(const unsigned char *p, const unsigned char *end,
                 const char *lit) {
  size_t n = strlen(lit);
  size_t i;
  if ((size_t)(end - p) < n)
    return 0;
  for (i = 0; i < n; i++)
    if (tolower(p[i]) != lit[i])
      return 0;
  return 1;
}

static const unsigned char *S_find(const unsigned char *p,
                                   const unsigned char *end, const char *lit) {
  for (; p < end; p++)
    if (S_ieq(p, end, lit))
      return p;
  return NULL;
}

/* A reference value is internal when it is a fragment or an inline image. */
static int S_internal_ref(const unsigned char *v, const unsigned char *end) {
  while (v < end && isspace(*v))
    v++;
  return v == end || *v == '#' || S_ieq(v, end, "data:image/");
}

const char *nb__svg_unsafe(const unsigned char *data, size_t size) {
  const unsigned char *p = data, *end = data + size, *q;
  if (S_find(p, end, "<script"))
    return "SVG with a script";
  if (S_find(p, end, "<!entity"))
    return "SVG with an entity declaration";
  if (S_find(p, end, "<foreignobject"))
    return "SVG with embedded HTML (foreignObject)";
  if (S_find(p, end, "@import"))
    return "SVG with an external style sheet";
  for (q = p; (q = S_find(q, end, "url(")) != NULL; q += 4) {
    const unsigned char *v = q + 4;
    while (v < end && (isspace(*v) || *v == '\'' || *v == '"'))
      v++;
    if (!S_internal_ref(v, end))
      return "SVG with an external reference in url()";
  }
  /* Attributes inside tags: on* handlers and href/src targets. */
  while (p < end) {
    if (*p != '<') {
      p++;
      continue;
    }
    if (S_ieq(p, end, "<!--")) {
      q = S_find(p + 4, end, "-->");
      p = q ? q + 3 : end;
      continue;
    }
    if (S_ieq(p, end, "<![cdata[")) {
      q = S_find(p + 9, end, "]]>");
      p = q ? q + 3 : end;
      continue;
    }
    p++;
    if (p < end && (*p == '!' || *p == '?' || *p == '/')) {
      while (p < end && *p != '>')
        p++;
      continue;
    }
    while (p < end && !isspace(*p) && *p != '>' && *p != '/')
      p++; /* element name */
    while (p < end && *p != '>') {
      const unsigned char *name, *nend, *val = NULL, *vend = NULL;
      while (p < end && (isspace(*p) || *p == '/'))
        p++;
      if (p >= end || *p == '>')
        break;
      name = p;
      while (p < end && !isspace(*p) && *p != '=' && *p != '>' && *p != '/')
        p++;
      nend = p;
      while (p < end && isspace(*p))
        p++;
      if (p < end && *p == '=') {
        p++;
        while (p < end && isspace(*p))
          p++;
        if (p < end && (*p == '"' || *p == '\'')) {
          unsigned char quote = *p++;
          val = p;
          while (p < end && *p != quote)
            p++;
          vend = p;
          if (p < end)
            p++;
        } else {
          val = p;
          while (p < end && !isspace(*p) && *p != '>')
            p++;
          vend = p;
        }
      }
      if (nend - name >= 2 && tolower(name[0]) == 'o' &&
          tolower(name[1]) == 'n')
        return "SVG with an event handler attribute";
      if (val) {
        const unsigned char *local = name, *c;
        for (c = name; c < nend; c++)
          if (*c == ':')
            local = c + 1;
        if ((nend - local == 4 && S_ieq(local, nend, "href")) ||
            (nend - local == 3 && S_ieq(local, nend, "src"))) {
          if (!S_internal_ref(val, vend))
            return "SVG with an external reference";
        }
      }
    }
  }
  return NULL;
}
