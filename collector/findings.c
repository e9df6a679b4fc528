/* The findings engine: runs the rules over each process, root causes first,
 * and orders the result (docs/findings.md, "How findings are linked"). */
#include "findings.h"
#include "findings_rules.h"
#include "model.h"

#include <stdlib.h>
#include <string.h>

/* Root causes before the rules whose symptoms they explain: a missing or
 * stub libcuda.so.1 explains cudart 35/34 and cuDNN NOT_INITIALIZED, so it
 * must claim them before driver-too-old or lib-not-found look. */
static gs_rule_fn *const rules[] = {
	rule_no_real_function, /* first: its code is the shim's, not a library's */
	rule_no_libcuda,
	rule_stub_libcuda,
	rule_driver_not_loaded,
	rule_nvml_driver_mismatch,
	rule_compat_mismatch,
	rule_driver_too_old,
	rule_no_device,
	rule_cudnn_sublibrary_mismatch,
	rule_cudnn_cuda_mismatch,
	rule_lib_not_found,
	rule_symbol_missing,
	rule_duplicate_library,
	rule_path_shadowing,
};

int gs_severity_rank(const char *s)
{
	static const char *const names[] = { "error", "warning", "note" };
	for (int i = 0; i < 3; i++)
		if (s && !strcmp(s, names[i]))
			return i;
	return 3;
}

static void clear(struct gs_model *m)
{
	for (size_t i = 0; i < m->findings.n; i++)
		gs_finding_free(m->findings.v[i]);
	m->findings.n = 0;
}

static void run_proc(struct gs_model *m, struct gs_proc *p, int order)
{
	struct gs_fctx cx = {
		.m = m, .p = p, .proc_order = order,
		.claimed_call = calloc(p->calls.n + 1, sizeof(bool)),
		.claimed_load = calloc(p->loads.n + 1, sizeof(bool)),
		.claimed_sym = calloc(p->syms.n + 1, sizeof(bool)),
	};
	if (cx.claimed_call && cx.claimed_load && cx.claimed_sym)
		for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
			rules[i](&cx);
	free(cx.claimed_call);
	free(cx.claimed_load);
	free(cx.claimed_sym);
}

/* Stable by severity: errors first, emission order (rule order, process
 * tree order) within one severity. */
static void order_by_severity(struct gs_model *m)
{
	size_t n = m->findings.n, k = 0;
	if (n < 2)
		return;
	struct gs_finding **tmp = calloc(n, sizeof(struct gs_finding *));
	if (!tmp)
		return;
	for (int rank = 0; rank <= 3; rank++)
		for (size_t i = 0; i < n; i++)
			if (gs_severity_rank(m->findings.v[i]->severity) == rank)
				tmp[k++] = m->findings.v[i];
	memcpy(m->findings.v, tmp, n * sizeof(struct gs_finding *));
	free(tmp);
}

void gs_findings_run(struct gs_model *m)
{
	struct gs_proc **order;
	int *depth;
	clear(m);
	size_t n = gs_model_tree(m, &order, &depth);
	for (size_t i = 0; i < n; i++)
		run_proc(m, order[i], (int)i);
	free(order);
	free(depth);
	order_by_severity(m);
}

int gs_finding_add(struct gs_model *m, const char *id, const char *severity,
		   long long pidns, long long pid, const char *message, const char *fix, json_t *evidence)
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
	f->pidns = pidns;
	f->evidence = evidence ? evidence : json_array();
	f->explains = json_array();
	*slot = f;
	return 0;
}

void gs_finding_free(struct gs_finding *f)
{
	if (!f)
		return;
	free(f->id); free(f->severity); free(f->message); free(f->fix);
	json_decref(f->evidence);
	json_decref(f->explains);
	free(f);
}
