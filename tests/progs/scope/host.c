/* scope_host MODE ARGS...: loads the matrix plugin (plugin.c) or a fake
 * library in one way and runs its GPU calls (tests/t/gpu-scope.sh).
 *
 *   global PLUGIN      dlopen(PLUGIN, RTLD_NOW | RTLD_GLOBAL)
 *   local PLUGIN       dlopen(PLUGIN, RTLD_LAZY | RTLD_LOCAL): bound lazily
 *   local-default PLUGIN
 *                      dlopen(PLUGIN, RTLD_NOW | RTLD_LOCAL); the plugin
 *                      looks each function up with dlsym(RTLD_DEFAULT)
 *   deepbind PLUGIN    dlopen(PLUGIN, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND)
 *   newlm PLUGIN       dlmopen(LM_ID_NEWLM, PLUGIN, RTLD_NOW)
 *   handle NVML CUDNN CUDART CUDA
 *                      dlopen each library RTLD_LOCAL and run the same calls
 *                      through pointers from dlsym on the handles
 *   nvml-plt NVML      dlopen(NVML, RTLD_LOCAL), dlsym nvmlInit and call it
 *                      (the nvml-plt fake's nvmlInit calls its exported
 *                      nvmlInit_v2 through the PLT)
 *   tail TAILLIB       dlopen(TAILLIB, RTLD_LOCAL), call its scope_tail_count,
 *                      which jumps to cudaGetDeviceCount (a tail call)
 *   next               dlsym(RTLD_NEXT, "cudaGetDeviceCount") from the program
 *                      itself (the preloads come right after it) and call it
 *   weak WEAKLIB [PLUGIN]
 *                      dlopen(PLUGIN, RTLD_LOCAL) and run it first when
 *                      given (a libcudart in another object's local scope),
 *                      then dlopen(WEAKLIB, RTLD_LOCAL) and run it
 * Built a second time as scope_host_needed (-DSCOPE_NEEDED), linked
 * against the plugin (DT_NEEDED): MODE "needed" calls it directly.
 * Exit 0 when everything could be loaded, 2 when not (the GPU calls'
 * codes are in the output). */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#ifdef SCOPE_NEEDED
int scope_plugin_run(void);
#endif

static void *open_or_die(const char *path, int flags)
{
	void *h = dlopen(path, flags);

	if (!h)
		fprintf(stderr, "scope_host: dlopen %s: %s\n", path, dlerror());
	return h;
}

static int run(void *h, const char *sym)
{
	int (*fn)(void) = h ? (int (*)(void))dlsym(h, sym) : NULL;

	if (!fn) {
		fprintf(stderr, "scope_host: no %s\n", sym);
		return 2;
	}
	fflush(stdout);
	return fn();
}

/* ---- handle: the same calls, each function from dlsym on its handle ---- */
static int (*p_nvmlInit)(void);
static int (*p_nvmlInit_v2)(void);
static int (*p_nvmlInitWithFlags)(unsigned);
static int (*p_nvmlDeviceGetCount_v2)(unsigned *);
static int (*p_nvmlSystemGetDriverVersion)(char *, unsigned);
static int (*p_cudnnCreate)(void **);
static int (*p_cudaGetDeviceCount)(int *);
static int (*p_cuInit)(unsigned);
static int (*p_cuDriverGetVersion)(int *);
static int (*p_cuDeviceGetCount)(int *);
static int (*p_cuGetProcAddress_v2)(const char *, void **, int, unsigned long long, int *);
static int (*p_cuGetProcAddress)(const char *, void **, int, unsigned long long);

#define CALL(name) p_##name
#include "calls.h"

static int get(void *h, const char *sym, void *out)
{
	void *p = h ? dlsym(h, sym) : NULL;

	if (!p)
		fprintf(stderr, "scope_host: dlsym %s: %s\n", sym, dlerror());
	memcpy(out, &p, sizeof p);
	return p != NULL;
}

static int handles(char **lib)
{
	void *nvml = open_or_die(lib[0], RTLD_NOW | RTLD_LOCAL);
	void *cudnn = open_or_die(lib[1], RTLD_NOW | RTLD_LOCAL);
	void *cudart = open_or_die(lib[2], RTLD_NOW | RTLD_LOCAL);
	void *cuda = open_or_die(lib[3], RTLD_NOW | RTLD_LOCAL);
	int ok = 1;

	ok &= get(nvml, "nvmlInit", &p_nvmlInit);
	ok &= get(nvml, "nvmlInit_v2", &p_nvmlInit_v2);
	ok &= get(nvml, "nvmlInitWithFlags", &p_nvmlInitWithFlags);
	ok &= get(nvml, "nvmlDeviceGetCount_v2", &p_nvmlDeviceGetCount_v2);
	ok &= get(nvml, "nvmlSystemGetDriverVersion", &p_nvmlSystemGetDriverVersion);
	ok &= get(cudnn, "cudnnCreate", &p_cudnnCreate);
	ok &= get(cudart, "cudaGetDeviceCount", &p_cudaGetDeviceCount);
	ok &= get(cuda, "cuInit", &p_cuInit);
	ok &= get(cuda, "cuDriverGetVersion", &p_cuDriverGetVersion);
	ok &= get(cuda, "cuDeviceGetCount", &p_cuDeviceGetCount);
	ok &= get(cuda, "cuGetProcAddress_v2", &p_cuGetProcAddress_v2);
	ok &= get(cuda, "cuGetProcAddress", &p_cuGetProcAddress);
	if (!ok)
		return 2;
	scope_calls();
	return 0;
}

