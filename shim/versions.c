#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "dlerr.h"
#include "real.h"
#include "record.h"
#include "stack.h"
#include "versions.h"

typedef int (*str_fn)(char *, unsigned);
typedef int (*int_fn)(int *);
typedef size_t (*size_fn)(void);

/* Each query: the name looked up in the serving object, how to call it,
 * and the key it is reported under. */
enum call { STR, INT, SIZE };
struct query { const char *sym; enum call how; const char *key; };

static const struct query nvml_q[] = {
	{ "nvmlSystemGetDriverVersion", STR, "driver" },
	{ "nvmlSystemGetNVMLVersion", STR, "nvml" },
	{ "nvmlSystemGetCudaDriverVersion", INT, "cuda_driver" },
	{ NULL, INT, NULL },
};
static const struct query cudnn_q[] = {
	{ "cudnnGetVersion", SIZE, "cudnn" },
	{ "cudnnGetCudartVersion", SIZE, "cudart" },
	{ NULL, INT, NULL },
};
static const struct query cudart_q[] = {
	{ "cudaRuntimeGetVersion", INT, "runtime" },
	{ "cudaDriverGetVersion", INT, "driver" },
	{ NULL, INT, NULL },
};
static const struct query cuda_q[] = {
	{ "cuDriverGetVersion", INT, "driver" },
	{ NULL, INT, NULL },
};

#define MAXQ 3 /* the longest query list above */

/* Where a serving function's queries live, found once per unload
 * generation (stack.h): dladdr, the handle and dlsym cost microseconds,
 * which every sent record would pay again. Direct-mapped by address. */
#define MEMO 32
struct memo { const void *real; unsigned gen; int found; void *fn[MAXQ]; };
static struct memo memo[MEMO];
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

void gs_versions_after_fork(void)
{
	pthread_mutex_init(&memo_lock, NULL);
}

static struct memo *slot(const void *real)
{
	return &memo[((uintptr_t)real >> 4) % MEMO];
}

/* Fills M for REAL: found is 0 when its object cannot be named. */
static void look_up(struct memo *m, void *real, const struct query *q)
{
	struct link_map *map = NULL;
	Dl_info info;
	void *h;

	memset(m, 0, sizeof *m);
	m->real = real;
	m->gen = gs_stack_generation();
	gs_dlerr_stash(); /* a missing query leaves an error: not the program's */
	if (gs_real.dladdr1(real, &info, (void **)&map, RTLD_DL_LINKMAP) && map &&
	    (h = gs_handle_of(map)) != NULL) {
		int i;

		m->found = 1;
		for (i = 0; i < MAXQ && q[i].sym; i++)
			m->fn[i] = gs_real.dlsym(h, q[i].sym);
	}
	gs_dlerr_discard();
}

static void ask(struct gs_rec *r, void *f, const struct query *q)
{
	char buf[96];
	int v = 0;

	if (!f)
		return;
	switch (q->how) {
	case STR:
		memset(buf, 0, sizeof buf);
		if (((str_fn)f)(buf, 80) == 0)
			gs_rec_str(r, q->key, buf);
		break;
	case INT:
		if (((int_fn)f)(&v) == 0)
			gs_rec_int(r, q->key, v);
		break;
	case SIZE:
		gs_rec_int(r, q->key, (long long)((size_fn)f)());
		break;
	}
}

void gs_versions_add(struct gs_rec *r, enum gs_probe probe, void *real, int rc)
{
	const struct query *q = NULL;
	struct memo m, *c;
	int i;

	switch (probe) {
	case GS_PROBE_NVML: q = rc == 0 ? nvml_q : NULL; break;
	case GS_PROBE_CUDNN: q = cudnn_q; break;
	case GS_PROBE_CUDART: q = cudart_q; break;
	case GS_PROBE_CUDA: q = cuda_q; break;
	case GS_PROBE_NONE: break;
	}
	if (!q)
		return;
	c = slot(real);
	pthread_mutex_lock(&memo_lock);
	m = *c;
	pthread_mutex_unlock(&memo_lock);
	if (m.real != real || m.gen != gs_stack_generation()) {
		look_up(&m, real, q);
		pthread_mutex_lock(&memo_lock);
		*c = m;
		pthread_mutex_unlock(&memo_lock);
	}
	if (!m.found)
		return;
	gs_rec_open(r, "ver", '{');
	for (i = 0; i < MAXQ && q[i].sym; i++)
		ask(r, m.fn[i], &q[i]);
	gs_rec_close(r);
}
