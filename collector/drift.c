/* Comparing two baseline documents. Each difference becomes one change:
 * {kind, process, subject, from, to, loaded_by, how, text}; the kinds are
 * listed in docs/drift.md. This part matches processes; the parts
 * are in drift_cmp.h. Both documents are normalized the same way
 * first, so what is left to compare is what the policy keeps. */
#include "drift_cmp.h"
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "libcudnn 8.9.7, libcuda 545.23.08" for a process that came or went. */
static char *proc_libs(json_t *p)
{
	char *s = strdup(""), *t;
	const char *fam;
	json_t *arr, *l;
	size_t i;
	GS_JSON_OBJECT_EACH(json_object_get(p, "libraries"), fam, arr)
		GS_JSON_ARRAY_EACH(arr, i, l) {
			const char *v = gs_drift_sval(json_object_get(l, "file_version"));
			if (!s || asprintf(&t, "%s%s%s%s%s", s, *s ? ", " : "", fam, v ? " " : "", v ? v : "") < 0) {
				free(s);
				return NULL;
			}
			free(s);
			s = t;
		}
	return s;
}

static void cmp_proc(struct cmp *c, json_t *pa, json_t *pb)
{
	json_t *la = json_object_get(pa, "libraries"), *lb = json_object_get(pb, "libraries");
	json_t *fams = gs_drift_keys(la, lb), *f;
	size_t i;
	GS_JSON_ARRAY_EACH(fams, i, f) {
		const char *fam = json_string_value(f);
		gs_drift_family(c, fam, json_object_get(la, fam), json_object_get(lb, fam));
	}
	json_decref(fams);
	gs_drift_calls(c, json_object_get(pa, "calls"), json_object_get(pb, "calls"));
	gs_drift_loads(c, json_object_get(pa, "failed_loads"), json_object_get(pb, "failed_loads"));
}

static char *key_of(json_t *p)
{
	json_t *k = json_pack("[O?O?]", json_object_get(p, "exe"), json_object_get(p, "argv"));
	char *s = k ? json_dumps(k, JSON_COMPACT) : NULL;
	json_decref(k);
	return s;
}

static json_t *find_proc(json_t *procs, json_t *p, const bool *used)
{
	char *key = key_of(p);
	size_t i;
	json_t *q, *hit = NULL;
	GS_JSON_ARRAY_EACH(procs, i, q) {
		char *k = hit || used[i] ? NULL : key_of(q);
		if (k && key && !strcmp(k, key))
			hit = q;
		free(k);
	}
	free(key);
	return hit;
}

static void in_proc(struct cmp *c, json_t *p)
{
	free(c->label);
	c->proc = p;
	c->label = p ? gs_baseline_label(p) : NULL;
}

/* The processes of PROCS that found no partner (USED false): each is
 * drift of KIND, said as WHAT, with the libraries it had after VERB. */
static void unmatched(struct cmp *c, json_t *labels, json_t *procs, const bool *used, size_t n,
		      const char *kind, const char *what, const char *verb)
{
	for (size_t i = 0; i < n; i++) {
		if (used[i])
			continue;
		char *libs = proc_libs(json_array_get(procs, i));
		in_proc(c, json_array_get(procs, i));
		json_array_append_new(labels, json_string(c->label ? c->label : "?"));
		gs_drift_add(c, kind, NULL, NULL, NULL, NULL, "%s%s%s", what,
			     libs && *libs ? verb : "", libs && *libs ? libs : "");
		free(libs);
	}
}


json_t *gs_drift_compare(json_t *a, json_t *b, const struct gs_policy *pol)
{
	struct cmp c = { .changes = json_array(), .pol = pol };
	json_t *pa = json_object_get(a, "processes"), *pb = json_object_get(b, "processes");
	json_t *labels = json_array(), *ka = json_object_get(a, "kernel_driver"),
	       *kb = json_object_get(b, "kernel_driver"), *p;
	size_t na = json_array_size(pa), nb = json_array_size(pb), i, j;
	bool *ub = calloc(nb + 1, 1), *ua = calloc(na + 1, 1);

	if (ka && kb && !gs_drift_compat(ka, kb, NULL, gs_policy_level(pol, "kernel"))) {
		char *f = gs_drift_vtext(ka), *t = gs_drift_vtext(kb);
		gs_drift_add(&c, "kernel-driver", "kernel", json_incref(ka), json_incref(kb), NULL,
		    "kernel driver %s -> %s", f, t);
		free(f);
		free(t);
	}
	if (!ua || !ub)
		goto out;
	GS_JSON_ARRAY_EACH(pa, i, p) {
		json_t *q = find_proc(pb, p, ub);
		for (j = 0; q && j < nb; j++)
			if (json_array_get(pb, j) == q)
				ub[j] = ua[i] = true;
		if (!q)
			continue;
		in_proc(&c, q);
		json_array_append_new(labels, json_string(c.label ? c.label : "?"));
		cmp_proc(&c, p, q);
	}
	/* one process on each side left over: the same one, started with
	 * another command line (a moved executable, a new flag) */
	size_t la = 0, lb = 0, ia = 0, ib = 0;
	for (i = 0; i < na; i++)
		if (!ua[i])
			la++, ia = i;
	for (j = 0; j < nb; j++)
		if (!ub[j])
			lb++, ib = j;
	if (la == 1 && lb == 1) {
		json_t *x = json_array_get(pa, ia), *y = json_array_get(pb, ib);
		char *from = gs_baseline_label(x);
		in_proc(&c, y);
		json_array_append_new(labels, json_string(c.label ? c.label : "?"));
		gs_drift_add(&c, "process-changed", NULL, json_pack("{s:O?, s:O?}", "exe", json_object_get(x, "exe"),
			"argv", json_object_get(x, "argv")), json_pack("{s:O?, s:O?}", "exe",
			json_object_get(y, "exe"), "argv", json_object_get(y, "argv")), NULL,
		    "command line %s -> %s", from ? from : "?", c.label ? c.label : "?");
		free(from);
		cmp_proc(&c, x, y);
		ua[ia] = ub[ib] = true;
	}
	unmatched(&c, labels, pa, ua, na, "process-removed", "process gone", "; it loaded ");
	unmatched(&c, labels, pb, ub, nb, "process-added", "new process", "; it loads ");
out:
	in_proc(&c, NULL);
	free(ua);
	free(ub);
	return json_pack("{s:o, s:o}", "changes", c.changes, "processes", labels);
}
