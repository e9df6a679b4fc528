/* What both renderers share: colour choice, return-code naming, output. */
#include "render.h"
#include "codes.h"
#include "findings.h"
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

bool gs_want_color(enum gs_color c, FILE *f)
{
	if (c == GS_COLOR_ALWAYS)
		return true;
	if (c == GS_COLOR_NEVER)
		return false;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc) /* no-color.org: set and non-empty */
		return false;
	const char *term = getenv("TERM");
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fileno(f));
}

const char *gs_call_family(const struct gs_call *c)
{
	if (c->family && (!strcmp(c->family, "nvml") || !strcmp(c->family, "cudnn") ||
			  !strcmp(c->family, "cudart") || !strcmp(c->family, "cuda")))
		return c->family;
	return gs_family_of_fn(c->fn);
}

/* The cuDNN major tells which status table applies: from the version the
 * serving copy reported, else from its file name or soname. */
static int cudnn_major(const struct gs_model *m, const struct gs_proc *p, const struct gs_call *c)
{
	json_t *v = c->ver ? json_object_get(c->ver, "cudnn") : NULL;
	if (json_is_integer(v))
		return gs_cudnn_major_of_version(json_integer_value(v));
	const struct gs_lib *l = c->has_lib ? gs_proc_lib(m, p, c->lib) : NULL;
	if (l && l->file_version)
		return atoi(l->file_version);
	if (l && l->soname) {
		const char *s = strstr(l->soname, ".so.");
		if (s)
			return atoi(s + 4);
	}
	return 0;
}

const char *gs_call_rc_name(const struct gs_model *m, const struct gs_proc *p,
			    const struct gs_call *c, long long rc)
{
	const char *fam = gs_call_family(c);
	int major = fam && !strcmp(fam, "cudnn") ? cudnn_major(m, p, c) : 0;
	return gs_code_name(fam, rc, major);
}

FILE *gs_open_out(const struct gs_opts *o, FILE *deflt)
{
	if (!o->out || !strcmp(o->out, "-"))
		return o->out ? stdout : deflt;
	const char *why;
	int fd = gs_out_open(o->out, false, 0666, &why); /* close-on-exec: not inherited by CMD */
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fd >= 0 && !f) {
		why = strerror(errno);
		close(fd);
	}
	if (!f)
		fprintf(stderr, "gpushim %s: cannot write the report to %s: %s; check the -o path\n",
			o->cmd, o->out, why);
	return f;
}

void gs_put_pidns(FILE *f, const struct gs_model *m, long long pidns)
{
	if (!gs_model_many_pidns(m))
		return;
	if (pidns > 0)
		fprintf(f, " (pid namespace %lld)", pidns);
	else
		fputs(" (pid namespace unknown)", f);
}

int gs_render_report(const struct gs_opts *o, struct gs_model *m, FILE *f)
{
	struct gs_render r = {
		.f = f,
		.color = !o->json && gs_want_color(o->color, f),
		.verbose = o->verbose,
		.stacks = o->stacks,
	};
	int rc = 0;
	gs_model_finish(m);
	gs_findings_run(m);
	if (o->json)
		rc = gs_render_json(&r, m);
	else
		gs_render_text(&r, m);
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	if (f != stdout && f != stderr && fclose(f) != 0)
		rc = -1;
	if (rc)
		fprintf(stderr, "gpushim %s: could not write the whole report\n", o->cmd);
	return rc;
}
