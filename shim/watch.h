/* Which libraries the shim watches: the NVIDIA families by default,
 * plus GPUSHIM_WATCH patterns (fnmatch, separated by ':' or ','). */
#ifndef GS_WATCH_H
#define GS_WATCH_H

#include <stddef.h>

void gs_watch_init(void);
/* Is this library name or path (its basename is what counts) watched? */
int gs_watched(const char *name_or_path);
/* The family of a library: its file name up to ".so" ("libcudnn_graph"). */
void gs_family(const char *name_or_path, char *buf, size_t size);
/* The version in a file name: what follows ".so." ("545.23.08"), or NULL. */
const char *gs_file_version(const char *name_or_path);
const char *gs_basename(const char *path);

#endif
