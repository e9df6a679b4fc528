/* gpushim collect: the live lines, one per record that tells something. */
#include "collect.h"
#include "escape.h"
#include "render.h"

#include <stdio.h>
#include <string.h>

static void put_rc(FILE *f, const struct gs_model *m, const struct gs_proc *p, const struct gs_call *c)
{
	if (!c->has_rc) {
		fputs(" = ?", f);
		return;
	}
	const char *name = gs_call_rc_name(m, p, c, c->rc);
	fprintf(f, " = %lld %s", c->rc, name ? name : "(unknown code)");
}

/* One line per record that tells something: process start and end,
 * libraries, loads, failed lookups, GPU calls. */
void gs_collect_live(FILE *f, struct gs_model *m, struct gs_proc *p, const char *type)
{
	if (!gs_model_many_pidns(m))
		fprintf(f, "[pid %lld] ", p->pid);
	else if (p->pidns > 0)
		fprintf(f, "[pid %lld ns %lld] ", p->pid, p->pidns);
	else
		fprintf(f, "[pid %lld ns unknown] ", p->pid);
	if (!strcmp(type, "hello")) {
		fputs("start:", f);
		for (size_t i = 0; i < p->argv.n; i++) {
			fputc(' ', f);
			gs_putvis(f, p->argv.v[i]);
		}
		if (p->has_ppid)
			fprintf(f, " (parent %lld)", p->ppid);
	} else if (!strcmp(type, "lib") && p->libs.n) {
		const struct gs_lib *l = &p->libs.v[p->libs.n - 1];
		fputs("library ", f);
		gs_putvis(f, l->family);
		fputc(' ', f);
		gs_putvis(f, l->file_version);
		fputc(' ', f);
		gs_putvis(f, l->path);
	} else if (!strcmp(type, "dlopen") && p->loads.n) {
		const struct gs_load *l = &p->loads.v[p->loads.n - 1];
		gs_putvis(f, l->fn ? l->fn : "dlopen");
		fputc(' ', f);
		gs_putvis(f, l->name);
		fputs(l->ok ? " ok" : " FAILED", f);
		if (l->err) {
			fputs(": ", f);
			gs_putvis(f, l->err);
		}
	} else if (!strcmp(type, "dlsym") && p->syms.n) {
		const struct gs_sym *s = &p->syms.v[p->syms.n - 1];
		gs_putvis(f, s->fn ? s->fn : "dlsym");
		fputc(' ', f);
		gs_putvis(f, s->sym);
		fputs(s->ok ? " ok" : " FAILED", f);
	} else if (!strcmp(type, "call") && p->calls.n) {
		const struct gs_call *c = &p->calls.v[p->calls.n - 1];
		fputs("call ", f);
		gs_putvis(f, c->fn);
		put_rc(f, m, p, c);
		if (c->count > 1)
			fprintf(f, " (x%lld)", c->count);
	} else if (!strcmp(type, "bye")) {
		fputs(p->bye_reason && !strcmp(p->bye_reason, "exec") ? "exec:" : "exit:", f);
		fprintf(f, " sent %lld, dropped %lld, received %lld, %s", p->sent, p->dropped, p->received,
			gs_proc_complete(p) ? "complete" : "INCOMPLETE");
	} else {
		gs_putvis(f, type);
	}
	fputc('\n', f);
	fflush(f);
}
