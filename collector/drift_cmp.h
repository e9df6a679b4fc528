/* Shared by the parts of the drift comparison (drift.c: processes,
 * drift_lib.c: libraries, drift_calls.c: return codes and failed loads,
 * drift_util.c: changes and versions). Not for other modules. */
#ifndef GS_DRIFT_CMP_H
#define GS_DRIFT_CMP_H

#include <stdbool.h>
#include <jansson.h>
#include "drift.h"
#include "drift_json.h"

struct cmp {
	json_t *changes;
	const struct gs_policy *pol;
	json_t *proc;           /* the process entry changes belong to (B's, else A's) */
	char *label;
};

const char *gs_drift_sval(json_t *v);
/* A value as people read it (malloc'd): strings as they are, numbers in
 * decimal, null as "none". */
char *gs_drift_vtext(json_t *v);
/* Appends a change to C; FROM and TO are stolen, LIB (may be NULL) gives
 * the loaded-by context; FMT makes the text. */
void gs_drift_add(struct cmp *c, const char *kind, const char *subject, json_t *from, json_t *to,
		  json_t *lib, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* Versions A and B agree within LEVEL; KEY names the API whose integer
 * encoding B uses ("cudnn", else CUDA's), NULL for dotted strings. */
bool gs_drift_compat(json_t *a, json_t *b, const char *key, enum gs_level level);
/* qsort comparison of strings */
int gs_drift_cmp_str(const void *a, const void *b);
/* The keys of objects A and B (either may be NULL), sorted, as a JSON
 * array of strings. */
json_t *gs_drift_keys(json_t *a, json_t *b);

void gs_drift_family(struct cmp *c, const char *fam, json_t *la, json_t *lb);
void gs_drift_calls(struct cmp *c, json_t *ca, json_t *cb);
void gs_drift_loads(struct cmp *c, json_t *fa, json_t *fb);

#endif
