/* The directory a path's last component lives in, and the rule both the
 * shim (GPUSHIM_LOG, the FIFO) and the collector (--save, -o, --junit)
 * apply to a directory they create or write files in. */
#ifndef GPUSHIM_PATH_DIR_H
#define GPUSHIM_PATH_DIR_H

#include <string.h>
#include <sys/stat.h>

/* PATH's directory into BUF: "." for a bare name, "/" for a file in the
 * root. -1 when it does not fit. */
static inline int gs_path_dir(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);

	if (n >= size)
		return -1;
	memcpy(buf, slash ? path : ".", n);
	buf[n] = '\0';
	return 0;
}

/* Why a file must not be written in PATH's directory, or NULL: anyone can
 * write there and, without the sticky bit, put a file or a link in its
 * place first. A directory that cannot be examined is left to the open. */
static inline const char *gs_dir_unsafe(const char *path)
{
	char dir[4096];
	struct stat st;

	if (gs_path_dir(path, dir, sizeof dir) == 0 && stat(dir, &st) == 0 &&
	    (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		return "its directory is writable by anyone and not sticky";
	return NULL;
}

#endif
