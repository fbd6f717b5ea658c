/* newsbook's entry point: parse the command line into an nb_cli, run it
 * (convert.c turns it into a job for the library's pipeline), and exit
 * with its status (0 success, 1 conversion failed, 2 usage error). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "newsbook/newsbook.h" /* nb_version */

static const char S_usage[] =
    "Usage: newsbook [OPTIONS] INPUT... -o OUTPUT\n"
    "       newsbook build RECIPE.yaml\n"
    "       newsbook state FILE [--forget-before DATE]\n"
    "\n"
    "Turn news articles into an EPUB or a print-ready PDF.\n"
    "\n"
    "INPUT is an article (.md/.markdown with YAML front matter, body in HTML "
    "or\n"
    "Markdown), an .html file, an RSS/Atom/JSON feed, a directory (every "
    "article\n"
    "below it), an http(s):// URL of a feed or a web page, or - for standard\n"
    "input. Several inputs make one book, one chapter per article. The "
    "format\n"
    "follows OUTPUT's extension (.epub, .pdf, .json), or --to.\n"
    "\n"
    "Examples:\n"
    "  newsbook article.md -o article.epub\n"
    "  newsbook article.md --mirror mirror/ --offline -o article.pdf\n"
    "  newsbook archive/ --category 财联社 --since 2022-08-01 -o week.epub\n"
    "  newsbook archive/ --category 金融/财联社 --group-by day --page-size B5 "
    "-o book.pdf\n"
    "  newsbook https://example.com/feed.xml -o today.epub\n"
    "\n"
    "Output:\n"
    "  -o, --output FILE        where to write (required)\n"
    "  -t, --to FORMAT          epub, pdf, json (each article's fields and "
    "text)\n"
    "                           or tree (a debug dump of the model)\n"
    "      --title TEXT         book title (default: the --category, else the\n"
    "                           archive directory's name, else the first\n"
    "                           article's title)\n"
    "      --author TEXT        book author\n"
    "      --lang TAG           book language, e.g. zh-CN (default: detected)\n"
    "      --metadata KEY=VALUE set any metadata (repeatable)\n"
    "      --style NAME|FILE    theme: a name from styles/ or a CSS file\n"
    "      --cover FILE|none    cover image (default: the lead image, or one\n"
    "                           generated for multi-article books)\n"
    "\n"
    "Images:\n"
    "      --mirror DIR         resolve http(s) images from an offline mirror "
    "in\n"
    "                           wget --mirror layout (HOST/PATH[?QUERY])\n"
    "      --offline            never use the network\n"
    "      --cache DIR          image cache (default "
    "$XDG_CACHE_HOME/newsbook)\n"
    "      --no-cache           do not read or write the cache\n"
    "      --allow-private      allow downloads from loopback/private "
    "addresses\n"
    "      --max-download BYTES per-image download cap (default 20 MiB)\n"
    "      --max-image-pixels N refuse larger images (default 50000000)\n"
    "      --timeout SECONDS    per-download time limit (default 30)\n"
    "      --webp keep|convert  keep WebP in EPUBs, or convert (default)\n"
    "      --max-image-width N  downscale wider images in EPUBs\n"
    "      --report FILE.json   list every image's outcome and every warning\n"
    "\n"
    "PDF:\n"
    "      --page-size SIZE     A4 (default), A5, B5, Letter or WxHmm\n"
    "      --margin M           e.g. 20mm or \"20mm 15mm\" (default: the "
    "theme's)\n"
    "      --duplex             mirror inner and outer margins\n"
    "      --image-dpi N        downsample images above N dpi (default 300)\n"
    "\n"
    "Books from archives:\n"
    "      --category NAME      keep articles in this category (any level) or\n"
    "                           path (金融/财联社)\n"
    "      --since DATE         keep articles from DATE (YYYY-MM-DD) on\n"
    "      --until DATE         keep articles up to DATE\n"
    "      --limit N            at most N articles\n"
    "      --order ORDER        newest (default for selections), oldest, "
    "input\n"
    "      --group-by KEY       category, day, month or none: sections\n"
    "      --strict             exit 1 if any article could not be read\n"
    "  -j, --jobs N             worker threads (default: the number of cores)\n"
    "\n"
    "News from the web (an INPUT that is an http:// or https:// URL):\n"
    "      --extract MODE       auto (default: a whole web page gives its "
    "article,\n"
    "                           a page without chrome is read whole), always\n"
    "                           (every HTML input), never (pages read whole)\n"
    "      --full-text MODE     replace feed items' summaries by their pages'\n"
    "                           articles: auto (short items, or ending in "
    "\"read\n"
    "                           more\"), always, never (default: auto for "
    "feeds\n"
    "                           from a URL; feed files only when given)\n"
    "      --max-per-host N     feed and page downloads at once from one host\n"
    "                           (default 4)\n"
    "  Feeds and pages are fetched with the limits of Images (--offline,\n"
    "  --cache, --allow-private, --max-download, --timeout) and revalidated\n"
    "  in the cache (ETag, Last-Modified). Loopback and private addresses\n"
    "  are refused unless --allow-private is given.\n"
    "Every day's news (docs/DELIVERY.md):\n"
    "      --state FILE         remember every article put into a book "
    "(SQLite);\n"
    "                           overlapping runs take turns\n"
    "      --only-new           leave out what an earlier book carried (same\n"
    "                           feed id, URL or text); needs --state\n"
    "      --send-to ADDRESS    mail the book, e.g. to a Send to Kindle "
    "address\n"
    "                           (repeatable)\n"
    "      --smtp URL           smtp://HOST[:PORT] (STARTTLS when offered) or\n"
    "                           smtps://HOST[:PORT]\n"
    "      --mail-from ADDRESS  the sender (one Send to Kindle approved)\n"
    "      --smtp-credentials FILE\n"
    "                           netrc-style file, owner-only (chmod 600); or\n"
    "                           NEWSBOOK_SMTP_USER and NEWSBOOK_SMTP_PASSWORD\n"
    "                           in the environment (never on the command "
    "line)\n"
    "      --smtp-require-tls   refuse to send without STARTTLS\n"
    "      --max-attachment SIZE\n"
    "                           a larger book is sent as volumes that each "
    "fit\n"
    "                           (default 50MB, Send to Kindle's cap)\n"
    "      --max-book-size SIZE write a larger book as volumes "
    "NAME-1of2.EXT...\n"
    "      --opds DIR           put the book on an OPDS shelf: "
    "DIR/catalog.xml\n"
    "      --device NAME        kindle, kobo, pocketbook or tablet: images "
    "fit\n"
    "                           its screen (grey for e-ink), a cover of its\n"
    "                           shape, its book size budget\n"
    "      --embed-fonts        embed font subsets in the EPUB\n"
    "      --vertical           vertical writing (top to bottom, right to "
    "left)\n"
    "\n"
    "Limits:\n"
    "      --max-input-bytes N  refuse larger input files (default 64 MiB)\n"
    "      --max-depth N        flatten markup nested deeper (default 96)\n"
    "      --max-article-time SECONDS\n"
    "                           time one article may take to read, parse and\n"
    "                           load its images (default 60; 0: no limit); an\n"
    "                           article over it is skipped like a broken one\n"
    "\n"
    "General:\n"
    "  -q, --quiet              print errors only\n"
    "  -v, --verbose            print notes too\n"
    "  -h, --help               show this help\n"
    "      --version            show the version\n"
    "\n"
    "Exit status: 0 written (or nothing new with --only-new), 1 conversion "
    "or\n"
    "delivery failed (the book stays on disk), 2 usage error.\n"
    "Set SOURCE_DATE_EPOCH for reproducible dates; the same inputs always "
    "give\n"
    "the same bytes. See newsbook(1).\n";

