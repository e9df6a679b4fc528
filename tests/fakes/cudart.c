/* Fake CUDA runtime, libcudart.so.12. Built with -DFAKE_CUDART_VERSION=12030.
 * Like the real runtime it reaches the driver only through
 * dlopen("libcuda.so.1") + dlsym("cuGetProcAddress_v2"), then asks that for
 * every other entry point. Initialisation is done once and is sticky.
 *
 * Environment (read at each call):
 *   FAKE_CUDART_RC               force cudaGetDeviceCount's return code
 *   FAKE_CUDART_DEVICE_COUNT     with FAKE_CUDART_RC=0: the *count it gives
 *                                (unset: *count is left untouched)
 *   FAKE_CUDART_RUNTIME_VERSION  what cudaRuntimeGetVersion reports
 * Results without FAKE_CUDART_RC: 35 (cudaErrorInsufficientDriver) when
 * libcuda.so.1 cannot be loaded, lacks cuGetProcAddress_v2 or is older than
 * this runtime's major; cuInit's error otherwise (34 stub, 100 no device,
 * 803 ...); 100 when the driver counts 0 devices. On error *count is left
 * untouched, as the real runtime does.
 */
#include <dlfcn.h>
#include <pthread.h>
#include "fake.h"

typedef int (*gpa_fn)(const char *, void **, int, unsigned long long, int *);
typedef int (*int_out_fn)(int *);
typedef int (*init_fn)(unsigned);

enum { SUCCESS = 0, INVALID_VALUE = 1, NO_DEVICE = 100, INSUFFICIENT_DRIVER = 35,
       STUB_LIBRARY = 34 };

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc;
static int_out_fn drv_version, drv_count;

static void *proc(gpa_fn gpa, const char *name, int *rc)
{
	void *p = NULL;
	int status = 0;
	*rc = gpa(name, &p, FAKE_CUDART_VERSION, 0, &status);
	return *rc == SUCCESS ? p : NULL;
}

static void init_driver(void)
{
	void *h = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
	gpa_fn gpa = h ? (gpa_fn)dlsym(h, "cuGetProcAddress_v2") : NULL;
	init_rc = INSUFFICIENT_DRIVER;
	if (!gpa)
		return;
	/* The runtime re-fetches cuGetProcAddress itself through the driver;
	 * a stub driver fails right here with 34. */
	int rc;
	gpa_fn gpa2 = (gpa_fn)proc(gpa, "cuGetProcAddress", &rc);
	if (rc == STUB_LIBRARY) {
		init_rc = rc;
		return;
	}
	if (gpa2)
		gpa = gpa2;
	init_fn cu_init = (init_fn)proc(gpa, "cuInit", &rc);
	drv_version = (int_out_fn)proc(gpa, "cuDriverGetVersion", &rc);
	drv_count = (int_out_fn)proc(gpa, "cuDeviceGetCount", &rc);
	int v = 0;
	if (!cu_init || !drv_version || !drv_count || drv_version(&v) != 0 ||
	    v / 1000 < FAKE_CUDART_VERSION / 1000)
		return;
	init_rc = cu_init(0);
}

FAKE_API int cudaGetDeviceCount(int *count)
{
	if (fake_env_set("FAKE_CUDART_RC")) {
		int rc = (int)fake_env_int("FAKE_CUDART_RC", 0);
		if (rc == SUCCESS && count && fake_env_set("FAKE_CUDART_DEVICE_COUNT"))
			*count = (int)fake_env_int("FAKE_CUDART_DEVICE_COUNT", 0);
		return rc;
	}
	if (!count)
		return INVALID_VALUE;
	pthread_once(&once, init_driver);
	if (init_rc != SUCCESS)
		return init_rc;
	int n = 0;
	int rc = drv_count(&n);
	if (rc != SUCCESS)
		return rc;
	if (n == 0)
		return NO_DEVICE;
	*count = n;
	return SUCCESS;
}

FAKE_API int cudaRuntimeGetVersion(int *v)
{
	if (!v)
		return INVALID_VALUE;
	*v = (int)fake_env_int("FAKE_CUDART_RUNTIME_VERSION", FAKE_CUDART_VERSION);
	return SUCCESS;
}

/* 0 with success when there is no driver, as documented for the real one. */
FAKE_API int cudaDriverGetVersion(int *v)
{
	if (!v)
		return INVALID_VALUE;
	pthread_once(&once, init_driver);
	*v = 0;
	if (drv_version && drv_version(v) != SUCCESS)
		*v = 0;
	return SUCCESS;
}
