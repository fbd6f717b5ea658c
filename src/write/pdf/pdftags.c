/* Tagged-PDF entries Cairo 1.16 cannot write: the catalog's /Lang and
 * /ViewerPreferences << /DisplayDocTitle true >>, /Alt on Figures, /Lang on
 * passages in another language, and page furniture (running heads, page
 * numbers, rules, decoration) as artifacts: out of the structure tree, its
 * content marked /Artifact.
 *
 * Cairo writes a classic cross-reference table and leaves dictionaries
 * uncompressed, and its structure tree follows the order the tags were
 * begun. So once it has finished, the catalog and the structure elements
 * are read back (by their offsets), matched in pre-order against the notes
 * the device took, and the file is written again with the changed objects
 * in place (every page's content stream is among them, so an incremental
 * update would keep two copies of each) and a new cross-reference table;
 * every other object is copied byte for byte. Artifacts begin as Spans
 * (Cairo 1.16 fails on a tag it does not know); the pages holding them get
 * their content stream again with "/Span << /MCID n >> BDC" turned into
 * "/Artifact BMC". Anything unexpected (another cross-reference form, a
 * tree that does not match the notes) leaves the file as it is. */
#include "write/pdf/pdftags.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "util/util.h"

#define MAX_OBJ_BYTES (1 << 20)
#define MAX_OBJECTS 50000000

void nb_pdf_tags_init(nb_pdf_tags *t) {
  memset(t, 0, sizeof *t);
}

void nb_pdf_tags_free(nb_pdf_tags *t) {
  size_t i;
  for (i = 0; i < t->n; i++)
    free(t->tags[i].alt);
  free(t->tags);
  memset(t, 0, sizeof *t);
}

void nb_pdf_tags_add(nb_pdf_tags *t, const char *type, const char *alt,
                     const char *lang) {
  nb_tag_note *n;
  if (t->failed)
    return;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    nb_tag_note *nt = nb_reallocarray(t->tags, cap, sizeof *nt);
    if (!nt) {
      t->failed = 1;
      return;
    }
    t->tags = nt;
    t->cap = cap;
  }
  n = &t->tags[t->n++];
  memset(n, 0, sizeof *n);
  snprintf(n->type, sizeof n->type, "%s", type ? type : "");
  if (alt && *alt && !(n->alt = nb_strdup(alt)))
    t->failed = 1;
  if (lang)
    snprintf(n->lang, sizeof n->lang, "%s", lang);
}

/* ## Reading Cairo's file */

typedef struct reader {
  FILE *in;
  long *off; /* object offsets by number (0: free) */
  int size;
  int root, info;
  long startxref;
} reader;

/* The value after key @p key in dictionary text @p d (the key followed by
 * a delimiter), or NULL. */
static const char *S_key(const char *d, const char *key) {
  size_t n = strlen(key);
  const char *p = d;
  while ((p = strstr(p, key)) != NULL) {
    char c = p[n];
    if (c == ' ' || c == '\n' || c == '\r' || c == '/' || c == '[' ||
        c == '<' || c == '(' || c == '\t')
      return p + n;
    p += n;
  }
  return NULL;
}

static const char *S_ws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  return p;
}

/* "N 0 R" at @p p: N, or -1. */
static int S_ref(const char *p, const char **end) {
  char *e;
  long n, g;
  p = S_ws(p);
  if (!isdigit((unsigned char)*p))
    return -1;
  n = strtol(p, &e, 10);
  p = S_ws(e);
  if (!isdigit((unsigned char)*p))
    return -1;
  g = strtol(p, &e, 10);
  p = S_ws(e);
  if (*p != 'R' || g != 0 || n <= 0 || n > MAX_OBJECTS)
    return -1;
  if (end)
    *end = p + 1;
  return (int)n;
}

