/* ni_origin LIBDIR OP... — which copy of a library a bare-name dlopen loads.
 *
 * LIBDIR holds libni_origin.so (RUNPATH=$ORIGIN/sub) and libni_rpath.so
 * (RPATH=$ORIGIN/rsub); both are loaded by absolute path. Each OP is
 *   o:NAME   dlopen(NAME) called from libni_origin.so
 *   r:NAME   dlopen(NAME) called from libni_rpath.so
 *   m:NAME   dlmopen(LM_ID_NEWLM, NAME) called from libni_origin.so
 *   x:NAME   dlopen(NAME) called from this executable
 *   c:NAME   dlclose the handle the last op got for NAME (by op order)
 * For each op it prints the resolved file (realpath of the link-map name)
 * and what the library says it is (ni_which), or the dlerror() text.
 * Built three times: without a path, with DT_RPATH and with DT_RUNPATH
 * pointing at the decoy directory (tests/ni.mk). */
#include <dlfcn.h>
#include <link.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void *open_fn(const char *, int);

static open_fn *load(const char *dir, const char *lib, const char *fn)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, lib);
	void *h = dlopen(p, RTLD_NOW | RTLD_LOCAL);
	if (!h) { printf("cannot load %s: %s\n", lib, dlerror()); exit(2); }
	open_fn *f = (open_fn *)dlsym(h, fn);
	if (!f) { printf("no %s in %s\n", fn, lib); exit(2); }
	return f;
}

int main(int argc, char **argv)
{
	if (argc < 2) { fprintf(stderr, "usage: ni_origin LIBDIR OP...\n"); return 2; }
	open_fn *from_origin = load(argv[1], "libni_origin.so", "ni_origin_dlopen");
	open_fn *m_origin = load(argv[1], "libni_origin.so", "ni_origin_dlmopen");
	open_fn *from_rpath = load(argv[1], "libni_rpath.so", "ni_origin_dlopen");
	void *handles[64] = {0};
	for (int i = 2; i < argc && i < 64; i++) {
		const char *op = argv[i];
		if (strlen(op) < 3 || op[1] != ':') { printf("bad op %s\n", op); return 2; }
		const char *name = op + 2;
		if (op[0] == 'c') {
			int done = 0;
			for (int j = i - 1; j >= 2 && !done; j--)
				if (handles[j] && strcmp(argv[j] + 2, name) == 0) {
					printf("%s -> dlclose %d\n", op, dlclose(handles[j]));
					handles[j] = NULL;
					done = 1;
				}
			if (!done) printf("%s -> nothing to close\n", op);
			continue;
		}
		void *h;
		switch (op[0]) {
		case 'o': h = from_origin(name, RTLD_NOW | RTLD_LOCAL); break;
		case 'm': h = m_origin(name, RTLD_NOW | RTLD_LOCAL); break;
		case 'r': h = from_rpath(name, RTLD_NOW | RTLD_LOCAL); break;
		case 'x': h = dlopen(name, RTLD_NOW | RTLD_LOCAL); break;
		default: printf("bad op %s\n", op); return 2;
		}
		if (!h) { printf("%s -> error: %s\n", op, dlerror()); continue; }
		handles[i] = h;
		struct link_map *lm = NULL;
		char rp[PATH_MAX] = "?";
		if (dlinfo(h, RTLD_DI_LINKMAP, &lm) == 0 && lm && lm->l_name)
			if (!realpath(lm->l_name, rp)) snprintf(rp, sizeof rp, "unresolved %s", lm->l_name);
		const char *(*which)(void) = (const char *(*)(void))dlsym(h, "ni_which");
		printf("%s -> %s [%s]\n", op, rp, which ? which() : "no ni_which");
	}
	return 0;
}
