/* cudnn-sublibrary-mismatch and cudnn-cuda-mismatch: cuDNN against its own
 * sub-libraries, and against the CUDA runtime of the process. */
#include "findings_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_sub_family(const char *fam)
{
	return fam && !strncmp(fam, "libcudnn_", 9);
}

/* cuDNN 9 front: libcudnn.so.9 (or later) of this process. */
static const struct gs_lib *cudnn9_front(const struct gs_fctx *cx)
{
	for (size_t i = 0; i < cx->p->libs.n; i++) {
		const struct gs_lib *l = &cx->p->libs.v[i];
		const char *v = l->file_version ? l->file_version : gs_kn_so_version(l->soname);
		if (l->family && !strcmp(l->family, "libcudnn") && v && atoi(v) >= 9)
			return l;
	}
	return NULL;
}

static bool from_lib(const struct gs_lib *l, const char *caller)
{
	return l && caller && ((l->path && !strcmp(l->path, caller)) ||
			       (l->realpath && !strcmp(l->realpath, caller)));
}

/* The release the front wants: the front probes its sub-libraries by its
 * own full version first (libcudnn_graph.so.9.19.0), which names it even
 * when its file is just libcudnn.so.9. */
static const char *wanted_release(const struct gs_fctx *cx, const struct gs_lib *front,
				  char *buf, size_t n)
{
	const char *best = NULL;
	char fam[128];
	for (size_t i = 0; i < cx->p->loads.n; i++) {
		const struct gs_load *l = &cx->p->loads.v[i];
		const char *v = gs_kn_so_version(l->name);
		if (from_lib(front, l->caller) && is_sub_family(gs_kn_family(l->name, fam, sizeof fam)) &&
		    gs_kn_version_parts(v) > gs_kn_version_parts(best))
			best = v;
	}
	if (gs_kn_version_parts(best) >= 2)
		return best;
	if (gs_kn_version_parts(front->file_version) >= 2)
		return front->file_version;
	for (size_t i = 0; i < cx->p->calls.n; i++) {
		long long v;
		const struct gs_call *c = &cx->p->calls.v[i];
		if (c->has_lib && fq_lib(cx, c->lib) == front && fq_ver_int(c, "cudnn", &v) && v > 0)
			return gs_kn_cudnn_str(v, buf, n);
	}
	return NULL;
}

void rule_cudnn_sublibrary_mismatch(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	const struct gs_lib *front = cudnn9_front(cx), *odd = NULL;
	const struct gs_sym *missing = NULL;
	const struct gs_load *failed = NULL;
	char buf[32], fam[128];
	const char *want = front ? wanted_release(cx, front, buf, sizeof buf) : NULL;
	struct gs_fb b;

	fb_init(&b, "cudnn-sublibrary-mismatch", "error");
	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		if (is_sub_family(l->family) && want && gs_kn_version_parts(l->file_version) >= 2 &&
		    gs_kn_version_cmp(l->file_version, want) != 0) {
			odd = odd ? odd : l;
			fb_ev_lib(&b, l);
		}
	}
	for (size_t i = 0; i < p->syms.n; i++) {
		const struct gs_sym *s = &p->syms.v[i];
		const struct gs_lib *h = s->has_handle ? fq_lib(cx, s->handle) : NULL;
		if (!s->ok && !cx->claimed_sym[i] && h && is_sub_family(h->family) &&
		    fq_is_gpu_lib_path(cx, s->caller)) {
			missing = missing ? missing : s;
			odd = odd ? odd : h;
			fb_explain_sym(cx, &b, i);
		}
	}
	for (size_t i = 0; i < p->loads.n; i++) {
		const struct gs_load *l = &p->loads.v[i];
		if (!l->ok && !cx->claimed_load[i] && is_sub_family(gs_kn_family(l->name, fam, sizeof fam)) &&
		    !fq_family_loaded(cx, l->name)) {
			failed = failed ? failed : l;
			fb_explain_load(cx, &b, i);
		}
	}
	for (size_t i = 0; i < p->calls.n; i++)
		if (!cx->claimed_call[i] && (fq_call_has_kind(cx, &p->calls.v[i], GS_K_SUBLIB_MISMATCH) ||
					     fq_call_has_kind(cx, &p->calls.v[i], GS_K_SUBLIB_LOAD)))
			fb_explain_call(cx, &b, i);
	if (!odd && !failed && !b.calls.n) {
		fb_drop(&b);
		return;
	}
	fb_explain_exit(cx, &b);
	fb_ev_lib(&b, front);
	const char *fpath = front ? fq_lib_path(front) : "libcudnn.so.9";
	if (odd && gs_kn_version_parts(odd->file_version) >= 2 && want)
		fb_msg(&b, "cuDNN %s is release %s but its sub-library %s is %s%s%s", fpath, want,
		       fq_lib_path(odd), odd->file_version, missing ? " and lacks " : "",
		       missing && missing->sym ? missing->sym : "");
	else if (odd)
		fb_msg(&b, "cuDNN's sub-library %s lacks %s, which %s%s%s needs: it is from another "
		       "cuDNN release", fq_lib_path(odd), missing && missing->sym ? missing->sym : "a symbol",
		       fpath, want ? " release " : "", want ? want : "");
	else if (failed)
		fb_msg(&b, "cuDNN %s could not load its sub-library %s (%s)", fpath,
		       failed->name ? failed->name : "?", failed->err ? failed->err : "no error text");
	else
		fb_msg(&b, "cuDNN %s reports that its sub-libraries are missing or from another release",
		       fpath);
	fb_fix(&b, "Install libcudnn.so.9 and all its libcudnn_*.so.9 sub-libraries from one cuDNN "
		   "release%s%s%s in one directory (the front finds them there through RUNPATH=$ORIGIN); "
		   "remove stray copies of single cuDNN files and do not mix files of two packages.",
	       want ? " (" : "", want ? want : "", want ? ")" : "");
	fb_emit(cx, &b);
}

