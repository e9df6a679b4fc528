/* The --json report: one document, field names documented in
 * docs/report-json.md. Strings are the program's bytes as received;
 * JSON_ENSURE_ASCII writes everything outside printable ASCII as \uXXXX,
 * so no control byte from the traced program reaches the output raw. */
#include "render.h"
#include "findings.h"
#include "format.h"

#include <stdlib.h>

#include <string.h>
#include <sys/wait.h>

static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

static json_t *jint_if(bool has, long long v)
{
	return has ? json_integer(v) : json_null();
}

static json_t *jcopy(json_t *o)
{
	return o ? json_deep_copy(o) : json_null();
}

static json_t *jstrv(const gs_strv *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, jstr(s->v[i]));
	return a;
}

static json_t *jstack(const gs_stack *s)
{
	json_t *a = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(a, json_pack("{s:o, s:I, s:o}", "object", jstr(s->v[i].object),
						   "offset", (json_int_t)s->v[i].offset,
						   "symbol", jstr(s->v[i].symbol)));
	return a;
}

static json_t *jrc(const struct gs_model *m, const struct gs_proc *p, const struct gs_call *c,
		   bool has, long long rc)
{
	return jstr(has ? gs_call_rc_name(m, p, c, rc) : NULL);
}

json_t *gs_exit_json(int status)
{
	if (WIFSIGNALED(status))
		return json_pack("{s:i, s:n, s:i}", "status", 128 + WTERMSIG(status), "code",
				 "signal", WTERMSIG(status));
	return json_pack("{s:i, s:i, s:n}", "status", WEXITSTATUS(status), "code",
			 WEXITSTATUS(status), "signal");
}

