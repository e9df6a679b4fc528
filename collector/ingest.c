/* Turns record lines into the model (model.h). Never trusts a field: each
 * is read through a typed getter that ignores (and counts) wrong types. */
#include "ingest.h"
#include "escape.h"
#include "format.h"
#include "ingest_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The parsed line. Static because it is large (record_parse.h); the
 * collector reads one line at a time, on one thread. */
static struct gs_jdoc rec_buf;

/* A second hello in one image (only hostile input has one) replaces the
 * first (its strings stay in the model's table). */
static void rec_hello(struct gs_rd *r, struct gs_proc *p)
{
	const struct gs_jv *o = r->o;
	bool b;
	p->has_hello = true;
	p->has_ppid = rd_int(r, o, "ppid", &p->ppid);
	p->exe = rd_str(r, o, "exe");
	p->argv.n = 0;
	rd_strv(r, o, "argv", &p->argv);
	rd_bool(r, o, "argv_trunc", &p->argv_trunc);
	json_decref(p->env);
	p->env = rd_scalars(r, o, "env", true);
	p->kernel_driver = rd_str(r, o, "kernel_driver");
	if (rd_bool(r, o, "nvidiactl", &b))
		p->nvidiactl = b;
	p->glibc = rd_str(r, o, "glibc");
	p->container = rd_str(r, o, "container");
	rd_bool(r, o, "forked", &p->forked);
	p->shim = rd_str(r, o, "shim");
	if (!rd_int(r, o, "stack_depth", &p->stack_depth))
		p->stack_depth = -1;
}

static void rec_lib(struct gs_rd *r, struct gs_proc *p)
{
	const struct gs_jv *o = r->o;
	long long id;
	if (!rd_int(r, o, "id", &id)) {
		rd_bad(r, "id");
		return;
	}
	for (size_t i = 0; i < p->libs.n; i++)
		if (p->libs.v[i].id == id)
			return; /* sent once per process; a repeat adds nothing */
	struct gs_lib *l = GS_PUSH(&p->libs);
	if (!l)
		return;
	l->id = id;
	l->family = rd_str(r, o, "family");
	l->path = rd_str(r, o, "path");
	l->realpath = rd_str(r, o, "realpath");
	l->soname = rd_str(r, o, "soname");
	l->file_version = rd_str(r, o, "file_version");
	l->build_id = rd_str(r, o, "build_id");
	l->base = rd_str(r, o, "base");
	l->origin = rd_str(r, o, "origin");
	l->needed_by = rd_str(r, o, "needed_by");
	l->has_size = rd_int(r, o, "size", &l->size);
	l->has_mtime = rd_int(r, o, "mtime", &l->mtime);
}

static void rec_dlopen(struct gs_rd *r, struct gs_proc *p)
{
	const struct gs_jv *o = r->o, *deps;
	struct gs_load *l = GS_PUSH(&p->loads);
	if (!l)
		return;
	l->fn = rd_str(r, o, "fn");
	l->name = rd_str(r, o, "name");
	l->caller = rd_str(r, o, "caller");
	l->how = rd_str(r, o, "how");
	l->err = rd_str(r, o, "err");
	rd_bool(r, o, "ok", &l->ok);
	rd_int(r, o, "flags", &l->flags);
	l->has_lib = rd_int(r, o, "lib", &l->lib);
	l->has_errno = rd_int(r, o, "errno", &l->errnum);
	rd_int(r, o, "dur_ns", &l->dur_ns);
	rd_strv(r, o, "candidates", &l->candidates);
	deps = rd_member(r, o, "deps");
	if (deps && deps->type != GS_J_ARR)
		rd_bad(r, "deps");
	else if (deps) {
		GS_JV_EACH(r->rec, deps, e) {
			long long *d;
			if (e->type != GS_J_INT) {
				rd_bad(r, "deps");
				continue;
			}
			if ((d = GS_PUSH(&l->deps)))
				*d = e->u.i;
		}
	}
	rd_stack(r, o, &l->stack);
}

