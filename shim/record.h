/* Building one JSON Lines record in a fixed buffer (docs/record-format.md).
 * No allocation; anything that does not fit is cut and the record marked
 * "trunc", and the brackets are always closed. */
#ifndef GS_RECORD_H
#define GS_RECORD_H

#include <stddef.h>
#include "format.h"

#define GS_REC_NEST 8

struct gs_rec {
	char buf[GS_RECORD_MAX];
	size_t len;
	size_t limit;             /* room left for the closing part */
	char close[GS_REC_NEST];  /* closing brackets still owed */
	int depth;
	int phantom;              /* opens that did not fit */
	int need_comma;
	int trunc;
	long long seq;
};

struct gs_rec_mark { size_t len; int depth; int need_comma; };

/* Starts a record: {"v":1,"type":T,"pid":…,"seq":…,"ts":…,"tid":… */
void gs_rec_begin(struct gs_rec *r, const char *type);
/* KEY is NULL inside arrays. */
void gs_rec_str(struct gs_rec *r, const char *key, const char *val);
void gs_rec_strn(struct gs_rec *r, const char *key, const char *val, size_t n);
void gs_rec_int(struct gs_rec *r, const char *key, long long val);
void gs_rec_bool(struct gs_rec *r, const char *key, int val);
void gs_rec_null(struct gs_rec *r, const char *key);
void gs_rec_open(struct gs_rec *r, const char *key, char bracket); /* '[' or '{' */
void gs_rec_close(struct gs_rec *r);
/* Whole units (a stack frame) that must fit or go: mark, add, then
 * gs_rec_fits() tells whether to keep or gs_rec_rollback(). */
struct gs_rec_mark gs_rec_mark(const struct gs_rec *r);
int gs_rec_full(const struct gs_rec *r);
void gs_rec_rollback(struct gs_rec *r, struct gs_rec_mark m);
/* Closes the record (adds "drops"/"trunc" when needed) and sends it.
 * Returns 0 when written, -1 when dropped (counted). */
int gs_rec_send(struct gs_rec *r);
/* Closes the record into r->buf without sending (unit tests). */
size_t gs_rec_finish(struct gs_rec *r, long long drops);

#endif
