/* Dates as feeds write them: RFC 2822, ISO 8601, "YYYY-MM-DD HH:MM:SS".
 * Hand-parsed because strptime is locale-dependent and not in C11; the
 * civil-to-days conversion is Howard Hinnant's algorithm. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "newsbook/doc.h"

static int64_t S_days_from_civil(int64_t y, int m, int d) {
  int64_t era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static void S_civil_from_days(int64_t z, int *y, int *m, int *d) {
  int64_t era, doe, yoe, doy, mp;
  z += 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yoe + era * 400 + (*m <= 2));
}

static const char *S_skip_ws(const char *s) {
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

static int S_num(const char **s, int min_digits, int max_digits, int *out) {
  int n = 0, v = 0;
  while (isdigit((unsigned char)**s) && n < max_digits) {
    v = v * 10 + (**s - '0');
    (*s)++;
    n++;
  }
  if (n < min_digits)
    return 0;
  *out = v;
  return 1;
}

/* "Z", "GMT", "UT", "UTC", "+0800", "+08:00", "-05"; returns 1 if a zone
 * was read. */
static int S_zone(const char **s, int *minutes) {
  const char *p = S_skip_ws(*s);
  int sign, hh = 0, mm = 0;
  if (*p == 'Z' || *p == 'z') {
    *minutes = 0;
    *s = p + 1;
    return 1;
  }
  if (strncasecmp(p, "GMT", 3) == 0 || strncasecmp(p, "UTC", 3) == 0) {
    p += 3;
    *minutes = 0;
    *s = p;
    if (*p == '+' || *p == '-')
      return S_zone(s, minutes) || 1;
    return 1;
  }
  if (strncasecmp(p, "UT", 2) == 0) {
    *minutes = 0;
    *s = p + 2;
    return 1;
  }
  if (strncasecmp(p, "CST", 3) == 0 && !isalpha((unsigned char)p[3])) {
    /* In Chinese feeds CST is China Standard Time. */
    *minutes = 480;
    *s = p + 3;
    return 1;
  }
  if (*p != '+' && *p != '-')
    return 0;
  sign = *p == '-' ? -1 : 1;
  p++;
  if (!S_num(&p, 2, 2, &hh))
    return 0;
  if (*p == ':')
    p++;
  if (isdigit((unsigned char)*p) && !S_num(&p, 2, 2, &mm))
    return 0;
  if (hh > 23 || mm > 59)
    return 0;
  *minutes = sign * (hh * 60 + mm);
  *s = p;
  return 1;
}

static int S_month(const char *p) {
  static const char *const names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec"};
  int i;
  for (i = 0; i < 12; i++)
    if (strncasecmp(p, names[i], 3) == 0)
      return i + 1;
  return 0;
}

static nb_date S_make(int y, int mo, int d, int h, int mi, int sec,
                      int has_time, int has_tz, int tz) {
  nb_date r;
  memset(&r, 0, sizeof r);
  if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 ||
      mi > 59 || sec > 60)
    return r;
  r.valid = 1;
  r.has_time = has_time;
  r.has_tz = has_tz;
  r.tz_minutes = tz;
  r.utc = S_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec -
          (int64_t)tz * 60;
  return r;
}

/* hh:mm[:ss[.frac]] */
static int S_time(const char **s, int *h, int *mi, int *sec) {
  const char *p = *s;
  *sec = 0;
  if (!S_num(&p, 1, 2, h) || *p != ':')
    return 0;
  p++;
  if (!S_num(&p, 2, 2, mi))
    return 0;
  if (*p == ':') {
    p++;
    if (!S_num(&p, 2, 2, sec))
      return 0;
    if (*p == '.' || *p == ',') {
      p++;
      while (isdigit((unsigned char)*p))
        p++;
    }
  }
  *s = p;
  return 1;
}

nb_date nb_date_parse(const char *s) {
  nb_date none;
  const char *p;
  int y, mo, d, h = 0, mi = 0, sec = 0, tz = 0, has_time = 0, has_tz = 0;
  memset(&none, 0, sizeof none);
  if (!s)
    return none;
  p = S_skip_ws(s);
  if (isdigit((unsigned char)*p)) {
    const char *q = p;
    /* ISO 8601 / YYYY-MM-DD[ HH:MM[:SS]] / YYYY/MM/DD */
    if (S_num(&q, 4, 4, &y) && (*q == '-' || *q == '/')) {
      char sep = *q++;
      if (!S_num(&q, 1, 2, &mo) || *q++ != sep || !S_num(&q, 1, 2, &d))
        return none;
      if (*q == 'T' || *q == 't' || *q == ' ') {
        const char *t = q + 1;
        t = S_skip_ws(t);
        if (S_time(&t, &h, &mi, &sec)) {
          has_time = 1;
          q = t;
          has_tz = S_zone(&q, &tz);
        }
      }
      q = S_skip_ws(q);
      if (*q && *q != '\r' && *q != '\n')
        return none;
      return S_make(y, mo, d, h, mi, sec, has_time, has_tz, tz);
    }
    p = S_skip_ws(s);
  }
  /* RFC 2822: [Day,] DD Mon YYYY HH:MM[:SS] zone */
  if (isalpha((unsigned char)*p)) {
    while (isalpha((unsigned char)*p))
      p++;
    if (*p == ',')
      p++;
    p = S_skip_ws(p);
  }
  if (!S_num(&p, 1, 2, &d))
    return none;
  p = S_skip_ws(p);
  if (!(mo = S_month(p)))
    return none;
  while (isalpha((unsigned char)*p))
    p++;
  p = S_skip_ws(p);
  if (!S_num(&p, 2, 4, &y))
    return none;
  if (y < 100)
    y += y < 50 ? 2000 : 1900;
  p = S_skip_ws(p);
  if (*p) {
    if (!S_time(&p, &h, &mi, &sec))
      return none;
    has_time = 1;
    has_tz = S_zone(&p, &tz);
    p = S_skip_ws(p);
    if (*p == '(') /* "(CST)" comments */
      while (*p && *p != ')')
        p++;
  }
  return S_make(y, mo, d, h, mi, sec, has_time, has_tz, tz);
}

char *nb_date_format_iso(nb_date dt, char *buf, size_t size) {
  int y, m, d;
  int64_t local, days, rem;
  if (!size)
    return buf;
  if (!dt.valid) {
    buf[0] = '\0';
    return buf;
  }
  local = dt.utc + (int64_t)dt.tz_minutes * 60;
  days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  rem = local - days * 86400;
  S_civil_from_days(days, &y, &m, &d);
  if (!dt.has_time) {
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
  } else if (dt.tz_minutes == 0) {
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
  } else {
    int tz = dt.tz_minutes < 0 ? -dt.tz_minutes : dt.tz_minutes;
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", y, m, d,
             (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60),
             dt.tz_minutes < 0 ? '-' : '+', tz / 60, tz % 60);
  }
  return buf;
}
