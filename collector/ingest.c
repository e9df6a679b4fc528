/* Turns record lines into the model (model.h). Never trusts a field: each
 * is read through a typed getter that ignores (and counts) wrong types. */
#include "ingest.h"
#include "escape.h"
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rd {
	struct gs_ingest *in;
	json_t *o;
	bool bad_field;
};

static void field_bad(struct rd *r, const char *key)
{
	if (!r->bad_field) {
		r->bad_field = true;
		gs_ingest_bad(r->in, GS_BAD_FIELD, key);
	}
}

/* String field: NULL when absent or null; wrong type is counted. */
static char *get_str(struct rd *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		field_bad(r, key);
		return NULL;
	}
	return strdup(json_string_value(v));
}

static bool get_int(struct rd *r, json_t *o, const char *key, long long *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return false;
	if (!json_is_integer(v)) {
		field_bad(r, key);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

static bool get_bool(struct rd *r, json_t *o, const char *key, bool *out)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return false;
	if (!json_is_boolean(v)) {
		field_bad(r, key);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static void get_strv(struct rd *r, json_t *o, const char *key, gs_strv *out)
{
	json_t *v = json_object_get(o, key), *e;
	size_t i;
	if (!v || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		field_bad(r, key);
		return;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			field_bad(r, key);
			continue;
		}
		char **slot = GS_PUSH(out);
		if (slot)
			*slot = strdup(json_string_value(e));
	}
}

/* "stack": [[object, offset, symbol], ...] */
static void get_stack(struct rd *r, json_t *o, gs_stack *out)
{
	json_t *v = json_object_get(o, "stack"), *fr;
	size_t i;
	if (!v || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		field_bad(r, "stack");
		return;
	}
	json_array_foreach(v, i, fr) {
		json_t *obj = json_array_get(fr, 0), *off = json_array_get(fr, 1),
		       *sym = json_array_get(fr, 2);
		if (!json_is_array(fr) || json_array_size(fr) < 2 ||
		    !(json_is_string(obj) || json_is_null(obj)) || !json_is_integer(off) ||
		    !(!sym || json_is_string(sym) || json_is_null(sym))) {
			field_bad(r, "stack");
			continue;
		}
		struct gs_frame *f = GS_PUSH(out);
		if (!f)
			return;
		f->object = json_is_string(obj) ? strdup(json_string_value(obj)) : NULL;
		f->offset = json_integer_value(off);
		f->symbol = json_is_string(sym) ? strdup(json_string_value(sym)) : NULL;
	}
}

/* An object whose values are scalars (out, args, ver, env): a filtered
 * copy, so the renderers can print it without re-checking. */
static json_t *get_scalars(struct rd *r, json_t *o, const char *key, bool strings_only)
{
	json_t *v = json_object_get(o, key), *e;
	const char *k;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_object(v)) {
		field_bad(r, key);
		return NULL;
	}
	json_t *copy = json_object();
	if (!copy)
		return NULL;
	json_object_foreach(v, k, e) {
		bool ok = strings_only ? json_is_string(e)
				       : (json_is_string(e) || json_is_integer(e) ||
					  json_is_real(e) || json_is_boolean(e) || json_is_null(e));
		if (!ok) {
			field_bad(r, key);
			continue;
		}
		json_object_set(copy, k, e);
	}
	return copy;
}

/* A second hello in one image (only hostile input has one) replaces the
 * first: what it held is freed, not leaked. */
static void set_str(char **dst, char *v)
{
	free(*dst);
	*dst = v;
}

static void rec_hello(struct rd *r, struct gs_proc *p)
{
	json_t *o = r->o;
	bool b;
	p->has_hello = true;
	p->has_ppid = get_int(r, o, "ppid", &p->ppid);
	set_str(&p->exe, get_str(r, o, "exe"));
	for (size_t i = 0; i < p->argv.n; i++)
		free(p->argv.v[i]);
	p->argv.n = 0;
	get_strv(r, o, "argv", &p->argv);
	get_bool(r, o, "argv_trunc", &p->argv_trunc);
	json_decref(p->env);
	p->env = get_scalars(r, o, "env", true);
	set_str(&p->kernel_driver, get_str(r, o, "kernel_driver"));
	if (get_bool(r, o, "nvidiactl", &b))
		p->nvidiactl = b;
	set_str(&p->glibc, get_str(r, o, "glibc"));
	set_str(&p->container, get_str(r, o, "container"));
	get_bool(r, o, "forked", &p->forked);
	set_str(&p->shim, get_str(r, o, "shim"));
	if (!get_int(r, o, "stack_depth", &p->stack_depth))
		p->stack_depth = -1;
}

static void rec_lib(struct rd *r, struct gs_proc *p)
{
	json_t *o = r->o;
	long long id;
	if (!get_int(r, o, "id", &id)) {
		field_bad(r, "id");
		return;
	}
	for (size_t i = 0; i < p->libs.n; i++)
		if (p->libs.v[i].id == id)
			return; /* sent once per process; a repeat adds nothing */
	struct gs_lib *l = GS_PUSH(&p->libs);
	if (!l)
		return;
	l->id = id;
	l->family = get_str(r, o, "family");
	l->path = get_str(r, o, "path");
	l->realpath = get_str(r, o, "realpath");
	l->soname = get_str(r, o, "soname");
	l->file_version = get_str(r, o, "file_version");
	l->build_id = get_str(r, o, "build_id");
	l->base = get_str(r, o, "base");
	l->origin = get_str(r, o, "origin");
	l->needed_by = get_str(r, o, "needed_by");
	l->has_size = get_int(r, o, "size", &l->size);
	l->has_mtime = get_int(r, o, "mtime", &l->mtime);
}

static void rec_dlopen(struct rd *r, struct gs_proc *p)
{
	json_t *o = r->o, *deps;
	struct gs_load *l = GS_PUSH(&p->loads);
	if (!l)
		return;
	l->fn = get_str(r, o, "fn");
	l->name = get_str(r, o, "name");
	l->caller = get_str(r, o, "caller");
	l->how = get_str(r, o, "how");
	l->err = get_str(r, o, "err");
	get_bool(r, o, "ok", &l->ok);
	get_int(r, o, "flags", &l->flags);
	l->has_lib = get_int(r, o, "lib", &l->lib);
	l->has_errno = get_int(r, o, "errno", &l->errnum);
	get_int(r, o, "dur_ns", &l->dur_ns);
	get_strv(r, o, "candidates", &l->candidates);
	deps = json_object_get(o, "deps");
	if (deps && !json_is_null(deps)) {
		json_t *e;
		size_t i;
		if (!json_is_array(deps))
			field_bad(r, "deps");
		json_array_foreach(deps, i, e) {
			long long *d;
			if (!json_is_integer(e)) {
				field_bad(r, "deps");
				continue;
			}
			if ((d = GS_PUSH(&l->deps)))
				*d = json_integer_value(e);
		}
	}
	get_stack(r, o, &l->stack);
}

static void rec_dlsym(struct rd *r, struct gs_proc *p)
{
	json_t *o = r->o;
	struct gs_sym *s = GS_PUSH(&p->syms);
	if (!s)
		return;
	s->fn = get_str(r, o, "fn");
	s->sym = get_str(r, o, "sym");
	s->ver = get_str(r, o, "ver");
	s->caller = get_str(r, o, "caller");
	s->err = get_str(r, o, "err");
	get_bool(r, o, "ok", &s->ok);
	get_bool(r, o, "wrapped", &s->wrapped);
	s->has_handle = get_int(r, o, "handle", &s->handle);
	s->has_lib = get_int(r, o, "lib", &s->lib);
	get_stack(r, o, &s->stack);
}

static void rec_dlclose(struct rd *r, struct gs_proc *p)
{
	struct gs_close *c = GS_PUSH(&p->closes);
	if (!c)
		return;
	get_int(r, r->o, "lib", &c->lib);
	get_int(r, r->o, "rc", &c->rc);
	c->err = get_str(r, r->o, "err");
}

static void rec_call(struct rd *r, struct gs_proc *p)
{
	json_t *o = r->o, *inner;
	struct gs_call *c = GS_PUSH(&p->calls);
	if (!c)
		return;
	c->fn = get_str(r, o, "fn");
	c->family = get_str(r, o, "family");
	c->via = get_str(r, o, "via");
	c->has_lib = get_int(r, o, "lib", &c->lib);
	c->has_rc = get_int(r, o, "rc", &c->rc);
	if (!get_int(r, o, "count", &c->count) || c->count < 1)
		c->count = 1;
	get_int(r, o, "dur_ns", &c->dur_ns);
	c->out = get_scalars(r, o, "out", false);
	c->args = get_scalars(r, o, "args", false);
	c->ver = get_scalars(r, o, "ver", false);
	inner = json_object_get(o, "inner");
	if (inner && !json_is_null(inner)) {
		json_t *e;
		size_t i;
		if (!json_is_array(inner))
			field_bad(r, "inner");
		json_array_foreach(inner, i, e) {
			if (!json_is_object(e)) {
				field_bad(r, "inner");
				continue;
			}
			struct gs_inner *n = GS_PUSH(&c->inner);
			if (!n)
				break;
			n->fn = get_str(r, e, "fn");
			n->has_lib = get_int(r, e, "lib", &n->lib);
			n->has_rc = get_int(r, e, "rc", &n->rc);
		}
	}
	get_stack(r, o, &c->stack);
}

static void rec_bye(struct rd *r, struct gs_proc *p)
{
	json_t *o = r->o, *calls;
	long long v;
	p->has_bye = true;
	/* Negative counters are nonsense; treat them as absent. */
	p->sent = get_int(r, o, "sent", &v) && v >= 0 ? v : -1;
	p->dropped = get_int(r, o, "dropped", &v) && v >= 0 ? v : -1;
	p->folded = get_int(r, o, "folded", &v) && v >= 0 ? v : -1;
	p->bye_reason = get_str(r, o, "reason");
	calls = json_object_get(o, "calls");
	if (calls && !json_is_null(calls)) {
		json_t *e;
		size_t i;
		if (!json_is_array(calls))
			field_bad(r, "calls");
		json_array_foreach(calls, i, e) {
			if (!json_is_object(e)) {
				field_bad(r, "calls");
				continue;
			}
			struct gs_fold *f = GS_PUSH(&p->folds);
			if (!f)
				break;
			f->fn = get_str(r, e, "fn");
			f->has_lib = get_int(r, e, "lib", &f->lib);
			f->has_rc = get_int(r, e, "rc", &f->rc);
			get_int(r, e, "count", &f->count);
		}
	}
}

static const struct {
	const char *type;
	void (*fn)(struct rd *, struct gs_proc *);
} handlers[] = {
	{ "hello", rec_hello }, { "lib", rec_lib }, { "dlopen", rec_dlopen },
	{ "dlsym", rec_dlsym }, { "dlclose", rec_dlclose }, { "call", rec_call },
	{ "bye", rec_bye },
};

/* Which model entry a record of PID belongs to: a record after a bye, or a
 * sequence restarting at 1, starts the next image (exec, or pid reuse). */
static struct gs_proc *proc_for(struct gs_model *m, long long pid, long long seq)
{
	struct gs_proc *p = gs_model_current(m, pid);
	if (!p || p->has_bye || (seq == 1 && p->max_seq >= 1))
		p = gs_model_new_proc(m, pid);
	return p;
}

int gs_ingest_line(struct gs_ingest *in, const char *line, size_t len)
{
	json_error_t err;
	json_t *o;
	long long v, pid, seq, drops;
	const char *type;

	if (len + 1 > GS_RECORD_MAX) {
		gs_ingest_bad(in, GS_BAD_TOO_LONG, NULL);
		return -1;
	}
	/* Strict: UTF-8 is checked, \u0000 rejected, nesting depth bounded. */
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &err);
	if (!o) {
		gs_ingest_bad(in, GS_BAD_JSON, err.text);
		return -1;
	}
	if (!json_is_object(o)) {
		gs_ingest_bad(in, GS_BAD_NOT_OBJECT, NULL);
		json_decref(o);
		return -1;
	}
	struct rd r = { .in = in, .o = o };
	json_t *jv = json_object_get(o, "v"), *jt = json_object_get(o, "type"),
	       *jp = json_object_get(o, "pid"), *js = json_object_get(o, "seq");
	if (!json_is_integer(jv) || !json_is_string(jt) || !json_is_integer(jp) ||
	    !json_is_integer(js) || json_integer_value(jv) < 1 ||
	    json_integer_value(jp) < 1 || json_integer_value(js) < 1) {
		/* a future version may change anything, even the header */
		bool future = json_is_integer(jv) && json_integer_value(jv) > GS_FORMAT_VERSION;
		gs_ingest_bad(in, future ? GS_BAD_FUTURE : GS_BAD_HEADER, NULL);
		json_decref(o);
		return -1;
	}
	v = json_integer_value(jv);
	if (v > GS_FORMAT_VERSION) {
		gs_ingest_bad(in, GS_BAD_FUTURE, NULL);
		json_decref(o);
		return -1;
	}
	type = json_string_value(jt);
	pid = json_integer_value(jp);
	seq = json_integer_value(js);

	size_t h;
	for (h = 0; h < sizeof handlers / sizeof handlers[0]; h++)
		if (!strcmp(type, handlers[h].type))
			break;
	struct gs_proc *p = proc_for(in->m, pid, seq);
	if (!p) {
		json_decref(o);
		return -1;
	}
	/* Counted before the type check: the shim sent it, so the
	 * accounting must see it even if this reader cannot use it. */
	p->received++;
	if (seq > p->max_seq)
		p->max_seq = seq;
	if (get_int(&r, o, "drops", &drops) && drops > 0)
		p->drops_seen += drops;
	in->m->records++;
	if (h == sizeof handlers / sizeof handlers[0]) {
		gs_ingest_bad(in, GS_BAD_TYPE, type);
		json_decref(o);
		return 0;
	}
	handlers[h].fn(&r, p);
	json_decref(o);
	if (in->on_record)
		in->on_record(in->ctx, in->m, p, handlers[h].type);
	return 0;
}

void gs_ingest_bad(struct gs_ingest *in, enum gs_bad k, const char *detail)
{
	struct gs_model *m = in->m;
	if (m->bad[k]++ == 0) {
		char where[512];
		char *d = detail ? gs_vis(detail) : NULL;
		char *src = gs_vis(in->src ? in->src : "input");
		snprintf(where, sizeof where, "%s:%lld%s%s", src ? src : "?", in->lineno,
			 d ? ": " : "", d ? d : "");
		free(d);
		free(src);
		m->bad_first[k] = strdup(where);
		if (in->live_warn)
			fprintf(stderr, "gpushim: ignoring %s (first at %s); counted in the report\n",
				gs_bad_text(k), where);
	}
}

void gs_ingest_summary(const struct gs_model *m, FILE *f)
{
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		if (m->bad[k])
			fprintf(f, "gpushim: ignored %lld %s (first at %s)\n", m->bad[k],
				gs_bad_text(k), m->bad_first[k] ? m->bad_first[k] : "?");
}
