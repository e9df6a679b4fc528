/* Building one finding: message, fix, evidence, and the symptoms it
 * explains. Claims are committed only when the finding is emitted, so a
 * rule that gives up leaves the symptoms to later rules. */
#include "findings.h"
#include "findings_rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

void fb_init(struct gs_fb *b, const char *id, const char *severity)
{
	memset(b, 0, sizeof *b);
	b->id = id;
	b->severity = severity;
	b->evidence = json_array();
	b->explains = json_array();
}

static char *vfmt(const char *fmt, va_list ap)
{
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

void fb_msg(struct gs_fb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(b->msg);
	b->msg = vfmt(fmt, ap);
	va_end(ap);
}

void fb_fix(struct gs_fb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(b->fix);
	b->fix = vfmt(fmt, ap);
	va_end(ap);
}

void fb_ev(struct gs_fb *b, json_t *ev)
{
	if (ev && b->evidence)
		json_array_append_new(b->evidence, ev);
	else
		json_decref(ev);
}

void fb_ev_hello(struct gs_fb *b, const struct gs_proc *p)
{
	if (!p->has_hello)
		return;
	fb_ev(b, json_pack("{s:s, s:o, s:o, s:o}", "record", "hello",
			   "kernel_driver", jstr(p->kernel_driver),
			   "nvidiactl", p->nvidiactl < 0 ? json_null() : json_boolean(p->nvidiactl),
			   "container", jstr(p->container)));
}

void fb_ev_lib(struct gs_fb *b, const struct gs_lib *l)
{
	if (!l)
		return;
	/* the same library twice in one finding is noise */
	for (size_t i = 0; i < json_array_size(b->evidence); i++) {
		json_t *e = json_array_get(b->evidence, i);
		json_t *id = json_object_get(e, "id");
		if (json_is_integer(id) && json_integer_value(id) == l->id &&
		    !strcmp(json_string_value(json_object_get(e, "record")), "lib"))
			return;
	}
	fb_ev(b, json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o}", "record", "lib",
			   "id", (json_int_t)l->id, "family", jstr(l->family), "path", jstr(l->path),
			   "realpath", jstr(l->realpath), "file_version", jstr(l->file_version),
			   "loaded_by", jstr(l->loaded_by), "how", jstr(l->how)));
}

void fb_ev_env(struct gs_fb *b, const struct gs_proc *p, const char *name)
{
	const char *v = fq_env(p, name);
	fb_ev(b, json_pack("{s:s, s:s, s:o}", "record", "env", "name", name, "value", jstr(v)));
}

void fb_ev_file(struct gs_fb *b, const char *path, const char *version, const char *why)
{
	fb_ev(b, json_pack("{s:s, s:o, s:o, s:o}", "record", "file", "path", jstr(path),
			   "version", jstr(version), "found_in", jstr(why)));
}

/* Adds S to EXPLAINS unless there; returns whether it was new. */
static bool add_explains(struct gs_fb *b, const char *s)
{
	for (size_t i = 0; i < json_array_size(b->explains); i++)
		if (!strcmp(json_string_value(json_array_get(b->explains, i)), s))
			return false;
	json_array_append_new(b->explains, json_string(s));
	return true;
}

/* "X returned A" phrases for the message, joined at emit time. */
static void add_symptom_text(struct gs_fb *b, const char *s)
{
	char *n = NULL;
	if (asprintf(&n, "%s%s%s", b->symptoms ? b->symptoms : "", b->symptoms ? "\x1f" : "", s) < 0)
		return;
	free(b->symptoms);
	b->symptoms = n;
}

void fb_explain_call(struct gs_fctx *cx, struct gs_fb *b, size_t i)
{
	const struct gs_call *c = &cx->p->calls.v[i];
	const char *name = fq_rc_name(cx, c);
	char *s = NULL, *t = NULL;
	size_t *slot = GS_PUSH(&b->calls);
	if (slot)
		*slot = i;
	if (asprintf(&s, "%s = %lld %s", c->fn ? c->fn : "?", c->rc, name ? name : "(unknown)") < 0)
		return;
	if (add_explains(b, s)) {
		const struct gs_lib *l = c->has_lib ? fq_lib(cx, c->lib) : NULL;
		fb_ev(b, json_pack("{s:s, s:o, s:I, s:o, s:o, s:o}", "record", "call",
				   "fn", jstr(c->fn), "rc", (json_int_t)c->rc, "rc_name", jstr(name),
				   "lib", jstr(l ? l->path : NULL),
				   "ver", c->ver ? json_deep_copy(c->ver) : json_null()));
		if (asprintf(&t, "%s returned %lld %s", c->fn ? c->fn : "?", c->rc,
			     name ? name : "(unknown code)") >= 0)
			add_symptom_text(b, t);
	}
	free(s);
	free(t);
}

