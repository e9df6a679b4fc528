#include <fnmatch.h>
#include <string.h>

#include "config.h"
#include "watch.h"

/* Default watch list (design §3). Kept as data: one line per family. */
static const char *const default_patterns[] = {
	"libcuda.so*",     "libcudart.so*",   "libcudnn*.so*",  "libnvidia-ml.so*",
	"libcublas*.so*",  "libnccl.so*",     "libnvrtc*.so*",  "libcufft*.so*",
	"libcurand*.so*",  "libcusolver*.so*", "libcusparse*.so*", "libnvJitLink*.so*",
	"libcupti*.so*",   "libnvinfer*.so*",
};

#define MAX_EXTRA 16
static char extra_buf[512];
static const char *extra[MAX_EXTRA];
static int n_extra;

void gs_watch_init(void)
{
	char *save = NULL, *tok;

	n_extra = 0;
	memcpy(extra_buf, gs_cfg.watch, sizeof extra_buf);
	for (tok = strtok_r(extra_buf, ":,", &save); tok && n_extra < MAX_EXTRA;
	     tok = strtok_r(NULL, ":,", &save))
		if (*tok)
			extra[n_extra++] = tok;
}

const char *gs_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int gs_watched(const char *name_or_path)
{
	const char *b;
	size_t i;

	/* Secure mode watches nothing: every dl call goes to glibc as it is,
	 * with glibc's own secure-mode search rules (config.c). */
	if (!name_or_path || gs_cfg.secure)
		return 0;
	b = gs_basename(name_or_path);
	for (i = 0; i < (size_t)n_extra; i++)
		if (fnmatch(extra[i], b, 0) == 0)
			return 1;
	/* Cheap reject first: every default family starts "libcu" or "libn". */
	if (strncmp(b, "lib", 3) != 0 || (b[3] != 'c' && b[3] != 'n'))
		return 0;
	for (i = 0; i < sizeof default_patterns / sizeof *default_patterns; i++)
		if (fnmatch(default_patterns[i], b, 0) == 0)
			return 1;
	return 0;
}

void gs_family(const char *name_or_path, char *buf, size_t size)
{
	const char *b = gs_basename(name_or_path);
	const char *so = strstr(b, ".so");
	size_t n = so ? (size_t)(so - b) : strlen(b);

	if (n >= size)
		n = size - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
}

const char *gs_file_version(const char *name_or_path)
{
	const char *b = gs_basename(name_or_path);
	const char *so = strstr(b, ".so.");

	return so && so[4] ? so + 4 : NULL;
}