static int nvml_plt(const char *lib)
{
	void *h = open_or_die(lib, RTLD_NOW | RTLD_LOCAL);
	char buf[96] = "";
	unsigned n = 0;
	int rc;

	if (!get(h, "nvmlInit", &p_nvmlInit) || !get(h, "nvmlDeviceGetCount_v2", &p_nvmlDeviceGetCount_v2) ||
	    !get(h, "nvmlSystemGetDriverVersion", &p_nvmlSystemGetDriverVersion))
		return 2;
	printf("nvmlInit rc=%d\n", p_nvmlInit());
	rc = p_nvmlDeviceGetCount_v2(&n);
	printf("nvmlDeviceGetCount_v2 rc=%d count=%u\n", rc, n);
	rc = p_nvmlSystemGetDriverVersion(buf, sizeof buf);
	printf("nvmlSystemGetDriverVersion rc=%d version=%s\n", rc, rc == 0 ? buf : "");
	return 0;
}

/* The program's own RTLD_NEXT: without the shim, the first definition after
 * the executable (a libcudart it links, directly or not) or none. */
static int next_count(void)
{
	int (*f)(int *) = (int (*)(int *))dlsym(RTLD_NEXT, "cudaGetDeviceCount");
	int n = -1, rc;

	if (!f) {
		printf("dlsym(RTLD_NEXT, cudaGetDeviceCount): %s\n", dlerror());
		return 0;
	}
	rc = f(&n);
	printf("cudaGetDeviceCount rc=%d count=%d\n", rc, n);
	return 0;
}

static int tail(const char *lib)
{
	void *h = open_or_die(lib, RTLD_NOW | RTLD_LOCAL);
	int (*f)(int *) = h ? (int (*)(int *))dlsym(h, "scope_tail_count") : NULL;
	int n = -1, rc;

	if (!f)
		return 2;
	rc = f(&n);
	printf("scope_tail_count rc=%d count=%d\n", rc, n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

#ifdef SCOPE_NEEDED
	if (strcmp(mode, "needed") == 0)
		return scope_plugin_run();
#endif
	if (strcmp(mode, "next") == 0)
		return next_count();
	if (!arg) {
		fprintf(stderr, "usage: scope_host next | global|local|local-default|deepbind|newlm PLUGIN | handle NVML CUDNN CUDART CUDA | nvml-plt NVML | weak WEAKLIB [PLUGIN]\n");
		return 2;
	}
	if (strcmp(mode, "global") == 0)
		return run(open_or_die(arg, RTLD_NOW | RTLD_GLOBAL), "scope_plugin_run");
	if (strcmp(mode, "local") == 0)
		return run(open_or_die(arg, RTLD_LAZY | RTLD_LOCAL), "scope_plugin_run");
	if (strcmp(mode, "local-default") == 0)
		return run(open_or_die(arg, RTLD_NOW | RTLD_LOCAL), "scope_plugin_run_default");
	if (strcmp(mode, "deepbind") == 0)
		return run(open_or_die(arg, RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND), "scope_plugin_run");
	if (strcmp(mode, "newlm") == 0) {
		void *h = dlmopen(LM_ID_NEWLM, arg, RTLD_NOW);

		if (!h)
			fprintf(stderr, "scope_host: dlmopen %s: %s\n", arg, dlerror());
		return run(h, "scope_plugin_run");
	}
	if (strcmp(mode, "handle") == 0 && argc == 6)
		return handles(argv + 2);
	if (strcmp(mode, "nvml-plt") == 0)
		return nvml_plt(arg);
	if (strcmp(mode, "tail") == 0)
		return tail(arg);
	if (strcmp(mode, "weak") == 0) {
		if (argc > 3 && run(open_or_die(argv[3], RTLD_NOW | RTLD_LOCAL), "scope_plugin_run") != 0)
			return 2;
		return run(open_or_die(arg, RTLD_NOW | RTLD_LOCAL), "scope_weak_run");
	}
	fprintf(stderr, "scope_host: unknown mode %s\n", mode);
	return 2;
}
