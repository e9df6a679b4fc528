/* The human report. Every string from the records goes through gs_putvis
 * (escape.c); only our own words are printed raw. */
#include "render.h"
#include "escape.h"
#include "findings.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define STACK_TOP 3

enum hue { BOLD, RED, GREEN, YELLOW, DIM };

static void on(const struct gs_render *r, enum hue h)
{
	static const char *const sgr[] = { "\033[1m", "\033[31m", "\033[32m", "\033[33m", "\033[2m" };
	if (r->color)
		fputs(sgr[h], r->f);
}

static void off(const struct gs_render *r)
{
	if (r->color)
		fputs("\033[0m", r->f);
}

static const char *base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

static size_t vis_len(const char *s)
{
	char *v = gs_vis(s);
	size_t n = v ? strlen(v) : 1;
	free(v);
	return n;
}

static void put_argv(const struct gs_render *r, const struct gs_proc *p)
{
	for (size_t i = 0; i < p->argv.n; i++) {
		if (i)
			fputc(' ', r->f);
		gs_putvis(r->f, p->argv.v[i]);
	}
	if (p->argv_trunc)
		fputs(" ...", r->f);
}

static void put_exit(const struct gs_render *r, int status)
{
	if (WIFSIGNALED(status)) {
		on(r, RED);
		fprintf(r->f, "killed by signal %d (status %d)", WTERMSIG(status), 128 + WTERMSIG(status));
	} else {
		on(r, WEXITSTATUS(status) ? RED : GREEN);
		fprintf(r->f, "exit %d", WEXITSTATUS(status));
	}
	off(r);
}

/* key=value pairs of a scalar object (out, args, ver, env). */
static void put_kv(const struct gs_render *r, json_t *o)
{
	const char *k;
	json_t *v;
	bool first = true;
	json_object_foreach(o, k, v) {
		if (!first)
			fputc(' ', r->f);
		first = false;
		gs_putvis(r->f, k);
		fputc('=', r->f);
		if (json_is_string(v))
			gs_putvis(r->f, json_string_value(v));
		else if (json_is_integer(v))
			fprintf(r->f, "%lld", (long long)json_integer_value(v));
		else if (json_is_real(v))
			fprintf(r->f, "%g", json_real_value(v));
		else
			fputs(json_is_true(v) ? "true" : json_is_false(v) ? "false" : "null", r->f);
	}
}

static void put_stack(const struct gs_render *r, const gs_stack *s, const char *indent)
{
	size_t n = r->stacks || s->n <= STACK_TOP ? s->n : STACK_TOP;
	for (size_t i = 0; i < n; i++) {
		fprintf(r->f, "%s#%zu ", indent, i);
		gs_putvis(r->f, s->v[i].object);
		fprintf(r->f, "+0x%llx", (unsigned long long)s->v[i].offset);
		if (s->v[i].symbol) {
			fputc(' ', r->f);
			gs_putvis(r->f, s->v[i].symbol);
		}
		fputc('\n', r->f);
	}
	if (n < s->n)
		fprintf(r->f, "%s... %zu more frames (--stacks)\n", indent, s->n - n);
}

static void put_lib_ref(const struct gs_render *r, const struct gs_model *m,
			const struct gs_proc *p, bool has, long long id)
{
	const struct gs_lib *l = has ? gs_proc_lib(m, p, id) : NULL;
	if (!has)
		return;
	fputs(" in ", r->f);
	if (l)
		gs_putvis(r->f, base_name(l->path ? l->path : l->realpath));
	else
		fprintf(r->f, "library #%lld", id);
}

static void put_rc(const struct gs_render *r, const char *name, bool has, long long rc)
{
	if (!has) {
		fputs(" = ?", r->f);
		return;
	}
	fputs(" = ", r->f);
	on(r, rc ? RED : GREEN);
	fprintf(r->f, "%lld %s", rc, name ? name : "(unknown code)");
	off(r);
}

static void section(const struct gs_render *r, const char *title)
{
	fputs("\n  ", r->f);
	on(r, BOLD);
	fputs(title, r->f);
	off(r);
	fputc('\n', r->f);
}