/* The dictionary text of object @p num into @p out. 0 or -1. */
static int S_read_obj(reader *r, int num, nb_buf *out) {
  char head[32];
  size_t got = 0, hl;
  char *end, *s;
  out->len = 0;
  if (num <= 0 || num >= r->size || r->off[num] <= 0 ||
      fseek(r->in, r->off[num], SEEK_SET) != 0)
    return -1;
  for (;;) {
    size_t n;
    if (!nb_buf_reserve(out, 4096))
      return -1;
    n = fread(out->data + out->len, 1, 4096, r->in);
    if (n == 0)
      return -1;
    out->len += n;
    out->data[out->len] = '\0';
    got += n;
    if ((end = strstr(out->data, "endobj")) != NULL)
      break;
    if (got > MAX_OBJ_BYTES)
      return -1;
  }
  snprintf(head, sizeof head, "%d 0 obj", num);
  hl = strlen(head);
  if (strncmp(out->data, head, hl) != 0)
    return -1;
  *end = '\0';
  s = (char *)S_ws(out->data + hl);
  if (strncmp(s, "<<", 2) != 0 || strstr(s, "stream"))
    return -1;
  {
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
      n--;
    memmove(out->data, s, n);
    out->len = n;
    out->data[n] = '\0';
  }
  return 0;
}

static int S_open(reader *r, const char *path) {
  char tail[1024], line[256];
  long size, from;
  size_t n;
  char *p, *e;
  nb_buf trailer = NB_BUF_INIT;
  int ok = -1;
  memset(r, 0, sizeof *r);
  if (!(r->in = fopen(path, "rb")) || fseek(r->in, 0, SEEK_END) != 0)
    return -1;
  size = ftell(r->in);
  from = size > (long)sizeof tail - 1 ? size - (long)sizeof tail + 1 : 0;
  if (fseek(r->in, from, SEEK_SET) != 0)
    return -1;
  n = fread(tail, 1, sizeof tail - 1, r->in);
  tail[n] = '\0';
  for (p = tail, e = NULL; (p = strstr(p, "startxref")) != NULL; p++)
    e = p;
  if (!e)
    return -1;
  r->startxref = strtol(e + 9, NULL, 10);
  if (r->startxref <= 0 || r->startxref >= size ||
      fseek(r->in, r->startxref, SEEK_SET) != 0 ||
      !fgets(line, sizeof line, r->in) || strncmp(line, "xref", 4) != 0)
    return -1;
  /* subsections, then the trailer */
  while (fgets(line, sizeof line, r->in)) {
    long first, count, i;
    if (strncmp(line, "trailer", 7) == 0)
      break;
    if (sscanf(line, "%ld %ld", &first, &count) != 2 || first < 0 ||
        count < 0 || first + count > MAX_OBJECTS)
      goto done;
    if (first + count > r->size) {
      long *no = nb_reallocarray(r->off, (size_t)(first + count), sizeof *no);
      if (!no)
        goto done;
      memset(no + r->size, 0, (size_t)(first + count - r->size) * sizeof *no);
      r->off = no;
      r->size = (int)(first + count);
    }
    for (i = 0; i < count; i++) {
      long off, gen;
      char kind;
      if (!fgets(line, sizeof line, r->in) ||
          sscanf(line, "%ld %ld %c", &off, &gen, &kind) != 3)
        goto done;
      r->off[first + i] = kind == 'n' ? off : 0;
    }
  }
  while (fgets(line, sizeof line, r->in) && strncmp(line, "startxref", 9) != 0)
    nb_buf_puts(&trailer, line);
  if (!trailer.data || S_key(trailer.data, "/Prev") ||
      S_key(trailer.data, "/Encrypt"))
    goto done; /* not a file as Cairo writes it */
  r->root = S_key(trailer.data, "/Root")
                ? S_ref(S_key(trailer.data, "/Root"), NULL)
                : -1;
  r->info = S_key(trailer.data, "/Info")
                ? S_ref(S_key(trailer.data, "/Info"), NULL)
                : -1;
  ok = r->root > 0 && r->root < r->size ? 0 : -1;
done:
  nb_buf_free(&trailer);
  return ok;
}

/* The span of /K's value in @p d and the structure elements it refers to
 * (in order) into @p kids. 0, or -1 when there is no /K. */
