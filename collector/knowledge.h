/* What the findings know about NVIDIA's software, as data: minimum drivers,
 * version encodings, and what each failure code means. Sources are noted
 * next to each table in knowledge.c; rules never hard-code these facts. */
#ifndef GS_KNOWLEDGE_H
#define GS_KNOWLEDGE_H

#include <stddef.h>

/* Minimum Linux driver for a CUDA major (minor-version compatibility):
 * "525.60.13" for 12; NULL when the major is not in the table. */
const char *gs_kn_min_driver(int cuda_major);

/* CUDA version integers (CUDA_VERSION, cudaRuntimeGetVersion,
 * cuDriverGetVersion, cudnnGetCudartVersion): 1000*major + 10*minor. */
int gs_kn_cuda_major(long long v);
int gs_kn_cuda_minor(long long v);
/* "12.3" into BUF; "?" for v <= 0. */
const char *gs_kn_cuda_str(long long v, char *buf, size_t n);

/* cudnnGetVersion(): 8.x is major*1000+minor*100+patch, 9.x (and later)
 * major*10000+minor*100+patch. "9.19.0" into BUF; "?" for v <= 0. */
const char *gs_kn_cudnn_str(long long v, char *buf, size_t n);

/* What a failure code of a hooked call says about the machine. */
enum gs_kind {
	GS_K_NONE = 0,
	GS_K_NO_DRIVER,       /* user-space driver missing or unusable (cudart 35) */
	GS_K_NOT_INIT,        /* cuDNN NOT_INITIALIZED: no usable driver underneath */
	GS_K_STUB,            /* the toolkit's stub libcuda answered (34) */
	GS_K_NO_DEVICE,       /* no device visible (100) */
	GS_K_COMPAT,          /* forward-compat libcuda vs kernel module (803, 804) */
	GS_K_RM_MISMATCH,     /* NVML: library is not the kernel module's version (18) */
	GS_K_NOT_LOADED,      /* NVML: kernel module not loaded (9) */
	GS_K_SUBLIB_MISMATCH, /* cuDNN 9 sub-library of another release (1002) */
	GS_K_SUBLIB_LOAD,     /* cuDNN 9 sub-library could not be loaded (1008) */
	GS_K_INIT_FAILED,     /* any other failure to initialise (cuInit 3, 999, ...) */
};

/* Kind of RC returned by a call of FAMILY ("nvml", "cudart", "cuda",
 * "cudnn"); CUDNN_MAJOR picks cuDNN's table (0: guess from the value).
 * GS_K_NONE for success and for codes that say nothing about set-up. */
enum gs_kind gs_kn_kind(const char *family, long long rc, int cudnn_major);

/* Extracts the version in a library file name after ".so."
 * ("libcudnn_graph.so.9.19.0" -> "9.19.0"); NULL when none. Points into NAME. */
const char *gs_kn_so_version(const char *name);
/* Family of a library file name: its stem up to ".so" ("libcudnn_graph"),
 * copied into BUF; NULL when NAME holds no ".so". */
const char *gs_kn_family(const char *name, char *buf, size_t n);
/* Number of dot-separated parts of a version string ("9.1.0" -> 3). */
int gs_kn_version_parts(const char *v);
/* Compares dotted numeric versions part by part: <0, 0, >0. */
int gs_kn_version_cmp(const char *a, const char *b);

#endif