void rule_cudnn_cuda_mismatch(struct gs_fctx *cx)
{
	const struct gs_call *c = NULL;
	long long built = 0, cudnn = 0;
	bool major_only;
	char a[32], r[32], v[32];

	for (size_t i = 0; i < cx->p->calls.n && !c; i++) {
		const struct gs_call *k = &cx->p->calls.v[i];
		const char *fam = fq_family(k);
		if (fam && !strcmp(fam, "cudnn") && fq_ver_int(k, "cudart", &built) && built > 0)
			c = k;
	}
	long long rt = fq_runtime_version(cx, &major_only);
	if (!c || rt <= 0)
		return;
	bool major = gs_kn_cuda_major(built) != gs_kn_cuda_major(rt);
	/* Minor newer than the runtime: only when the runtime's minor is known.
	 * NVIDIA's cuDNN support matrix supports a cuDNN build for CUDA N.x on
	 * every N.y runtime when linked dynamically (cuDNN 9.19 for 13.1 on
	 * 13.0): a healthy run gets no finding, a failing cuDNN call that no
	 * earlier rule explained gets the difference as a possible cause. */
	bool minor = !major && !major_only && gs_kn_cuda_minor(built) > gs_kn_cuda_minor(rt);
	size_t failed = cx->p->calls.n;
	for (size_t i = 0; minor && i < cx->p->calls.n && failed == cx->p->calls.n; i++) {
		const struct gs_call *k = &cx->p->calls.v[i];
		const char *fam = fq_family(k);
		if (!cx->claimed_call[i] && k->has_rc && k->rc != 0 && fam && !strcmp(fam, "cudnn"))
			failed = i;
	}
	if (!major && !(minor && failed < cx->p->calls.n))
		return;
	struct gs_fb b;
	const struct gs_lib *lib = c->has_lib ? fq_lib(cx, c->lib) : NULL;
	const struct gs_lib *rtlib = fq_lib_family(cx, "libcudart");
	fb_init(&b, "cudnn-cuda-mismatch", major ? "error" : "warning");
	if (!major)
		fb_explain_call(cx, &b, failed);
	fb_ev(&b, json_pack("{s:s, s:s, s:I, s:o}", "record", "call", "fn", c->fn ? c->fn : "?",
			    "rc", (json_int_t)c->rc, "ver", c->ver ? json_deep_copy(c->ver) : json_null()));
	fb_ev_lib(&b, lib);
	fb_ev_lib(&b, rtlib);
	fq_ver_int(c, "cudnn", &cudnn);
	gs_kn_cuda_str(built, a, sizeof a);
	if (major_only)
		snprintf(r, sizeof r, "%d.x", gs_kn_cuda_major(rt));
	else
		gs_kn_cuda_str(rt, r, sizeof r);
	fb_msg(&b, "cuDNN %s (%s) was built for CUDA %s (cudnnGetCudartVersion %lld) but this "
		   "process uses the CUDA %s runtime%s%s", gs_kn_cudnn_str(cudnn, v, sizeof v),
	       lib ? fq_lib_path(lib) : "?", a, built, r, rtlib ? " " : "", rtlib ? fq_lib_path(rtlib) : "");
	if (major)
		fb_fix(&b, "Use the cuDNN build for CUDA %d (cuDNN ships one per CUDA major, e.g. "
			   "cudnn9-cuda-%d), or the CUDA %d runtime this cuDNN was built for.",
		       gs_kn_cuda_major(rt), gs_kn_cuda_major(rt), gs_kn_cuda_major(built));
	else
		fb_fix(&b, "CUDA minor-version compatibility supports this pairing, but the failing call "
			   "may need CUDA %s features the %s runtime lacks: use a CUDA runtime of %s or newer, "
			   "or a cuDNN build for CUDA %s.", a, r, a, r);
	fb_emit(cx, &b);
}
