/* scope_cost: a hooked call made by symbol from a plugin opened RTLD_LOCAL
 * (ctypes' default, every Python extension module): under the shim the
 * call binds to the exported stub, which forwards to the definition the
 * plugin would have bound to (shim/nextdef.c).
 *
 *   scope_cost steady PLUGIN [-n N] [-r REPS]
 *       one plugin, N calls a repeat from one call site, after a warm-up
 *       (libcudart's first-call init, the shim's 3 sends): the folded
 *       steady state, per call.
 *       -> steady MEDIAN_NS MIN_NS N REPS
 *   scope_cost first [-t] PLUGIN...
 *       one first call from each plugin (each a distinct object: copies of
 *       one file under other names), after libcudart was warmed up through
 *       the first: under the shim each is a new calling object, resolved
 *       once, and a new call site, sent with its stack. With -t every page
 *       of the plugins' read-only segments (their unwind tables among them)
 *       is touched first, untimed: what a stack through a new object costs
 *       beyond the first touch of those pages.
 *       -> first MEDIAN_NS MIN_NS PLUGINS 1
 *
 * Or:  CASE skip REASON (the plugin cannot be loaded: no CUDA toolkit). */
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "timing.h"

#define MAX_REPS 101
#define MAX_PLUGINS 256

typedef long (*calls_fn)(long);
static volatile long sink;

static calls_fn load(const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	return h ? (calls_fn)dlsym(h, "scope_calls") : NULL;
}

static int steady(const char *plugin, long n, int reps)
{
	long long t[MAX_REPS];
	calls_fn f = load(plugin);

	if (!f) {
		printf("steady skip %s\n", dlerror());
		return 0;
	}
	sink = f(n / 10 + 10);
	for (int r = 0; r < reps; r++) {
		long long t0 = now_ns();
		sink = f(n);
		t[r] = now_ns() - t0;
	}
	put("steady", t, reps, n);
	return 0;
}

struct names { char **v; int n; };

/* Reads a byte of every page of every read-only PT_LOAD segment of the
 * objects named in DATA (the plugins, as they were opened). */
static int touch_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	const struct names *plugins = data;
	long page = sysconf(_SC_PAGESIZE);
	int k;

	(void)size;
	for (k = 0; k < plugins->n && strcmp(info->dlpi_name, plugins->v[k]) != 0; k++)
		;
	if (k == plugins->n)
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		for (ElfW(Addr) a = ph->p_vaddr; a < ph->p_vaddr + ph->p_memsz; a += (ElfW(Addr))page)
			sink += *(volatile const char *)(info->dlpi_addr + a);
	}
	return 0;
}

static int first(char **plugins, int n)
{
	int touch = n > 0 && strcmp(plugins[0], "-t") == 0;

	if (touch) {
		plugins++;
		n--;
	}
	long long t[MAX_PLUGINS];
	calls_fn f[MAX_PLUGINS];
	int i;

	if (n > MAX_PLUGINS)
		n = MAX_PLUGINS;
	if (n < 2) {
		fprintf(stderr, "scope_cost: first needs two plugins or more\n");
		return 2;
	}
	for (i = 0; i < n; i++)
		if (!(f[i] = load(plugins[i]))) {
			printf("first skip %s\n", dlerror());
			return 0;
		}
	if (touch) {
		struct names all = { plugins, n };
		dl_iterate_phdr(touch_cb, &all);
	}
	sink = f[0](1); /* libcudart's own first-call work, not timed */
	for (i = 1; i < n; i++) {
		long long t0 = now_ns();
		sink = f[i](1);
		t[i - 1] = now_ns() - t0;
	}
	put("first", t, n - 1, 1);
	return 0;
}

int main(int argc, char **argv)
{
	long n = 1000000;
	int reps = 11, i;

	if (argc >= 3 && strcmp(argv[1], "first") == 0)
		return first(argv + 2, argc - 2);
	if (argc < 3 || strcmp(argv[1], "steady") != 0) {
		fprintf(stderr, "usage: scope_cost steady PLUGIN [-n N] [-r REPS] | first PLUGIN...\n");
		return 2;
	}
	for (i = 3; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "-n") == 0)
			n = atol(argv[i + 1]);
		else if (strcmp(argv[i], "-r") == 0)
			reps = atoi(argv[i + 1]);
	}
	if (n < 1 || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "scope_cost: bad -n or -r\n");
		return 2;
	}
	return steady(argv[2], n, reps);
}
