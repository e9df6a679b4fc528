/* Small read-only questions the rules ask about one process. */
#include "findings_rules.h"
#include "render.h"

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

const char *fq_family(const struct gs_call *c)
{
	return gs_call_family(c);
}

const struct gs_lib *fq_lib(const struct gs_fctx *cx, long long id)
{
	return gs_proc_lib(cx->m, cx->p, id);
}

int fq_cudnn_major(const struct gs_fctx *cx, const struct gs_call *c)
{
	long long v;
	if (fq_ver_int(c, "cudnn", &v) && v > 0)
		return v >= 90000 ? (int)(v / 10000) : (int)(v / 1000);
	const struct gs_lib *l = c->has_lib ? fq_lib(cx, c->lib) : NULL;
	const char *fv = l ? (l->file_version ? l->file_version : gs_kn_so_version(l->soname)) : NULL;
	return fv ? atoi(fv) : 0;
}

enum gs_kind fq_kind(const struct gs_fctx *cx, const struct gs_call *c)
{
	if (!c->has_rc)
		return GS_K_NONE;
	const char *fam = fq_family(c);
	return gs_kn_kind(fam, c->rc, fam && !strcmp(fam, "cudnn") ? fq_cudnn_major(cx, c) : 0);
}

bool fq_call_has_kind(const struct gs_fctx *cx, const struct gs_call *c, enum gs_kind k)
{
	if (fq_kind(cx, c) == k)
		return true;
	for (size_t j = 0; j < c->inner.n; j++) {
		const struct gs_inner *n = &c->inner.v[j];
		struct gs_call tmp = { .fn = n->fn, .has_lib = n->has_lib, .lib = n->lib,
				       .has_rc = n->has_rc, .rc = n->rc };
		if (fq_kind(cx, &tmp) == k)
			return true;
	}
	return false;
}

const char *fq_rc_name(const struct gs_fctx *cx, const struct gs_call *c)
{
	return c->has_rc ? gs_call_rc_name(cx->m, cx->p, c, c->rc) : NULL;
}

const struct gs_lib *fq_lib_family(const struct gs_fctx *cx, const char *family)
{
	for (size_t i = 0; i < cx->p->libs.n; i++)
		if (cx->p->libs.v[i].family && !strcmp(cx->p->libs.v[i].family, family))
			return &cx->p->libs.v[i];
	return NULL;
}

bool fq_family_loaded(const struct gs_fctx *cx, const char *name)
{
	char fam[256], other[256];
	if (!gs_kn_family(name, fam, sizeof fam))
		return false;
	if (fq_lib_family(cx, fam))
		return true;
	for (size_t i = 0; i < cx->p->loads.n; i++) {
		const struct gs_load *l = &cx->p->loads.v[i];
		if (l->ok && gs_kn_family(l->name, other, sizeof other) && !strcmp(fam, other))
			return true;
	}
	return false;
}

static json_t *member(json_t *o, const char *key)
{
	return o ? json_object_get(o, key) : NULL;
}

bool fq_ver_int(const struct gs_call *c, const char *key, long long *v)
{
	json_t *j = member(c->ver, key);
	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return true;
}

const char *fq_ver_str(const struct gs_call *c, const char *key)
{
	return json_string_value(member(c->ver, key));
}

bool fq_out_int(const struct gs_call *c, const char *key, long long *v)
{
	json_t *j = member(c->out, key);
	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return true;
}

long long fq_runtime_version(const struct gs_fctx *cx, bool *major_only)
{
	long long v;
	*major_only = false;
	for (size_t i = 0; i < cx->p->calls.n; i++) {
		const struct gs_call *c = &cx->p->calls.v[i];
		const char *fam = fq_family(c);
		if (fam && !strcmp(fam, "cudart") && fq_ver_int(c, "runtime", &v) && v > 0)
			return v;
	}
	const struct gs_lib *l = fq_lib_family(cx, "libcudart");
	const char *fv = l ? l->file_version : NULL;
	if (!fv || atoi(fv) <= 0)
		return 0;
	const char *dot = strchr(fv, '.');
	*major_only = !dot;
	return atoi(fv) * 1000LL + (dot ? atoi(dot + 1) * 10LL : 0);
}

const char *fq_env(const struct gs_proc *p, const char *name)
{
	return p->env ? json_string_value(json_object_get(p->env, name)) : NULL;
}

const char *fq_lib_path(const struct gs_lib *l)
{
	return !l ? "?" : l->realpath ? l->realpath : l->path ? l->path : "?";
}

bool fq_failed(const struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	return p->has_exit && (WIFSIGNALED(p->exit_status) || WEXITSTATUS(p->exit_status) != 0);
}

const char *fq_base(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	return s ? s + 1 : path;
}

bool fq_name_is(const char *name, const char *base)
{
	const char *b = fq_base(name);
	return b && !strcmp(b, base);
}

bool fq_is_gpu_lib_path(const struct gs_fctx *cx, const char *path)
{
	if (!path)
		return false;
	for (size_t i = 0; i < cx->p->libs.n; i++) {
		const struct gs_lib *l = &cx->p->libs.v[i];
		if ((l->path && !strcmp(l->path, path)) || (l->realpath && !strcmp(l->realpath, path)))
			return true;
	}
	return false;
}