enum {
  OPT_TITLE = 256,
  OPT_AUTHOR,
  OPT_LANG,
  OPT_METADATA,
  OPT_STYLE,
  OPT_COVER,
  OPT_MIRROR,
  OPT_OFFLINE,
  OPT_CACHE,
  OPT_NO_CACHE,
  OPT_ALLOW_PRIVATE,
  OPT_MAX_DOWNLOAD,
  OPT_MAX_PIXELS,
  OPT_TIMEOUT,
  OPT_WEBP,
  OPT_MAX_WIDTH,
  OPT_REPORT,
  OPT_PAGE_SIZE,
  OPT_MARGIN,
  OPT_DUPLEX,
  OPT_IMAGE_DPI,
  OPT_CATEGORY,
  OPT_SINCE,
  OPT_UNTIL,
  OPT_LIMIT,
  OPT_ORDER,
  OPT_GROUP_BY,
  OPT_STRICT,
  OPT_MAX_INPUT,
  OPT_MAX_DEPTH,
  OPT_ARTICLE_TIME,
  OPT_VERSION,
  OPT_EXTRACT,
  OPT_FULL_TEXT,
  OPT_MAX_PER_HOST,
  OPT_STATE,
  OPT_ONLY_NEW,
  OPT_SEND_TO,
  OPT_SMTP,
  OPT_MAIL_FROM,
  OPT_SMTP_CREDENTIALS,
  OPT_SMTP_REQUIRE_TLS,
  OPT_MAX_ATTACHMENT,
  OPT_MAX_BOOK_SIZE,
  OPT_OPDS,
  OPT_DEVICE,
  OPT_EMBED_FONTS,
  OPT_VERTICAL
};

