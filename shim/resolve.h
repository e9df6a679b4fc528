/* Finding a bare dlopen name the way glibc would for the *caller*.
 *
 * A wrapper that calls the real dlopen makes the shim the caller, and glibc
 * would search the shim's RUNPATH instead of the caller's (design §3, "Who is
 * the caller"). So the shim walks the caller's own search list (dlinfo
 * RTLD_DI_SERINFO: RPATH, LD_LIBRARY_PATH, RUNPATH, with glibc-hwcaps
 * subdirectories) and hands glibc the absolute path it finds. What remains
 * after those, the ld.so cache and the default directories, does not depend
 * on the caller, so a name not found there is passed on unchanged. */
#ifndef GS_RESOLVE_H
#define GS_RESOLVE_H

#include <limits.h>

struct gs_resolved {
	char path[PATH_MAX];  /* what to give the real dlopen; "" = the name as is */
	const char *how;      /* see docs/record-format.md, dlopen "how" */
	char caller[PATH_MAX];/* path of the calling object */
};

/* fork child: another thread may have held the candidates lock. */
void gs_resolve_after_fork(void);
/* A new process image (failed exec): candidates are owed again. */
void gs_resolve_restart(void);
void gs_resolve(const char *name, const void *caller, struct gs_resolved *out);
/* Same-stem files on the caller's search path, the ld.so cache and the
 * default directories: written to R as "candidates". */
struct gs_rec;
void gs_candidates(struct gs_rec *r, const char *name, const void *caller);

#endif
