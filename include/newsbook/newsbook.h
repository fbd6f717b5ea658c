/* newsbook: news articles to EPUB and PDF books. Umbrella header. */
#ifndef NEWSBOOK_H
#define NEWSBOOK_H

#include "acquire.h"
#include "book.h"
#include "convert.h"
#include "deliver.h"
#include "device.h"
#include "doc.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "resource.h"
#include "state.h"
#include "writer.h"

#define NEWSBOOK_VERSION_MAJOR 0
#define NEWSBOOK_VERSION_MINOR 1
#define NEWSBOOK_VERSION_PATCH 0

/** The library version, "0.1.0". Static. */
NB_EXPORT const char *nb_version(void);

#endif
