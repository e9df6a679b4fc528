#include <dlfcn.h>
#include <link.h>
#include <stddef.h>
#include <string.h>

#include "dlerr.h"
#include "real.h"
#include "record.h"
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

static void ask(struct gs_rec *r, void *map, const struct query *q)
{
	void *f = gs_real.dlsym(map, q->sym);
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
	struct link_map *map = NULL;
	Dl_info info;
	void *h;

	switch (probe) {
	case GS_PROBE_NVML: q = rc == 0 ? nvml_q : NULL; break;
	case GS_PROBE_CUDNN: q = cudnn_q; break;
	case GS_PROBE_CUDART: q = cudart_q; break;
	case GS_PROBE_CUDA: q = cuda_q; break;
	case GS_PROBE_NONE: break;
	}
	if (!q)
		return;
	gs_dlerr_stash();
	if (gs_real.dladdr1(real, &info, (void **)&map, RTLD_DL_LINKMAP) && map &&
	    (h = gs_handle_of(map)) != NULL) {
		gs_rec_open(r, "ver", '{');
		for (; q->sym; q++)
			ask(r, h, q);
		gs_rec_close(r);
	}
	gs_dlerr_discard();
}
