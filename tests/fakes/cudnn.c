/* Fake cuDNN, built three ways from this one source:
 *   cuDNN 8 (libcudnn.so.8)          -DFAKE_CUDNN_MAJOR=8 ...: does the work
 *   cuDNN 9 libcudnn_graph.so.9      -DFAKE_CUDNN_MAJOR=9 ...: does the work
 *   cuDNN 9 libcudnn.so.9            ... -DFAKE_CUDNN_FRONT: loads
 *       libcudnn_graph.so.9 by bare name (found through its RUNPATH=$ORIGIN)
 *       and forwards cudnnCreate/cudnnDestroy to it, as the real one does.
 * Version: -DFAKE_CUDNN_MAJOR/MINOR/PATCH; cudnnGetVersion encodes it as
 * major*1000+minor*100+patch (8) or major*10000+minor*100+patch (9).
 *
 * Environment (read at each call):
 *   FAKE_CUDNN_CREATE_RC  force cudnnCreate's status (worker only: the front
 *                         still loads and checks the graph library first)
 *   FAKE_CUDNN_DRIVER=0   skip the driver check; by default cudnnCreate, like
 *                         the real one, dlopens libcuda.so.1 and calls cuInit,
 *                         and returns NOT_INITIALIZED (8: 1, 9: 1001) if that fails
 *   FAKE_CUDNN_CUDART     what cudnnGetCudartVersion reports (default 12020)
 *   FAKE_CUDNN_VERSION    what cudnnGetVersion reports (default built-in)
 *   FAKE_CUDNN_PROBE=0    front: dlopen only "libcudnn_graph.so.9"; by default
 *                         it first probes "libcudnn_graph.so.9.M.P" and ".9.M"
 * Front statuses: 1008 SUBLIBRARY_LOADING_FAILED (graph not loadable),
 * 1002 SUBLIBRARY_VERSION_MISMATCH (graph reports another version).
 */
#include <dlfcn.h>
#include <stdio.h>
#include "fake.h"

#define VERSION (FAKE_CUDNN_MAJOR >= 9 \
	? FAKE_CUDNN_MAJOR * 10000 + FAKE_CUDNN_MINOR * 100 + FAKE_CUDNN_PATCH \
	: FAKE_CUDNN_MAJOR * 1000 + FAKE_CUDNN_MINOR * 100 + FAKE_CUDNN_PATCH)

#if FAKE_CUDNN_MAJOR >= 9
enum { SUCCESS = 0, NOT_INITIALIZED = 1001, SUBLIB_VERSION_MISMATCH = 1002,
       SUBLIB_LOADING_FAILED = 1008, BAD_PARAM = 2000 };
#else
enum { SUCCESS = 0, NOT_INITIALIZED = 1, BAD_PARAM = 3 };
#endif

FAKE_API size_t cudnnGetVersion(void)
{
	return (size_t)fake_env_int("FAKE_CUDNN_VERSION", VERSION);
}

FAKE_API size_t cudnnGetCudartVersion(void)
{
	return (size_t)fake_env_int("FAKE_CUDNN_CUDART", 12020);
}

FAKE_API const char *cudnnGetErrorString(int status)
{
	switch (status) {
	case SUCCESS: return "CUDNN_STATUS_SUCCESS";
	case NOT_INITIALIZED: return "CUDNN_STATUS_NOT_INITIALIZED";
	case BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
#ifdef FAKE_CUDNN_FRONT
	case SUBLIB_VERSION_MISMATCH: return "CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH";
	case SUBLIB_LOADING_FAILED: return "CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED";
#endif
	default: return "CUDNN_UNKNOWN_STATUS";
	}
}

#ifndef FAKE_CUDNN_FRONT
static int driver_ok(void)
{
	if (fake_env_int("FAKE_CUDNN_DRIVER", 1) == 0)
		return 1;
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	int (*cu_init)(unsigned) = h ? (int (*)(unsigned))dlsym(h, "cuInit") : NULL;
	return cu_init && cu_init(0) == 0;
}

FAKE_API int cudnnCreate(void **handle)
{
	static int handles[64]; /* opaque non-null tokens, never dereferenced */
	static unsigned next;
	if (fake_env_set("FAKE_CUDNN_CREATE_RC")) {
		int rc = (int)fake_env_int("FAKE_CUDNN_CREATE_RC", 0);
		if (rc == SUCCESS && handle)
			*handle = &handles[next++ % 64];
		return rc;
	}
	if (!handle)
		return BAD_PARAM;
	if (!driver_ok())
		return NOT_INITIALIZED;
	*handle = &handles[next++ % 64];
	return SUCCESS;
}

FAKE_API int cudnnDestroy(void *handle)
{
	return handle ? SUCCESS : BAD_PARAM;
}
#else
static void *graph;

static void *load_graph(void)
{
	char name[64];
	if (graph)
		return graph;
	if (fake_env_int("FAKE_CUDNN_PROBE", 1)) {
		snprintf(name, sizeof name, "libcudnn_graph.so.%d.%d.%d",
			 FAKE_CUDNN_MAJOR, FAKE_CUDNN_MINOR, FAKE_CUDNN_PATCH);
		if ((graph = dlopen(name, RTLD_NOW | RTLD_LOCAL)))
			return graph;
		snprintf(name, sizeof name, "libcudnn_graph.so.%d.%d",
			 FAKE_CUDNN_MAJOR, FAKE_CUDNN_MINOR);
		if ((graph = dlopen(name, RTLD_NOW | RTLD_LOCAL)))
			return graph;
	}
	return graph = dlopen("libcudnn_graph.so.9", RTLD_NOW | RTLD_LOCAL);
}

FAKE_API int cudnnCreate(void **handle)
{
	void *g = load_graph();
	if (!g)
		return SUBLIB_LOADING_FAILED;
	size_t (*version)(void) = (size_t (*)(void))dlsym(g, "cudnnGetVersion");
	int (*create)(void **) = (int (*)(void **))dlsym(g, "cudnnCreate");
	if (!version || !create)
		return SUBLIB_LOADING_FAILED;
	if (version() != cudnnGetVersion()) /* bound locally: -Bsymbolic */
		return SUBLIB_VERSION_MISMATCH;
	return create(handle);
}

FAKE_API int cudnnDestroy(void *handle)
{
	void *g = load_graph();
	int (*destroy)(void *) = g ? (int (*)(void *))dlsym(g, "cudnnDestroy") : NULL;
	return destroy ? destroy(handle) : SUBLIB_LOADING_FAILED;
}
#endif
