/* Drift: comparing two normalized baseline documents (baseline.h), and
 * showing the result as text, JSON and JUnit XML. */
#ifndef GS_DRIFT_H
#define GS_DRIFT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "drift_policy.h"

/* Compares A (the baseline, or the working run) with B (this run, or the
 * failing one), both normalized under POL's ignores. Returns
 * {"changes": [change...], "processes": [label...]}: every process
 * compared, for reports that list what passed too. */
json_t *gs_drift_compare(json_t *a, json_t *b, const struct gs_policy *pol);

/* What the renderers show. */
struct gs_drift_out {
	const char *cmd;        /* "run" or "diff", for messages */
	const char *a_name, *b_name;
	json_t *result;         /* from gs_drift_compare */
	json_t *findings;       /* diff: findings B has and A has not; may be NULL */
	json_t *policy;         /* gs_policy_json of what was applied */
	json_t *command_exit;   /* run: CMD's exit (gs_exit_json); NULL for diff */
	long long lost;         /* run: records that never arrived */
};

size_t gs_drift_count(const struct gs_drift_out *d);
/* Return 0, -1 on write failure. */
int gs_drift_render_text(FILE *f, const struct gs_drift_out *d, bool color);
int gs_drift_render_json(FILE *f, const struct gs_drift_out *d);

#endif