static const struct option S_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"to", required_argument, NULL, 't'},
    {"title", required_argument, NULL, OPT_TITLE},
    {"author", required_argument, NULL, OPT_AUTHOR},
    {"lang", required_argument, NULL, OPT_LANG},
    {"metadata", required_argument, NULL, OPT_METADATA},
    {"style", required_argument, NULL, OPT_STYLE},
    {"cover", required_argument, NULL, OPT_COVER},
    {"mirror", required_argument, NULL, OPT_MIRROR},
    {"offline", no_argument, NULL, OPT_OFFLINE},
    {"cache", required_argument, NULL, OPT_CACHE},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
    {"max-download", required_argument, NULL, OPT_MAX_DOWNLOAD},
    {"max-image-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"webp", required_argument, NULL, OPT_WEBP},
    {"max-image-width", required_argument, NULL, OPT_MAX_WIDTH},
    {"report", required_argument, NULL, OPT_REPORT},
    {"page-size", required_argument, NULL, OPT_PAGE_SIZE},
    {"margin", required_argument, NULL, OPT_MARGIN},
    {"duplex", no_argument, NULL, OPT_DUPLEX},
    {"image-dpi", required_argument, NULL, OPT_IMAGE_DPI},
    {"category", required_argument, NULL, OPT_CATEGORY},
    {"since", required_argument, NULL, OPT_SINCE},
    {"until", required_argument, NULL, OPT_UNTIL},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"order", required_argument, NULL, OPT_ORDER},
    {"group-by", required_argument, NULL, OPT_GROUP_BY},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"jobs", required_argument, NULL, 'j'},
    {"max-input-bytes", required_argument, NULL, OPT_MAX_INPUT},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"max-article-time", required_argument, NULL, OPT_ARTICLE_TIME},
    {"article-time", required_argument, NULL, OPT_ARTICLE_TIME},
    {"extract", required_argument, NULL, OPT_EXTRACT},
    {"full-text", required_argument, NULL, OPT_FULL_TEXT},
    {"max-per-host", required_argument, NULL, OPT_MAX_PER_HOST},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"state", required_argument, NULL, OPT_STATE},
    {"only-new", no_argument, NULL, OPT_ONLY_NEW},
    {"send-to", required_argument, NULL, OPT_SEND_TO},
    {"smtp", required_argument, NULL, OPT_SMTP},
    {"mail-from", required_argument, NULL, OPT_MAIL_FROM},
    {"smtp-credentials", required_argument, NULL, OPT_SMTP_CREDENTIALS},
    {"smtp-require-tls", no_argument, NULL, OPT_SMTP_REQUIRE_TLS},
    {"max-attachment", required_argument, NULL, OPT_MAX_ATTACHMENT},
    {"max-book-size", required_argument, NULL, OPT_MAX_BOOK_SIZE},
    {"opds", required_argument, NULL, OPT_OPDS},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"embed-fonts", no_argument, NULL, OPT_EMBED_FONTS},
    {"vertical", no_argument, NULL, OPT_VERTICAL},
    {NULL, 0, NULL, 0}};

