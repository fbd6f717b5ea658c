/* `newsbook state FILE [--forget-before DATE]`: what a state file holds,
 * one line per article (the book's date, the book, the article's title
 * and URL or feed id), then a count; --forget-before drops the books made
 * before DATE and their articles, so that the file does not grow forever.
 * Listing opens the file read-only: it never creates or changes one. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

static const char S_state_usage[] =
    "Usage: newsbook state FILE [--forget-before DATE]\n"
    "\n"
    "List what a state file (--state) holds: one line per article, tab-\n"
    "separated: the day its book was made, the book's title, the article's\n"
    "title and its URL (or feed id); then the number of books and "
    "articles.\n"
    "\n"
    "      --forget-before DATE  forget the books made before DATE\n"
    "                            (YYYY-MM-DD, UTC) and their articles: they\n"
    "                            may be delivered again\n"
    "  -h, --help                show this help\n";

static void S_clean(const char *s, FILE *out) {
  for (; s && *s; s++)
    fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, out);
}

static int S_print(void *ud, const nb_state_entry *e) {
  char day[32] = "?";
  time_t t = (time_t)e->book_time;
  struct tm tm;
  (void)ud;
  if (gmtime_r(&t, &tm))
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
  printf("%s\t", day);
  S_clean(e->book_title && *e->book_title ? e->book_title : e->book_path,
          stdout);
  putchar('\t');
  S_clean(e->title ? e->title : "(untitled)", stdout);
  putchar('\t');
  S_clean(e->url && *e->url ? e->url : e->guid ? e->guid : e->hash, stdout);
  putchar('\n');
  return 0;
}

int nb_cli_state(int argc, char **argv) {
  static const struct option opts[] = {
      {"forget-before", required_argument, NULL, 'f'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *before = NULL;
  nb_state_options so;
  nb_state *st = NULL;
  nb_error err;
  int64_t books = 0, articles = 0, removed = 0;
  int c, status = 0;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (!nb_date_parse(optarg).valid) {
        fprintf(stderr,
                "newsbook: state: --forget-before: '%s' is not a date "
                "(YYYY-MM-DD)\n",
                optarg);
        return 2;
      }
      before = optarg;
      break;
    case 'h': fputs(S_state_usage, stdout); return 0;
    default: return nb_cli_option_error(c, argc, argv, "newsbook state");
    }
  }
  if (argc - optind != 1) {
    fprintf(stderr,
            "newsbook: state: %s — usage: newsbook state FILE "
            "[--forget-before DATE]\n",
            argc - optind < 1 ? "no state file given" : "give one file");
    return 2;
  }
  memset(&so, 0, sizeof so);
  memset(&err, 0, sizeof err);
  so.abi_version = NB_STATE_ABI_VERSION;
  so.readonly = before == NULL;
  if (nb_state_open(argv[optind], &so, &st, &err) != 0) {
    fprintf(stderr, "newsbook: %s: %s\n", err.file[0] ? err.file : argv[optind],
            err.message);
    return 1;
  }
  if (before) {
    nb_date d = nb_date_parse(before);
    if (nb_state_forget_before(st, d.utc, &removed, &err) != 0)
      goto fail;
    printf("forgot %lld article%s of books made before %s\n",
           (long long)removed, removed == 1 ? "" : "s", before);
  } else if (nb_state_list(st, S_print, NULL, &err) != 0) {
    goto fail;
  }
  if (nb_state_count(st, &books, &articles, &err) != 0)
    goto fail;
  printf("%lld book%s, %lld article%s\n", (long long)books,
         books == 1 ? "" : "s", (long long)articles, articles == 1 ? "" : "s");
  nb_state_close(st);
  return status;
fail:
  fprintf(stderr, "newsbook: %s: %s\n", err.file[0] ? err.file : argv[optind],
          err.message);
  nb_state_close(st);
  return 1;
}
