/* An LD_PRELOAD interposer for getenv(), built twice (NI_TAG 1 and 2).
 * For NI_VAR it returns "g<TAG>(<what the next getenv returned>)", so the
 * program's output shows the whole chain of interposers it went through.
 * The next getenv is found with dlsym(RTLD_NEXT, ...) from inside this
 * library: with a shim that makes itself the dlsym caller, "next" would
 * mean "next after the shim" and the chain would skip a link or recurse. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifndef NI_TAG
#error NI_TAG must be defined
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

typedef char *getenv_fn(const char *);
static getenv_fn *next_getenv;
static __thread int depth;
static char buf[4096];
static char info[1024];

char *getenv(const char *name)
{
	if (!next_getenv) {
		if (depth > 0) /* looking ourselves up re-entered us: report, do not loop */
			return NULL;
		depth++;
		next_getenv = (getenv_fn *)dlsym(RTLD_NEXT, "getenv");
		depth--;
		if (!next_getenv)
			return NULL;
	}
	if (depth > 16) { /* a chain that comes back to us: stop it visibly */
		static char loop[] = "LOOP";
		return loop;
	}
	depth++;
	char *v = next_getenv(name);
	depth--;
	if (name && strcmp(name, "NI_VAR") == 0) {
		snprintf(buf, sizeof buf, "g%s(%s)", STR(NI_TAG), v ? v : "null");
		return buf;
	}
	return v;
}

/* Where this library's "next getenv" lives: object file name and symbol. */
#define INFO_FN2(t) ni_getenv_next_info##t
#define INFO_FN(t) INFO_FN2(t)
const char *INFO_FN(NI_TAG)(void)
{
	Dl_info di;
	if (!next_getenv) getenv("HOME");
	if (!next_getenv) return "unresolved";
	if (!dladdr((void *)next_getenv, &di)) return "dladdr failed";
	const char *base = di.dli_fname ? strrchr(di.dli_fname, '/') : NULL;
	snprintf(info, sizeof info, "%s:%s", base ? base + 1 : (di.dli_fname ? di.dli_fname : "?"),
		 di.dli_sname ? di.dli_sname : "?");
	return info;
}
