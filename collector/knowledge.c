/* Knowledge tables for the findings (see knowledge.h). Data with sources;
 * the small parsers below only read version numbers out of file names. */
#include "knowledge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Minimum Linux x86_64 driver per CUDA major under minor-version
 * compatibility. Source: CUDA Toolkit Release Notes, "CUDA Toolkit and
 * Minimum Required Driver Version for CUDA Minor Version Compatibility"
 * (CUDA 11.x >= 450.80.02, 12.x >= 525.60.13, 13.x >= 580). */
static const struct { int major; const char *driver; } min_driver[] = {
	{ 11, "450.80.02" },
	{ 12, "525.60.13" },
	{ 13, "580" },
};

const char *gs_kn_min_driver(int cuda_major)
{
	for (size_t i = 0; i < sizeof min_driver / sizeof min_driver[0]; i++)
		if (min_driver[i].major == cuda_major)
			return min_driver[i].driver;
	return NULL;
}

/* CUDA_VERSION encoding, cuda.h: "1000 * major + 10 * minor". */
int gs_kn_cuda_major(long long v) { return v > 0 ? (int)(v / 1000) : 0; }
int gs_kn_cuda_minor(long long v) { return v > 0 ? (int)(v % 1000 / 10) : 0; }

const char *gs_kn_cuda_str(long long v, char *buf, size_t n)
{
	if (v <= 0)
		snprintf(buf, n, "?");
	else
		snprintf(buf, n, "%d.%d", gs_kn_cuda_major(v), gs_kn_cuda_minor(v));
	return buf;
}

/* CUDNN_VERSION encoding, cudnn_version.h: 8.x "CUDNN_MAJOR * 1000 +
 * CUDNN_MINOR * 100 + CUDNN_PATCHLEVEL", 9.x "CUDNN_MAJOR * 10000 +
 * CUDNN_MINOR * 100 + CUDNN_PATCHLEVEL" (minor can exceed 9 from 9 on). */
const char *gs_kn_cudnn_str(long long v, char *buf, size_t n)
{
	if (v <= 0)
		snprintf(buf, n, "?");
	else if (v >= 90000)
		snprintf(buf, n, "%lld.%lld.%lld", v / 10000, v % 10000 / 100, v % 100);
	else
		snprintf(buf, n, "%lld.%lld.%lld", v / 1000, v % 1000 / 100, v % 100);
	return buf;
}

/* What failure codes mean for the set-up. Sources: nvml.h (nvmlReturn_t),
 * cuda_runtime_api.h / driver_types.h (cudaError_t), cuda.h (CUresult),
 * cudnn_graph.h (cuDNN 9 cudnnStatus_t) and cudnn_ops_infer.h (cuDNN 8);
 * the meanings are those of the CUDA/cuDNN documentation for each code. */
struct kind_row {
	const char *family;
	long long rc;
	int cudnn_major; /* cuDNN rows only: 8 or 9 */
	enum gs_kind kind;
};

static const struct kind_row kinds[] = {
	{ "nvml", 9, 0, GS_K_NOT_LOADED },       /* NVML_ERROR_DRIVER_NOT_LOADED */
	{ "nvml", 18, 0, GS_K_RM_MISMATCH },     /* NVML_ERROR_LIB_RM_VERSION_MISMATCH */
	{ "cudart", 3, 0, GS_K_INIT_FAILED },    /* cudaErrorInitializationError */
	{ "cudart", 34, 0, GS_K_STUB },          /* cudaErrorStubLibrary */
	{ "cudart", 35, 0, GS_K_NO_DRIVER },     /* cudaErrorInsufficientDriver */
	{ "cudart", 100, 0, GS_K_NO_DEVICE },    /* cudaErrorNoDevice */
	{ "cudart", 803, 0, GS_K_COMPAT },       /* cudaErrorSystemDriverMismatch */
	{ "cudart", 804, 0, GS_K_COMPAT },       /* cudaErrorCompatNotSupportedOnDevice */
	{ "cudart", 999, 0, GS_K_INIT_FAILED },  /* cudaErrorUnknown */
	{ "cuda", 34, 0, GS_K_STUB },            /* CUDA_ERROR_STUB_LIBRARY */
	{ "cuda", 100, 0, GS_K_NO_DEVICE },      /* CUDA_ERROR_NO_DEVICE */
	{ "cuda", 803, 0, GS_K_COMPAT },         /* CUDA_ERROR_SYSTEM_DRIVER_MISMATCH */
	{ "cuda", 804, 0, GS_K_COMPAT },         /* CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE */
	{ "cuda", 999, 0, GS_K_INIT_FAILED },    /* CUDA_ERROR_UNKNOWN */
	{ "cudnn", 1, 8, GS_K_NOT_INIT },        /* CUDNN_STATUS_NOT_INITIALIZED */
	{ "cudnn", 1001, 9, GS_K_NOT_INIT },     /* CUDNN_STATUS_NOT_INITIALIZED */
	{ "cudnn", 1002, 9, GS_K_SUBLIB_MISMATCH }, /* CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH */
	{ "cudnn", 1008, 9, GS_K_SUBLIB_LOAD },  /* CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED */
};

enum gs_kind gs_kn_kind(const char *family, long long rc, int cudnn_major)
{
	if (!family || rc == 0)
		return GS_K_NONE;
	if (!strcmp(family, "cudnn") && cudnn_major == 0)
		cudnn_major = rc >= 1000 ? 9 : 8; /* cuDNN 9 errors are >= 1000 */
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		const struct kind_row *k = &kinds[i];
		if (strcmp(k->family, family) != 0 || k->rc != rc)
			continue;
		if (k->cudnn_major && (cudnn_major >= 9) != (k->cudnn_major >= 9))
			continue;
		return k->kind;
	}
	return GS_K_NONE;
}

const char *gs_kn_so_version(const char *name)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	base = base ? base + 1 : name;
	const char *s = base ? strstr(base, ".so.") : NULL;
	return s && s[4] ? s + 4 : NULL;
}

const char *gs_kn_family(const char *name, char *buf, size_t n)
{
	const char *base = name ? strrchr(name, '/') : NULL;
	base = base ? base + 1 : name;
	const char *s = base ? strstr(base, ".so") : NULL;
	if (!s || s == base || (size_t)(s - base) >= n)
		return NULL;
	memcpy(buf, base, (size_t)(s - base));
	buf[s - base] = '\0';
	return buf;
}

int gs_kn_version_parts(const char *v)
{
	int n = v && *v ? 1 : 0;
	for (; v && *v; v++)
		n += *v == '.';
	return n;
}

int gs_kn_version_cmp(const char *a, const char *b)
{
	while (a && b && *a && *b) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (x != y)
			return x < y ? -1 : 1;
		if (ea == a || eb == b)
			return strcmp(a, b);
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
	}
	return (a && *a) - (b && *b);
}