static void libraries(const struct gs_render *r, const struct gs_proc *p)
{
	size_t wf = 6, wv = 7, wp = 4;
	if (!p->libs.n)
		return;
	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		size_t a = vis_len(l->family), b = vis_len(l->file_version), c = vis_len(l->path);
		wf = a > wf ? a : wf;
		wv = b > wv ? b : wv;
		wp = c > wp ? c : wp;
	}
	wf = wf > 40 ? 40 : wf;
	wp = wp > 70 ? 70 : wp;
	section(r, "libraries");
	on(r, DIM);
	fprintf(r->f, "    %-*s  %-*s  %-*s  %s\n", (int)wf, "FAMILY", (int)wv, "VERSION", (int)wp, "PATH",
		"LOADED BY (HOW)");
	off(r);
	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		fputs("    ", r->f);
		gs_putvis_pad(r->f, l->family, (int)wf);
		fputs("  ", r->f);
		gs_putvis_pad(r->f, l->file_version, (int)wv);
		fputs("  ", r->f);
		gs_putvis_pad(r->f, l->path, (int)wp);
		fputs("  ", r->f);
		if (l->loaded_by) {
			gs_putvis(r->f, l->loaded_by);
			fprintf(r->f, " (%s)\n", l->how ? l->how : "?");
		} else {
			fputs("- (origin ", r->f);
			gs_putvis(r->f, l->origin);
			fputs(")\n", r->f);
		}
		if (l->realpath && l->path && strcmp(l->realpath, l->path) != 0) {
			fprintf(r->f, "    %-*s  -> ", (int)(wf + 2 + wv), "");
			gs_putvis(r->f, l->realpath);
			fputc('\n', r->f);
		}
		if (r->verbose) {
			fprintf(r->f, "    %-*s  soname ", (int)(wf + 2 + wv), "");
			gs_putvis(r->f, l->soname);
			fputs("  build-id ", r->f);
			gs_putvis(r->f, l->build_id);
			if (l->has_size)
				fprintf(r->f, "  size %lld", l->size);
			if (l->has_mtime)
				fprintf(r->f, "  mtime %lld", l->mtime);
			fputc('\n', r->f);
		}
	}
}

static void calls(const struct gs_render *r, const struct gs_model *m, const struct gs_proc *p)
{
	if (!p->calls.n)
		return;
	section(r, "calls");
	for (size_t i = 0; i < p->calls.n; i++) {
		const struct gs_call *c = &p->calls.v[i];
		fputs("    ", r->f);
		gs_putvis(r->f, c->fn);
		put_rc(r, gs_call_rc_name(m, p, c, c->rc), c->has_rc, c->rc);
		put_lib_ref(r, m, p, c->has_lib, c->lib);
		if (c->count > 1)
			fprintf(r->f, " (x%lld)", c->count);
		if (c->no_real) {
			fputs(" from gpushim's stand-in: no real ", r->f);
			gs_putvis(r->f, c->fn);
			fputs(" for ", r->f);
			gs_putvis(r->f, c->caller ? c->caller : "its caller");
		}
		if (c->via && r->verbose) {
			fputs(" via ", r->f);
			gs_putvis(r->f, c->via);
		}
		if (r->verbose && c->dur_ns)
			fprintf(r->f, " %.3f ms", (double)c->dur_ns / 1e6);
		fputc('\n', r->f);
		if (c->args && json_object_size(c->args)) {
			fputs("        args: ", r->f);
			put_kv(r, c->args);
			fputc('\n', r->f);
		}
		if (c->out && json_object_size(c->out)) {
			fputs("        out: ", r->f);
			put_kv(r, c->out);
			fputc('\n', r->f);
		}
		if (c->ver && json_object_size(c->ver)) {
			fputs("        versions: ", r->f);
			put_kv(r, c->ver);
			fputc('\n', r->f);
		}
		for (size_t j = 0; j < c->inner.n; j++) {
			const struct gs_inner *n = &c->inner.v[j];
			struct gs_call tmp = { .fn = n->fn, .has_lib = n->has_lib, .lib = n->lib };
			fputs("        inside: ", r->f);
			gs_putvis(r->f, n->fn);
			put_rc(r, gs_call_rc_name(m, p, &tmp, n->rc), n->has_rc, n->rc);
			put_lib_ref(r, m, p, n->has_lib, n->lib);
			fputc('\n', r->f);
		}
		put_stack(r, &c->stack, "        ");
	}
}

/* Without -v, failed probes that a later load made good are only counted:
 * they are how cuDNN looks for its sub-libraries, not a failure. */
