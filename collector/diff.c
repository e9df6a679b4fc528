/* gpushim diff A B: the working run A against the failing run B. Each
 * side is saved records (--save, GPUSHIM_LOG) or a baseline; both become
 * baseline documents and are compared like run --check does, and the
 * findings B has that A has not are shown: what the difference explains. */
#include "cmds.h"
#include "baseline.h"
#include "drift.h"
#include "escape.h"
#include "findings.h"
#include "ingest.h"
#include "junit.h"
#include "lines.h"
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct side {
	const char *name;
	struct gs_model m;
	bool has_model;
	json_t *doc;            /* raw document (records) or the baseline */
};

static void msg(const char *name, const char *what)
{
	char *v = gs_vis(name);
	fprintf(stderr, "gpushim diff: %s: %s\n", v ? v : "?", what);
	free(v);
}

/* A baseline names itself near its start; records never do. So a
 * damaged baseline is still known as one and reported as such. */
static bool looks_like_baseline(int fd)
{
	char buf[4097];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return false;
	buf[n] = 0;
	return memmem(buf, (size_t)n, "\"gpushim_baseline\"", 18) != NULL;
}

static int load_baseline(struct side *s, int fd)
{
	char err[512];
	close(fd);
	s->doc = gs_baseline_load(s->name, err, sizeof err);
	if (!s->doc) {
		char *line = NULL;
		if (asprintf(&line, "cannot use baseline: %s", err) >= 0)
			msg(s->name, line);
		free(line);
		return GS_EXIT_BASELINE;
	}
	return 0;
}

static int load_records(struct side *s, int fd, bool is_stdin)
{
	struct gs_ingest in = { .m = &s->m, .src = is_stdin ? "stdin" : s->name };
	struct gs_lines lines;
	ssize_t r;
	long long bad = 0;

	gs_model_init(&s->m);
	s->has_model = true;
	gs_lines_init(&lines, &in, -1);
	while ((r = gs_lines_read(&lines, fd)) > 0)
		;
	int e = errno;
	if (!is_stdin)
		close(fd);
	if (r < 0) {
		msg(s->name, strerror(e));
		return GS_EXIT_INPUT;
	}
	gs_lines_flush(&lines);
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		bad += s->m.bad[k];
	if (!s->m.records) {
		msg(s->name, bad ? "holds no valid gpushim records and is not a baseline; expected a --save, "
				   "GPUSHIM_LOG or --baseline file"
				 : "is empty: no records");
		return GS_EXIT_INPUT;
	}
	gs_ingest_summary(&s->m, stderr);
	gs_model_finish(&s->m);
	gs_findings_run(&s->m);
	s->doc = gs_baseline_from_model(&s->m, NULL, 0);
	return s->doc ? 0 : GS_EXIT_USAGE;
}

static int load_side(struct side *s)
{
	bool is_stdin = !strcmp(s->name, "-");
	int fd = is_stdin ? 0 : open(s->name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		msg(s->name, strerror(errno));
		return GS_EXIT_INPUT;
	}
	if (!is_stdin && looks_like_baseline(fd))
		return load_baseline(s, fd);
	return load_records(s, fd, is_stdin);
}

static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

/* Findings of B whose id and message A does not have. */
static json_t *new_findings(const struct side *a, const struct side *b)
{
	json_t *out = json_array();
	for (size_t i = 0; b->has_model && i < b->m.findings.n; i++) {
		const struct gs_finding *f = b->m.findings.v[i];
		bool seen = false;
		for (size_t j = 0; a->has_model && j < a->m.findings.n && !seen; j++) {
			const struct gs_finding *g = a->m.findings.v[j];
			seen = !strcmp(f->id, g->id) && !strcmp(f->message, g->message);
		}
		if (!seen)
			json_array_append_new(out, json_pack("{s:o, s:o, s:o, s:o, s:o, s:O}", "id", jstr(f->id),
				"severity", jstr(f->severity), "pid", f->pid >= 0 ? json_integer(f->pid) : json_null(),
				"message", jstr(f->message), "fix", jstr(f->fix), "evidence", f->evidence));
	}
	return out;
}

static int compare(const struct gs_opts *o, struct side *a, struct side *b)
{
	char err[512];
	struct gs_policy pol, side;
	/* what either baseline was made with applies to both, then the flags */
	memset(&pol, 0, sizeof pol);
	for (int i = 0; i < 2; i++) {
		json_t *p = json_object_get((i ? b : a)->doc, "policy");
		if (!gs_policy_from_json(&side, p, err, sizeof err))
			gs_policy_apply(&pol, &side);
	}
	gs_policy_apply(&pol, &o->policy);
	json_t *na = gs_baseline_normalize(a->doc, pol.ignore), *nb = gs_baseline_normalize(b->doc, pol.ignore);
	struct gs_drift_out d = {
		.cmd = "diff", .a_name = a->name, .b_name = b->name,
		.result = na && nb ? gs_drift_compare(na, nb, &pol) : NULL,
		.findings = new_findings(a, b), .policy = gs_policy_json(&pol),
	};
	int rc = GS_EXIT_USAGE;
	FILE *out = d.result ? gs_open_out(o, stdout) : NULL;
	if (out) {
		int w = o->json ? gs_drift_render_json(out, &d) : gs_drift_render_text(out, &d,
								gs_want_color(o->color, out));
		if (fflush(out) != 0 || w)
			fprintf(stderr, "gpushim diff: could not write the whole comparison\n");
		if (out != stdout)
			fclose(out);
		rc = gs_drift_count(&d) ? GS_EXIT_DRIFT : GS_EXIT_OK;
		if (o->junit && gs_junit_write(o->junit, &d, "diff", NULL))
			rc = GS_EXIT_USAGE;
	}
	json_decref(d.result);
	json_decref(d.findings);
	json_decref(d.policy);
	json_decref(na);
	json_decref(nb);
	return rc;
}

int gs_cmd_diff(const struct gs_opts *o)
{
	struct side s[2] = { { .name = o->args[0] }, { .name = o->args[1] } };
	int rc = load_side(&s[0]);
	if (!rc)
		rc = load_side(&s[1]);
	if (!rc)
		rc = compare(o, &s[0], &s[1]);
	for (int i = 0; i < 2; i++) {
		if (s[i].has_model)
			gs_model_free(&s[i].m);
		json_decref(s[i].doc);
	}
	return rc;
}
