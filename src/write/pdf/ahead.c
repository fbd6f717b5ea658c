/* Work on pictures done ahead by one worker thread (ahead.h). */
#include "write/pdf/ahead.h"

#include <stdlib.h>
#include <string.h>

enum { J_QUEUED, J_DECODING, J_DONE, J_TAKEN };

int nb_ahead_init(nb_ahead *a, int on) {
  memset(a, 0, sizeof *a);
  if (on && pthread_mutex_init(&a->lock, NULL) == 0) {
    if (pthread_cond_init(&a->cond, NULL) == 0)
      return 0;
    pthread_mutex_destroy(&a->lock);
  }
  a->failed = -1; /* nothing to destroy */
  return -1;
}

int nb_ahead_usable(const nb_ahead *a) {
  return !a->failed;
}

static size_t S_pixmap_bytes(const nb_pixmap *pm) {
  return pm->pixels ? (size_t)pm->stride * (size_t)pm->height : 0;
}

static size_t S_surface_bytes(cairo_surface_t *s) {
  return (size_t)cairo_image_surface_get_stride(s) *
         (size_t)cairo_image_surface_get_height(s);
}

/* The worker's deflating of job @p k, the lock held (and released while
 * it works). */
static void S_deflate_job(nb_ahead *a, size_t k) {
  cairo_surface_t *src = a->z[k].src;
  size_t bytes = S_surface_bytes(src);
  nb_buf out = NB_BUF_INIT;
  int rc, colors = 3;
  a->z[k].state = J_DECODING;
  a->z[k].src = NULL;
  pthread_mutex_unlock(&a->lock);
  /* the surface is the job's alone: the device keeps only a stand-in */
  rc = nb_pdf_pixels_deflate(
      cairo_image_surface_get_data(src), cairo_image_surface_get_width(src),
      cairo_image_surface_get_height(src), cairo_image_surface_get_stride(src),
      &out, &colors);
  if (rc != 0)
    nb_buf_free(&out);
  cairo_surface_destroy(src);
  pthread_mutex_lock(&a->lock);
  a->held -= bytes;
  /* as for the decoding jobs, the array may have moved, not its indices */
  a->z[k].flate = out;
  a->z[k].colors = colors;
  a->z[k].rc = rc;
  a->z[k].state = J_DONE;
  pthread_cond_broadcast(&a->cond);
}

static void *S_worker(void *arg) {
  nb_ahead *a = arg;
  pthread_mutex_lock(&a->lock);
  for (;;) {
    const nb_resource *res;
    nb_pixmap pm;
    nb_pdf_png png;
    nb_error err;
    size_t j;
    int rc, check;
    while (!a->stop && a->next < a->n && a->jobs[a->next].state != J_QUEUED)
      a->next++;
    if (a->stop)
      break;
    if (a->next >= a->n || a->held >= NB_PDF_AHEAD_BYTES) {
      /* nothing to decode (or enough decoded): deflate, or wait */
      if (a->znext < a->nz)
        S_deflate_job(a, a->znext++);
      else
        pthread_cond_wait(&a->cond, &a->lock);
      continue;
    }
    j = a->next++;
    a->jobs[j].state = J_DECODING;
    res = a->jobs[j].res;
    check = a->jobs[j].check;
    pthread_mutex_unlock(&a->lock);
    memset(&pm, 0, sizeof pm);
    if (check)
      rc = nb_pdf_png_direct(res->data, res->size, &png);
    else
      rc = nb_image_decode(res->data, res->size, 0, &pm, &err);
    pthread_mutex_lock(&a->lock);
    /* the array may have moved while unlocked, but not its indices: it is
     * only started again when every job is taken */
    a->jobs[j].rc = rc;
    a->jobs[j].pm = pm;
    if (check)
      a->jobs[j].png = png;
    a->jobs[j].state = J_DONE;
    a->held += S_pixmap_bytes(&pm);
    pthread_cond_broadcast(&a->cond);
  }
  pthread_mutex_unlock(&a->lock);
  return NULL;
}

/* Starts the worker if it is not running: 0, or -1 when there is none. */
static int S_start(nb_ahead *a) {
  if (a->started)
    return 0;
  if (a->failed || pthread_create(&a->thread, NULL, S_worker, a) != 0) {
    if (!a->failed)
      a->failed = 1;
    return -1;
  }
  a->started = 1;
  return 0;
}

void nb_ahead_free(nb_ahead *a) {
  size_t k;
  if (a->started) {
    pthread_mutex_lock(&a->lock);
    a->stop = 1;
    pthread_cond_broadcast(&a->cond);
    pthread_mutex_unlock(&a->lock);
    pthread_join(a->thread, NULL);
    a->started = 0;
  }
  for (k = 0; k < a->n; k++)
    nb_pixmap_free(&a->jobs[k].pm);
  free(a->jobs);
  a->jobs = NULL;
  a->n = a->cap = a->next = a->held = 0;
  for (k = 0; k < a->nz; k++) {
    if (a->z[k].src)
      cairo_surface_destroy(a->z[k].src);
    nb_buf_free(&a->z[k].flate);
  }
  free(a->z);
  a->z = NULL;
  a->nz = a->capz = a->znext = 0;
  if (a->failed >= 0) {
    pthread_mutex_destroy(&a->lock);
    pthread_cond_destroy(&a->cond);
    a->failed = -1; /* destroyed */
  }
}