static int S_kids(const char *d, const char **from, const char **to, int **kids,
                  size_t *nkids) {
  const char *p = S_key(d, "/K"), *e;
  size_t cap = 0;
  *nkids = 0;
  if (!p)
    return -1;
  p = S_ws(p);
  *from = p;
  if (*p != '[') {
    int k = S_ref(p, &e);
    if (k > 0) {
      int *nk = nb_reallocarray(*kids, 1, sizeof *nk);
      if (!nk)
        return -1;
      *kids = nk;
      (*kids)[(*nkids)++] = k;
      *to = e;
    } else {
      while (*p && !strchr(" \n\r/>", *p))
        p++;
      *to = p;
    }
    return 0;
  }
  p++;
  for (;;) {
    int k;
    p = S_ws(p);
    if (!*p)
      return -1;
    if (*p == ']') {
      *to = p + 1;
      return 0;
    }
    if (p[0] == '<' && p[1] == '<') {
      /* an object or marked-content reference: skip it */
      const char *q = strstr(p, ">>");
      if (!q)
        return -1;
      p = q + 2;
      continue;
    }
    k = S_ref(p, &e);
    if (k > 0) {
      if (*nkids == cap) {
        size_t nc = cap ? cap * 2 : 16;
        int *nk = nb_reallocarray(*kids, nc, sizeof *nk);
        if (!nk)
          return -1;
        *kids = nk;
        cap = nc;
      }
      (*kids)[(*nkids)++] = k;
      p = e;
      continue;
    }
    while (*p && !strchr(" \n\r]<", *p))
      p++; /* an integer (a marked-content id) */
  }
}

/* A page's content stream, object @p num, decoded into @p data. 0 or -1
 * (not a single Flate stream as Cairo writes them). */
static int S_read_content(reader *r, int num, nb_buf *data) {
  nb_buf head = NB_BUF_INIT, lenobj = NB_BUF_INIT;
  char *s, *e;
  long len = -1, at;
  unsigned char *raw = NULL;
  int rc = -1, lref;
  z_stream z;
  data->len = 0;
  if (num <= 0 || num >= r->size || r->off[num] <= 0 ||
      fseek(r->in, r->off[num], SEEK_SET) != 0 || !nb_buf_reserve(&head, 1024))
    goto done;
  head.len = fread(head.data, 1, 1024, r->in);
  head.data[head.len] = '\0';
  if (!(s = strstr(head.data, "stream")))
    goto done;
  *s = '\0';
  if (!S_key(head.data, "/FlateDecode") ||
      !(e = (char *)S_key(head.data, "/Length")))
    goto done;
  lref = S_ref(e, NULL);
  if (lref > 0) {
    /* "N 0 obj 1234 endobj" */
    if (lref >= r->size || r->off[lref] <= 0 ||
        fseek(r->in, r->off[lref], SEEK_SET) != 0 ||
        !nb_buf_reserve(&lenobj, 64))
      goto done;
    lenobj.len = fread(lenobj.data, 1, 64, r->in);
    lenobj.data[lenobj.len] = '\0';
    if (!(e = strstr(lenobj.data, "obj")))
      goto done;
    len = strtol(e + 3, NULL, 10);
  } else {
    len = strtol(e, NULL, 10);
  }
  if (len <= 0 || len > 256L << 20)
    goto done;
  /* the data start after "stream" and its end of line */
  at = r->off[num] + (long)(s - head.data) + 6;
  if ((size_t)(s - head.data) + 6 < head.len &&
      head.data[s - head.data + 6] == '\r')
    at++;
  at++;
  if (!(raw = malloc((size_t)len)) || fseek(r->in, at, SEEK_SET) != 0 ||
      fread(raw, 1, (size_t)len, r->in) != (size_t)len)
    goto done;
  memset(&z, 0, sizeof z);
  if (inflateInit(&z) != Z_OK)
    goto done;
  z.next_in = raw;
  z.avail_in = (uInt)len;
  for (;;) {
    int zr;
    if (!nb_buf_reserve(data, 65536) || data->len > (size_t)1 << 30) {
      inflateEnd(&z);
      goto done;
    }
    z.next_out = (Bytef *)data->data + data->len;
    z.avail_out = 65536;
    zr = inflate(&z, Z_NO_FLUSH);
    data->len = (size_t)((char *)z.next_out - data->data);
    if (zr == Z_STREAM_END)
      break;
    if (zr != Z_OK) {
      inflateEnd(&z);
      goto done;
    }
  }
  inflateEnd(&z);
  rc = 0;
done:
  free(raw);
  nb_buf_free(&head);
  nb_buf_free(&lenobj);
  return rc;
}

/* ## Writing the update */