static json_t *jlibs(const struct gs_proc *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(l->id));
		json_object_set_new(o, "family", jstr(l->family));
		json_object_set_new(o, "path", jstr(l->path));
		json_object_set_new(o, "realpath", jstr(l->realpath));
		json_object_set_new(o, "soname", jstr(l->soname));
		json_object_set_new(o, "file_version", jstr(l->file_version));
		json_object_set_new(o, "build_id", jstr(l->build_id));
		json_object_set_new(o, "size", jint_if(l->has_size, l->size));
		json_object_set_new(o, "mtime", jint_if(l->has_mtime, l->mtime));
		json_object_set_new(o, "base", jstr(l->base));
		json_object_set_new(o, "origin", jstr(l->origin));
		json_object_set_new(o, "needed_by", jstr(l->needed_by));
		json_object_set_new(o, "loaded_by", jstr(l->loaded_by));
		json_object_set_new(o, "how", jstr(l->how));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *jloads(const struct gs_proc *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->loads.n; i++) {
		const struct gs_load *l = &p->loads.v[i];
		json_t *o = json_object(), *deps = json_array();
		for (size_t d = 0; d < l->deps.n; d++)
			json_array_append_new(deps, json_integer(l->deps.v[d]));
		json_object_set_new(o, "fn", jstr(l->fn));
		json_object_set_new(o, "name", jstr(l->name));
		json_object_set_new(o, "flags", json_integer(l->flags));
		json_object_set_new(o, "ok", json_boolean(l->ok));
		json_object_set_new(o, "lib", jint_if(l->has_lib, l->lib));
		json_object_set_new(o, "how", jstr(l->how));
		json_object_set_new(o, "err", jstr(l->err));
		json_object_set_new(o, "errno", jint_if(l->has_errno, l->errnum));
		json_object_set_new(o, "candidates", jstrv(&l->candidates));
		json_object_set_new(o, "caller", jstr(l->caller));
		json_object_set_new(o, "deps", deps);
		json_object_set_new(o, "dur_ns", json_integer(l->dur_ns));
		json_object_set_new(o, "stack", jstack(&l->stack));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *jsyms(const struct gs_proc *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->syms.n; i++) {
		const struct gs_sym *s = &p->syms.v[i];
		json_t *o = json_object();
		json_object_set_new(o, "fn", jstr(s->fn));
		json_object_set_new(o, "handle", jint_if(s->has_handle, s->handle));
		json_object_set_new(o, "sym", jstr(s->sym));
		json_object_set_new(o, "ver", jstr(s->ver));
		json_object_set_new(o, "ok", json_boolean(s->ok));
		json_object_set_new(o, "lib", jint_if(s->has_lib, s->lib));
		json_object_set_new(o, "err", jstr(s->err));
		json_object_set_new(o, "caller", jstr(s->caller));
		json_object_set_new(o, "wrapped", json_boolean(s->wrapped));
		json_object_set_new(o, "stack", jstack(&s->stack));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *jcalls(const struct gs_model *m, const struct gs_proc *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->calls.n; i++) {
		const struct gs_call *c = &p->calls.v[i];
		json_t *o = json_object(), *inner = json_array();
		for (size_t j = 0; j < c->inner.n; j++) {
			const struct gs_inner *n = &c->inner.v[j];
			/* inner calls are named by their own family */
			struct gs_call tmp = { .fn = n->fn, .has_lib = n->has_lib, .lib = n->lib };
			json_array_append_new(inner, json_pack("{s:o, s:o, s:o, s:o}", "fn", jstr(n->fn),
				"lib", jint_if(n->has_lib, n->lib), "rc", jint_if(n->has_rc, n->rc),
				"rc_name", jrc(m, p, &tmp, n->has_rc, n->rc)));
		}
		json_object_set_new(o, "fn", jstr(c->fn));
		json_object_set_new(o, "family", jstr(gs_call_family(c)));
		json_object_set_new(o, "lib", jint_if(c->has_lib, c->lib));
		json_object_set_new(o, "rc", jint_if(c->has_rc, c->rc));
		json_object_set_new(o, "rc_name", jrc(m, p, c, c->has_rc, c->rc));
		json_object_set_new(o, "out", jcopy(c->out));
		json_object_set_new(o, "args", jcopy(c->args));
		json_object_set_new(o, "ver", jcopy(c->ver));
		json_object_set_new(o, "count", json_integer(c->count));
		json_object_set_new(o, "via", jstr(c->via));
		json_object_set_new(o, "no_real", json_boolean(c->no_real));
		json_object_set_new(o, "caller", jstr(c->caller));
		json_object_set_new(o, "inner", inner);
		json_object_set_new(o, "dur_ns", json_integer(c->dur_ns));
		json_object_set_new(o, "stack", jstack(&c->stack));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *jfolds(const struct gs_model *m, const struct gs_proc *p)
{
	json_t *a = json_array();
	for (size_t i = 0; i < p->folds.n; i++) {
		const struct gs_fold *f = &p->folds.v[i];
		struct gs_call tmp = { .fn = f->fn, .has_lib = f->has_lib, .lib = f->lib };
		json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:I}", "fn", jstr(f->fn),
			"lib", jint_if(f->has_lib, f->lib), "rc", jint_if(f->has_rc, f->rc),
			"rc_name", jrc(m, p, &tmp, f->has_rc, f->rc), "count", (json_int_t)f->count));
	}
	return a;
}

static json_t *jaccounting(const struct gs_proc *p)
{
	json_t *o = json_object();
	bool known = p->has_bye && p->sent >= 0 && p->dropped >= 0;
	json_object_set_new(o, "sent", jint_if(p->has_bye && p->sent >= 0, p->sent));
	json_object_set_new(o, "dropped", jint_if(p->has_bye && p->dropped >= 0, p->dropped));
	json_object_set_new(o, "received", json_integer(p->received));
	json_object_set_new(o, "folded", jint_if(p->has_bye && p->folded >= 0, p->folded));
	json_object_set_new(o, "lost", jint_if(known, known ? p->sent - p->dropped - p->received : 0));
	json_object_set_new(o, "drops_seen", json_integer(p->drops_seen));
	json_object_set_new(o, "complete", json_boolean(gs_proc_complete(p)));
	return o;
}

