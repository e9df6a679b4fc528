/* Lookups over the tables in codes.c. */
#include "codes.h"

#include <string.h>

const char *gs_family_of_fn(const char *fn)
{
	if (!fn)
		return NULL;
	if (!strncmp(fn, "nvml", 4))
		return "nvml";
	if (!strncmp(fn, "cudnn", 5))
		return "cudnn";
	if (!strncmp(fn, "cuda", 4))
		return "cudart";
	if (!strncmp(fn, "cu", 2))
		return "cuda";
	return NULL;
}

int gs_cudnn_major_of_version(long long v)
{
	if (v <= 0)
		return 0;
	/* cuDNN 9 encodes major*10000 + minor*100 + patch, earlier majors
	 * major*1000 + minor*100 + patch. */
	return (int)(v >= 90000 ? v / 10000 : v / 1000);
}

static const char *find(const struct gs_code *t, long long rc)
{
	for (; t->name; t++)
		if (t->value == rc)
			return t->name;
	return NULL;
}

const char *gs_code_name(const char *family, long long rc, int cudnn_major)
{
	if (!family)
		return NULL;
	if (!strcmp(family, "nvml"))
		return find(gs_nvml_codes, rc);
	if (!strcmp(family, "cudart"))
		return find(gs_cudart_codes, rc);
	if (!strcmp(family, "cuda"))
		return find(gs_cu_codes, rc);
	if (!strcmp(family, "cudnn")) {
		if (cudnn_major == 0)
			cudnn_major = rc >= 1000 ? 9 : 8;
		return find(cudnn_major >= 9 ? gs_cudnn9_codes : gs_cudnn8_codes, rc);
	}
	return NULL;
}
