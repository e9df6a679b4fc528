/* The byte-level rules of record lines that jansson (the collector's
 * reference for valid JSON) applies and yajl does not, checked before yajl
 * parses the line (record_parse.c): strict UTF-8 (no overlong form, no
 * surrogate, nothing above U+10FFFF), no control byte but tab, CR and LF
 * (yajl also takes \v and \f as white space), no \u0000 and no \u escape
 * of a lone surrogate. */
#ifndef GS_RECORD_SCAN_H
#define GS_RECORD_SCAN_H

#include <stddef.h>

/* NULL when LINE[0..N) keeps the rules, else why not (in BUF[0..LEN) or
 * a constant). */
const char *gs_rec_scan(const char *line, size_t n, char *buf, size_t len);

#endif