static json_t *jproc(const struct gs_model *m, const struct gs_proc *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "pid", json_integer(p->pid));
	json_object_set_new(o, "pidns", jint_if(p->pidns > 0, p->pidns));
	json_object_set_new(o, "ppid", jint_if(p->has_ppid, p->ppid));
	json_object_set_new(o, "image", json_integer(p->image));
	json_object_set_new(o, "hello", json_boolean(p->has_hello));
	json_object_set_new(o, "exe", jstr(p->exe));
	json_object_set_new(o, "argv", jstrv(&p->argv));
	json_object_set_new(o, "argv_trunc", json_boolean(p->argv_trunc));
	json_object_set_new(o, "env", p->env ? json_deep_copy(p->env) : json_object());
	json_object_set_new(o, "kernel_driver", jstr(p->kernel_driver));
	json_object_set_new(o, "nvidiactl", p->nvidiactl < 0 ? json_null() : json_boolean(p->nvidiactl));
	json_object_set_new(o, "glibc", jstr(p->glibc));
	json_object_set_new(o, "container", jstr(p->container));
	json_object_set_new(o, "forked", json_boolean(p->forked));
	json_object_set_new(o, "shim", jstr(p->shim));
	json_object_set_new(o, "stack_depth", jint_if(p->stack_depth >= 0, p->stack_depth));
	json_object_set_new(o, "exit", p->has_exit ? gs_exit_json(p->exit_status) : json_null());
	json_object_set_new(o, "bye_reason", jstr(p->bye_reason));
	json_object_set_new(o, "libraries", jlibs(p));
	json_object_set_new(o, "loads", jloads(p));
	json_object_set_new(o, "symbols", jsyms(p));
	json_t *closes = json_array();
	for (size_t i = 0; i < p->closes.n; i++)
		json_array_append_new(closes, json_pack("{s:I, s:I, s:o}", "lib", (json_int_t)p->closes.v[i].lib,
			"rc", (json_int_t)p->closes.v[i].rc, "err", jstr(p->closes.v[i].err)));
	json_object_set_new(o, "closes", closes);
	json_object_set_new(o, "calls", jcalls(m, p));
	json_object_set_new(o, "folded_calls", jfolds(m, p));
	json_object_set_new(o, "accounting", jaccounting(p));
	return o;
}

int gs_render_json(const struct gs_render *r, const struct gs_model *m)
{
	json_t *doc = json_object(), *procs = json_array(), *finds = json_array(),
	       *bad = json_object();
	struct gs_proc **order;
	int *depth;
	size_t n = gs_model_tree(m, &order, &depth);

	json_object_set_new(doc, "gpushim_report", json_integer(1));
	json_object_set_new(doc, "format_version", json_integer(GS_FORMAT_VERSION));
	json_object_set_new(doc, "command", m->has_cmd
		? json_pack("{s:I, s:o}", "pid", (json_int_t)m->cmd_pid, "exit", gs_exit_json(m->cmd_status))
		: json_null());
	for (size_t i = 0; i < n; i++)
		json_array_append_new(procs, jproc(m, order[i]));
	free(order);
	free(depth);
	json_object_set_new(doc, "processes", procs);
	for (size_t i = 0; i < m->findings.n; i++) {
		const struct gs_finding *f = m->findings.v[i];
		json_array_append_new(finds, json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:O, s:o}", "id", jstr(f->id),
			"severity", jstr(f->severity), "pid", jint_if(f->pid >= 0, f->pid),
			"pidns", jint_if(f->pid >= 0 && f->pidns > 0, f->pidns),
			"message", jstr(f->message), "fix", jstr(f->fix), "evidence", f->evidence,
			"explains", f->explains ? json_deep_copy(f->explains) : json_array()));
	}
	json_object_set_new(doc, "findings", finds);
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		json_object_set_new(bad, gs_bad_key(k), json_integer(m->bad[k]));
	json_object_set_new(doc, "bad_input", bad);
	json_object_set_new(doc, "records", json_integer(m->records));

	int rc = json_dumpf(doc, r->f, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (rc == 0)
		fputc('\n', r->f);
	json_decref(doc);
	return rc == 0 ? 0 : -1;
}