static void S_text_string(nb_buf *b, const char *s) {
  size_t i = 0, n = strlen(s);
  nb_buf_puts(b, "<FEFF");
  while (i < n) {
    uint32_t cp = 0;
    size_t k = nb_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    i += k ? k : 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      nb_buf_printf(b, "%04X%04X", (unsigned)(0xD800 + (cp >> 10)),
                    (unsigned)(0xDC00 + (cp & 0x3FF)));
    } else {
      nb_buf_printf(b, "%04X", (unsigned)cp);
    }
  }
  nb_buf_putc(b, '>');
}

static void S_lang(nb_buf *b, const char *lang) {
  const char *p;
  nb_buf_puts(b, " /Lang (");
  for (p = lang; *p; p++)
    if (isalnum((unsigned char)*p) || *p == '-')
      nb_buf_putc(b, *p);
  nb_buf_putc(b, ')');
}

typedef struct update {
  nb_buf body;
  int *nums;
  long *offs;
  size_t n, cap;
} update;

static int S_slot(update *u, long base, int num) {
  if (u->n == u->cap) {
    size_t cap = u->cap ? u->cap * 2 : 64;
    int *nn = nb_reallocarray(u->nums, cap, sizeof *nn);
    long *no;
    if (!nn)
      return -1;
    u->nums = nn;
    no = nb_reallocarray(u->offs, cap, sizeof *no);
    if (!no)
      return -1;
    u->offs = no;
    u->cap = cap;
  }
  u->nums[u->n] = num;
  u->offs[u->n] = base + (long)u->body.len;
  u->n++;
  return 0;
}

/* Appends object @p num as @p dict (without its final ">>") plus @p add
 * and ">>". */
static int S_emit(update *u, long base, int num, const char *dict,
                  size_t dict_len, const char *add) {
  if (S_slot(u, base, num) != 0)
    return -1;
  nb_buf_printf(&u->body, "%d 0 obj\n", num);
  nb_buf_append(&u->body, dict, dict_len);
  nb_buf_puts(&u->body, add);
  nb_buf_puts(&u->body, ">>\nendobj\n");
  return u->body.failed ? -1 : 0;
}

/* Appends content stream @p num: @p data compressed (at zlib's fastest:
 * every page is written again, and its text operators deflate well
 * anyway). */
static int S_emit_stream(update *u, long base, int num, const nb_buf *data) {
  uLongf n = compressBound((uLong)data->len);
  Bytef *z = malloc(n);
  int rc = -1;
  if (!z ||
      compress2(z, &n, (const Bytef *)data->data, (uLong)data->len, 1) !=
          Z_OK ||
      S_slot(u, base, num) != 0)
    goto done;
  nb_buf_printf(&u->body,
                "%d 0 obj\n<< /Length %lu /Filter /FlateDecode >>\nstream\n",
                num, (unsigned long)n);
  nb_buf_append(&u->body, (const char *)z, n);
  nb_buf_puts(&u->body, "\nendstream\nendobj\n");
  rc = u->body.failed ? -1 : 0;
done:
  free(z);
  return rc;
}

/* In @p data (a page's content), every "/Span << /MCID n >> BDC" of the
 * @p nm marked-content ids @p mcid becomes "/Artifact BMC". Returns how
 * many, or -1 when out of memory. */
static int S_mark_artifacts(nb_buf *data, const int *mcid, size_t nm) {
  static const char pre[] = "/Span << /MCID ";
  nb_buf out = NB_BUF_INIT;
  const char *p = data->data, *end = data->data + data->len;
  int n = 0;
  while (p < end) {
    const char *q = memchr(p, '/', (size_t)(end - p));
    char *e;
    long id;
    size_t k;
    int hit = 0;
    if (!q)
      break;
    nb_buf_append(&out, p, (size_t)(q - p));
    p = q;
    if ((size_t)(end - p) > sizeof pre + 8 &&
        memcmp(p, pre, sizeof pre - 1) == 0) {
      id = strtol(p + sizeof pre - 1, &e, 10);
      if (e < end - 7 && memcmp(e, " >> BDC", 7) == 0)
        for (k = 0; k < nm && !hit; k++)
          hit = mcid[k] == id;
      if (hit) {
        nb_buf_puts(&out, "/Artifact BMC");
        p = e + 7;
        n++;
        continue;
      }
    }
    nb_buf_putc(&out, *p++);
  }
  if (p < end)
    nb_buf_append(&out, p, (size_t)(end - p));
  if (out.failed) {
    nb_buf_free(&out);
    return -1;
  }
  nb_buf_free(data);
  *data = out;
  return n;
}

