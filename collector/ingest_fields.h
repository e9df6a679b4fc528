/* Reading the fields of one parsed record into the model (ingest.c).
 * Every getter takes a member of object O by name: absent or null is
 * "not there"; a value of the wrong type is ignored and counted, once per
 * record, as GS_BAD_FIELD. */
#ifndef GS_INGEST_FIELDS_H
#define GS_INGEST_FIELDS_H

#include <stdbool.h>
#include <jansson.h>
#include "model.h"
#include "record_parse.h"

struct gs_ingest;

struct gs_rd {
	struct gs_ingest *in;
	const struct gs_jdoc *rec;
	const struct gs_jv *o;  /* the record */
	bool bad_field;         /* counted already */
};

/* Counts a field of the wrong type (once per record). */
void rd_bad(struct gs_rd *r, const char *key);
/* Member KEY of O, NULL when absent or null. */
const struct gs_jv *rd_member(struct gs_rd *r, const struct gs_jv *o, const char *key);
/* A string (the model's copy), NULL when absent or of the wrong type. */
const char *rd_str(struct gs_rd *r, const struct gs_jv *o, const char *key);
/* True when there and of the type; *OUT is set then only. */
bool rd_int(struct gs_rd *r, const struct gs_jv *o, const char *key, long long *out);
bool rd_bool(struct gs_rd *r, const struct gs_jv *o, const char *key, bool *out);
/* An array of strings, appended to OUT; other elements are counted. */
void rd_strv(struct gs_rd *r, const struct gs_jv *o, const char *key, gs_strv *out);
/* "stack": [[object, offset, symbol], ...]; bad frames are counted. */
void rd_stack(struct gs_rd *r, const struct gs_jv *o, gs_stack *out);
/* An object whose values are scalars (out, args, ver; env with
 * STRINGS_ONLY): a filtered copy, so the renderers can print it without
 * re-checking; a reference the caller owns (json_decref), not to be
 * changed. NULL when absent or not an object. */
json_t *rd_scalars(struct gs_rd *r, const struct gs_jv *o, const char *key, bool strings_only);

#endif
