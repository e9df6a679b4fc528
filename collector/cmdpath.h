/* Finding CMD on PATH the way a shell would, and checking whether the shim
 * can take effect in it. */
#ifndef GS_CMDPATH_H
#define GS_CMDPATH_H

#include <stdbool.h>
#include <stddef.h>

/* Resolves NAME like execvp. Returns 0 with the path in BUF, or the exit
 * status a shell would give: 127 (not found) or 126 (not executable). */
int gs_cmd_resolve(const char *name, char *buf, size_t n);
/* Why a preload cannot take effect in PATH (set-id, static, 32-bit), or
 * NULL when it can (or we cannot tell, e.g. a script). */
const char *gs_cmd_preload_problem(const char *path);

#endif
