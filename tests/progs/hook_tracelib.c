/* A tracing stand-in for one GPU library (built as a shared library by
 * tests/hooks.mk, not as a program): every entry point appends its own name
 * and a newline to the file $HOOK_TRACE, so a test can list exactly which
 * functions of the library ran in a process, and compare the list with and
 * without the shim: the shim may add only the version queries it documents
 * (design §3), never an init of its own.
 *
 * One family per build, with the real soname:
 *   -DTRACE_NVML    libnvidia-ml.so.1    -DTRACE_CUDA   libcuda.so.1
 *   -DTRACE_CUDART  libcudart.so.12      -DTRACE_CUDNN  libcudnn.so.8
 * $HOOK_TRACE_RC: the return code of the init/create/count entry points
 * (default 0); version queries always succeed. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define API __attribute__((visibility("default")))

static void trace(const char *fn)
{
	const char *path = getenv("HOOK_TRACE");
	char line[128];
	size_t n = strlen(fn);
	int fd;

	if (!path || !*path || n + 1 >= sizeof line)
		return;
	memcpy(line, fn, n);
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, n) < 0) {
		/* a test sees the missing line */
	}
	close(fd);
}

__attribute__((unused)) static int main_rc(void)
{
	const char *s = getenv("HOOK_TRACE_RC");
	return s && *s ? atoi(s) : 0;
}

__attribute__((unused)) static int put_str(char *buf, unsigned len, const char *v)
{
	if (!buf || strlen(v) + 1 > len)
		return 2;
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

#define T() trace(__func__)

#ifdef TRACE_NVML
API int nvmlInit(void) { T(); return main_rc(); }
API int nvmlInit_v2(void) { T(); return main_rc(); }
API int nvmlInitWithFlags(unsigned flags) { (void)flags; T(); return main_rc(); }
API int nvmlShutdown(void) { T(); return 0; }
API int nvmlSystemGetDriverVersion(char *b, unsigned n) { T(); return put_str(b, n, "999.1.2"); }
API int nvmlSystemGetNVMLVersion(char *b, unsigned n) { T(); return put_str(b, n, "12.999.1.2"); }
API int nvmlSystemGetCudaDriverVersion(int *v) { T(); *v = 12090; return 0; }
API int nvmlSystemGetCudaDriverVersion_v2(int *v) { T(); *v = 12090; return 0; }
API int nvmlDeviceGetCount_v2(unsigned *c) { T(); *c = 1; return 0; }
API const char *nvmlErrorString(int rc) { T(); return rc ? "Error" : "Success"; }
#endif

#ifdef TRACE_CUDA
API int cuInit(unsigned flags) { (void)flags; T(); return main_rc(); }
API int cuDriverGetVersion(int *v) { T(); *v = 12090; return 0; }
API int cuDeviceGetCount(int *c) { T(); *c = 1; return main_rc(); }
API int cuGetProcAddress_v2(const char *sym, void **pfn, int ver, unsigned long long fl, int *st)
{
	(void)ver; (void)fl;
	T();
	*pfn = !strcmp(sym, "cuInit") ? (void *)cuInit
	     : !strcmp(sym, "cuDriverGetVersion") ? (void *)cuDriverGetVersion
	     : !strcmp(sym, "cuDeviceGetCount") ? (void *)cuDeviceGetCount : NULL;
	if (st)
		*st = *pfn ? 0 : 1;
	return *pfn ? 0 : 500;
}
API int cuGetProcAddress(const char *sym, void **pfn, int ver, unsigned long long fl)
{
	T();
	return cuGetProcAddress_v2(sym, pfn, ver, fl, NULL);
}
#endif

#ifdef TRACE_CUDART
API int cudaGetDeviceCount(int *c) { T(); if (main_rc() == 0) *c = 1; return main_rc(); }
API int cudaRuntimeGetVersion(int *v) { T(); *v = 12090; return 0; }
API int cudaDriverGetVersion(int *v) { T(); *v = 12090; return 0; }
#endif

#ifdef TRACE_CUDNN
static int token;
API int cudnnCreate(void **h) { T(); if (main_rc() == 0) *h = &token; return main_rc(); }
API int cudnnDestroy(void *h) { (void)h; T(); return 0; }
API size_t cudnnGetVersion(void) { T(); return 8999; }
API size_t cudnnGetCudartVersion(void) { T(); return 12090; }
#endif
