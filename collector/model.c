/* The process/library/event model and its small queries. */
#include "model.h"
#include "findings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

void *gs_vec_push(void *vec, size_t elem)
{
	/* All GS_VEC types share this layout. */
	struct { char *v; size_t n, cap; } *a = vec;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		if (cap > SIZE_MAX / elem / 2)
			return NULL;
		char *nv = realloc(a->v, cap * elem);
		if (!nv)
			return NULL;
		a->v = nv;
		a->cap = cap;
	}
	char *p = a->v + a->n++ * elem;
	memset(p, 0, elem);
	return p;
}

static const struct { const char *key, *text; } bad_names[GS_BAD_NKINDS] = {
	[GS_BAD_TOO_LONG] = { "too_long", "lines longer than 4096 bytes" },
	[GS_BAD_JSON] = { "invalid_json", "lines that are not valid JSON" },
	[GS_BAD_NOT_OBJECT] = { "not_object", "lines that are not a JSON object" },
	[GS_BAD_FUTURE] = { "future_version", "records from a newer format version" },
	[GS_BAD_HEADER] = { "bad_header", "records without a valid v/type/pid/pidns/seq" },
	[GS_BAD_TYPE] = { "unknown_type", "records of an unknown type" },
	[GS_BAD_FIELD] = { "bad_field", "fields of the wrong type (ignored)" },
};

const char *gs_bad_key(enum gs_bad k) { return bad_names[k].key; }
const char *gs_bad_text(enum gs_bad k) { return bad_names[k].text; }

void gs_model_init(struct gs_model *m)
{
	memset(m, 0, sizeof *m);
}

/* The strings are the table's (gs_model_free); only the arrays and the
 * references to shared objects are each record's own. */
static void free_proc(struct gs_proc *p)
{
	free(p->argv.v);
	json_decref(p->env);
	free(p->libs.v);
	for (size_t i = 0; i < p->loads.n; i++) {
		struct gs_load *l = &p->loads.v[i];
		free(l->candidates.v);
		free(l->deps.v);
	}
	free(p->loads.v);
	free(p->syms.v);
	free(p->closes.v);
	for (size_t i = 0; i < p->calls.n; i++) {
		struct gs_call *c = &p->calls.v[i];
		json_decref(c->out); json_decref(c->args); json_decref(c->ver);
		free(c->inner.v);
	}
	free(p->calls.v);
	free(p->folds.v);
	free(p);
}

static void decref(void *j)
{
	json_decref(j);
}

void gs_model_free(struct gs_model *m)
{
	for (size_t i = 0; i < m->procs.n; i++)
		free_proc(m->procs.v[i]);
	free(m->procs.v);
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		free(m->bad_first[k]);
	for (size_t i = 0; i < m->findings.n; i++)
		gs_finding_free(m->findings.v[i]);
	free(m->findings.v);
	gs_strtab_free(&m->strs, NULL);
	gs_strtab_free(&m->objs, decref);
	memset(m, 0, sizeof *m);
}

struct gs_proc *gs_model_current(struct gs_model *m, long long pidns, long long pid)
{
	/* Newest first: after exec the same pid has a newer entry. */
	for (size_t i = m->procs.n; i-- > 0;)
		if (m->procs.v[i]->pid == pid && m->procs.v[i]->pidns == pidns)
			return m->procs.v[i];
	return NULL;
}

bool gs_model_many_pidns(const struct gs_model *m)
{
	return m->many_pidns;
}

long long gs_own_pidns(void)
{
	struct stat st;
	return stat("/proc/self/ns/pid", &st) == 0 ? (long long)st.st_ino : 0;
}

struct gs_proc *gs_model_new_proc(struct gs_model *m, long long pidns, long long pid)
{
	struct gs_proc *old = gs_model_current(m, pidns, pid);
	struct gs_proc *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	struct gs_proc **slot = GS_PUSH(&m->procs);
	if (!slot) {
		free(p);
		return NULL;
	}
	*slot = p;
	p->pid = pid;
	p->pidns = pidns;
	if (!m->has_pidns) {
		m->has_pidns = true;
		m->first_pidns = pidns;
	} else if (pidns != m->first_pidns)
		m->many_pidns = true;
	p->image = old ? old->image + 1 : 1;
	p->nvidiactl = -1;
	p->sent = p->dropped = p->folded = -1;
	return p;
}

const struct gs_proc *gs_proc_parent(const struct gs_model *m, const struct gs_proc *p)
{
	if (!p->has_ppid)
		return NULL;
	/* The parent is the latest image of ppid that appeared before P, in
	 * P's pid namespace (ppid is as P sees it). A process whose parent
	 * is outside its namespace (pid 1 of a container) has ppid 0. */
	const struct gs_proc *best = NULL;
	for (size_t i = 0; i < m->procs.n && m->procs.v[i] != p; i++)
		if (m->procs.v[i]->pid == p->ppid && m->procs.v[i]->pidns == p->pidns)
			best = m->procs.v[i];
	if (!best) /* a parent whose records came later still is one */
		for (size_t i = 0; i < m->procs.n; i++)
			if (m->procs.v[i]->pid == p->ppid && m->procs.v[i]->pidns == p->pidns &&
			    m->procs.v[i] != p) {
				best = m->procs.v[i];
				break;
			}
	return best;
}

