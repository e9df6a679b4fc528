/* The findings engine. Rules are plain functions listed in `rules`; none
 * yet: the diagnosis catalogue (design.md §4) plugs in here. */
#include "findings.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

static gs_rule_fn *const rules[] = {
	NULL, /* keeps the array non-empty until the first rule lands */
};

void gs_findings_run(struct gs_model *m)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i])
			rules[i](m);
}

int gs_finding_add(struct gs_model *m, const char *id, const char *severity,
		   long long pid, const char *message, const char *fix, json_t *evidence)
{
	struct gs_finding *f = calloc(1, sizeof *f);
	struct gs_finding **slot = f ? GS_PUSH(&m->findings) : NULL;
	if (!slot) {
		free(f);
		json_decref(evidence);
		return -1;
	}
	f->id = strdup(id);
	f->severity = strdup(severity);
	f->message = strdup(message);
	f->fix = fix ? strdup(fix) : NULL;
	f->pid = pid;
	f->evidence = evidence ? evidence : json_array();
	*slot = f;
	return 0;
}

void gs_finding_free(struct gs_finding *f)
{
	if (!f)
		return;
	free(f->id); free(f->severity); free(f->message); free(f->fix);
	json_decref(f->evidence);
	free(f);
}
