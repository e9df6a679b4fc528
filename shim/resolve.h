/* Finding a bare dlopen name the way glibc would for the *caller*.
 *
 * A wrapper that calls the real dlopen makes the shim the caller, and glibc
 * would search the shim's RUNPATH instead of the caller's (design §3, "Who is
 * the caller"). So the shim walks the caller's own search list (dlinfo
 * RTLD_DI_SERINFO: RPATH, LD_LIBRARY_PATH, RUNPATH, with glibc-hwcaps
 * subdirectories) and hands glibc the absolute path it finds, or the name
 * unchanged where glibc, searching for the shim, finds the same file (along
 * LD_LIBRARY_PATH): glibc then files the object under the name, as it would
 * without the shim. What remains after those, the ld.so cache and the
 * default directories, does not depend on the caller, so a name not found
 * there is passed on unchanged. */
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
/* After the real dlopen of out->path (found on the caller's own RPATH or
 * RUNPATH) loaded H: glibc knows H by that path only; without the shim it
 * would know it by NAME too. Where NAME is H's SONAME, a later dlopen of NAME
 * matches H by SONAME, which first allocates a name record and fails when
 * memory is short. This asks for NAME now (RTLD_NOLOAD: nothing loads and
 * nothing is searched, the SONAME matches first) and gives the reference
 * back; if that allocation fails, nothing is lost. Guarded callers only. */
void gs_resolve_file_name(const char *name, void *h);
/* Same-stem files on the caller's search path, the ld.so cache and the
 * default directories: written to R as "candidates". */
struct gs_rec;
void gs_candidates(struct gs_rec *r, const char *name, const void *caller);

#endif
