/* What the cost benchmarks share: a monotonic clock, and one result line
 * "NAME MEDIAN MIN CALLS REPS" per case (per-call nanoseconds). */
#ifndef GS_BENCH_TIMING_H
#define GS_BENCH_TIMING_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* Sorts T (REPS timings of CALLS calls each) and prints the line. */
static inline void put(const char *name, long long *t, int reps, long calls)
{
	qsort(t, (size_t)reps, sizeof *t, cmp_ll);
	printf("%s %.1f %.1f %ld %d\n", name, (double)t[reps / 2] / (double)calls,
	       (double)t[0] / (double)calls, calls, reps);
}

#endif
