/* lib-not-found and symbol-missing: a watched dlopen or dlsym failed and
 * nothing made good for it. A failed probe followed (or preceded) by a
 * successful load of the same library family is how loaders search
 * (cuDNN 9 tries libcudnn_graph.so.9.19.0, .9.19, then .9): not a finding. */
#include "findings_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "X: cannot open shared object file: ..." -> X (the file that was not
 * found, which is a dependency when it differs from the name asked for). */
static void missing_file(const char *err, char *buf, size_t n)
{
	const char *e = err ? strstr(err, ": cannot open shared object file") : NULL;
	size_t len = e ? (size_t)(e - err) : 0;
	if (len >= n)
		len = n - 1;
	memcpy(buf, err ? err : "", len);
	buf[len] = '\0';
}

static bool is_not_found(const struct gs_load *l)
{
	return l->err && strstr(l->err, "cannot open shared object file");
}

/* Candidates of another major than NAME's ("libcudnn.so.9" for .so.8). */
static bool other_major(const char *name, const char *cand)
{
	const char *a = gs_kn_so_version(name), *b = gs_kn_so_version(cand);
	return a && b && atoi(a) != atoi(b);
}

void rule_lib_not_found(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	char fam[256], fam2[256], miss[512];

	for (size_t i = 0; i < p->loads.n; i++) {
		const struct gs_load *l = &p->loads.v[i];
		if (l->ok || cx->claimed_load[i] || !is_not_found(l) || !l->name ||
		    fq_family_loaded(cx, l->name) || !gs_kn_family(l->name, fam, sizeof fam))
			continue;
		struct gs_fb b;
		fb_init(&b, "lib-not-found", "error");
		/* one finding per family: every failed request of it is a symptom */
		for (size_t j = i; j < p->loads.n; j++) {
			const struct gs_load *o = &p->loads.v[j];
			if (!o->ok && !cx->claimed_load[j] && is_not_found(o) &&
			    gs_kn_family(o->name, fam2, sizeof fam2) && !strcmp(fam, fam2))
				fb_explain_load(cx, &b, j);
		}
		fb_ev_env(&b, p, "LD_LIBRARY_PATH");
		missing_file(l->err, miss, sizeof miss);
		const char *cand_other = NULL, *cand_same = NULL;
		for (size_t k = 0; k < l->candidates.n; k++) {
			const char *c = l->candidates.v[k];
			if (!gs_kn_so_version(c))
				continue; /* the unversioned dev link says nothing */
			if (other_major(l->name, c))
				cand_other = cand_other ? cand_other : c;
			else
				cand_same = cand_same ? cand_same : c;
		}
		bool dep = *miss && strcmp(miss, fq_base(l->name)) != 0 && strcmp(miss, l->name) != 0;
		if (dep)
			fb_msg(&b, "%s (asked for by %s) was found, but its dependency %s is not on the "
				   "library search path", l->name, l->caller ? l->caller : "?", miss);
		else if (cand_other)
			fb_msg(&b, "%s (asked for by %s) is not installed; only %s of another major "
				   "version is", l->name, l->caller ? l->caller : "?", cand_other);
		else if (cand_same)
			fb_msg(&b, "%s (asked for by %s) is not on the library search path, although %s "
				   "is on this machine", l->name, l->caller ? l->caller : "?", cand_same);
		else
			fb_msg(&b, "%s (asked for by %s) was not found on the library search path "
				   "(LD_LIBRARY_PATH, the caller's RUNPATH, ld.so.cache, /lib, /usr/lib)",
			       l->name, l->caller ? l->caller : "?");
		if (dep)
			fb_fix(&b, "Install the library that provides %s (the release %s was built "
				   "with) and add its directory to LD_LIBRARY_PATH or /etc/ld.so.conf.d, "
				   "then run ldconfig.", miss, l->name);
		else if (cand_other)
			fb_fix(&b, "The program was built for %s: install that release and put its "
				   "directory on LD_LIBRARY_PATH, or use a build of the program made for "
				   "%s. Do not rename or symlink %s to %s: another major has another ABI.",
			       fq_base(l->name), fq_base(cand_other), fq_base(cand_other), fq_base(l->name));
		else if (cand_same)
			fb_fix(&b, "Add the directory of %s to LD_LIBRARY_PATH (or to /etc/ld.so.conf.d "
				   "and run ldconfig, which also creates the %s link).", cand_same,
			       fq_base(l->name));
		else
			fb_fix(&b, "Install the package that provides %s and add its directory to "
				   "LD_LIBRARY_PATH or /etc/ld.so.conf.d (then run ldconfig).", fq_base(l->name));
		fb_emit(cx, &b);
	}
}

/* "PATH: undefined symbol: SYM[, version V]" -> SYM and PATH. */
static bool undefined_symbol(const char *err, char *sym, size_t n, char *path, size_t pn)
{
	static const char tag[] = ": undefined symbol: ";
	const char *s = err ? strstr(err, tag) : NULL;
	if (!s)
		return false;
	snprintf(path, pn, "%.*s", (int)(s - err), err);
	snprintf(sym, n, "%s", s + sizeof tag - 1);
	return true;
}

static void symbol_fix(struct gs_fb *b, const char *sym)
{
	fb_fix(b, "Use the release of the library that the caller was built against (one that "
		  "exports %s): look for an older or newer copy earlier on LD_LIBRARY_PATH or in "
		  "the caller's RUNPATH, and keep each library family to one release.", sym);
}

void rule_symbol_missing(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	char sym[512], path[512];

	for (size_t i = 0; i < p->loads.n; i++) {
		const struct gs_load *l = &p->loads.v[i];
		if (l->ok || cx->claimed_load[i] || !undefined_symbol(l->err, sym, sizeof sym, path, sizeof path))
			continue;
		struct gs_fb b;
		fb_init(&b, "symbol-missing", "error");
		fb_explain_load(cx, &b, i);
		fb_ev_env(&b, p, "LD_LIBRARY_PATH");
		fb_msg(&b, "%s (asked for by %s) could not be loaded: %s needs the symbol %s, which no "
			   "library loaded with it provides, so it was built against another release of "
			   "its dependencies", l->name ? l->name : "?", l->caller ? l->caller : "?", path, sym);
		symbol_fix(&b, sym);
		fb_emit(cx, &b);
	}
	for (size_t i = 0; i < p->syms.n; i++) {
		const struct gs_sym *s = &p->syms.v[i];
		/* A GPU library looking up an optional entry point of another is a
		 * probe; it matters only when the process then failed. */
		if (s->ok || cx->claimed_sym[i] || (fq_is_gpu_lib_path(cx, s->caller) && !fq_failed(cx)))
			continue;
		const struct gs_lib *h = s->has_handle ? fq_lib(cx, s->handle) : NULL;
		struct gs_fb b;
		fb_init(&b, "symbol-missing", "error");
		fb_explain_sym(cx, &b, i);
		fb_ev_lib(&b, h);
		fb_explain_exit(cx, &b);
		fb_msg(&b, "%s is not in %s%s%s%s, where %s looked it up: that library is another "
			   "release than the caller was built for", s->sym ? s->sym : "?",
		       h ? fq_lib_path(h) : "the library", h && h->file_version ? " (version " : "",
		       h && h->file_version ? h->file_version : "", h && h->file_version ? ")" : "",
		       s->caller ? s->caller : "the program");
		symbol_fix(&b, s->sym ? s->sym : "it");
		fb_emit(cx, &b);
	}
}
