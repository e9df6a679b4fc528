/* gpu_cost: what the shim adds to a hooked GPU entry point.
 *
 * The call: cudaGetDeviceCount of the real libcudart.so.13, looked up once
 * (dlopen + dlsym on the handle, as frameworks do; under the shim that is a
 * slot bound to the real function). With no driver it takes the error path
 * (35) every time after its first call, which is what is timed.
 *
 * The shim sends the first 3 calls with the same function, library, return
 * code and call site (the return address), then only counts them (fold.c;
 * its table holds 128 such keys, beyond which every call is sent). So:
 *
 *   gpu_cost steady [-n N] [-r REPS]
 *       one call site, N calls a repeat, after a warm-up that used up the 3
 *       sends: the folded steady state.
 *       -> steady MEDIAN_NS MIN_NS N REPS
 *   gpu_cost sent [-d DEPTH] [-r REPS]
 *       sent calls: blocks of 32 distinct call sites (macro-expanded calls,
 *       each its own return address), called from DEPTH frames of recursion
 *       (default 30; run with GPUSHIM_STACK=30 for a full 30-frame stack).
 *       Pass 1 over a block: each call is a new key, sent, and its innermost
 *       frame is a new address (dladdr is asked once per new address);
 *       passes 2 and 3: sent again, every frame answered from the shim's
 *       cache; pass 4: folded. REPS blocks (at most 3: 96 keys stay inside
 *       the shim's 128-key table).
 *       -> sent_new MEDIAN_NS MIN_NS CALLS REPS      (pass 1, per call)
 *          sent_repeat MEDIAN_NS MIN_NS CALLS REPS   (passes 2-3, per call)
 *          folded_deep MEDIAN_NS MIN_NS CALLS REPS   (pass 4, per call)
 *   gpu_cost first [-d DEPTH]
 *       this process's first events: the dlopen of libcudart (under the
 *       shim the process's first event: hello, libunwind's first use, the
 *       library's identity) and the first cudaGetDeviceCount from DEPTH
 *       frames deep (libcudart's own initialisation, its failed dlopen of
 *       libcuda.so.1, the versions asked, the first call record), then a
 *       steady figure. Run it in fresh processes, bare and under the shim.
 *       -> first OPEN_NS CALL_NS STEADY_NS
 *   gpu_cost unwind
 *       libunwind's one-time cost as the shim pays it: dlopen("libunwind.so.8",
 *       RTLD_LAZY | RTLD_LOCAL), dlsym unw_backtrace, first unw_backtrace of
 *       30 frames; then a second unw_backtrace. Run bare, in fresh processes.
 *       -> unwind LOAD_NS FIRST_BT_NS NEXT_BT_NS
 *
 * Or:  CASE skip REASON  (no libcudart.so.13 / libunwind.so.8 here) */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"
#include <unistd.h>

#define CUDART "/usr/local/cuda/lib64/libcudart.so.13"
#define MAX_REPS 101
#define SITES 32
#define MAX_BLOCKS 3

typedef int (*count_fn)(int *);
static count_fn volatile gdc; /* volatile: every call site loads and calls */
static volatile long sink;

/* SITES distinct call sites in one function. */
#define CALL1 s += gdc(&c);
#define CALL4 CALL1 CALL1 CALL1 CALL1
#define CALL32 CALL4 CALL4 CALL4 CALL4 CALL4 CALL4 CALL4 CALL4
#define BLOCK(name) \
	static __attribute__((noinline)) long name(void) { long s = 0; int c; CALL32 return s; }
BLOCK(block0)
BLOCK(block1)
BLOCK(block2)
static long (*const blocks[MAX_BLOCKS])(void) = { block0, block1, block2 };

static __attribute__((noinline)) long one_site(void)
{
	int c;
	return gdc(&c);
}

/* FN called DEPTH frames below here (DEPTH >= 1: FN's own frame counts). */
static __attribute__((noinline)) long deep(int depth, long (*fn)(void))
{
	long r = depth <= 1 ? fn() : deep(depth - 1, fn);
	__asm__ volatile("" ::: "memory"); /* no tail call: keep the frame */
	return r + 1;
}

