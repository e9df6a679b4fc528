/* no-real-function: a hooked function was called through the shim's
 * exported stand-in by an object that has no real definition of it in its
 * scope (a weak reference, a function pointer from dlsym(RTLD_DEFAULT)
 * kept after its library went away). The shim answered the family's "not
 * found" code itself; that code must never pass for a library's answer. */
#include "findings_rules.h"

#include <string.h>

/* The library that defines a family's functions, for the message. */
static const char *family_library(const char *family)
{
	static const struct { const char *family, *lib; } libs[] = {
		{ "nvml", "libnvidia-ml.so.1" }, { "cudnn", "libcudnn.so" },
		{ "cudart", "libcudart.so" },    { "cuda", "libcuda.so.1" },
	};
	for (size_t i = 0; family && i < sizeof libs / sizeof libs[0]; i++)
		if (!strcmp(libs[i].family, family))
			return libs[i].lib;
	return "its library";
}

void rule_no_real_function(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;

	for (size_t i = 0; i < p->calls.n; i++) {
		const struct gs_call *c = &p->calls.v[i];
		struct gs_fb b;

		if (!c->no_real || cx->claimed_call[i])
			continue;
		fb_init(&b, "no-real-function", "error");
		fb_explain_call(cx, &b, i);
		fb_msg(&b, "%s was called by %s, which has no %s in its scope that defines it: no real "
			   "function answered, gpushim's stand-in returned %lld (%s) in its place",
		       c->fn ? c->fn : "?", c->caller ? c->caller : "an unknown object",
		       family_library(c->family), c->rc, fq_rc_name(cx, c));
		fb_fix(&b, "Load %s (the library that defines %s) before the call, in the scope of "
			   "its caller (its DT_NEEDED, or dlopen with RTLD_GLOBAL). A program that tests a "
			   "weak reference to %s for NULL sees it defined while gpushim is preloaded: run "
			   "it once without the shim to see its own fallback.",
		       family_library(c->family), c->fn ? c->fn : "it", c->fn ? c->fn : "it");
		fb_emit(cx, &b);
	}
}