static void loads(const struct gs_render *r, const struct gs_proc *p)
{
	size_t nfail = 0, nprobe = 0;
	for (size_t i = 0; i < p->loads.n; i++) {
		if (r->verbose || p->loads.v[i].ok)
			continue;
		if (gs_load_is_probe(p, i))
			nprobe++;
		else
			nfail++;
	}
	if (!nfail && !nprobe && !(r->verbose && p->loads.n))
		return;
	section(r, r->verbose ? "loads" : "failed loads");
	if (nprobe)
		fprintf(r->f, "    (%zu failed probe%s that a later load made good: -v shows them)\n", nprobe,
			nprobe == 1 ? "" : "s");
	for (size_t i = 0; i < p->loads.n; i++) {
		const struct gs_load *l = &p->loads.v[i];
		if ((l->ok || gs_load_is_probe(p, i)) && !r->verbose)
			continue;
		fputs("    ", r->f);
		gs_putvis(r->f, l->fn ? l->fn : "dlopen");
		fputc(' ', r->f);
		gs_putvis(r->f, l->name);
		if (l->ok) {
			on(r, GREEN);
			fputs(" ok", r->f);
			off(r);
			if (l->how)
				fprintf(r->f, " (%s)", l->how);
		} else {
			on(r, RED);
			fputs(" FAILED", r->f);
			off(r);
		}
		fputc('\n', r->f);
		if (l->err) {
			fputs("        error: ", r->f);
			gs_putvis(r->f, l->err);
			fputc('\n', r->f);
		}
		if (l->caller) {
			fputs("        asked by: ", r->f);
			gs_putvis(r->f, l->caller);
			fputc('\n', r->f);
		}
		if (l->candidates.n) {
			fputs("        candidates:", r->f);
			for (size_t k = 0; k < l->candidates.n; k++) {
				fputc(' ', r->f);
				gs_putvis(r->f, l->candidates.v[k]);
			}
			fputc('\n', r->f);
		} else if (!l->ok) {
			fputs("        candidates: none found\n", r->f);
		}
		put_stack(r, &l->stack, "        ");
	}
}

static void symbols(const struct gs_render *r, const struct gs_model *m, const struct gs_proc *p)
{
	size_t nfail = 0;
	for (size_t i = 0; i < p->syms.n; i++)
		nfail += !p->syms.v[i].ok;
	if (!nfail && !(r->verbose && p->syms.n))
		return;
	section(r, r->verbose ? "symbol lookups" : "failed symbol lookups");
	for (size_t i = 0; i < p->syms.n; i++) {
		const struct gs_sym *s = &p->syms.v[i];
		if (s->ok && !r->verbose)
			continue;
		fputs("    ", r->f);
		gs_putvis(r->f, s->fn ? s->fn : "dlsym");
		fputc(' ', r->f);
		gs_putvis(r->f, s->sym);
		if (s->ver) {
			fputc('@', r->f);
			gs_putvis(r->f, s->ver);
		}
		put_lib_ref(r, m, p, s->has_handle, s->handle);
		on(r, s->ok ? GREEN : RED);
		fputs(s->ok ? " ok" : " FAILED", r->f);
		off(r);
		if (s->ok && s->has_lib && (!s->has_handle || s->lib != s->handle)) {
			fputs(", defined", r->f);
			put_lib_ref(r, m, p, s->has_lib, s->lib);
		}
		fputc('\n', r->f);
		if (s->err) {
			fputs("        error: ", r->f);
			gs_putvis(r->f, s->err);
			fputc('\n', r->f);
		}
		put_stack(r, &s->stack, "        ");
	}
}

static void folded(const struct gs_render *r, const struct gs_model *m, const struct gs_proc *p)
{
	if (!p->folds.n)
		return;
	section(r, "folded calls (totals)");
	for (size_t i = 0; i < p->folds.n; i++) {
		const struct gs_fold *f = &p->folds.v[i];
		struct gs_call tmp = { .fn = f->fn, .has_lib = f->has_lib, .lib = f->lib };
		fputs("    ", r->f);
		gs_putvis(r->f, f->fn);
		put_rc(r, gs_call_rc_name(m, p, &tmp, f->rc), f->has_rc, f->rc);
		put_lib_ref(r, m, p, f->has_lib, f->lib);
		fprintf(r->f, " (x%lld)\n", f->count);
	}
}