static void rec_dlsym(struct gs_rd *r, struct gs_proc *p)
{
	const struct gs_jv *o = r->o;
	struct gs_sym *s = GS_PUSH(&p->syms);
	if (!s)
		return;
	s->fn = rd_str(r, o, "fn");
	s->sym = rd_str(r, o, "sym");
	s->ver = rd_str(r, o, "ver");
	s->caller = rd_str(r, o, "caller");
	s->err = rd_str(r, o, "err");
	rd_bool(r, o, "ok", &s->ok);
	rd_bool(r, o, "wrapped", &s->wrapped);
	s->has_handle = rd_int(r, o, "handle", &s->handle);
	s->has_lib = rd_int(r, o, "lib", &s->lib);
	rd_stack(r, o, &s->stack);
}

static void rec_dlclose(struct gs_rd *r, struct gs_proc *p)
{
	struct gs_close *c = GS_PUSH(&p->closes);
	if (!c)
		return;
	rd_int(r, r->o, "lib", &c->lib);
	rd_int(r, r->o, "rc", &c->rc);
	c->err = rd_str(r, r->o, "err");
}

static void rec_call(struct gs_rd *r, struct gs_proc *p)
{
	const struct gs_jv *o = r->o, *inner;
	struct gs_call *c = GS_PUSH(&p->calls);
	if (!c)
		return;
	c->fn = rd_str(r, o, "fn");
	c->family = rd_str(r, o, "family");
	c->via = rd_str(r, o, "via");
	c->caller = rd_str(r, o, "caller");
	rd_bool(r, o, "no_real", &c->no_real);
	c->has_lib = rd_int(r, o, "lib", &c->lib);
	c->has_rc = rd_int(r, o, "rc", &c->rc);
	if (!rd_int(r, o, "count", &c->count) || c->count < 1)
		c->count = 1;
	rd_int(r, o, "dur_ns", &c->dur_ns);
	c->out = rd_scalars(r, o, "out", false);
	c->args = rd_scalars(r, o, "args", false);
	c->ver = rd_scalars(r, o, "ver", false);
	inner = rd_member(r, o, "inner");
	if (inner && inner->type != GS_J_ARR)
		rd_bad(r, "inner");
	else if (inner) {
		GS_JV_EACH(r->rec, inner, e) {
			if (e->type != GS_J_OBJ) {
				rd_bad(r, "inner");
				continue;
			}
			struct gs_inner *n = GS_PUSH(&c->inner);
			if (!n)
				break;
			n->fn = rd_str(r, e, "fn");
			n->has_lib = rd_int(r, e, "lib", &n->lib);
			n->has_rc = rd_int(r, e, "rc", &n->rc);
		}
	}
	rd_stack(r, o, &c->stack);
}

static void rec_bye(struct gs_rd *r, struct gs_proc *p)
{
	const struct gs_jv *o = r->o, *calls;
	long long v;
	p->has_bye = true;
	/* Negative counters are nonsense; treat them as absent. */
	p->sent = rd_int(r, o, "sent", &v) && v >= 0 ? v : -1;
	p->dropped = rd_int(r, o, "dropped", &v) && v >= 0 ? v : -1;
	p->folded = rd_int(r, o, "folded", &v) && v >= 0 ? v : -1;
	p->bye_reason = rd_str(r, o, "reason");
	calls = rd_member(r, o, "calls");
	if (calls && calls->type != GS_J_ARR)
		rd_bad(r, "calls");
	else if (calls) {
		GS_JV_EACH(r->rec, calls, e) {
			if (e->type != GS_J_OBJ) {
				rd_bad(r, "calls");
				continue;
			}
			struct gs_fold *f = GS_PUSH(&p->folds);
			if (!f)
				break;
			f->fn = rd_str(r, e, "fn");
			f->has_lib = rd_int(r, e, "lib", &f->lib);
			f->has_rc = rd_int(r, e, "rc", &f->rc);
			rd_int(r, e, "count", &f->count);
		}
	}
}