/* The message for getopt's '?' and ':' (with opterr off): one line in
 * the house style, naming the option as the user typed it. */
int nb_cli_option_error(int c, int argc, char **argv, const char *prog) {
  char shortopt[3] = {'-', (char)optopt, '\0'};
  const char *what =
      optopt ? shortopt
             : (optind > 0 && optind <= argc ? argv[optind - 1] : "?");
  if (c == ':')
    fprintf(stderr, "newsbook: %s: needs a value — see '%s --help'\n", what,
            prog);
  else
    fprintf(stderr, "newsbook: %s: unknown option — see '%s --help'\n", what,
            prog);
  return 2;
}

static int S_usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "newsbook: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'newsbook --help' for more information.\n");
  return 2;
}

/* A non-negative integer with an optional K/M/G suffix (powers of 1024). */
static int S_number(const char *s, long long max, long long *out) {
  char *end;
  long long v;
  errno = 0;
  v = strtoll(s, &end, 10);
  if (errno || end == s || v < 0)
    return 0;
  if (*end == 'K' || *end == 'k')
    v *= 1024, end++;
  else if (*end == 'M' || *end == 'm')
    v *= 1024 * 1024, end++;
  else if (*end == 'G' || *end == 'g')
    v *= 1024LL * 1024 * 1024, end++;
  if (*end || v > max)
    return 0;
  *out = v;
  return 1;
}

static const char *const S_enum_webp[] = {"keep", "convert", NULL};
static const char *const S_enum_order[] = {"newest", "oldest", "input", NULL};
static const char *const S_enum_group[] = {"category", "day", "month", "none",
                                           NULL};
static const char *const S_enum_to[] = {"epub", "pdf", "tree", "json", NULL};

static int S_one_of(const char *s, const char *const *set) {
  for (; *set; set++)
    if (strcmp(s, *set) == 0)
      return 1;
  return 0;
}

/* One option into @p cli: -1 to go on, else the exit status (a usage
 * error, --help, --version). */
