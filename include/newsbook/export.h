/* Symbol visibility for libnewsbook's public API. */
#ifndef NEWSBOOK_EXPORT_H
#define NEWSBOOK_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define NB_EXPORT __attribute__((visibility("default")))
#else
#define NB_EXPORT
#endif

#endif
