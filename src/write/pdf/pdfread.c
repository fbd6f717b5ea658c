/* Reading the PDF Cairo wrote back, and writing it again with some
 * objects changed (see pdfread.h). */
#include "write/pdf/pdfread.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#define MAX_OBJ_BYTES (1 << 20)
#define MAX_OBJECTS 50000000

/* ## Reading Cairo's file */

/* The value after key @p key in dictionary text @p d (the key followed by
 * a delimiter), or NULL. */
const char *nb_pdfr_key(const char *d, const char *key) {
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

const char *nb_pdfr_ws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')
    p++;
  return p;
}

/* "N 0 R" at @p p: N, or -1. */
int nb_pdfr_ref(const char *p, const char **end) {
  char *e;
  long n, g;
  p = nb_pdfr_ws(p);
  if (!isdigit((unsigned char)*p))
    return -1;
  n = strtol(p, &e, 10);
  p = nb_pdfr_ws(e);
  if (!isdigit((unsigned char)*p))
    return -1;
  g = strtol(p, &e, 10);
  p = nb_pdfr_ws(e);
  if (*p != 'R' || g != 0 || n <= 0 || n > MAX_OBJECTS)
    return -1;
  if (end)
    *end = p + 1;
  return (int)n;
}

/* The dictionary text of object @p num into @p out. 0 or -1. */
int nb_pdfr_obj(nb_pdfr *r, int num, nb_buf *out) {
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
  s = (char *)nb_pdfr_ws(out->data + hl);
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

int nb_pdfr_open(nb_pdfr *r, const char *path) {
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
  /* the last "startxref"; a small file's last KiB may hold binary data
   * before it, NUL bytes included */
  for (p = tail, e = NULL; p + 9 <= tail + n; p++)
    if (memcmp(p, "startxref", 9) == 0)
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
  if (!trailer.data || nb_pdfr_key(trailer.data, "/Prev") ||
      nb_pdfr_key(trailer.data, "/Encrypt"))
    goto done; /* not a file as Cairo writes it */
  r->root = nb_pdfr_key(trailer.data, "/Root")
                ? nb_pdfr_ref(nb_pdfr_key(trailer.data, "/Root"), NULL)
                : -1;
  r->info = nb_pdfr_key(trailer.data, "/Info")
                ? nb_pdfr_ref(nb_pdfr_key(trailer.data, "/Info"), NULL)
                : -1;
  ok = r->root > 0 && r->root < r->size ? 0 : -1;
done:
  nb_buf_free(&trailer);
  return ok;
}

long nb_pdfr_head(nb_pdfr *r, int num, char *buf, size_t n) {
  size_t k;
  if (n == 0 || num <= 0 || num >= r->size || r->off[num] <= 0 ||
      fseek(r->in, r->off[num], SEEK_SET) != 0)
    return -1;
  k = fread(buf, 1, n - 1, r->in);
  buf[k] = '\0';
  return (long)k;
}

/* A page's content stream, object @p num, decoded into @p data. 0 or -1
 * (not a single Flate stream as Cairo writes them). */
int nb_pdfr_content(nb_pdfr *r, int num, nb_buf *data) {
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
  if (!nb_pdfr_key(head.data, "/FlateDecode") ||
      !(e = (char *)nb_pdfr_key(head.data, "/Length")))
    goto done;
  lref = nb_pdfr_ref(e, NULL);
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

static int S_slot(nb_pdfu *u, long base, int num) {
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
int nb_pdfu_emit(nb_pdfu *u, long base, int num, const char *dict,
                 size_t dict_len, const char *add) {
  if (S_slot(u, base, num) != 0)
    return -1;
  nb_buf_printf(&u->body, "%d 0 obj\n", num);
  nb_buf_append(&u->body, dict, dict_len);
  nb_buf_puts(&u->body, add);
  nb_buf_puts(&u->body, ">>\nendobj\n");
  return u->body.failed ? -1 : 0;
}

void nb_pdfu_utf16(nb_buf *b, uint32_t cp) {
  if (cp >= 0x10000) {
    cp -= 0x10000;
    nb_buf_printf(b, "%04X%04X", (unsigned)(0xD800 + (cp >> 10)),
                  (unsigned)(0xDC00 + (cp & 0x3FF)));
  } else {
    nb_buf_printf(b, "%04X", (unsigned)cp);
  }
}

/* Appends content stream @p num: @p data compressed (at zlib's fastest:
 * every page is written again, and its text operators deflate well
 * anyway). */
int nb_pdfu_stream(nb_pdfu *u, long base, int num, const nb_buf *data) {
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
int nb_pdfu_rewrite(nb_pdfr *r, const nb_pdfu *u, long base, const char *path,
                    FILE *out, nb_error *err) {
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
    if (u->ext && u->ext_of && u->ext_of[num]) {
      if (u->ext(u->ext_ctx, num, tmp) != 0)
        goto fail;
    } else if (repl[num]) {
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