static int S_option(nb_cli *cli, int c, const char *arg, int argc,
                    char **argv) {
  long long n;
  switch (c) {
  case 'o': cli->output = arg; break;
  case 't':
    if (!S_one_of(arg, S_enum_to))
      return S_usage_error("--to: '%s' is not one of epub, pdf, json, tree",
                           arg);
    cli->to = arg;
    break;
  case OPT_TITLE: cli->title = arg; break;
  case OPT_AUTHOR: cli->author = arg; break;
  case OPT_LANG: cli->lang = arg; break;
  case OPT_METADATA:
    if (!strchr(arg, '=') || arg[0] == '=')
      return S_usage_error("--metadata: '%s' is not KEY=VALUE", arg);
    nb_strvec_push(&cli->metadata, arg);
    break;
  case OPT_STYLE: cli->style = arg; break;
  case OPT_COVER: cli->cover = arg; break;
  case OPT_MIRROR: cli->resolve.mirror_dir = arg; break;
  case OPT_OFFLINE: cli->resolve.offline = 1; break;
  case OPT_CACHE: cli->resolve.cache_dir = arg; break;
  case OPT_NO_CACHE: cli->resolve.cache_dir = ""; break;
  case OPT_ALLOW_PRIVATE: cli->resolve.allow_private = 1; break;
  case OPT_MAX_DOWNLOAD:
    if (!S_number(arg, 1LL << 40, &n) || n == 0)
      return S_usage_error("--max-download: '%s' is not a size in bytes", arg);
    cli->resolve.max_bytes = (size_t)n;
    break;
  case OPT_MAX_PIXELS:
    if (!S_number(arg, 1LL << 40, &n) || n == 0)
      return S_usage_error("--max-image-pixels: '%s' is not a positive number",
                           arg);
    cli->resolve.max_pixels = n;
    break;
  case OPT_TIMEOUT:
    if (!S_number(arg, 86400, &n) || n == 0)
      return S_usage_error("--timeout: '%s' is not a number of seconds", arg);
    cli->resolve.timeout_s = (int)n;
    if (cli->resolve.connect_timeout_s == 0 ||
        cli->resolve.connect_timeout_s > n)
      cli->resolve.connect_timeout_s = (int)n;
    break;
  case OPT_WEBP:
    if (!S_one_of(arg, S_enum_webp))
      return S_usage_error("--webp: '%s' is not keep or convert", arg);
    cli->resolve.webp_keep = strcmp(arg, "keep") == 0;
    break;
  case OPT_MAX_WIDTH:
    if (!S_number(arg, 100000, &n) || n == 0)
      return S_usage_error("--max-image-width: '%s' is not a width in pixels",
                           arg);
    cli->resolve.max_image_width = (int)n;
    break;
  case OPT_REPORT: cli->report = arg; break;
  case OPT_PAGE_SIZE: cli->write.page_size = arg; break;
  case OPT_MARGIN: cli->write.margin = arg; break;
  case OPT_DUPLEX: cli->write.duplex = 1; break;
  case OPT_IMAGE_DPI:
    if (!S_number(arg, 10000, &n) || n < 10)
      return S_usage_error("--image-dpi: '%s' is not a resolution (10..10000)",
                           arg);
    cli->write.image_dpi = (int)n;
    break;
  case OPT_CATEGORY: cli->category = arg; break;
  case OPT_SINCE:
    if (!nb_date_parse(arg).valid)
      return S_usage_error("--since: '%s' is not a date (YYYY-MM-DD)", arg);
    cli->since = arg;
    break;
  case OPT_UNTIL:
    if (!nb_date_parse(arg).valid)
      return S_usage_error("--until: '%s' is not a date (YYYY-MM-DD)", arg);
    cli->until = arg;
    break;
  case OPT_LIMIT:
    if (!S_number(arg, LONG_MAX, &n) || n == 0)
      return S_usage_error("--limit: '%s' is not a positive number", arg);
    cli->limit = (long)n;
    break;
  case OPT_ORDER:
    if (!S_one_of(arg, S_enum_order))
      return S_usage_error("--order: '%s' is not newest, oldest or input", arg);
    cli->order = arg;
    break;
  case OPT_GROUP_BY:
    if (!S_one_of(arg, S_enum_group))
      return S_usage_error(
          "--group-by: '%s' is not category, day, month or none", arg);
    cli->group_by = arg;
    break;
  case OPT_STRICT: cli->strict = 1; break;
  case 'j':
    if (!S_number(arg, 256, &n) || n == 0)
      return S_usage_error("--jobs: '%s' is not a number from 1 to 256", arg);
    cli->jobs = (int)n;
    break;
  case OPT_MAX_INPUT:
    if (!S_number(arg, 1LL << 40, &n) || n == 0)
      return S_usage_error("--max-input-bytes: '%s' is not a size", arg);
    cli->read.max_input_bytes = (size_t)n;
    break;
  case OPT_MAX_DEPTH:
    if (!S_number(arg, 100000, &n) || n == 0)
      return S_usage_error("--max-depth: '%s' is not a positive number", arg);
    cli->read.max_depth = (int)n;
    break;
  case OPT_ARTICLE_TIME:
    if (!S_number(arg, 86400 * 7, &n))
      return S_usage_error("--max-article-time: '%s' is not a number of "
                           "seconds (0: no limit)",
                           arg);
    cli->article_time = (long)n;
    break;
  case OPT_EXTRACT:
    if (nb_cli_mode(arg) < 0)
      return S_usage_error("--extract: '%s' is not auto, always or never", arg);
    cli->read.extract = (nb_extract_mode)nb_cli_mode(arg);
    break;
  case OPT_FULL_TEXT:
    if (nb_cli_mode(arg) < 0)
      return S_usage_error("--full-text: '%s' is not auto, always or never",
                           arg);
    cli->acquire.full_text = (nb_full_text_mode)nb_cli_mode(arg);
    cli->full_text_files = 1;
    break;
  case OPT_MAX_PER_HOST:
    if (!S_number(arg, 64, &n) || n == 0)
      return S_usage_error("--max-per-host: '%s' is not a number from 1 to 64",
                           arg);
    cli->acquire.max_per_host = (int)n;
    break;
  case OPT_STATE: cli->state = arg; break;
  case OPT_ONLY_NEW: cli->only_new = 1; break;
  case OPT_SEND_TO: nb_strvec_push(&cli->send_to, arg); break;
  case OPT_SMTP: cli->smtp = arg; break;
  case OPT_MAIL_FROM: cli->mail_from = arg; break;
  case OPT_SMTP_CREDENTIALS: cli->smtp_credentials = arg; break;
  case OPT_SMTP_REQUIRE_TLS: cli->smtp_require_tls = 1; break;
  case OPT_MAX_ATTACHMENT:
    if (!nb_cli_parse_size(arg, &cli->max_attachment) ||
        cli->max_attachment < 100000)
      return S_usage_error("--max-attachment: '%s' is not a size of at least "
                           "100kB (e.g. 50MB)",
                           arg);
    break;
  case OPT_MAX_BOOK_SIZE:
    if (!nb_cli_parse_size(arg, &cli->max_book_size) ||
        cli->max_book_size < 100000)
      return S_usage_error("--max-book-size: '%s' is not a size of at least "
                           "100kB (e.g. 20MB)",
                           arg);
    break;
  case OPT_OPDS: cli->opds = arg; break;
  case OPT_DEVICE: cli->device = arg; break;
  case OPT_EMBED_FONTS: cli->write.embed_fonts = 1; break;
  case OPT_VERTICAL: cli->write.vertical = 1; break;
  case 'q': cli->verbosity = 0; break;
  case 'v': cli->verbosity = 2; break;
  case 'h': fputs(S_usage, stdout); return 0;
  case OPT_VERSION: printf("newsbook %s\n", nb_version()); return 0;
  default: return nb_cli_option_error(c, argc, argv, "newsbook");
  }
  return -1;
}

