/* One record line parsed into a flat tree of JSON values.
 *
 * Every record is parsed, so this is the collector's hot path: yajl's
 * event (SAX) parser fills a preallocated array of values, with no
 * allocation per value. It accepts what jansson's
 * json_loadb(JSON_REJECT_DUPLICATES), which the collector used before,
 * accepts: strict UTF-8, no \u0000, no lone surrogate, no duplicate key,
 * nesting at most 2048 deep, integers that fit in 64 bits, no real that
 * overflows, and an object or array at the top. (jansson's reader also
 * skipped a raw NUL byte right after a number or literal; that line is
 * rejected here.) */
#ifndef GS_RECORD_PARSE_H
#define GS_RECORD_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format.h"

#define GS_JSON_MAX_DEPTH 2048  /* jansson's JSON_PARSER_MAX_DEPTH */

enum gs_jtype { GS_J_NULL, GS_J_BOOL, GS_J_INT, GS_J_REAL, GS_J_STR, GS_J_ARR, GS_J_OBJ };

/* A value. Values are stored in document order, so a container's members
 * follow it and end where its NEXT index points. */
struct gs_jv {
	uint8_t type;           /* enum gs_jtype */
	bool b;                 /* GS_J_BOOL */
	uint32_t next;          /* index just past this value and its members */
	uint32_t klen, khash;   /* member name: length, hash (for duplicates) */
	const char *key;        /* member name in an object, else NULL */
	uint32_t slen;          /* GS_J_STR: length */
	union {
		long long i;    /* GS_J_INT */
		double d;       /* GS_J_REAL */
		const char *s;  /* GS_J_STR: NUL-terminated, no NUL inside */
	} u;
};

/* Room for any line shorter than GS_RECORD_MAX: a value takes at least one
 * byte and each decoded string is no longer than its JSON text. */
#define GS_REC_VALUES GS_RECORD_MAX
#define GS_REC_TEXT (2 * GS_RECORD_MAX)

struct gs_jdoc {
	struct gs_jv v[GS_REC_VALUES];  /* v[0] is the top-level value */
	char text[GS_REC_TEXT];         /* strings and keys */
	char num[GS_RECORD_MAX];        /* a number's text, for strtoll/strtod */
	uint32_t open[GS_JSON_MAX_DEPTH]; /* containers not yet closed */
	uint64_t keybits[GS_JSON_MAX_DEPTH]; /* per open object: its keys' hash bits */
	uint32_t n, depth;
	size_t tlen;
	const char *key;                /* member name waiting for its value */
	uint32_t klen, khash;
	const char *err;                /* why the last line was rejected */
	char errbuf[128];
	/* yajl's memory for one line (its handle, buffers, state stack):
	 * taken in order, all given back at the next line */
	_Alignas(16) unsigned char heap[32 * 1024];
	size_t heap_used, heap_last;
};

/* Parses LINE[0..LEN) into R (about 200 KiB: not for the stack). Returns 0,
 * or -1 with R->err saying why the line is not valid JSON. */
int gs_rec_parse(struct gs_jdoc *r, const char *line, size_t len);

/* Member KEY of object O, NULL when O is not an object or has no KEY. */
const struct gs_jv *gs_jv_get(const struct gs_jdoc *r, const struct gs_jv *o, const char *key);
/* Element I of array A, NULL when A is not an array or is shorter. */
const struct gs_jv *gs_jv_at(const struct gs_jdoc *r, const struct gs_jv *a, size_t i);

/* Each element (member) C of container P, in order. */
#define GS_JV_EACH(r, p, c) \
	for (const struct gs_jv *c = (p) + 1; c < (r)->v + (p)->next; c = (r)->v + c->next)

#endif
