/* A hot loop over one GPU entry point, from two call sites.
 *   hook_loop LIB FUNC N M
 * LIB "-": call cudaGetDeviceCount by symbol (this program is linked against
 * the fake libcudart.so.12, see tests/hooks.mk); else dlopen(LIB) and dlsym
 * FUNC (an int (*)(int *)), TensorFlow-style. Site A calls it N times,
 * site B M times. Prints, per site, each return code and how often it came
 * back, then the last *out. Exit 0. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cudaGetDeviceCount(int *count);

typedef int (*fn_t)(int *);
static int out = -1;

struct tally { int rc; long n; };

static void add(struct tally *t, int rc)
{
	int i;
	for (i = 0; i < 7 && t[i].n && t[i].rc != rc; i++)
		;
	t[i].rc = rc;
	t[i].n++;
}

static void show(const char *site, const struct tally *t)
{
	for (int i = 0; i < 8 && t[i].n; i++)
		printf("%s rc=%d x %ld\n", site, t[i].rc, t[i].n);
}

__attribute__((noinline)) static void site_a(fn_t f, long n, struct tally *t)
{
	for (long i = 0; i < n; i++)
		add(t, f(&out));
	__asm__ volatile("" ::: "memory"); /* keep the call out of a tail position */
}

__attribute__((noinline)) static void site_b(fn_t f, long n, struct tally *t)
{
	for (long i = 0; i < n; i++)
		add(t, f(&out));
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	struct tally a[8], b[8];
	fn_t f = cudaGetDeviceCount;

	if (argc != 5) {
		fprintf(stderr, "usage: %s LIB|- FUNC N M\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "-") != 0) {
		void *h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
		f = h ? (fn_t)dlsym(h, argv[2]) : NULL;
		if (!f) {
			printf("lookup failed: %s\n", dlerror());
			return 1;
		}
	}
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	site_a(f, atol(argv[3]), a);
	site_b(f, atol(argv[4]), b);
	show("A", a);
	show("B", b);
	printf("out=%d\n", out);
	return 0;
}
