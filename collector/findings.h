/* Findings: diagnoses drawn from the model (design §4, docs/findings.md).
 * Each rule is one small function in a collector/rule_*.c file, listed in
 * findings.c in root-cause-first order; it inspects one process and adds
 * findings. A finding "explains" the failed calls and loads it accounts
 * for; rules that run later skip symptoms already explained, so one root
 * cause gives one finding that names all of its symptoms. */
#ifndef GS_FINDINGS_H
#define GS_FINDINGS_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>

struct gs_model;
struct gs_proc;

struct gs_finding {
	char *id;        /* stable id, e.g. "nvml-driver-mismatch" */
	char *severity;  /* "error", "warning", "note" */
	char *message;   /* one sentence: what is wrong, naming files and versions */
	char *fix;       /* what to do */
	long long pid;   /* process it concerns, -1 for none */
	long long pidns; /* ... in this pid namespace, 0 unknown */
	json_t *evidence; /* array: the records it rests on */
	json_t *explains; /* array of strings: the symptoms it accounts for */
};

/* Runs every rule over every process; replaces findings of an earlier run.
 * Call after gs_model_finish. Findings come out errors first, and within a
 * severity in rule order (root causes first), processes in tree order. */
void gs_findings_run(struct gs_model *m);
/* Appends a finding; EVIDENCE (may be NULL) is stolen. */
int gs_finding_add(struct gs_model *m, const char *id, const char *severity,
		   long long pidns, long long pid, const char *message, const char *fix, json_t *evidence);
void gs_finding_free(struct gs_finding *f);
/* 0 error, 1 warning, 2 note, 3 anything else. */
int gs_severity_rank(const char *severity);

/* The findings section of the text report (findings_text.c): each finding
 * with its fix; with VERBOSE its evidence too. */
void gs_findings_text(FILE *f, const struct gs_model *m, bool color, bool verbose);

#endif
