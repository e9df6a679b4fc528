/* Building the baseline document from a run's model: per process, the
 * libraries it resolved to, the return codes of each hooked function and
 * the watched loads that failed. No pid, time, address or order goes in,
 * so two runs of one command give the same document. */
#include "baseline.h"
#include "render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *jstr(const char *s)
{
	json_t *j = s ? json_string(s) : NULL;
	return j ? j : json_null();
}

bool gs_driver_family(const char *f)
{
	return f && (!strcmp(f, "libcuda") || !strncmp(f, "libnvidia-", 10) ||
		     !strcmp(f, "libcudadebugger") || !strcmp(f, "libnvcuvid"));
}


/* The libraries of one entry, and which model library each came from, so
 * that a call's self-reported versions land on the copy that served it. */
struct libs {
	json_t *obj;            /* family -> [lib] */
	struct libref {
		const struct gs_lib *from;
		json_t *ent;
	} *v;
	size_t n, cap;
};

static json_t *lib_entry(struct libs *ls, const struct gs_lib *l)
{
	for (size_t i = 0; i < ls->n; i++)
		if (ls->v[i].from == l)
			return ls->v[i].ent;
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 8;
		struct libref *v = realloc(ls->v, cap * sizeof *v);
		if (!v)
			return NULL;
		ls->v = v;
		ls->cap = cap;
	}
	json_t *o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		"realpath", jstr(l->realpath ? l->realpath : l->path), "soname", jstr(l->soname),
		"file_version", jstr(l->file_version), "build_id", jstr(l->build_id),
		"version", json_object(), "loaded_by", jstr(l->loaded_by), "how", jstr(l->how));
	const char *fam = l->family ? l->family : "unknown";
	json_t *arr = json_object_get(ls->obj, fam);
	if (!o)
		return NULL;
	if (!arr) {
		arr = json_array();
		json_object_set_new(ls->obj, fam, arr);
	}
	json_array_append_new(arr, o);
	ls->v[ls->n].from = l;
	ls->v[ls->n++].ent = o;
	return o;
}

/* Records RC (with its name) under FN; a call without a code still says
 * the function was called. */
static void add_rc(json_t *calls, const char *fn, bool has_rc, long long rc, const char *name)
{
	json_t *set = json_object_get(calls, fn ? fn : "?");
	if (!set) {
		set = json_object();
		json_object_set_new(calls, fn ? fn : "?", set);
	}
	if (has_rc) {
		char key[32];
		snprintf(key, sizeof key, "%lld", rc);
		json_object_set_new(set, key, jstr(name));
	}
}

static void add_versions(struct libs *ls, const struct gs_lib *l, json_t *ver)
{
	json_t *e = l && json_is_object(ver) ? lib_entry(ls, l) : NULL;
	if (e)
		json_object_update(json_object_get(e, "version"), ver);
}

static json_t *proc_entry(const struct gs_model *m, const struct gs_proc *p)
{
	struct libs ls = { .obj = json_object() };
	json_t *calls = json_object(), *failed = json_array(), *argv = json_array();

	for (size_t i = 0; i < p->argv.n; i++)
		json_array_append_new(argv, jstr(p->argv.v[i]));
	for (size_t i = 0; i < p->libs.n; i++)
		lib_entry(&ls, &p->libs.v[i]);
	for (size_t i = 0; i < p->calls.n; i++) {
		const struct gs_call *c = &p->calls.v[i];
		add_rc(calls, c->fn, c->has_rc, c->rc, c->has_rc ? gs_call_rc_name(m, p, c, c->rc) : NULL);
		add_versions(&ls, c->has_lib ? gs_proc_lib(m, p, c->lib) : NULL, c->ver);
		for (size_t j = 0; j < c->inner.n; j++) {
			const struct gs_inner *n = &c->inner.v[j];
			/* inner calls are named by their own family */
			struct gs_call tmp = { .fn = n->fn, .has_lib = n->has_lib, .lib = n->lib };
			add_rc(calls, n->fn, n->has_rc, n->rc, n->has_rc ? gs_call_rc_name(m, p, &tmp, n->rc) : NULL);
		}
	}
	for (size_t i = 0; i < p->folds.n; i++) {
		const struct gs_fold *f = &p->folds.v[i];
		struct gs_call tmp = { .fn = f->fn, .has_lib = f->has_lib, .lib = f->lib };
		add_rc(calls, f->fn, f->has_rc, f->rc, f->has_rc ? gs_call_rc_name(m, p, &tmp, f->rc) : NULL);
	}
	for (size_t i = 0; i < p->loads.n; i++) {
		const struct gs_load *l = &p->loads.v[i];
		if (l->ok || !l->name || gs_load_is_probe(p, i))
			continue;
		json_array_append_new(failed, json_pack("{s:o, s:o, s:o}", "name", jstr(l->name),
			"caller", jstr(l->caller), "error", jstr(l->err)));
	}
	free(ls.v);
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "exe", jstr(p->exe), "argv", argv,
			 "libraries", ls.obj, "calls", calls, "failed_loads", failed);
}

json_t *gs_baseline_from_model(const struct gs_model *m, char **cmd, int ncmd)
{
	json_t *procs = json_array(), *command = json_array(), *drivers = json_array();
	for (size_t i = 0; i < m->procs.n; i++) {
		const struct gs_proc *p = m->procs.v[i];
		json_array_append_new(procs, proc_entry(m, p));
		if (p->kernel_driver)
			json_array_append_new(drivers, jstr(p->kernel_driver));
	}
	for (int i = 0; i < ncmd; i++)
		json_array_append_new(command, jstr(cmd[i]));
	/* kernel_driver is a list here; normalizing makes it one value */
	return json_pack("{s:i, s:o, s:o, s:o, s:o}", "gpushim_baseline", GS_BASELINE_VERSION,
			 "command", command, "kernel_driver", drivers, "processes", procs,
			 "policy", json_pack("{s:[], s:{}}", "ignore", "allow"));
}