/* An artifact element: its parent in the tree, and where its content is. */
typedef struct art {
  int parent, child;
  int page, mcid; /* -1 when it drew nothing */
} art;

static int S_cmp_parent(const void *a, const void *b) {
  const art *x = a, *y = b;
  if (x->parent != y->parent)
    return x->parent < y->parent ? -1 : 1;
  return x->child < y->child ? -1 : x->child > y->child;
}

static int S_cmp_page(const void *a, const void *b) {
  const art *x = a, *y = b;
  return x->page < y->page ? -1 : x->page > y->page;
}

static int S_cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return x < y ? -1 : x > y;
}

/* Rewrites element @p num (dictionary @p d) with the additions in @p add
 * and, when @p drop (sorted, @p ndrop) is given, without those children. */
static int S_rewrite(update *u, long base, int num, const char *d,
                     const char *add, const int *drop, size_t ndrop) {
  const char *from = NULL, *to = NULL, *end = strrchr(d, '>');
  int *kids = NULL;
  size_t nkids = 0, i;
  nb_buf b = NB_BUF_INIT;
  int rc;
  if (!end || end == d || end[-1] != '>')
    return -1;
  end--; /* the final ">>" */
  if (ndrop && S_kids(d, &from, &to, &kids, &nkids) == 0 && to <= end) {
    const char *p = from + (*from == '[' ? 1 : 0);
    nb_buf_append(&b, d, (size_t)(from - d));
    nb_buf_puts(&b, "[");
    for (i = 0; i < nkids; i++)
      if (!bsearch(&kids[i], drop, ndrop, sizeof *drop, S_cmp_int))
        nb_buf_printf(&b, " %d 0 R", kids[i]);
    /* the element's own marked-content ids and references stay */
    while (p < to) {
      const char *e;
      p = S_ws(p);
      if (p >= to || *p == ']')
        break;
      if (p[0] == '<' && p[1] == '<') {
        const char *q = strstr(p, ">>");
        if (!q || q + 2 > to)
          break;
        nb_buf_putc(&b, ' ');
        nb_buf_append(&b, p, (size_t)(q + 2 - p));
        p = q + 2;
        continue;
      }
      if (S_ref(p, &e) > 0) {
        p = e;
        continue;
      }
      e = p;
      while (e < to && !strchr(" \n\r]<", *e))
        e++;
      if (e == p)
        break;
      nb_buf_putc(&b, ' ');
      nb_buf_append(&b, p, (size_t)(e - p));
      p = e;
    }
    nb_buf_puts(&b, " ]");
    nb_buf_append(&b, to, (size_t)(end - to));
  } else {
    nb_buf_append(&b, d, (size_t)(end - d));
  }
  rc = b.failed ? -1 : S_emit(u, base, num, b.data, b.len, add ? add : "");
  nb_buf_free(&b);
  free(kids);
  return rc;
}

/* Pushes @p n refs of @p kids, last first, on the walk's stack. */
static int S_push(int **stack, size_t *sp, size_t *cap, const int *kids,
                  size_t n) {
  size_t i;
  for (i = n; i > 0; i--) {
    if (*sp == *cap) {
      size_t nc = *cap ? *cap * 2 : 64;
      int *ns = nb_reallocarray(*stack, nc, sizeof *ns);
      if (!ns)
        return -1;
      *stack = ns;
      *cap = nc;
    }
    (*stack)[(*sp)++] = kids[i - 1];
  }
  return 0;
}

typedef struct objpos {
  int num;
  long off;
} objpos;

static int S_cmp_off(const void *a, const void *b) {
  const objpos *x = a, *y = b;
  return x->off < y->off ? -1 : x->off > y->off;
}

/* Copies @p n bytes of @p in from @p at to @p out. 0 or -1. */
static int S_copy(FILE *in, long at, long n, FILE *out) {
  char buf[65536];
  if (fseek(in, at, SEEK_SET) != 0)
    return -1;
  while (n > 0) {
    size_t k = fread(buf, 1, n > (long)sizeof buf ? sizeof buf : (size_t)n, in);
    if (k == 0 || fwrite(buf, 1, k, out) != k)
      return -1;
    n -= (long)k;
  }
  return 0;
}

