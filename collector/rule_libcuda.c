/* no-libcuda and stub-libcuda: the two ways the CUDA driver library itself
 * is absent. They come first: everything above libcuda.so.1 (the runtime's
 * 35/34, cuDNN's NOT_INITIALIZED) is a symptom of them. */
#include "findings_rules.h"

#include <stdio.h>
#include <string.h>

static bool is_libcuda_name(const char *name)
{
	return fq_name_is(name, "libcuda.so.1") || fq_name_is(name, "libcuda.so");
}

/* The fix names the driver the runtime in use needs. */
static void driver_hint(const struct gs_fctx *cx, char *buf, size_t n)
{
	bool major_only;
	long long rt = fq_runtime_version(cx, &major_only);
	const char *min = gs_kn_min_driver(gs_kn_cuda_major(rt));
	if (min)
		snprintf(buf, n, " (>= %s for CUDA %d.x)", min, gs_kn_cuda_major(rt));
	else
		buf[0] = '\0';
}

/* Calls that fail because no usable driver library is underneath. */
static void explain_driver_symptoms(struct gs_fctx *cx, struct gs_fb *b, bool with_stub)
{
	for (size_t i = 0; i < cx->p->calls.n; i++) {
		const struct gs_call *c = &cx->p->calls.v[i];
		if (cx->claimed_call[i])
			continue;
		if (fq_call_has_kind(cx, c, GS_K_NO_DRIVER) || fq_call_has_kind(cx, c, GS_K_NOT_INIT) ||
		    fq_call_has_kind(cx, c, GS_K_INIT_FAILED) ||
		    (with_stub && fq_call_has_kind(cx, c, GS_K_STUB)))
			fb_explain_call(cx, b, i);
	}
}

void rule_no_libcuda(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	const struct gs_load *first = NULL;
	struct gs_fb b;
	char hint[64];

	if (fq_lib_family(cx, "libcuda"))
		return;
	for (size_t i = 0; i < p->loads.n; i++)
		if (is_libcuda_name(p->loads.v[i].name) && p->loads.v[i].ok)
			return; /* a probe that a later load made good */
	fb_init(&b, "no-libcuda", "error");
	for (size_t i = 0; i < p->loads.n; i++)
		if (!cx->claimed_load[i] && is_libcuda_name(p->loads.v[i].name)) {
			first = first ? first : &p->loads.v[i];
			fb_explain_load(cx, &b, i);
		}
	if (!first) {
		fb_drop(&b);
		return;
	}
	fb_ev_hello(&b, p);
	explain_driver_symptoms(cx, &b, false);
	/* A program that probes for a GPU, finds none and carries on is told,
	 * but not alarmed. */
	if (!b.calls.n && !fq_failed(cx))
		b.severity = "warning";
	bool no_module = p->has_hello && !p->kernel_driver;
	fb_msg(&b, "%s, the CUDA driver library that the NVIDIA driver installs, could not be loaded "
		   "(asked for by %s: %s)%s",
	       fq_base(first->name), first->caller ? first->caller : "?",
	       first->err ? first->err : "no error text",
	       no_module ? " and no NVIDIA kernel module is loaded either: there is no NVIDIA driver "
			   "on this machine" : "");
	driver_hint(cx, hint, sizeof hint);
	fb_fix(&b, "Install the NVIDIA driver%s, which provides libcuda.so.1 and the kernel module; "
		   "in a container, start it with the NVIDIA Container Toolkit (docker run --gpus all) "
		   "so the host's libcuda.so.1 is mounted; if the driver lives in a non-standard "
		   "directory, add it to LD_LIBRARY_PATH. Never put the toolkit's stubs/libcuda.so "
		   "in its place.", hint);
	fb_emit(cx, &b);
}

/* The shim's "how" in the user's words. */
static const char *how_words(const char *how)
{
	static const struct { const char *how, *words; } w[] = {
		{ "ld_library_path", "LD_LIBRARY_PATH" }, { "runpath", "the caller's RUNPATH" },
		{ "rpath", "the caller's RPATH" }, { "system", "the system path" },
		{ "path", "an explicit path" }, { "needed", "DT_NEEDED" },
	};
	for (size_t i = 0; how && i < sizeof w / sizeof w[0]; i++)
		if (!strcmp(how, w[i].how))
			return w[i].words;
	return how ? how : "";
}

static bool is_stub_path(const char *s)
{
	return s && strstr(s, "/stubs/");
}

void rule_stub_libcuda(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	const struct gs_lib *stub = NULL;
	struct gs_fb b;

	for (size_t i = 0; i < p->libs.n && !stub; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		if (l->family && !strcmp(l->family, "libcuda") &&
		    (is_stub_path(l->path) || is_stub_path(l->realpath)))
			stub = l;
	}
	fb_init(&b, "stub-libcuda", "error");
	for (size_t i = 0; i < p->calls.n; i++)
		if (!cx->claimed_call[i] && fq_call_has_kind(cx, &p->calls.v[i], GS_K_STUB))
			fb_explain_call(cx, &b, i);
	if (!stub && !b.calls.n) {
		fb_drop(&b);
		return;
	}
	if (!stub) /* a 34 names the stub even when its file is not in the records */
		for (size_t i = 0; i < p->libs.n && !stub; i++)
			if (p->libs.v[i].family && !strcmp(p->libs.v[i].family, "libcuda"))
				stub = &p->libs.v[i];
	if (stub) {
		fb_ev_lib(&b, stub);
		explain_driver_symptoms(cx, &b, true);
	}
	fb_ev_env(&b, p, "LD_LIBRARY_PATH");
	if (stub)
		fb_msg(&b, "libcuda.so.1 resolved to the CUDA toolkit's stub %s (found as %s%s%s), which "
			   "exists only to link against and fails every call",
		       fq_lib_path(stub), stub->path ? stub->path : "?",
		       stub->how ? " through " : "", how_words(stub->how));
	else
		fb_msg(&b, "a stub libcuda (the CUDA toolkit's stubs/libcuda.so, which exists only "
			   "to link against) answered the CUDA driver calls");
	fb_fix(&b, "Remove the toolkit's stubs directory from LD_LIBRARY_PATH and delete any "
		   "libcuda.so.1 link that points at stubs/libcuda.so; the real libcuda.so.1 comes "
		   "with the NVIDIA driver (in a container: mounted by the NVIDIA Container Toolkit).");
	fb_emit(cx, &b);
}
