/* Fake CUDA driver, libcuda.so.1. Built with -DFAKE_CUDA_VERSION=12030 (the
 * driver API version it reports by default).
 *
 * Environment (read at each call):
 *   FAKE_CUDA_INIT_RC         force cuInit's return code
 *   FAKE_CUDA_STUB=1          behave like the toolkit's stub: every entry
 *                             point returns 34 (CUDA_ERROR_STUB_LIBRARY)
 *   FAKE_CUDA_DRIVER_VERSION  what cuDriverGetVersion reports (default built-in)
 *   FAKE_CUDA_DEVICE_COUNT    what cuDeviceGetCount reports (default 1)
 * cuDeviceGetCount returns 3 (NOT_INITIALIZED) before a successful cuInit,
 * like the real driver. cuGetProcAddress* hand out this library's own entry
 * points, which is how libcudart 12+ and static runtimes reach the driver.
 */
#include <string.h>
#include "fake.h"

typedef unsigned long long cuuint64_t;
enum { SUCCESS = 0, INVALID_VALUE = 1, NOT_INITIALIZED = 3, STUB_LIBRARY = 34,
       NOT_FOUND = 500 };
/* CUdriverProcAddressQueryResult */
enum { SYMBOL_SUCCESS = 0, SYMBOL_NOT_FOUND = 1 };

static int initialised;

static int stub(void) { return fake_env_int("FAKE_CUDA_STUB", 0) != 0; }

FAKE_API int cuInit(unsigned flags)
{
	(void)flags;
	int rc = SUCCESS;
	if (stub())
		rc = STUB_LIBRARY;
	else if (fake_env_set("FAKE_CUDA_INIT_RC"))
		rc = (int)fake_env_int("FAKE_CUDA_INIT_RC", 0);
	initialised = rc == SUCCESS;
	return rc;
}

FAKE_API int cuDriverGetVersion(int *v)
{
	if (stub())
		return STUB_LIBRARY;
	if (!v)
		return INVALID_VALUE;
	*v = (int)fake_env_int("FAKE_CUDA_DRIVER_VERSION", FAKE_CUDA_VERSION);
	return SUCCESS;
}

FAKE_API int cuDeviceGetCount(int *count)
{
	if (stub())
		return STUB_LIBRARY;
	if (!count)
		return INVALID_VALUE;
	if (!initialised)
		return NOT_INITIALIZED;
	*count = (int)fake_env_int("FAKE_CUDA_DEVICE_COUNT", 1);
	return SUCCESS;
}

FAKE_API int cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion,
				 cuuint64_t flags, int *symbolStatus);

/* The table cuGetProcAddress* serves; "cuGetProcAddress" means _v2 from 12.0. */
static void *lookup(const char *symbol)
{
	if (!strcmp(symbol, "cuInit")) return (void *)cuInit;
	if (!strcmp(symbol, "cuDriverGetVersion")) return (void *)cuDriverGetVersion;
	if (!strcmp(symbol, "cuDeviceGetCount")) return (void *)cuDeviceGetCount;
	if (!strcmp(symbol, "cuGetProcAddress")) return (void *)cuGetProcAddress_v2;
	return NULL;
}

FAKE_API int cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion,
				 cuuint64_t flags, int *symbolStatus)
{
	(void)cudaVersion; (void)flags;
	if (stub())
		return STUB_LIBRARY;
	if (!symbol || !pfn)
		return INVALID_VALUE;
	*pfn = lookup(symbol);
	if (symbolStatus)
		*symbolStatus = *pfn ? SYMBOL_SUCCESS : SYMBOL_NOT_FOUND;
	return *pfn ? SUCCESS : NOT_FOUND;
}

FAKE_API int cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion,
			      cuuint64_t flags)
{
	return cuGetProcAddress_v2(symbol, pfn, cudaVersion, flags, NULL);
}
