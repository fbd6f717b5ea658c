/* The words the EPUB and PDF writers add themselves. */
#ifndef NB_MODEL_WORDS_H
#define NB_MODEL_WORDS_H

/** The words the writers add themselves (labels, headings, placeholders), in
 * the book's language: Simplified and Traditional Chinese, Japanese, else
 * English, so that no page mixes in words of another language unmarked. */
typedef struct nb_words {
  const char *lang; /* the language these words are in ("en", "zh", "ja") */
  const char *toc, *landmarks, *cover, *titlepage, *start;
  const char *articles; /* printf format with one %zu */
  const char *source;   /* before the source URL, with its punctuation */
  const char *image_unavailable;
  const char *untitled;
} nb_words;

/** The words for BCP 47 tag @p lang (never NULL). Static. */
const nb_words *nb_words_for(const char *lang);

#endif