static void accounting(const struct gs_render *r, const struct gs_proc *p)
{
	fputs("\n  ", r->f);
	on(r, BOLD);
	fputs("accounting", r->f);
	off(r);
	if (!p->has_bye || p->sent < 0 || p->dropped < 0) {
		fprintf(r->f, "  received %lld, no bye (still running, killed, or its bye was lost)  ",
			p->received);
		on(r, YELLOW);
		fputs("incomplete", r->f);
		off(r);
	} else {
		fprintf(r->f, "  received %lld + dropped %lld = %lld, sent %lld  ", p->received,
			p->dropped, p->received + p->dropped, p->sent);
		if (gs_proc_complete(p)) {
			on(r, GREEN);
			fputs(p->dropped ? "complete (drops counted)" : "complete", r->f);
		} else {
			on(r, RED);
			long long lost = p->sent - p->dropped - p->received;
			fprintf(r->f, "MISMATCH: %lld record%s unaccounted for", lost, lost == 1 ? "" : "s");
		}
		off(r);
	}
	if (p->folded > 0)
		fprintf(r->f, "; %lld calls folded", p->folded);
	fputc('\n', r->f);
}

static void process(const struct gs_render *r, const struct gs_model *m, const struct gs_proc *p)
{
	fputc('\n', r->f);
	on(r, BOLD);
	fprintf(r->f, "process %lld", p->pid);
	off(r);
	gs_put_pidns(r->f, m, p->pidns);
	if (p->has_ppid)
		fprintf(r->f, " (parent %lld)", p->ppid);
	if (p->image > 1)
		fprintf(r->f, " [image %d, after exec]", p->image);
	if (p->forked)
		fputs(" [forked]", r->f);
	fputc('\n', r->f);
	if (!p->has_hello)
		fputs("  (its hello record did not arrive: no process details)\n", r->f);
	if (p->exe) {
		fputs("  exe      ", r->f);
		gs_putvis(r->f, p->exe);
		fputc('\n', r->f);
	}
	if (p->argv.n) {
		fputs("  argv     ", r->f);
		put_argv(r, p);
		fputc('\n', r->f);
	}
	if (p->has_hello) {
		fputs("  driver   kernel module ", r->f);
		if (p->kernel_driver)
			gs_putvis(r->f, p->kernel_driver);
		else
			fputs("not loaded", r->f);
		fprintf(r->f, ", /dev/nvidiactl %s\n",
			p->nvidiactl < 0 ? "unknown" : p->nvidiactl ? "present" : "absent");
	}
	if (p->env && json_object_size(p->env)) {
		fputs("  env      ", r->f);
		put_kv(r, p->env);
		fputc('\n', r->f);
	}
	if (r->verbose && p->has_hello) {
		fputs("  glibc ", r->f);
		gs_putvis(r->f, p->glibc);
		fputs("  container ", r->f);
		gs_putvis(r->f, p->container);
		fputs("  shim ", r->f);
		gs_putvis(r->f, p->shim);
		fputc('\n', r->f);
	}
	if (p->has_exit) {
		fputs("  result   ", r->f);
		put_exit(r, p->exit_status);
		fputc('\n', r->f);
	}
	libraries(r, p);
	calls(r, m, p);
	loads(r, p);
	symbols(r, m, p);
	folded(r, m, p);
	accounting(r, p);
}

void gs_render_text(const struct gs_render *r, const struct gs_model *m)
{
	struct gs_proc **order;
	int *depth;
	size_t n = gs_model_tree(m, &order, &depth);

	on(r, BOLD);
	fputs("gpushim report", r->f);
	off(r);
	fprintf(r->f, ": %zu process%s, %lld records", n, n == 1 ? "" : "es", m->records);
	if (m->has_cmd) {
		fprintf(r->f, "; command (pid %lld) ", m->cmd_pid);
		put_exit(r, m->cmd_status);
	}
	fputc('\n', r->f);
	if (n > 1) {
		fputs("\nprocess tree\n", r->f);
		for (size_t i = 0; i < n; i++) {
			fprintf(r->f, "  %*s%lld", depth[i] * 2, "", order[i]->pid);
			gs_put_pidns(r->f, m, order[i]->pidns);
			fputs("  ", r->f);
			if (order[i]->argv.n)
				put_argv(r, order[i]);
			else
				gs_putvis(r->f, order[i]->exe);
			fputc('\n', r->f);
		}
	}
	if (!n)
		fputs("no records from any process (did the program touch a GPU library?)\n", r->f);
	for (size_t i = 0; i < n; i++)
		process(r, m, order[i]);
	free(order);
	free(depth);

	/* last, so the diagnosis is what stays on the screen */
	gs_findings_text(r->f, m, r->color, r->verbose);
	bool any = false;
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		any |= m->bad[k] != 0;
	if (any) {
		fputs("\nbad input (ignored):", r->f);
		for (int k = 0; k < GS_BAD_NKINDS; k++)
			if (m->bad[k])
				fprintf(r->f, " %s %lld", gs_bad_key(k), m->bad[k]);
		fputc('\n', r->f);
	}
}