/* Writes the whole file again with the objects of @p u in place of
 * Cairo's (rather than as an update after them: every page's content
 * stream is among them, and a second copy of each would grow a book by
 * half): objects in Cairo's order, a new cross-reference table. Written
 * to a sibling file, then copied over @p out. 0 or a negative nb_code. */
static int S_rewrite_file(reader *r, const update *u, long base,
                          const char *path, FILE *out, nb_error *err) {
  objpos *pos = NULL;
  long *noff = NULL, *repl = NULL, xref, first;
  size_t n = 0, i;
  int num, rc = NB_ERR_SYSTEM;
  nb_buf sib = NB_BUF_INIT;
  FILE *tmp = NULL;
  pos = nb_calloc((size_t)r->size, sizeof *pos);
  noff = nb_calloc((size_t)r->size, sizeof *noff);
  repl = nb_calloc((size_t)r->size, sizeof *repl);
  if (!pos || !noff || !repl)
    goto fail;
  for (num = 1; num < r->size; num++)
    if (r->off[num] > 0) {
      pos[n].num = num;
      pos[n].off = r->off[num];
      n++;
    }
  if (n == 0)
    goto fail;
  qsort(pos, n, sizeof *pos, S_cmp_off);
  /* which new version replaces an object, + 1 */
  for (i = 0; i < u->n; i++)
    repl[u->nums[i]] = (long)i + 1;
  nb_buf_printf(&sib, "%s.tags", path);
  if (sib.failed || !(tmp = fopen(sib.data, "wb")))
    goto fail;
  first = pos[0].off;
  if (S_copy(r->in, 0, first, tmp) != 0)
    goto fail;
  for (i = 0; i < n; i++) {
    long end = i + 1 < n ? pos[i + 1].off : r->startxref;
    num = pos[i].num;
    noff[num] = ftell(tmp);
    if (repl[num]) {
      /* the new version runs to the next one in the body */
      size_t j = (size_t)repl[num] - 1;
      long from = u->offs[j] - base;
      long to = j + 1 < u->n ? u->offs[j + 1] - base : (long)u->body.len;
      if (fwrite(u->body.data + from, 1, (size_t)(to - from), tmp) !=
          (size_t)(to - from))
        goto fail;
    } else if (end <= pos[i].off ||
               S_copy(r->in, pos[i].off, end - pos[i].off, tmp) != 0) {
      goto fail;
    }
  }
  xref = ftell(tmp);
  fprintf(tmp, "xref\n0 %d\n0000000000 65535 f \n", r->size);
  for (num = 1; num < r->size; num++)
    if (noff[num] > 0)
      fprintf(tmp, "%010ld 00000 n \n", noff[num]);
    else
      fprintf(tmp, "0000000000 00000 f \n");
  fprintf(tmp, "trailer\n<< /Size %d\n   /Root %d 0 R\n", r->size, r->root);
  if (r->info > 0)
    fprintf(tmp, "   /Info %d 0 R\n", r->info);
  fprintf(tmp, ">>\nstartxref\n%ld\n%%%%EOF\n", xref);
  if (fflush(tmp) != 0 || ferror(tmp))
    goto fail;
  fclose(tmp);
  tmp = NULL;
  /* over Cairo's file */
  {
    FILE *in = fopen(sib.data, "rb");
    long len;
    if (!in)
      goto fail;
    fseek(in, 0, SEEK_END);
    len = ftell(in);
    if (fflush(out) != 0 || ftruncate(fileno(out), 0) != 0 ||
        fseek(out, 0, SEEK_SET) != 0 || S_copy(in, 0, len, out) != 0 ||
        fflush(out) != 0) {
      fclose(in);
      rc = nb_error_set(err, NB_ERR_SYSTEM, path, 0,
                        "could not write the PDF's tag entries");
      goto done;
    }
    fclose(in);
  }
  rc = 0;
  goto done;
fail:
  /* Cairo's file is untouched: keep it as it is */
  rc = 1;
done:
  if (tmp)
    fclose(tmp);
  if (sib.data)
    remove(sib.data);
  nb_buf_free(&sib);
  free(pos);
  free(noff);
  free(repl);
  return rc;
}

