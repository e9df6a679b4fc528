/* The parsed model: what the records say, grouped by process. Filled by
 * ingest.c, read by the renderers and findings.c. Every string here came
 * from the traced program and must be escaped before it is printed. The
 * strings are stored once each in the model's table (intern.h), hence
 * const: they are never freed one by one. The objects of scalars (out,
 * args, ver, env) are shared between the records that hold the same one:
 * read them, never change them. */
#ifndef GS_MODEL_H
#define GS_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "intern.h"

/* A growable array of T: items, n, cap. */
#define GS_VEC(T) struct { T *v; size_t n, cap; }
/* Appends a zeroed element and returns a pointer to it, NULL on ENOMEM. */
void *gs_vec_push(void *vec, size_t elem);
#define GS_PUSH(vecp) gs_vec_push((vecp), sizeof *(vecp)->v)

typedef GS_VEC(const char *) gs_strv;

struct gs_frame {
	const char *object;
	long long offset;
	const char *symbol;
};
/* Frames stored once in the model's table (m->strs), shared by every
 * record with the same stack: the records of one call site repeat it. */
typedef struct {
	const struct gs_frame *v;
	size_t n;
} gs_stack;

struct gs_lib {
	long long id;
	const char *family, *path, *realpath, *soname, *file_version, *build_id;
	const char *base, *origin, *needed_by;
	long long size, mtime;
	bool has_size, has_mtime;
	/* Derived from the dlopen records that returned this library. */
	const char *loaded_by, *how;
};

struct gs_load {
	const char *fn, *name, *caller, *how, *err;
	bool ok, has_errno, has_lib;
	long long flags, lib, errnum, dur_ns;
	gs_strv candidates;
	GS_VEC(long long) deps;
	gs_stack stack;
};

struct gs_sym {
	const char *fn, *sym, *ver, *caller, *err;
	bool ok, wrapped, has_lib, has_handle;
	long long handle, lib;
	gs_stack stack;
};

struct gs_close {
	long long lib, rc;
	const char *err;
};

struct gs_inner {
	const char *fn;
	long long lib, rc;
	bool has_lib, has_rc;
};

struct gs_call {
	const char *fn, *family, *via;
	/* no_real: the shim's stub found no definition for the calling object
	 * (caller) and answered the family's "not found" code itself. */
	const char *caller;
	bool no_real;
	bool has_lib, has_rc;
	long long lib, rc, count, dur_ns;
	json_t *out, *args, *ver; /* validated: objects of scalars */
	GS_VEC(struct gs_inner) inner;
	gs_stack stack;
};

struct gs_fold {
	const char *fn;
	bool has_lib, has_rc;
	long long lib, rc, count;
};

struct gs_proc {
	long long pid, ppid;
	/* Inode of the pid namespace the pid belongs to, 0 when the records
	 * do not say (an older shim, no /proc): a process is (pidns, pid). */
	long long pidns;
	int image;              /* 1 for the first image of this pid, 2 after exec, ... */
	bool has_ppid, has_hello, has_bye, forked;
	const char *exe, *glibc, *container, *shim, *kernel_driver, *bye_reason;
	int nvidiactl;          /* -1 unknown, 0, 1 */
	bool argv_trunc;
	gs_strv argv;
	json_t *env;            /* object of strings */
	long long stack_depth;
	/* accounting */
	long long sent, dropped, folded; /* from bye */
	long long received;     /* lines read from this process, hello and bye included */
	long long drops_seen;   /* sum of "drops" fields */
	long long max_seq;
	bool has_exit;          /* run: this is CMD */
	int exit_status;        /* as from waitpid */
	GS_VEC(struct gs_lib) libs;
	GS_VEC(struct gs_load) loads;
	GS_VEC(struct gs_sym) syms;
	GS_VEC(struct gs_close) closes;
	GS_VEC(struct gs_call) calls;
	GS_VEC(struct gs_fold) folds;
};

/* Kinds of input that were rejected or partly ignored. */
enum gs_bad {
	GS_BAD_TOO_LONG,        /* line over GS_RECORD_MAX bytes */
	GS_BAD_JSON,            /* not valid JSON (or not UTF-8) */
	GS_BAD_NOT_OBJECT,      /* valid JSON, but not an object */
	GS_BAD_FUTURE,          /* "v" newer than this reader */
	GS_BAD_HEADER,          /* v/type/pid/seq missing, or these or pidns of the wrong type */
	GS_BAD_TYPE,            /* unknown record type */
	GS_BAD_FIELD,           /* a known field of the wrong type: field ignored */
	GS_BAD_NKINDS
};

struct gs_finding; /* findings.h */

struct gs_model {
	GS_VEC(struct gs_proc *) procs;  /* in order of first appearance */
	long long bad[GS_BAD_NKINDS];
	char *bad_first[GS_BAD_NKINDS];  /* where each kind was first seen */
	long long records;               /* records accepted */
	/* run: the command's pid and exit status */
	bool has_cmd;
	long long cmd_pid;
	long long cmd_pidns;             /* the collector's own, 0 unknown */
	int cmd_status;
	GS_VEC(struct gs_finding *) findings;
	/* pid namespaces seen: the first, and whether there was another
	 * (kept when --forget drops processes: live lines stay consistent) */
	bool has_pidns, many_pidns;
	long long first_pidns;
	struct gs_strtab strs;           /* every string and stack of the records */
	struct gs_strtab objs;           /* out/args/ver/env objects, by content */
};

const char *gs_bad_key(enum gs_bad k);   /* JSON key, e.g. "too_long" */
const char *gs_bad_text(enum gs_bad k);  /* words for humans */

void gs_model_init(struct gs_model *m);
void gs_model_free(struct gs_model *m);
/* The process entry that records from PID in pid namespace PIDNS (0:
 * unknown, matches only unknown) belong to now (the last image). */
struct gs_proc *gs_model_current(struct gs_model *m, long long pidns, long long pid);
struct gs_proc *gs_model_new_proc(struct gs_model *m, long long pidns, long long pid);
/* The processes came from more than one pid namespace (unknown counts as
 * one): reports then name the namespace beside the pid. */
bool gs_model_many_pidns(const struct gs_model *m);
/* The pid namespace of the calling process (the collector's), 0 unknown. */
long long gs_own_pidns(void);
/* Library ID as seen from P: its own, else its fork parent's. */
const struct gs_lib *gs_proc_lib(const struct gs_model *m, const struct gs_proc *p, long long id);
/* Accounting identity holds: a bye arrived and received + dropped == sent. */
bool gs_proc_complete(const struct gs_proc *p);
/* Parent entry of P in the model (same pid namespace), or NULL when it is
 * a root. */
const struct gs_proc *gs_proc_parent(const struct gs_model *m, const struct gs_proc *p);
/* Length of NAME's file name up to ".so" (the stem), its file name in BASE. */
size_t gs_load_stem(const char *name, const char **base);
/* Load I of P failed, and a later load of the same stem succeeded. */
bool gs_load_is_probe(const struct gs_proc *p, size_t i);
/* Fill in derived fields (loaded_by/how) and mark CMD; call before rendering. */
void gs_model_finish(struct gs_model *m);
/* Processes in tree order (depth-first, children in order of appearance);
 * DEPTH receives each one's depth. Caller frees both arrays. */
size_t gs_model_tree(const struct gs_model *m, struct gs_proc ***order, int **depth);

#endif
