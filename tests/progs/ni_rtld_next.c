/* ni_rtld_next getenv|dlwrap — dlsym(RTLD_NEXT, ...) keeps meaning "next
 * after the caller" when the shim is preloaded next to other interposers.
 *
 * getenv: run with libni_getenv1.so / libni_getenv2.so preloaded; prints the
 *   value of NI_VAR as the chain of interposers returns it, and where each
 *   link's "next getenv" lives (object base name and symbol).
 * dlwrap: run with libni_dlwrap.so preloaded (an interposer that wraps dlopen
 *   and dlsym and forwards through RTLD_NEXT) and LD_LIBRARY_PATH at the
 *   copies of libcudnn_ni.so.1/libni_plain.so.1; opens, looks up, calls. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *where(void *p)
{
	static char buf[512];
	Dl_info di;
	if (!p) return "NULL";
	if (!dladdr(p, &di)) return "unknown";
	const char *b = di.dli_fname ? strrchr(di.dli_fname, '/') : NULL;
	snprintf(buf, sizeof buf, "%s:%s", b ? b + 1 : (di.dli_fname ? di.dli_fname : "?"),
		 di.dli_sname ? di.dli_sname : "?");
	return buf;
}

static void info(const char *fn)
{
	const char *(*f)(void) = (const char *(*)(void))dlsym(RTLD_DEFAULT, fn);
	printf("%s: %s\n", fn, f ? f() : "not loaded");
}

static void open_call(const char *name)
{
	void *h = dlopen(name, RTLD_NOW);
	if (!h) { printf("dlopen %s: %s\n", name, dlerror()); return; }
	const char *(*w)(void) = (const char *(*)(void))dlsym(h, "ni_which");
	printf("dlopen %s: %s\n", name, w ? w() : dlerror());
	if (!dlsym(h, "ni_nosuch")) printf("dlsym ni_nosuch: %s\n", strchr(dlerror(), ':') ? "error" : "?");
	printf("dlclose %s: %d\n", name, dlclose(h));
}

int main(int argc, char **argv)
{
	if (argc < 2) return 2;
	if (strcmp(argv[1], "getenv") == 0) {
		const char *v = getenv("NI_VAR");
		printf("getenv(NI_VAR) = %s\n", v ? v : "null");
		printf("exe RTLD_NEXT getenv -> %s\n", where(dlsym(RTLD_NEXT, "getenv")));
		printf("exe RTLD_NEXT getenv@GLIBC_2.2.5 -> %s\n", where(dlvsym(RTLD_NEXT, "getenv", "GLIBC_2.2.5")));
		printf("exe RTLD_DEFAULT getenv -> %s\n", where(dlsym(RTLD_DEFAULT, "getenv")));
		info("ni_getenv_next_info1");
		info("ni_getenv_next_info2");
		v = getenv("NI_VAR");
		printf("getenv(NI_VAR) again = %s\n", v ? v : "null");
	} else if (strcmp(argv[1], "dlwrap") == 0) {
		open_call("libcudnn_ni.so.1");
		open_call("libni_plain.so.1");
		open_call("libcudnn_ni_missing.so.1");
		printf("exe RTLD_NEXT getenv -> %s\n", where(dlsym(RTLD_NEXT, "getenv")));
		info("ni_dlwrap_counts");
	} else return 2;
	return 0;
}
