/* Lookups on the pseudo-handles and on the program's own handle, for the
 * names the shim itself exports (cudnnCreate, nvmlInit_v2, ...). Arguments
 * are handled in order:
 *   -g LIB          dlopen(LIB, RTLD_NOW|RTLD_GLOBAL)
 *   -l LIB          dlopen(LIB, RTLD_NOW|RTLD_LOCAL)
 *   SYM             dlsym(RTLD_DEFAULT, SYM)
 *   next:SYM        dlsym(RTLD_NEXT, SYM)
 *   self:SYM        dlsym(dlopen(NULL), SYM): the program's own scope
 *   ver:SYM@VER     dlvsym(RTLD_DEFAULT, SYM, VER)
 * Each lookup prints "KIND SYM=found" or "KIND SYM=NULL: <dlerror> errno=N
 * again=NULL|<second dlerror>". A found int (*)(void **) or int (*)(void)
 * entry point (cudnnCreate, nvmlInit_v2) is called: "  rc=N".
 * Exit status: 0. */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void call(const char *sym, void *p)
{
	void *h = NULL;
	if (!strcmp(sym, "cudnnCreate"))
		printf("  rc=%d\n", ((int (*)(void **))p)(&h));
	else if (!strncmp(sym, "nvmlInit", 8) && !strchr(sym, 'W'))
		printf("  rc=%d\n", ((int (*)(void))p)());
}

static void report(const char *kind, const char *sym, void *p)
{
	if (p) {
		printf("%s %s=found\n", kind, sym);
		call(sym, p);
		return;
	}
	char msg[512];
	errno = 0;
	const char *e = dlerror();
	int code = errno;
	/* The text is only valid until the next dlerror(): copy it first. */
	snprintf(msg, sizeof msg, "%s", e ? e : "(no error)");
	const char *again = dlerror();
	printf("%s %s=NULL: %s errno=%d again=%s\n", kind, sym, msg, code,
	       again ? "not-NULL" : "NULL");
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if ((!strcmp(a, "-g") || !strcmp(a, "-l")) && i + 1 < argc) {
			const char *lib = argv[++i];
			void *h = dlopen(lib, RTLD_NOW | (a[1] == 'g' ? RTLD_GLOBAL : RTLD_LOCAL));
			printf("dlopen %s %s=%s\n", a, lib, h ? "ok" : dlerror());
		} else if (!strncmp(a, "next:", 5)) {
			report("next", a + 5, dlsym(RTLD_NEXT, a + 5));
		} else if (!strncmp(a, "self:", 5)) {
			void *self = dlopen(NULL, RTLD_NOW);
			report("self", a + 5, dlsym(self, a + 5));
		} else if (!strncmp(a, "ver:", 4)) {
			char sym[128], *at;
			snprintf(sym, sizeof sym, "%s", a + 4);
			at = strchr(sym, '@');
			if (!at)
				continue;
			*at = '\0';
			report("ver", a + 4, dlvsym(RTLD_DEFAULT, sym, at + 1));
		} else {
			report("default", a, dlsym(RTLD_DEFAULT, a));
		}
	}
	return 0;
}
