/* Findings: diagnoses drawn from the model. The rules list is empty for now;
 * a rule is one function that inspects the model and calls gs_finding_add. */
#ifndef GS_FINDINGS_H
#define GS_FINDINGS_H

#include <jansson.h>

struct gs_model;
struct gs_proc;

struct gs_finding {
	char *id;        /* stable id, e.g. "nvml-driver-mismatch" */
	char *severity;  /* "error", "warning", "info" */
	char *message;   /* one sentence: what is wrong */
	char *fix;       /* what to do */
	long long pid;   /* process it concerns, -1 for none */
	json_t *evidence; /* array: the records it rests on */
};

/* A rule appends zero or more findings to the model. */
typedef void gs_rule_fn(struct gs_model *m);

/* Runs every rule; call after gs_model_finish. */
void gs_findings_run(struct gs_model *m);
/* Appends a finding; EVIDENCE (may be NULL) is stolen. */
int gs_finding_add(struct gs_model *m, const char *id, const char *severity,
		   long long pid, const char *message, const char *fix, json_t *evidence);
void gs_finding_free(struct gs_finding *f);

#endif
