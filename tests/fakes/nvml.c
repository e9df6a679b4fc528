/* Fake libnvidia-ml.so.1 (NVML). Built once per driver version:
 *   -DFAKE_NVML_VERSION='"545.23.08"'  version of this "driver" copy
 *   -DFAKE_NVML_CUDA=12030             CUDA version it reports
 *   -DFAKE_NVML_PLT                    nvmlInit calls the exported nvmlInit_v2
 *                                      by symbol (with a library not linked
 *                                      -Bsymbolic, through the PLT, so a
 *                                      preloaded definition takes the call)
 * Like the real library, init fails unless the kernel module version equals
 * the library's own, which is what makes a driver mismatch reproducible.
 *
 * Environment (read at each call):
 *   FAKE_NVML_INIT_RC       force the return code of every nvmlInit* variant
 *   FAKE_NVML_KMOD          kernel module version to compare with ("" = none
 *                           loaded); when unset it is read from
 *                           $GPUSHIM_SYSROOT/sys/module/nvidia/version
 *   GPUSHIM_SYSROOT         fake root (default "/"); when the kernel module
 *                           comes from it, <root>/dev/nvidiactl must exist too
 *   FAKE_NVML_DRIVER_VERSION string nvmlSystemGetDriverVersion reports
 *   FAKE_NVML_CUDA_VERSION  int nvmlSystemGetCudaDriverVersion* reports
 *   FAKE_NVML_DEVICE_COUNT  nvmlDeviceGetCount_v2 result (default 1)
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "fake.h"

enum { OK = 0, UNINITIALIZED = 1, INVALID_ARGUMENT = 2, INSUFFICIENT_SIZE = 7,
       DRIVER_NOT_LOADED = 9, LIB_RM_VERSION_MISMATCH = 18, UNKNOWN = 999 };

static int init_count;

/* Kernel module version into buf; 0 when no module is loaded. */
static int kmod_version(char *buf, size_t len, int *from_sysroot)
{
	const char *env = getenv("FAKE_NVML_KMOD");
	*from_sysroot = 0;
	if (env) {
		snprintf(buf, len, "%s", env);
		return *buf != 0;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/sys/module/nvidia/version",
		 fake_env_str("GPUSHIM_SYSROOT", ""));
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	int got = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	*from_sysroot = 1;
	return got && *buf;
}

static int do_init(void)
{
	if (fake_env_set("FAKE_NVML_INIT_RC")) {
		int rc = (int)fake_env_int("FAKE_NVML_INIT_RC", 0);
		if (rc == OK)
			init_count++;
		return rc;
	}
	char kmod[256], dev[4096];
	int from_sysroot;
	if (!kmod_version(kmod, sizeof kmod, &from_sysroot))
		return DRIVER_NOT_LOADED;
	if (strcmp(kmod, FAKE_NVML_VERSION) != 0)
		return LIB_RM_VERSION_MISMATCH;
	snprintf(dev, sizeof dev, "%s/dev/nvidiactl", fake_env_str("GPUSHIM_SYSROOT", ""));
	if (from_sysroot && access(dev, F_OK) != 0)
		return DRIVER_NOT_LOADED;
	init_count++;
	return OK;
}

FAKE_API int nvmlInit_v2(void) { return do_init(); }
#ifdef FAKE_NVML_PLT
/* noinline and a compiler barrier: the call must stay a call of the
 * exported symbol (GCC keeps it interposable under -fPIC anyway). */
FAKE_API __attribute__((noinline)) int nvmlInit(void)
{
	int rc = nvmlInit_v2();
	__asm__ volatile("" ::: "memory");
	return rc;
}
#else
FAKE_API int nvmlInit(void) { return do_init(); }
#endif
FAKE_API int nvmlInitWithFlags(unsigned flags) { (void)flags; return do_init(); }

FAKE_API int nvmlShutdown(void)
{
	if (init_count == 0)
		return UNINITIALIZED;
	init_count--;
	return OK;
}

static int copy_version(char *buf, unsigned len, const char *v)
{
	if (!buf)
		return INVALID_ARGUMENT;
	if (strlen(v) + 1 > len)
		return INSUFFICIENT_SIZE;
	memcpy(buf, v, strlen(v) + 1);
	return OK;
}

FAKE_API int nvmlSystemGetDriverVersion(char *buf, unsigned len)
{
	if (init_count == 0)
		return UNINITIALIZED;
	return copy_version(buf, len, fake_env_str("FAKE_NVML_DRIVER_VERSION", FAKE_NVML_VERSION));
}

/* Works without init, as in the real library. */
FAKE_API int nvmlSystemGetNVMLVersion(char *buf, unsigned len)
{
	char v[300];
	snprintf(v, sizeof v, "%ld.%s", FAKE_NVML_CUDA / 1000L,
		 fake_env_str("FAKE_NVML_DRIVER_VERSION", FAKE_NVML_VERSION));
	return copy_version(buf, len, v);
}

FAKE_API int nvmlSystemGetCudaDriverVersion(int *v)
{
	if (init_count == 0)
		return UNINITIALIZED;
	if (!v)
		return INVALID_ARGUMENT;
	*v = (int)fake_env_int("FAKE_NVML_CUDA_VERSION", FAKE_NVML_CUDA);
	return OK;
}

FAKE_API int nvmlSystemGetCudaDriverVersion_v2(int *v)
{
	if (init_count == 0)
		return UNINITIALIZED;
	if (!v)
		return INVALID_ARGUMENT;
	*v = (int)fake_env_int("FAKE_NVML_CUDA_VERSION", FAKE_NVML_CUDA);
	return OK;
}

FAKE_API int nvmlDeviceGetCount_v2(unsigned *count)
{
	if (init_count == 0)
		return UNINITIALIZED;
	if (!count)
		return INVALID_ARGUMENT;
	*count = (unsigned)fake_env_int("FAKE_NVML_DEVICE_COUNT", 1);
	return OK;
}

FAKE_API const char *nvmlErrorString(int rc)
{
	switch (rc) {
	case OK: return "Success";
	case UNINITIALIZED: return "Uninitialized";
	case INVALID_ARGUMENT: return "Invalid Argument";
	case INSUFFICIENT_SIZE: return "Insufficient Size";
	case DRIVER_NOT_LOADED: return "Driver Not Loaded";
	case LIB_RM_VERSION_MISMATCH: return "Driver/library version mismatch";
	default: return "Unknown Error";
	}
}
