/* run --baseline / --check. CMD's own failure wins over drift: a test
 * suite that failed must fail with its own status; drift is reported
 * either way, and exits GS_EXIT_DRIFT only when CMD succeeded. */
#include "drift_run.h"
#include "baseline.h"
#include "drift.h"
#include "escape.h"
#include "junit.h"
#include "render.h"
#include "drift_json.h"

#include <stdlib.h>
#include <string.h>

/* The loaded --check baseline; global so that early exits of run do not
 * leave it unreachable (leak checkers would say so). */
static json_t *check_doc;

int gs_drift_run_prepare(const struct gs_opts *o)
{
	char err[512];
	if (o->baseline && gs_baseline_can_write(o->baseline, err, sizeof err)) {
		fprintf(stderr, "gpushim run: --baseline: %s; check the path\n", err);
		return GS_EXIT_USAGE;
	}
	if (o->junit && gs_baseline_can_write(o->junit, err, sizeof err)) {
		fprintf(stderr, "gpushim run: --junit: %s; check the path\n", err);
		return GS_EXIT_USAGE;
	}
	if (!o->check)
		return 0;
	check_doc = gs_baseline_load(o->check, err, sizeof err);
	if (!check_doc) {
		char *v = gs_vis(o->check);
		fprintf(stderr, "gpushim run: cannot use baseline %s: %s\n", v ? v : "?", err);
		free(v);
		if (o->junit)
			gs_junit_write(o->junit, NULL, "run", err);
		return GS_EXIT_BASELINE;
	}
	return 0;
}

/* Records that never reached us: the comparison cannot see them. */
static long long lost_records(const struct gs_model *m)
{
	long long lost = 0;
	for (size_t i = 0; i < m->procs.n; i++) {
		const struct gs_proc *p = m->procs.v[i];
		long long sent = p->has_bye && p->sent >= 0 ? p->sent : p->max_seq;
		if (sent > p->received)
			lost += sent - p->received;
	}
	return lost;
}

static int write_baseline(const struct gs_opts *o, json_t *raw, int cmd_rc, FILE *out)
{
	char err[512];
	json_t *doc = gs_baseline_normalize(raw, o->policy.ignore);
	if (doc)
		json_object_set_new(doc, "policy", gs_policy_json(&o->policy));
	if (!doc || gs_baseline_write(o->baseline, doc, err, sizeof err)) {
		fprintf(stderr, "gpushim run: --baseline: %s\n", doc ? err : "out of memory");
		json_decref(doc);
		return -1;
	}
	if (!o->quiet) {
		size_t nl = 0, i;
		json_t *p;
		GS_JSON_ARRAY_EACH(json_object_get(doc, "processes"), i, p) {
			const char *k;
			json_t *arr;
			GS_JSON_OBJECT_EACH(json_object_get(p, "libraries"), k, arr)
				nl += json_array_size(arr);
		}
		fputs("gpushim run: baseline written to ", out);
		gs_putvis(out, o->baseline);
		fprintf(out, " (%zu process%s, %zu librar%s); review it and commit it\n",
			json_array_size(json_object_get(doc, "processes")),
			json_array_size(json_object_get(doc, "processes")) == 1 ? "" : "es", nl, nl == 1 ? "y" : "ies");
		if (cmd_rc)
			fprintf(out, "gpushim run: warning: the command exited %d: this baseline records a "
				"failing run\n", cmd_rc);
	}
	json_decref(doc);
	return 0;
}

static int check(const struct gs_opts *o, json_t *raw, struct gs_model *m, int cmd_rc, FILE *out)
{
	char err[512];
	struct gs_policy pol;
	/* the baseline's own policy, then the command line on top */
	if (gs_policy_from_json(&pol, json_object_get(check_doc, "policy"), err, sizeof err))
		memset(&pol, 0, sizeof pol); /* cannot happen: validated when loaded */
	gs_policy_apply(&pol, &o->policy);
	json_t *a = gs_baseline_normalize(check_doc, pol.ignore), *b = gs_baseline_normalize(raw, pol.ignore);
	struct gs_drift_out d = {
		.cmd = "run", .a_name = o->check, .b_name = "this run",
		.result = a && b ? gs_drift_compare(a, b, &pol) : NULL,
		.policy = gs_policy_json(&pol), .lost = lost_records(m),
		.command_exit = gs_exit_json(m->cmd_status),
	};
	int rc = 0;
	if (!d.result) {
		fprintf(stderr, "gpushim run: out of memory comparing with the baseline\n");
		rc = GS_EXIT_USAGE;
	} else {
		if ((o->json ? gs_drift_render_json(out, &d) : gs_drift_render_text(out, &d,
				gs_want_color(o->color, out))) != 0)
			fprintf(stderr, "gpushim run: could not write the whole drift report\n");
		bool junit_failed = o->junit && gs_junit_write(o->junit, &d, "run", NULL);
		if (gs_drift_count(&d) && cmd_rc)
			fprintf(stderr, "gpushim run: the command's own exit status %d takes precedence over "
				"drift's %d\n", cmd_rc, GS_EXIT_DRIFT);
		else if (gs_drift_count(&d) && !o->json)
			fprintf(out, "gpushim run: exit %d (drift); if the change is intended, update the baseline "
				"(docs/drift.md)\n", GS_EXIT_DRIFT);
		rc = gs_drift_count(&d) ? GS_EXIT_DRIFT : junit_failed ? GS_EXIT_USAGE : 0;
	}
	json_decref(d.result);
	json_decref(d.policy);
	json_decref(d.command_exit);
	json_decref(a);
	json_decref(b);
	return rc;
}

int gs_drift_run_finish(const struct gs_opts *o, struct gs_model *m, int cmd_rc, FILE *out)
{
	int rc = 0;
	gs_model_finish(m);
	json_t *raw = gs_baseline_from_model(m, o->args, o->nargs);
	if (!raw) {
		fprintf(stderr, "gpushim run: out of memory building the baseline\n");
		rc = GS_EXIT_USAGE;
	}
	if (raw && o->baseline && write_baseline(o, raw, cmd_rc, out))
		rc = GS_EXIT_USAGE;
	if (raw && o->check) {
		int c = check(o, raw, m, cmd_rc, out);
		if (!rc)
			rc = c;
	}
	json_decref(raw);
	json_decref(check_doc);
	check_doc = NULL;
	if (fflush(out) != 0 || ferror(out))
		fprintf(stderr, "gpushim run: could not write the whole drift report\n");
	if (out != stdout && out != stderr)
		fclose(out);
	/* CMD's failure first; then ours */
	return cmd_rc ? cmd_rc : rc;
}