static const struct {
	const char *type;
	void (*fn)(struct gs_rd *, struct gs_proc *);
} handlers[] = {
	{ "hello", rec_hello }, { "lib", rec_lib }, { "dlopen", rec_dlopen },
	{ "dlsym", rec_dlsym }, { "dlclose", rec_dlclose }, { "call", rec_call },
	{ "bye", rec_bye },
};

/* Which model entry a record of PID belongs to: a record after a bye, or a
 * sequence restarting at 1, starts the next image (exec, or pid reuse). */
static struct gs_proc *proc_for(struct gs_model *m, long long pidns, long long pid, long long seq)
{
	struct gs_proc *p = gs_model_current(m, pidns, pid);
	if (!p || p->has_bye || (seq == 1 && p->max_seq >= 1))
		p = gs_model_new_proc(m, pidns, pid);
	return p;
}

int gs_ingest_line(struct gs_ingest *in, const char *line, size_t len)
{
	struct gs_jdoc *rec = &rec_buf;
	long long v, pid, pidns, seq, drops;
	const char *type;

	if (len + 1 > GS_RECORD_MAX) {
		gs_ingest_bad(in, GS_BAD_TOO_LONG, NULL);
		return -1;
	}
	/* Strict: UTF-8 is checked, \u0000 rejected, nesting depth bounded. */
	if (gs_rec_parse(rec, line, len) < 0) {
		gs_ingest_bad(in, GS_BAD_JSON, rec->err);
		return -1;
	}
	const struct gs_jv *o = rec->v;
	if (o->type != GS_J_OBJ) {
		gs_ingest_bad(in, GS_BAD_NOT_OBJECT, NULL);
		return -1;
	}
	struct gs_rd r = { .in = in, .rec = rec, .o = o };
	const struct gs_jv *jv = gs_jv_get(rec, o, "v"), *jt = gs_jv_get(rec, o, "type"),
			   *jp = gs_jv_get(rec, o, "pid"), *js = gs_jv_get(rec, o, "seq"),
			   *jn = gs_jv_get(rec, o, "pidns");
	bool v_int = jv && jv->type == GS_J_INT;
	/* "pidns" is optional (older shims, no /proc), but part of the
	 * process's identity when present: of the wrong type, the record
	 * cannot be given to a process. */
	if (!v_int || !jt || jt->type != GS_J_STR || !jp || jp->type != GS_J_INT ||
	    !js || js->type != GS_J_INT || jv->u.i < 1 || jp->u.i < 1 || js->u.i < 1 ||
	    (jn && (jn->type != GS_J_INT || jn->u.i < 0))) {
		/* a future version may change anything, even the header */
		bool future = v_int && jv->u.i > GS_FORMAT_VERSION;
		gs_ingest_bad(in, future ? GS_BAD_FUTURE : GS_BAD_HEADER, NULL);
		return -1;
	}
	v = jv->u.i;
	if (v > GS_FORMAT_VERSION) {
		gs_ingest_bad(in, GS_BAD_FUTURE, NULL);
		return -1;
	}
	type = jt->u.s;
	pid = jp->u.i;
	pidns = jn ? jn->u.i : 0;
	seq = js->u.i;

	size_t h;
	for (h = 0; h < sizeof handlers / sizeof handlers[0]; h++)
		if (!strcmp(type, handlers[h].type))
			break;
	struct gs_proc *p = proc_for(in->m, pidns, pid, seq);
	if (!p)
		return -1;
	/* Counted before the type check: the shim sent it, so the
	 * accounting must see it even if this reader cannot use it. */
	p->received++;
	if (seq > p->max_seq)
		p->max_seq = seq;
	if (rd_int(&r, o, "drops", &drops) && drops > 0)
		p->drops_seen += drops;
	in->m->records++;
	if (h == sizeof handlers / sizeof handlers[0]) {
		gs_ingest_bad(in, GS_BAD_TYPE, type);
		return 0;
	}
	handlers[h].fn(&r, p);
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