static void steady_loop(long n)
{
	long s = 0;
	int c;
	for (long i = 0; i < n; i++)
		s += gdc(&c);
	sink = s;
}

static int load(void)
{
	void *h = dlopen(CUDART, RTLD_NOW);
	gdc = h ? (count_fn)dlsym(h, "cudaGetDeviceCount") : NULL;
	return gdc != NULL;
}

static int steady(long n, int reps)
{
	long long t[MAX_REPS];
	if (!load()) {
		printf("steady skip no-%s\n", CUDART);
		return 0;
	}
	steady_loop(n / 10 + 10); /* libcudart's first-call init; the 3 sends */
	for (int r = 0; r < reps; r++) {
		long long t0 = now_ns();
		steady_loop(n);
		t[r] = now_ns() - t0;
	}
	put("steady", t, reps, n);
	return 0;
}

static int sent(int depth, int reps)
{
	long long t1[MAX_BLOCKS], t23[MAX_BLOCKS], t4[MAX_BLOCKS];
	if (!load()) {
		printf("sent_new skip no-%s\n", CUDART);
		return 0;
	}
	if (reps > MAX_BLOCKS)
		reps = MAX_BLOCKS;
	deep(depth, one_site); /* libcudart's first call, libunwind, the frames above */
	for (int b = 0; b < reps; b++) {
		long long t0 = now_ns();
		deep(depth, blocks[b]);
		long long ta = now_ns();
		deep(depth, blocks[b]);
		deep(depth, blocks[b]);
		long long tb = now_ns();
		deep(depth, blocks[b]);
		long long tc = now_ns();
		t1[b] = ta - t0;
		t23[b] = (tb - ta) / 2;
		t4[b] = tc - tb;
	}
	put("sent_new", t1, reps, SITES);
	put("sent_repeat", t23, reps, SITES);
	put("folded_deep", t4, reps, SITES);
	return 0;
}

static int first(int depth)
{
	long long t0 = now_ns();
	int ok = load();
	long long t1 = now_ns();
	if (!ok) {
		printf("first skip no-%s\n", CUDART);
		return 0;
	}
	deep(depth, one_site);
	long long t2 = now_ns();
	steady_loop(1000);
	long long t3 = now_ns();
	steady_loop(10000);
	long long t4 = now_ns();
	(void)t3;
	printf("first %lld %lld %.1f\n", t1 - t0, t2 - t1, (double)(t4 - t3) / 10000.0);
	return 0;
}

static int unwind(void)
{
	void *frames[30];
	long long t0 = now_ns();
	void *h = dlopen("libunwind.so.8", RTLD_LAZY | RTLD_LOCAL);
	int (*bt)(void **, int) = h ? (int (*)(void **, int))dlsym(h, "unw_backtrace") : NULL;
	long long t1 = now_ns();
	if (!bt) {
		printf("unwind skip no-libunwind.so.8\n");
		return 0;
	}
	sink = bt(frames, 30);
	long long t2 = now_ns();
	sink = bt(frames, 30);
	long long t3 = now_ns();
	printf("unwind %lld %lld %lld\n", t1 - t0, t2 - t1, t3 - t2);
	return 0;
}

int main(int argc, char **argv)
{
	long n = 200000;
	int reps = 15, depth = 30, opt;

	if (argc < 2)
		goto usage;
	optind = 2;
	while ((opt = getopt(argc, argv, "n:r:d:")) != -1) {
		switch (opt) {
		case 'n': n = atol(optarg); break;
		case 'r': reps = atoi(optarg); break;
		case 'd': depth = atoi(optarg); break;
		default: goto usage;
		}
	}
	if (reps < 1 || reps > MAX_REPS || n < 1 || depth < 1 || depth > 1000)
		goto usage;
	if (!strcmp(argv[1], "steady"))
		return steady(n, reps);
	if (!strcmp(argv[1], "sent"))
		return sent(depth, reps);
	if (!strcmp(argv[1], "first"))
		return first(depth);
	if (!strcmp(argv[1], "unwind"))
		return unwind();
usage:
	fprintf(stderr, "usage: gpu_cost steady|sent|first|unwind [-n N] [-r REPS] [-d DEPTH]\n");
	return 2;
}