const struct gs_lib *gs_proc_lib(const struct gs_model *m, const struct gs_proc *p, long long id)
{
	/* A fork child inherits its parent's libraries; bound the walk so a
	 * ppid cycle in hostile input cannot loop. */
	for (int hops = 0; p && hops < 64; hops++) {
		for (size_t i = 0; i < p->libs.n; i++)
			if (p->libs.v[i].id == id)
				return &p->libs.v[i];
		if (!p->forked)
			break;
		p = gs_proc_parent(m, p);
	}
	return NULL;
}

bool gs_proc_complete(const struct gs_proc *p)
{
	return p->has_bye && p->sent >= 0 && p->dropped >= 0 &&
	       p->received + p->dropped == p->sent;
}

void gs_model_finish(struct gs_model *m)
{
	for (size_t i = 0; i < m->procs.n; i++) {
		struct gs_proc *p = m->procs.v[i];
		for (size_t j = 0; j < p->libs.n; j++) {
			struct gs_lib *l = &p->libs.v[j];
			l->loaded_by = l->how = NULL;
			if (l->origin && !strcmp(l->origin, "startup")) {
				l->loaded_by = l->needed_by;
				l->how = "needed";
			}
		}
		for (size_t j = 0; j < p->loads.n; j++) {
			const struct gs_load *ld = &p->loads.v[j];
			if (!ld->ok)
				continue;
			for (size_t k = 0; k < p->libs.n; k++) {
				struct gs_lib *l = &p->libs.v[k];
				bool dep = false;
				for (size_t d = 0; d < ld->deps.n; d++)
					dep |= ld->deps.v[d] == l->id;
				if (l->loaded_by || !((ld->has_lib && ld->lib == l->id) || dep))
					continue;
				l->loaded_by = ld->caller;
				l->how = dep ? "dependency" : (ld->how ? ld->how : "unknown");
			}
		}
		for (size_t j = 0; j < p->libs.n; j++) {
			struct gs_lib *l = &p->libs.v[j];
			if (!l->how && l->needed_by) {
				l->loaded_by = l->needed_by;
				l->how = "needed";
			}
		}
		p->has_exit = false;
	}
	if (m->has_cmd) {
		/* the command is in the collector's namespace; a shim that
		 * could not tell its own is taken to be there too */
		struct gs_proc *p = gs_model_current(m, m->cmd_pidns, m->cmd_pid);
		if (!p && m->cmd_pidns)
			p = gs_model_current(m, 0, m->cmd_pid);
		if (p) {
			p->has_exit = true;
			p->exit_status = m->cmd_status;
		}
	}
}

size_t gs_model_tree(const struct gs_model *m, struct gs_proc ***order, int **depth)
{
	size_t n = m->procs.n, k = 0;
	*order = calloc(n ? n : 1, sizeof **order);
	*depth = calloc(n ? n : 1, sizeof **depth);
	bool *done = calloc(n ? n : 1, sizeof *done);
	const struct gs_proc **parent = calloc(n ? n : 1, sizeof *parent);
	size_t *stack = calloc(n ? n : 1, sizeof *stack);
	int *sdepth = calloc(n ? n : 1, sizeof *sdepth);
	if (!*order || !*depth || !done || !parent || !stack || !sdepth) {
		free(*order); free(*depth);
		*order = NULL; *depth = NULL;
		k = 0;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		parent[i] = gs_proc_parent(m, m->procs.v[i]);
	/* Roots: no known parent. Then anything left (a parent cycle in
	 * hostile input) becomes a root too, so every process is shown. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t r = 0; r < n; r++) {
			if (done[r] || (pass == 0 && parent[r]))
				continue;
			size_t sp = 0;
			stack[sp] = r;
			sdepth[sp++] = 0;
			done[r] = true;
			while (sp) {
				size_t i = stack[--sp];
				int d = sdepth[sp];
				(*order)[k] = m->procs.v[i];
				(*depth)[k++] = d;
				/* push children in reverse so they pop in order */
				for (size_t c = n; c-- > 0;)
					if (!done[c] && parent[c] == m->procs.v[i]) {
						done[c] = true;
						stack[sp] = c;
						sdepth[sp++] = d + 1;
					}
			}
		}
	}
out:
	free(done); free(parent); free(stack); free(sdepth);
	return k;
}

size_t gs_load_stem(const char *name, const char **base)
{
	const char *b = strrchr(name, '/');
	b = b ? b + 1 : name;
	*base = b;
	for (const char *s = strstr(b, ".so"); s; s = strstr(s + 1, ".so"))
		if (s[3] == 0 || s[3] == '.')
			return (size_t)(s - b);
	return strlen(b);
}

/* A failed load is a probe when a later load of the same name stem
 * succeeds: cuDNN 9 asks for libcudnn_graph.so.9.19.0, .9.19, then .9. */
bool gs_load_is_probe(const struct gs_proc *p, size_t i)
{
	const char *bi, *bj;
	size_t li;

	if (p->loads.v[i].ok || !p->loads.v[i].name)
		return false;
	li = gs_load_stem(p->loads.v[i].name, &bi);
	for (size_t j = i + 1; j < p->loads.n; j++) {
		const struct gs_load *l = &p->loads.v[j];
		if (l->ok && l->name && gs_load_stem(l->name, &bj) == li && !strncmp(bi, bj, li))
			return true;
	}
	return false;
}