int main(int argc, char **argv) {
  nb_cli cli;
  int c, status;

  signal(SIGPIPE, SIG_IGN);
  if (argc > 1 && strcmp(argv[1], "build") == 0)
    return nb_cli_build(argc - 1, argv + 1);
  if (argc > 1 && strcmp(argv[1], "state") == 0)
    return nb_cli_state(argc - 1, argv + 1);

  nb_cli_init(&cli);
  opterr = 0; /* getopt's own messages name the program by its path */
  while ((c = getopt_long(argc, argv, ":o:t:j:qvh", S_options, NULL)) != -1)
    if ((status = S_option(&cli, c, optarg, argc, argv)) >= 0) {
      nb_cli_free(&cli);
      return status;
    }
  for (; optind < argc; optind++)
    nb_strvec_push(&cli.inputs, argv[optind]);
  if (cli.inputs.n == 0 || !cli.output) {
    const char *what =
        cli.inputs.n == 0
            ? "no INPUT given — name an article, a directory, a "
              "URL or -"
            : "no output given — add -o FILE.epub, -o FILE.pdf or "
              "-o FILE.json";
    nb_cli_free(&cli);
    return S_usage_error("%s", what);
  }
  status = nb_cli_convert(&cli);
  nb_cli_free(&cli);
  return status;
}
