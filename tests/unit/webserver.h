/* The loopback web site of tests/tools/webserver.py, for unit tests that
 * fetch: started once per test program (a cmocka group setup), stopped by
 * its process id at teardown (it also exits by itself after its lifetime),
 * and its request log read back to see what went over the wire.
 *
 * Tests that need it are skipped when python3 is missing. Proxy variables
 * are removed from the environment first: libcurl would send loopback
 * requests to a proxy. */
#ifndef NB_TEST_WEBSERVER_H
#define NB_TEST_WEBSERVER_H

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct nb_test_web {
  pid_t pid;
  int port;
  char dir[256]; /* a temporary directory for the port file, log, caches */
  char log[300]; /* the request log */
  char base[64]; /* "http://127.0.0.1:PORT" */
} nb_test_web;

static nb_test_web nb_web;

static void nb_web_sleep_ms(int ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long)(ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

/* Start the server; 0 on success, -1 when it cannot run here. */
static int nb_web_start(double page_delay) {
  static const char *const proxies[] = {
      "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy",
      "ALL_PROXY",  "no_proxy",    "NO_PROXY",   NULL};
  char portfile[300], delay[32];
  int i;
  for (i = 0; proxies[i]; i++)
    unsetenv(proxies[i]);
  if (system("python3 -c '' >/dev/null 2>&1") != 0)
    return -1;
  snprintf(nb_web.dir, sizeof nb_web.dir, "/tmp/nb-web-XXXXXX");
  if (!mkdtemp(nb_web.dir))
    return -1;
  snprintf(portfile, sizeof portfile, "%s/port", nb_web.dir);
  snprintf(nb_web.log, sizeof nb_web.log, "%s/requests.log", nb_web.dir);
  snprintf(delay, sizeof delay, "%g", page_delay);
  nb_web.pid = fork();
  if (nb_web.pid < 0)
    return -1;
  if (nb_web.pid == 0) {
    execlp("python3", "python3", NB_SRCDIR "/tests/tools/webserver.py",
           portfile, nb_web.log, "--lifetime", "600", "--slow", "60",
           "--page-delay", delay, (char *)NULL);
    _exit(127);
  }
  for (i = 0; i < 200; i++) {
    FILE *f = fopen(portfile, "r");
    if (f) {
      int ok = fscanf(f, "%d", &nb_web.port) == 1;
      fclose(f);
      if (ok && nb_web.port > 0) {
        snprintf(nb_web.base, sizeof nb_web.base, "http://127.0.0.1:%d",
                 nb_web.port);
        return 0;
      }
    }
    nb_web_sleep_ms(50);
  }
  kill(nb_web.pid, SIGTERM);
  waitpid(nb_web.pid, NULL, 0);
  nb_web.pid = 0;
  return -1;
}

static void nb_web_stop(void) {
  char cmd[400];
  if (nb_web.pid > 0) {
    kill(nb_web.pid, SIGTERM);
    waitpid(nb_web.pid, NULL, 0);
    nb_web.pid = 0;
  }
  if (nb_web.dir[0] && strncmp(nb_web.dir, "/tmp/nb-web-", 12) == 0) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", nb_web.dir);
    if (system(cmd) != 0) {
      /* leftovers in /tmp are harmless */
    }
  }
}

/* A URL on the server (static buffer, rotating through a few). */
static const char *nb_web_url(const char *path) {
  static char bufs[8][512];
  static int next;
  char *b = bufs[next++ & 7];
  snprintf(b, sizeof bufs[0], "%s%s", nb_web.base, path);
  return b;
}

/* A fresh empty directory under the server's temporary directory. */
static const char *nb_web_tmpdir(const char *name) {
  static char bufs[4][400];
  static int next;
  char *b = bufs[next++ & 3];
  char cmd[900];
  snprintf(b, sizeof bufs[0], "%s/%s", nb_web.dir, name);
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", b, b);
  if (system(cmd) != 0)
    return NULL;
  return b;
}

/* One logged request: the tab-separated fields of tests/tools/webserver.py. */
typedef struct nb_web_req {
  char method[16], path[512], status[8], bytes[24], inm[128], ims[64], ua[128],
      ae[128], cenc[32], accept[256];
} nb_web_req;

/* The requests logged for exactly @p path, the last @p max of them into
 * @p out (may be NULL). Returns how many there were. */
static int nb_web_requests(const char *path, nb_web_req *out, int max) {
  FILE *f = fopen(nb_web.log, "r");
  char line[4096];
  int n = 0;
  if (!f)
    return 0;
  while (fgets(line, sizeof line, f)) {
    nb_web_req r;
    char *fields[10], *save = NULL, *t;
    int k = 0;
    line[strcspn(line, "\n")] = '\0';
    for (t = strtok_r(line, "\t", &save); t && k < 10;
         t = strtok_r(NULL, "\t", &save))
      fields[k++] = t;
    if (k < 10 || strcmp(fields[1], path) != 0)
      continue;
    memset(&r, 0, sizeof r);
    snprintf(r.method, sizeof r.method, "%s", fields[0]);
    snprintf(r.path, sizeof r.path, "%s", fields[1]);
    snprintf(r.status, sizeof r.status, "%s", fields[2]);
    snprintf(r.bytes, sizeof r.bytes, "%s", fields[3]);
    snprintf(r.inm, sizeof r.inm, "%s", fields[4]);
    snprintf(r.ims, sizeof r.ims, "%s", fields[5]);
    snprintf(r.ua, sizeof r.ua, "%s", fields[6]);
    snprintf(r.ae, sizeof r.ae, "%s", fields[7]);
    snprintf(r.cenc, sizeof r.cenc, "%s", fields[8]);
    snprintf(r.accept, sizeof r.accept, "%s", fields[9]);
    if (out && max > 0) {
      if (n < max) {
        out[n] = r;
      } else {
        memmove(out, out + 1, (size_t)(max - 1) * sizeof *out);
        out[max - 1] = r;
      }
    }
    n++;
  }
  fclose(f);
  return n;
}

#endif