void nb_ahead_queue(nb_ahead *a, const nb_resource *res, int check) {
  size_t k;
  if (a->failed)
    return;
  pthread_mutex_lock(&a->lock);
  for (k = 0; k < a->n; k++)
    if (a->jobs[k].state != J_TAKEN)
      break;
  if (k == a->n && a->next >= a->n)
    a->n = a->next = 0; /* all taken, the worker idle: start again */
  for (k = 0; k < a->n; k++)
    if (a->jobs[k].res == res && a->jobs[k].state != J_TAKEN)
      break;
  if (k == a->n) {
    if (a->n == a->cap) {
      size_t cap = a->cap ? a->cap * 2 : 16;
      nb_ahead_job *nj = nb_reallocarray(a->jobs, cap, sizeof *nj);
      if (!nj) {
        pthread_mutex_unlock(&a->lock);
        return;
      }
      a->jobs = nj;
      a->cap = cap;
    }
    memset(&a->jobs[a->n], 0, sizeof a->jobs[a->n]);
    a->jobs[a->n].res = res;
    a->jobs[a->n].check = check;
    a->jobs[a->n].state = J_QUEUED;
    a->n++;
    S_start(a); /* on failure, the queued job is decoded on the spot */
    pthread_cond_broadcast(&a->cond);
  }
  pthread_mutex_unlock(&a->lock);
}

int nb_ahead_take(nb_ahead *a, const nb_resource *res, int check, int *rc,
                  nb_pixmap *pm, nb_pdf_png *png) {
  size_t k;
  int got = 0;
  if (!a->started)
    return 0;
  pthread_mutex_lock(&a->lock);
  for (k = 0; k < a->n; k++)
    if (a->jobs[k].res == res && a->jobs[k].check == check &&
        a->jobs[k].state != J_TAKEN)
      break;
  if (k < a->n) {
    while (a->jobs[k].state == J_DECODING)
      pthread_cond_wait(&a->cond, &a->lock);
    if (a->jobs[k].state == J_DONE) {
      *rc = a->jobs[k].rc;
      if (check) {
        *png = a->jobs[k].png;
      } else {
        *pm = a->jobs[k].pm;
        a->held -= S_pixmap_bytes(pm);
        memset(&a->jobs[k].pm, 0, sizeof a->jobs[k].pm);
      }
      got = 1;
    }
    a->jobs[k].state = J_TAKEN;
    /* images announced before this one and not drawn yet will not be
     * drawn from here: let their pixels go */
    while (k-- > 0)
      if (a->jobs[k].state == J_DONE || a->jobs[k].state == J_QUEUED) {
        a->held -= S_pixmap_bytes(&a->jobs[k].pm);
        nb_pixmap_free(&a->jobs[k].pm);
        a->jobs[k].state = J_TAKEN;
      }
    pthread_cond_broadcast(&a->cond);
  }
  pthread_mutex_unlock(&a->lock);
  return got;
}

int nb_ahead_deflate_reserve(nb_ahead *a) {
  int rc = 0;
  if (a->failed)
    return -1;
  pthread_mutex_lock(&a->lock);
  if (a->nz == a->capz) {
    size_t cap = a->capz ? a->capz * 2 : 16;
    nb_deflate_job *n = nb_reallocarray(a->z, cap, sizeof *n);
    if (n) {
      a->z = n;
      a->capz = cap;
    } else {
      rc = -1;
    }
  }
  if (rc == 0)
    rc = S_start(a);
  pthread_mutex_unlock(&a->lock);
  return rc;
}

void nb_ahead_deflate(nb_ahead *a, cairo_surface_t *s, size_t png) {
  size_t k;
  pthread_mutex_lock(&a->lock);
  k = a->nz++;
  memset(&a->z[k], 0, sizeof a->z[k]);
  cairo_surface_flush(s);
  a->z[k].src = s;
  a->z[k].png = png;
  a->z[k].state = J_QUEUED;
  a->held += S_surface_bytes(s);
  pthread_cond_broadcast(&a->cond);
  pthread_mutex_unlock(&a->lock);
}

int nb_ahead_deflated(nb_ahead *a, nb_pdf_png *pngs) {
  size_t k;
  int rc = 0;
  if (a->nz == 0)
    return 0;
  pthread_mutex_lock(&a->lock);
  for (k = 0; k < a->nz; k++) {
    nb_deflate_job *z;
    while (a->z[k].state != J_DONE)
      pthread_cond_wait(&a->cond, &a->lock);
    z = &a->z[k];
    if (z->rc != 0) {
      rc = -1;
      continue;
    }
    pngs[z->png].colors = z->colors;
    pngs[z->png].flate = (const unsigned char *)z->flate.data;
    pngs[z->png].flate_len = z->flate.len;
  }
  pthread_mutex_unlock(&a->lock);
  return rc;
}
