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

#include "util/util.h"
#include "write/pdf/pdfread.h"
#include "write/pdf/pdfvert.h"

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

/* The span of /K's value in @p d and the structure elements it refers to
 * (in order) into @p kids. 0, or -1 when there is no /K. */
static int S_kids(const char *d, const char **from, const char **to, int **kids,
                  size_t *nkids) {
  const char *p = nb_pdfr_key(d, "/K"), *e;
  size_t cap = 0;
  *nkids = 0;
  if (!p)
    return -1;
  p = nb_pdfr_ws(p);
  *from = p;
  if (*p != '[') {
    int k = nb_pdfr_ref(p, &e);
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
    p = nb_pdfr_ws(p);
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
    k = nb_pdfr_ref(p, &e);
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

/* ## Writing the nb_pdfu */

static void S_text_string(nb_buf *b, const char *s) {
  size_t i = 0, n = strlen(s);
  nb_buf_puts(b, "<FEFF");
  while (i < n) {
    uint32_t cp = 0;
    size_t k = nb_utf8_decode((const unsigned char *)s + i, n - i, &cp);
    i += k ? k : 1;
    nb_pdfu_utf16(b, cp);
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
static int S_rewrite(nb_pdfu *u, long base, int num, const char *d,
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
      p = nb_pdfr_ws(p);
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
      if (nb_pdfr_ref(p, &e) > 0) {
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
  rc =
      b.failed ? -1 : nb_pdfu_emit(u, base, num, b.data, b.len, add ? add : "");
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

/* One rewrite: the file read, the notes, what is to change. */
typedef struct job {
  nb_pdfr r;
  const nb_pdf_tags *t;
  nb_pdfu u;
  long base;
  nb_buf d, add;
  int *note_of; /* per object: the index + 1 of its note with entries */
  art *arts;
  size_t nart, capart;
  nb_pdfvert v; /* a vertical book's vertical fonts (pdfvert.h) */
} job;

/* Structure element @p num (its dictionary in j->d) is an artifact: note
 * its parent, page and marked-content id. 0 or -1. */
static int S_add_artifact(job *j, int num) {
  const char *pp = nb_pdfr_key(j->d.data, "/P"),
             *pg = nb_pdfr_key(j->d.data, "/Pg");
  const char *kk = nb_pdfr_key(j->d.data, "/K");
  int parent = pp ? nb_pdfr_ref(pp, NULL) : -1;
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
  a->page = pg ? nb_pdfr_ref(pg, NULL) : -1;
  kk = kk ? nb_pdfr_ws(kk) : NULL;
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
  if (nb_pdfr_obj(&j->r, tree, &j->d) != 0 ||
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
        nb_pdfr_obj(&j->r, num, &j->d) != 0 ||
        !(s = nb_pdfr_key(j->d.data, "/S")))
      goto done;
    s = nb_pdfr_ws(s);
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
    if (j->add.failed || nb_pdfr_obj(&j->r, num, &j->d) != 0 ||
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
 * content /Artifact, and for those drawing with vertical fonts, their
 * text positions moved (pdfvert.h). 0 or -1. */
static int S_write_pages(job *j) {
  nb_buf content = NB_BUF_INIT;
  int *mcids = NULL, rc = -1;
  size_t i;
  nb_vpage *vp;
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
    vp = nb_pdfvert_page(&j->v, page);
    if (nb_pdfr_obj(&j->r, page, &j->d) != 0 ||
        !(c = nb_pdfr_key(j->d.data, "/Contents")) ||
        (contents = nb_pdfr_ref(c, NULL)) <= 0 ||
        nb_pdfr_content(&j->r, contents, &content) != 0 ||
        S_mark_artifacts(&content, mcids, nm) < 0 ||
        (vp && (vp->contents != contents ||
                nb_pdfvert_content(&j->v, vp, &content) != 0)) ||
        nb_pdfu_stream(&j->u, j->base, contents, &content) != 0)
      goto done;
    if (vp)
      vp->done = 1;
  }
  /* the other pages drawing with vertical fonts */
  for (i = 0; i < j->v.npages; i++) {
    vp = &j->v.pages[i];
    if (vp->done)
      continue;
    if (nb_pdfr_content(&j->r, vp->contents, &content) != 0 ||
        nb_pdfvert_content(&j->v, vp, &content) != 0 ||
        nb_pdfu_stream(&j->u, j->base, vp->contents, &content) != 0)
      goto done;
    vp->done = 1;
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
  if (j->t->lang[0] && !nb_pdfr_key(cat, "/Lang"))
    S_lang(&j->add, j->t->lang);
  if ((j->t->display_title || j->t->vertical) &&
      !nb_pdfr_key(cat, "/ViewerPreferences")) {
    nb_buf_puts(&j->add, " /ViewerPreferences <<");
    if (j->t->display_title)
      nb_buf_puts(&j->add, " /DisplayDocTitle true");
    /* a vertical book: pages turn right to left, a spread shows the
     * next page on the left */
    if (j->t->vertical)
      nb_buf_puts(&j->add, " /Direction /R2L");
    nb_buf_puts(&j->add, " >>");
  }
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
  if (nb_pdfr_open(&j.r, path) != 0 || nb_pdfr_obj(&j.r, j.r.root, &cat) != 0 ||
      !nb_pdfr_key(cat.data, "/Catalog") || fseek(out, 0, SEEK_END) != 0 ||
      (j.base = ftell(out)) <= 0 ||
      !(j.note_of = nb_calloc((size_t)j.r.size, sizeof *j.note_of)))
    goto done;
  tree = nb_pdfr_key(cat.data, "/StructTreeRoot")
             ? nb_pdfr_ref(nb_pdfr_key(cat.data, "/StructTreeRoot"), NULL)
             : -1;
  if (tree > 0 && t->n > 0 && S_walk(&j, tree) != 0)
    goto done;
  /* a vertical book's fonts: when the file is not as expected they stay
   * as Cairo wrote them (drawn right, read out of order); once any font
   * is changed, every page using it must be, or nothing is */
  if (t->vertical && nb_pdfvert_scan(&j.v, &j.r, cat.data) != 0)
    nb_pdfvert_free(&j.v);
  if (t->vertical && nb_pdfvert_fonts(&j.v, &j.r, &j.u, j.base) != 0)
    goto done;
  /* the vertical fonts' ToUnicode maps once their pages were read */
  if (S_write_elements(&j) != 0 || S_write_pages(&j) != 0 ||
      nb_pdfvert_to_unicode(&j.v, &j.r, &j.u, j.base) != 0 ||
      S_write_catalog(&j, cat.data) != 0 || j.u.n == 0)
    goto done;
  if (j.u.body.failed) {
    rc = nb_error_set(err, NB_ERR_SYSTEM, NULL, 0, "out of memory");
    goto done;
  }
  rc = nb_pdfu_rewrite(&j.r, &j.u, j.base, path, out, err);
done:
  if (j.r.in)
    fclose(j.r.in);
  free(j.r.off);
  free(j.note_of);
  free(j.arts);
  nb_pdfvert_free(&j.v);
  free(j.u.nums);
  free(j.u.offs);
  nb_buf_free(&j.u.body);
  nb_buf_free(&j.d);
  nb_buf_free(&j.add);
  nb_buf_free(&cat);
  return rc;
}
