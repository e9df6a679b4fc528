/* The findings section of the text report: one block per finding, its fix
 * right under it, so the diagnosis fits on one screen; the evidence (the
 * records behind it) with -v. Everything that may quote the traced
 * program goes through gs_putvis. */
#include "findings.h"
#include "escape.h"
#include "model.h"
#include "render.h"

#include <stdlib.h>
#include <string.h>

static void sgr(FILE *f, bool color, const char *code)
{
	if (color)
		fputs(code, f);
}

static const char *hue(const char *severity)
{
	switch (gs_severity_rank(severity)) {
	case 0: return "\033[1;31m";
	case 1: return "\033[1;33m";
	default: return "\033[2m";
	}
}

/* One evidence object as "record: key=value ..." on one line. */
static void put_evidence(FILE *f, json_t *e)
{
	const char *k;
	json_t *v;
	const char *rec = json_string_value(json_object_get(e, "record"));
	fputs("        - ", f);
	gs_putvis(f, rec ? rec : "?");
	fputc(':', f);
	json_object_foreach(e, k, v) {
		if (!strcmp(k, "record") || json_is_null(v) ||
		    (json_is_array(v) && !json_array_size(v)))
			continue;
		fputc(' ', f);
		gs_putvis(f, k);
		fputc('=', f);
		if (json_is_string(v)) {
			gs_putvis(f, json_string_value(v));
		} else if (json_is_integer(v)) {
			fprintf(f, "%lld", (long long)json_integer_value(v));
		} else if (json_is_boolean(v)) {
			fputs(json_is_true(v) ? "true" : "false", f);
		} else {
			char *s = json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
			gs_putvis(f, s ? s : "?");
			free(s);
		}
	}
	fputc('\n', f);
}

void gs_findings_text(FILE *f, const struct gs_model *m, bool color, bool verbose)
{
	size_t count[4] = { 0 };
	if (!m->findings.n)
		return;
	for (size_t i = 0; i < m->findings.n; i++)
		count[gs_severity_rank(m->findings.v[i]->severity)]++;
	fputc('\n', f);
	sgr(f, color, "\033[1m");
	fputs("findings", f);
	sgr(f, color, "\033[0m");
	fprintf(f, ": %zu error%s, %zu warning%s, %zu note%s\n", count[0], count[0] == 1 ? "" : "s",
		count[1], count[1] == 1 ? "" : "s", count[2], count[2] == 1 ? "" : "s");
	for (size_t i = 0; i < m->findings.n; i++) {
		const struct gs_finding *x = m->findings.v[i];
		fputs("  ", f);
		sgr(f, color, hue(x->severity));
		gs_putvis(f, x->severity);
		sgr(f, color, "\033[0m");
		fputc(' ', f);
		sgr(f, color, "\033[1m");
		gs_putvis(f, x->id);
		sgr(f, color, "\033[0m");
		if (x->pid >= 0) {
			fprintf(f, " (process %lld)", x->pid);
			gs_put_pidns(f, m, x->pidns);
		}
		fputs("\n      ", f);
		gs_putvis(f, x->message);
		fputc('\n', f);
		if (x->fix) {
			fputs("      ", f);
			sgr(f, color, "\033[32m");
			fputs("fix:", f);
			sgr(f, color, "\033[0m");
			fputc(' ', f);
			gs_putvis(f, x->fix);
			fputc('\n', f);
		}
		if (verbose && x->evidence && json_array_size(x->evidence)) {
			fputs("      evidence:\n", f);
			for (size_t k = 0; k < json_array_size(x->evidence); k++)
				put_evidence(f, json_array_get(x->evidence, k));
		}
	}
}
