/* An LD_PRELOAD interposer that itself wraps dlopen and dlsym, the way
 * profilers and sandboxes do: it finds the next dlopen/dlsym with
 * dlsym(RTLD_NEXT, ...) (dlsym itself through dlvsym, since its own dlsym
 * would otherwise look itself up) and forwards every call. It counts the
 * calls the test program makes with names that start with "libcudnn_ni",
 * "libni_" or "ni_", and reports the counts through ni_dlwrap_counts(). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

typedef void *dlopen_fn(const char *, int);
typedef void *dlsym_fn(void *, const char *);
static dlopen_fn *next_dlopen;
static dlsym_fn *next_dlsym;
static int n_open, n_sym;
static __thread int depth;

static int ours(const char *s)
{
	if (!s) return 0;
	const char *b = strrchr(s, '/');
	b = b ? b + 1 : s;
	return strncmp(b, "libcudnn_ni", 11) == 0 || strncmp(b, "libni_", 6) == 0 ||
	       strncmp(b, "ni_", 3) == 0;
}

static void init_next(void)
{
	if (!next_dlsym) {
		next_dlsym = (dlsym_fn *)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.34");
		if (!next_dlsym)
			next_dlsym = (dlsym_fn *)dlvsym(RTLD_NEXT, "dlsym", "GLIBC_2.2.5");
	}
	if (!next_dlopen && next_dlsym)
		next_dlopen = (dlopen_fn *)next_dlsym(RTLD_NEXT, "dlopen");
}

void *dlopen(const char *name, int flags)
{
	init_next();
	if (!next_dlopen || depth > 8) return NULL; /* would recurse: fail visibly */
	if (ours(name)) __atomic_add_fetch(&n_open, 1, __ATOMIC_RELAXED);
	depth++;
	void *h = next_dlopen(name, flags);
	depth--;
	return h;
}

void *dlsym(void *handle, const char *sym)
{
	init_next();
	if (!next_dlsym || depth > 8) return NULL;
	if (ours(sym)) __atomic_add_fetch(&n_sym, 1, __ATOMIC_RELAXED);
	depth++;
	void *p = next_dlsym(handle, sym);
	depth--;
	return p;
}

const char *ni_dlwrap_counts(void)
{
	static char buf[64];
	snprintf(buf, sizeof buf, "dlopen=%d dlsym=%d", n_open, n_sym);
	return buf;
}
