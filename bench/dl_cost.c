/* dl_cost: ns per call of the dl entry points the shim interposes.
 *
 * Run it bare and under LD_PRELOAD=libgpushim.so; bench/run.sh joins the
 * two outputs. Each case is REPS repeats of N calls; the median repeat is
 * the figure (robust against a stray context switch), the minimum is shown
 * as the noise floor. Every target library is loaded once up front and kept
 * open, so the loops measure the lookup path, never a real load.
 *
 * Output, one line per case:  CASE MEDIAN_NS MIN_NS N REPS
 *                        or:  CASE skip REASON
 * Usage: dl_cost [-c CASE] [-n N] [-r REPS]   (-c runs one case only) */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UNWATCHED_LIB "libm.so.6"
#define UNWATCHED_SYM "cos"
#define WATCHED_LIB "/usr/local/cuda/lib64/libcudart.so.13"
#define WATCHED_SYM "cudaGetDeviceCount" /* a hooked entry point: wrapped, recorded */
#define WATCHED_PLAIN_SYM "cudaMalloc"     /* not hooked: folded after a few records */
#define MAX_REPS 101

static void *h_unwatched, *h_watched;
static void *volatile sink; /* keeps every result observable */

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One function per case: N calls of the pattern being measured. */
static void dlopen_unwatched(long n)
{
	/* A program re-opening a library it already has: refcount up, down. */
	for (long i = 0; i < n; i++) {
		void *h = dlopen(UNWATCHED_LIB, RTLD_NOW);
		sink = h;
		dlclose(h);
	}
}

static void dlsym_unwatched(long n)
{
	for (long i = 0; i < n; i++)
		sink = dlsym(h_unwatched, UNWATCHED_SYM);
}

static void dlsym_default(long n)
{
	for (long i = 0; i < n; i++)
		sink = dlsym(RTLD_DEFAULT, UNWATCHED_SYM);
}

static void dlsym_next(long n)
{
	for (long i = 0; i < n; i++)
		sink = dlsym(RTLD_NEXT, UNWATCHED_SYM);
}

static void dlopen_watched(long n)
{
	for (long i = 0; i < n; i++) {
		void *h = dlopen(WATCHED_LIB, RTLD_NOW);
		sink = h;
		dlclose(h);
	}
}

static void dlsym_watched(long n)
{
	for (long i = 0; i < n; i++)
		sink = dlsym(h_watched, WATCHED_SYM);
}

/* What a runtime does for hundreds of entry points it looks up one by one. */
static void dlsym_watched_plain(long n)
{
	for (long i = 0; i < n; i++)
		sink = dlsym(h_watched, WATCHED_PLAIN_SYM);
}

struct bench_case {
	const char *name;
	void (*fn)(long n);
	long n;       /* calls per repeat; watched calls write records, so fewer */
	int watched;
};

static const struct bench_case cases[] = {
	{ "dlopen+dlclose_unwatched", dlopen_unwatched, 20000, 0 },
	{ "dlsym_handle_unwatched", dlsym_unwatched, 100000, 0 },
	{ "dlsym_RTLD_DEFAULT", dlsym_default, 100000, 0 },
	{ "dlsym_RTLD_NEXT", dlsym_next, 100000, 0 },
	{ "dlopen+dlclose_watched", dlopen_watched, 1000, 1 },
	{ "dlsym_handle_watched", dlsym_watched, 2000, 1 },
	{ "dlsym_handle_watched_plain", dlsym_watched_plain, 2000, 1 },
};

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

static void run_case(const struct bench_case *c, long n, int reps)
{
	long long t[MAX_REPS];

	if (c->watched && !h_watched) {
		printf("%s skip %s-not-loadable\n", c->name, WATCHED_LIB);
		return;
	}
	c->fn(n / 10 + 1); /* warm-up: first-use costs (libunwind, caches) */
	for (int r = 0; r < reps; r++) {
		long long t0 = now_ns();
		c->fn(n);
		t[r] = now_ns() - t0;
	}
	qsort(t, (size_t)reps, sizeof *t, cmp_ll);
	printf("%s %.1f %.1f %ld %d\n", c->name, (double)t[reps / 2] / (double)n,
	       (double)t[0] / (double)n, n, reps);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	long n = 0;
	int reps = 15, opt, found = 0;

	while ((opt = getopt(argc, argv, "c:n:r:")) != -1) {
		switch (opt) {
		case 'c': only = optarg; break;
		case 'n': n = atol(optarg); break;
		case 'r': reps = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-c CASE] [-n N] [-r REPS]\n", argv[0]);
			return 2;
		}
	}
	if (reps < 1 || reps > MAX_REPS || n < 0) {
		fprintf(stderr, "dl_cost: -r must be 1..%d, -n >= 0\n", MAX_REPS);
		return 2;
	}
	/* RTLD_GLOBAL so RTLD_DEFAULT and RTLD_NEXT find "cos" (a hit, not
	 * the slower error path). */
	h_unwatched = dlopen(UNWATCHED_LIB, RTLD_NOW | RTLD_GLOBAL);
	if (!h_unwatched || !dlsym(RTLD_NEXT, UNWATCHED_SYM)) {
		fprintf(stderr, "dl_cost: %s/%s: %s\n", UNWATCHED_LIB, UNWATCHED_SYM, dlerror());
		return 1;
	}
	h_watched = dlopen(WATCHED_LIB, RTLD_NOW);
	if (h_watched && (!dlsym(h_watched, WATCHED_SYM) || !dlsym(h_watched, WATCHED_PLAIN_SYM)))
		h_watched = NULL;
	printf("# case median_ns min_ns calls_per_rep reps\n");
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		if (only && strcmp(only, cases[i].name) != 0)
			continue;
		found = 1;
		run_case(&cases[i], n ? n : cases[i].n, reps);
	}
	if (!found) {
		fprintf(stderr, "dl_cost: no case named %s\n", only);
		return 2;
	}
	return 0;
}