/* One rewrite: the file read, the notes, what is to change. */
typedef struct job {
  reader r;
  const nb_pdf_tags *t;
  update u;
  long base;
  nb_buf d, add;
  int *note_of; /* per object: the index + 1 of its note with entries */
  art *arts;
  size_t nart, capart;
} job;

/* Structure element @p num (its dictionary in j->d) is an artifact: note
 * its parent, page and marked-content id. 0 or -1. */
static int S_add_artifact(job *j, int num) {
  const char *pp = S_key(j->d.data, "/P"), *pg = S_key(j->d.data, "/Pg");
  const char *kk = S_key(j->d.data, "/K");
  int parent = pp ? S_ref(pp, NULL) : -1;
  art *a;
  if (parent <= 0 || parent >= j->r.size)
    return -1;
  if (j->nart == j->capart) {
    size_t nc = j->capart ? j->capart * 2 : 64;
    art *na = nb_reallocarray(j->arts, nc, sizeof *na);
    if (!na)
      return -1;
    j->arts = na;
    j->capart = nc;
  }
  a = &j->arts[j->nart++];
  a->parent = parent;
  a->child = num;
  /* its content: one marked sequence on one page ("/K 7"), or nothing
   * drawn: then only the element goes */
  a->page = pg ? S_ref(pg, NULL) : -1;
  kk = kk ? S_ws(kk) : NULL;
  a->mcid = kk && isdigit((unsigned char)*kk) ? (int)strtol(kk, NULL, 10) : -1;
  return 0;
}

/* Walks the structure tree under @p tree in pre-order against the notes:
 * each element must be of the noted type. 0, or -1 when it is not the
 * tree the notes describe. */
static int S_walk(job *j, int tree) {
  int *stack = NULL, *kids = NULL, rc = -1;
  size_t sp = 0, capst = 0, nkids = 0, visited = 0;
  const char *from, *to;
  if (S_read_obj(&j->r, tree, &j->d) != 0 ||
      S_kids(j->d.data, &from, &to, &kids, &nkids) != 0 ||
      S_push(&stack, &sp, &capst, kids, nkids) != 0)
    goto done;
  while (sp > 0) {
    int num = stack[--sp];
    const char *s;
    char type[32];
    size_t k;
    const nb_tag_note *note;
    if (num <= 0 || num >= j->r.size || visited >= j->t->n ||
        S_read_obj(&j->r, num, &j->d) != 0 || !(s = S_key(j->d.data, "/S")))
      goto done;
    s = S_ws(s);
    if (*s != '/')
      goto done;
    for (k = 0;
         k + 1 < sizeof type && s[k + 1] && !strchr(" \n\r/<[>", s[k + 1]); k++)
      type[k] = s[k + 1];
    type[k] = '\0';
    note = &j->t->tags[visited++];
    if (strcmp(type, note->type) != 0)
      goto done;
    if (note->artifact) {
      if (S_add_artifact(j, num) != 0)
        goto done;
      continue; /* its content is all it holds */
    }
    if (note->alt || note->lang[0])
      j->note_of[num] = (int)visited;
    if (S_kids(j->d.data, &from, &to, &kids, &nkids) == 0 &&
        S_push(&stack, &sp, &capst, kids, nkids) != 0)
      goto done;
  }
  rc = visited == j->t->n ? 0 : -1;
done:
  free(stack);
  free(kids);
  return rc;
}

/* New versions of the elements given entries and of the artifacts'
 * parents (without them), in object order. 0 or -1. */
static int S_write_elements(job *j) {
  size_t ia = 0;
  int num;
  qsort(j->arts, j->nart, sizeof *j->arts, S_cmp_parent);
  for (num = 1; num < j->r.size; num++) {
    int *drop = NULL;
    size_t ndrop = 0;
    while (ia < j->nart && j->arts[ia].parent < num)
      ia++;
    if (ia < j->nart && j->arts[ia].parent == num) {
      size_t e = ia;
      while (e < j->nart && j->arts[e].parent == num)
        e++;
      if (!(drop = nb_calloc(e - ia, sizeof *drop)))
        return -1;
      for (; ia < e; ia++)
        drop[ndrop++] = j->arts[ia].child;
    }
    if (!j->note_of[num] && !ndrop)
      continue;
    j->add.len = 0;
    nb_buf_puts(&j->add, "");
    if (j->note_of[num]) {
      const nb_tag_note *note = &j->t->tags[j->note_of[num] - 1];
      if (note->alt) {
        nb_buf_puts(&j->add, " /Alt ");
        S_text_string(&j->add, note->alt);
      }
      if (note->lang[0])
        S_lang(&j->add, note->lang);
    }
    if (j->add.failed || S_read_obj(&j->r, num, &j->d) != 0 ||
        S_rewrite(&j->u, j->base, num, j->d.data, j->add.data, drop, ndrop) !=
            0) {
      free(drop);
      return -1;
    }
    free(drop);
  }
  return 0;
}