static json_t *jstrv(const gs_strv *v)
{
	json_t *a = json_array();
	for (size_t i = 0; i < v->n; i++)
		json_array_append_new(a, jstr(v->v[i]));
	return a;
}

void fb_explain_load(struct gs_fctx *cx, struct gs_fb *b, size_t i)
{
	const struct gs_load *l = &cx->p->loads.v[i];
	char *s = NULL;
	size_t *slot = GS_PUSH(&b->loads);
	if (slot)
		*slot = i;
	if (asprintf(&s, "%s %s failed", l->fn ? l->fn : "dlopen", l->name ? l->name : "(null)") < 0)
		return;
	if (add_explains(b, s))
		fb_ev(b, json_pack("{s:s, s:o, s:b, s:o, s:o, s:o}", "record", "dlopen",
				   "name", jstr(l->name), "ok", l->ok, "caller", jstr(l->caller),
				   "err", jstr(l->err), "candidates", jstrv(&l->candidates)));
	free(s);
}

void fb_explain_sym(struct gs_fctx *cx, struct gs_fb *b, size_t i)
{
	const struct gs_sym *y = &cx->p->syms.v[i];
	const struct gs_lib *h = y->has_handle ? fq_lib(cx, y->handle) : NULL;
	char *s = NULL;
	size_t *slot = GS_PUSH(&b->syms);
	if (slot)
		*slot = i;
	if (asprintf(&s, "%s %s failed", y->fn ? y->fn : "dlsym", y->sym ? y->sym : "(null)") < 0)
		return;
	if (add_explains(b, s))
		fb_ev(b, json_pack("{s:s, s:o, s:o, s:o, s:o}", "record", "dlsym", "sym", jstr(y->sym),
				   "handle", jstr(h ? h->path : NULL), "caller", jstr(y->caller),
				   "err", jstr(y->err)));
	free(s);
}

void fb_explain_exit(struct gs_fctx *cx, struct gs_fb *b)
{
	const struct gs_proc *p = cx->p;
	char *s = NULL;
	if (!p->has_exit || !WIFSIGNALED(p->exit_status))
		return;
	if (asprintf(&s, "killed by signal %d", WTERMSIG(p->exit_status)) < 0)
		return;
	if (add_explains(b, s)) {
		fb_ev(b, json_pack("{s:s, s:i}", "record", "exit", "signal", WTERMSIG(p->exit_status)));
		char *t = NULL;
		if (asprintf(&t, "the program was killed by signal %d", WTERMSIG(p->exit_status)) >= 0)
			add_symptom_text(b, t);
		free(t);
	}
	free(s);
}

/* "a, b and c" from the \x1f-separated list. */
static char *join_symptoms(const char *list)
{
	size_t n = 1;
	for (const char *s = list; *s; s++)
		n += *s == '\x1f';
	char *out = malloc(strlen(list) + n * 5 + 1), *o = out;
	if (!out)
		return NULL;
	size_t k = 0;
	for (const char *s = list;; s++) {
		if (*s == '\x1f' || !*s) {
			if (!*s)
				break;
			k++;
			const char *sep = k == n - 1 ? " and " : ", ";
			memcpy(o, sep, strlen(sep));
			o += strlen(sep);
			continue;
		}
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

void fb_drop(struct gs_fb *b)
{
	free(b->msg);
	free(b->fix);
	free(b->symptoms);
	json_decref(b->evidence);
	json_decref(b->explains);
	free(b->calls.v);
	free(b->loads.v);
	free(b->syms.v);
	memset(b, 0, sizeof *b);
}

int fb_emit(struct gs_fctx *cx, struct gs_fb *b)
{
	char *msg = NULL, *why = b->symptoms ? join_symptoms(b->symptoms) : NULL;
	int rc = -1;
	if (b->msg && asprintf(&msg, "%s%s%s.", b->msg, why ? "; this is why " : "", why ? why : "") >= 0) {
		rc = gs_finding_add(cx->m, b->id, b->severity, cx->p->pidns, cx->p->pid, msg, b->fix, b->evidence);
		b->evidence = NULL; /* stolen, even on failure */
		if (rc == 0) {
			struct gs_finding *f = cx->m->findings.v[cx->m->findings.n - 1];
			json_decref(f->explains);
			f->explains = b->explains;
			b->explains = NULL;
			for (size_t i = 0; i < b->calls.n; i++)
				cx->claimed_call[b->calls.v[i]] = true;
			for (size_t i = 0; i < b->loads.n; i++)
				cx->claimed_load[b->loads.v[i]] = true;
			for (size_t i = 0; i < b->syms.n; i++)
				cx->claimed_sym[b->syms.v[i]] = true;
		}
	}
	free(msg);
	free(why);
	fb_drop(b);
	return rc;
}
