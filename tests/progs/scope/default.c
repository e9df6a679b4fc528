/* Part of libscope_plugin.so: the same calls through pointers from
 * dlsym(RTLD_DEFAULT, NAME), which glibc answers from the calling object's
 * scope (the global scope, then this plugin's own dependencies), the way a
 * library probes for a runtime some other part of the program loaded.
 * scope_plugin_run_default() returns 2 when a lookup failed. */
#include <dlfcn.h>
#include <string.h>

static int (*d_nvmlInit)(void);
static int (*d_nvmlInit_v2)(void);
static int (*d_nvmlInitWithFlags)(unsigned);
static int (*d_nvmlDeviceGetCount_v2)(unsigned *);
static int (*d_nvmlSystemGetDriverVersion)(char *, unsigned);
static int (*d_cudnnCreate)(void **);
static int (*d_cudaGetDeviceCount)(int *);
static int (*d_cuInit)(unsigned);
static int (*d_cuDriverGetVersion)(int *);
static int (*d_cuDeviceGetCount)(int *);
static int (*d_cuGetProcAddress_v2)(const char *, void **, int, unsigned long long, int *);
static int (*d_cuGetProcAddress)(const char *, void **, int, unsigned long long);

#define CALL(name) d_##name
#include "calls.h"

static int get(const char *sym, void *out)
{
	void *p = dlsym(RTLD_DEFAULT, sym);

	if (!p)
		fprintf(stderr, "libscope_plugin: dlsym(RTLD_DEFAULT, %s): %s\n", sym, dlerror());
	memcpy(out, &p, sizeof p);
	return p != NULL;
}

__attribute__((visibility("default"))) int scope_plugin_run_default(void)
{
	int ok = 1;

	ok &= get("nvmlInit", &d_nvmlInit);
	ok &= get("nvmlInit_v2", &d_nvmlInit_v2);
	ok &= get("nvmlInitWithFlags", &d_nvmlInitWithFlags);
	ok &= get("nvmlDeviceGetCount_v2", &d_nvmlDeviceGetCount_v2);
	ok &= get("nvmlSystemGetDriverVersion", &d_nvmlSystemGetDriverVersion);
	ok &= get("cudnnCreate", &d_cudnnCreate);
	ok &= get("cudaGetDeviceCount", &d_cudaGetDeviceCount);
	ok &= get("cuInit", &d_cuInit);
	ok &= get("cuDriverGetVersion", &d_cuDriverGetVersion);
	ok &= get("cuDeviceGetCount", &d_cuDeviceGetCount);
	ok &= get("cuGetProcAddress_v2", &d_cuGetProcAddress_v2);
	ok &= get("cuGetProcAddress", &d_cuGetProcAddress);
	if (!ok)
		return 2;
	scope_calls();
	return 0;
}