/* New content streams for the pages holding artifacts, their marked
 * content /Artifact. 0 or -1. */
static int S_write_pages(job *j) {
  nb_buf content = NB_BUF_INIT;
  int *mcids = NULL, rc = -1;
  size_t i;
  qsort(j->arts, j->nart, sizeof *j->arts, S_cmp_page);
  if (j->nart && !(mcids = nb_calloc(j->nart, sizeof *mcids)))
    goto done;
  for (i = 0; i < j->nart;) {
    size_t e = i, nm = 0;
    int page = j->arts[i].page, contents;
    const char *c;
    while (e < j->nart && j->arts[e].page == page) {
      if (j->arts[e].mcid >= 0)
        mcids[nm++] = j->arts[e].mcid;
      e++;
    }
    i = e;
    if (page <= 0 || nm == 0)
      continue;
    if (S_read_obj(&j->r, page, &j->d) != 0 ||
        !(c = S_key(j->d.data, "/Contents")) ||
        (contents = S_ref(c, NULL)) <= 0 ||
        S_read_content(&j->r, contents, &content) != 0 ||
        S_mark_artifacts(&content, mcids, nm) < 0 ||
        S_emit_stream(&j->u, j->base, contents, &content) != 0)
      goto done;
  }
  rc = 0;
done:
  free(mcids);
  nb_buf_free(&content);
  return rc;
}

/* The catalog's /Lang and /ViewerPreferences. 0 or -1. */
static int S_write_catalog(job *j, const char *cat) {
  j->add.len = 0;
  nb_buf_puts(&j->add, "");
  if (j->t->lang[0] && !S_key(cat, "/Lang"))
    S_lang(&j->add, j->t->lang);
  if (j->t->display_title && !S_key(cat, "/ViewerPreferences"))
    nb_buf_puts(&j->add, " /ViewerPreferences << /DisplayDocTitle true >>");
  if (!j->add.len)
    return 0;
  return S_rewrite(&j->u, j->base, j->r.root, cat, j->add.data, NULL, 0);
}

int nb_pdf_tags_apply(const char *path, FILE *out, const nb_pdf_tags *t,
                      nb_error *err) {
  job j;
  nb_buf cat = NB_BUF_INIT;
  int tree, rc = 1;
  memset(&j, 0, sizeof j);
  j.t = t;
  if (!t || t->failed || !out)
    return 1;
  if (S_open(&j.r, path) != 0 || S_read_obj(&j.r, j.r.root, &cat) != 0 ||
      !S_key(cat.data, "/Catalog") || fseek(out, 0, SEEK_END) != 0 ||
      (j.base = ftell(out)) <= 0 ||
      !(j.note_of = nb_calloc((size_t)j.r.size, sizeof *j.note_of)))
    goto done;
  tree = S_key(cat.data, "/StructTreeRoot")
             ? S_ref(S_key(cat.data, "/StructTreeRoot"), NULL)
             : -1;
  if (tree > 0 && t->n > 0 && S_walk(&j, tree) != 0)
    goto done;
  if (S_write_elements(&j) != 0 || S_write_pages(&j) != 0 ||
      S_write_catalog(&j, cat.data) != 0 || j.u.n == 0)
    goto done;
  if (j.u.body.failed) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    goto done;
  }
  rc = S_rewrite_file(&j.r, &j.u, j.base, path, out, err);
done:
  if (j.r.in)
    fclose(j.r.in);
  free(j.r.off);
  free(j.note_of);
  free(j.arts);
  free(j.u.nums);
  free(j.u.offs);
  nb_buf_free(&j.u.body);
  nb_buf_free(&j.d);
  nb_buf_free(&j.add);
  nb_buf_free(&cat);
  return rc;
}
