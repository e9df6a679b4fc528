/* Drift as text (for people: grouped by process, "from -> to") and as
 * JSON (docs/drift.md). Text from the traced program is escaped. */
#include "drift.h"
#include "escape.h"
#include "drift_json.h"

#include <stdlib.h>
#include <string.h>

size_t gs_drift_count(const struct gs_drift_out *d)
{
	return json_array_size(json_object_get(d->result, "changes"));
}

static const char *sval(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static void put_findings(FILE *f, const struct gs_drift_out *d)
{
	size_t i;
	json_t *x;
	if (!json_array_size(d->findings))
		return;
	fputs("\nfindings in ", f);
	gs_putvis(f, d->b_name);
	fputs(" that ", f);
	gs_putvis(f, d->a_name);
	fputs(" does not have:\n", f);
	GS_JSON_ARRAY_EACH(d->findings, i, x) {
		json_t *pid = json_object_get(x, "pid");
		fputs("  ", f);
		gs_putvis(f, sval(json_object_get(x, "severity")));
		fputc(' ', f);
		gs_putvis(f, sval(json_object_get(x, "id")));
		if (json_is_integer(pid))
			fprintf(f, " (pid %lld)", (long long)json_integer_value(pid));
		fputs(": ", f);
		gs_putvis(f, sval(json_object_get(x, "message")));
		fputc('\n', f);
		if (sval(json_object_get(x, "fix"))) {
			fputs("      fix: ", f);
			gs_putvis(f, sval(json_object_get(x, "fix")));
			fputc('\n', f);
		}
	}
}

int gs_drift_render_text(FILE *f, const struct gs_drift_out *d, bool color)
{
	json_t *changes = json_object_get(d->result, "changes"), *ch;
	size_t n = gs_drift_count(d), i, np = json_array_size(json_object_get(d->result, "processes"));
	const char *red = color ? "\033[1;31m" : "", *green = color ? "\033[32m" : "", *off = color ? "\033[0m" : "";
	const char *last = NULL, *last_subject = NULL;
	bool diff = !strcmp(d->cmd, "diff");

	fprintf(f, "gpushim %s: ", d->cmd);
	if (!n) {
		fprintf(f, "%sno %s%s between ", green, diff ? "differences" : "drift", off);
		gs_putvis(f, d->a_name);
		fputs(" and ", f);
		gs_putvis(f, d->b_name);
		fprintf(f, " (%zu process%s compared)\n", np, np == 1 ? "" : "es");
	} else {
		fprintf(f, "%s%zu %s%s%s from ", red, n, diff ? "difference" : "drift change",
			n == 1 ? "" : "s", off);
		gs_putvis(f, d->a_name);
		fputs(" to ", f);
		gs_putvis(f, d->b_name);
		fputs(":\n", f);
	}
	GS_JSON_ARRAY_EACH(changes, i, ch) {
		const char *proc = sval(json_object_get(ch, "process"));
		const char *by = sval(json_object_get(ch, "loaded_by")), *how = sval(json_object_get(ch, "how"));
		const char *subject = sval(json_object_get(ch, "subject"));
		bool new_proc = proc && (!last || strcmp(proc, last) != 0);
		if (new_proc) {
			fputs("  in ", f);
			gs_putvis(f, proc);
			fputs(":\n", f);
		}
		/* who loaded a library: once per library, not on every line */
		bool same_subject = !new_proc && subject && last_subject && !strcmp(subject, last_subject);
		last = proc;
		last_subject = subject;
		fputs(proc ? "    " : "  ", f);
		gs_putvis(f, sval(json_object_get(ch, "text")));
		if (by && !same_subject) {
			/* a library that went: who had loaded it */
			const char *kind = sval(json_object_get(ch, "kind"));
			fputs(kind && strcmp(kind, "library-removed") == 0 ? " (was loaded by " : " (loaded by ", f);
			gs_putvis(f, by);
			if (how) {
				fputs(" via ", f);
				gs_putvis(f, how);
			}
			fputc(')', f);
		}
		fputc('\n', f);
	}
	put_findings(f, d);
	if (d->lost > 0)
		fprintf(f, "gpushim %s: warning: %lld records of this run were lost; drift may be missing\n",
			d->cmd, d->lost);
	return ferror(f) ? -1 : 0;
}

/* File names come from the command line: not necessarily UTF-8. */
static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

int gs_drift_render_json(FILE *f, const struct gs_drift_out *d)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "gpushim_drift", json_integer(1));
	json_object_set_new(doc, "a", jstr(d->a_name));
	json_object_set_new(doc, "b", jstr(d->b_name));
	json_object_set_new(doc, "drift", json_boolean(gs_drift_count(d) > 0));
	json_object_set(doc, "changes", json_object_get(d->result, "changes"));
	json_object_set(doc, "processes", json_object_get(d->result, "processes"));
	json_object_set_new(doc, "findings", d->findings ? json_incref(d->findings) : json_array());
	json_object_set_new(doc, "policy", d->policy ? json_incref(d->policy) : json_null());
	json_object_set_new(doc, "command", d->command_exit
		? json_pack("{s:O}", "exit", d->command_exit) : json_null());
	json_object_set_new(doc, "lost_records", json_integer(d->lost));
	int rc = json_dumpf(doc, f, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (rc == 0)
		fputc('\n', f);
	json_decref(doc);
	return rc == 0 && !ferror(f) ? 0 : -1;
}
