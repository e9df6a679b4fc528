/* The rules' side of the findings engine: the per-process context, the
 * finding builder, and small queries over the model. Only rule_*.c and
 * findings*.c include this. */
#ifndef GS_FINDINGS_RULES_H
#define GS_FINDINGS_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "model.h"
#include "knowledge.h"

/* One process under examination. The claimed_* arrays (one flag per call,
 * load, symbol lookup) mark symptoms an earlier finding already explains. */
struct gs_fctx {
	struct gs_model *m;
	struct gs_proc *p;
	bool *claimed_call, *claimed_load, *claimed_sym;
	int proc_order;  /* position of p in tree order */
};

typedef void gs_rule_fn(struct gs_fctx *cx);

/* A finding under construction. */
struct gs_fb {
	const char *id, *severity;
	char *msg, *fix;
	json_t *evidence, *explains;
	/* symptoms claimed by this finding (only committed by fb_emit) */
	GS_VEC(size_t) calls, loads, syms;
	char *symptoms;  /* "X returned A and Y returned B" for the message */
};

void fb_init(struct gs_fb *b, const char *id, const char *severity);
/* printf-style; replaces the message / fix. */
void fb_msg(struct gs_fb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fb_fix(struct gs_fb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Evidence: EV (stolen) appended as is; the helpers describe a record. */
void fb_ev(struct gs_fb *b, json_t *ev);
void fb_ev_hello(struct gs_fb *b, const struct gs_proc *p);
void fb_ev_lib(struct gs_fb *b, const struct gs_lib *l);
void fb_ev_env(struct gs_fb *b, const struct gs_proc *p, const char *name);
void fb_ev_file(struct gs_fb *b, const char *path, const char *version, const char *why);
/* Explains (and claims) a failed call / load / symbol lookup of cx->p; also
 * adds it as evidence. Each symptom is named once per finding. */
void fb_explain_call(struct gs_fctx *cx, struct gs_fb *b, size_t i);
void fb_explain_load(struct gs_fctx *cx, struct gs_fb *b, size_t i);
void fb_explain_sym(struct gs_fctx *cx, struct gs_fb *b, size_t i);
/* Explains a death by signal of the command. */
void fb_explain_exit(struct gs_fctx *cx, struct gs_fb *b);
/* Adds the finding to the model (the message gets "; this is why ..." when
 * it explains calls) and frees the builder. Returns 0 or -1 (ENOMEM). */
int fb_emit(struct gs_fctx *cx, struct gs_fb *b);
/* Frees the builder without emitting. */
void fb_drop(struct gs_fb *b);

/* Queries (findings_query.c). */
const char *fq_family(const struct gs_call *c);
int fq_cudnn_major(const struct gs_fctx *cx, const struct gs_call *c);
enum gs_kind fq_kind(const struct gs_fctx *cx, const struct gs_call *c);
/* Kind of the call or of any hooked call inside it. */
bool fq_call_has_kind(const struct gs_fctx *cx, const struct gs_call *c, enum gs_kind k);
const char *fq_rc_name(const struct gs_fctx *cx, const struct gs_call *c);
const struct gs_lib *fq_lib(const struct gs_fctx *cx, long long id);
/* First library of the process whose family is FAMILY. */
const struct gs_lib *fq_lib_family(const struct gs_fctx *cx, const char *family);
/* Any library loaded, or any dlopen that succeeded, of the family of NAME. */
bool fq_family_loaded(const struct gs_fctx *cx, const char *name);
/* Integer / string member of a call's "ver" or "out" object. */
bool fq_ver_int(const struct gs_call *c, const char *key, long long *v);
const char *fq_ver_str(const struct gs_call *c, const char *key);
bool fq_out_int(const struct gs_call *c, const char *key, long long *v);
/* The CUDA runtime version the process uses: from a cudart call's
 * ver.runtime, else from a libcudart file name ("12.3.101" -> 12030; a bare
 * major gives *MAJOR_ONLY). 0 when unknown. */
long long fq_runtime_version(const struct gs_fctx *cx, bool *major_only);
/* Environment variable from the hello record, NULL when absent. */
const char *fq_env(const struct gs_proc *p, const char *name);
/* Path (realpath preferred) of a library for messages. */
const char *fq_lib_path(const struct gs_lib *l);
/* The process failed: exit non-zero or killed by a signal. */
bool fq_failed(const struct gs_fctx *cx);
/* The name is that of a library the program asked for by a path or bare name
 * whose basename is BASE (e.g. "libcuda.so.1"). */
bool fq_name_is(const char *name, const char *base);
const char *fq_base(const char *path);
/* One of the GPU libraries of the process is at PATH (a caller). */
bool fq_is_gpu_lib_path(const struct gs_fctx *cx, const char *path);

/* The machine's filesystem (findings_fs.c), for rules that compare what
 * loaded with what else is installed. Only meaningful when the records come
 * from this machine: gs_fs_same_machine checks that a library's file is
 * here with the recorded size and mtime. */
bool gs_fs_same_machine(const struct gs_lib *l);
/* Path of SONAME in /etc/ld.so.cache (x86-64 entries) into BUF. */
bool gs_fs_ldcache(const char *soname, char *buf, size_t n);
/* DT_RUNPATH (or DT_RPATH, *IS_RPATH set) of the ELF file PATH into BUF. */
bool gs_fs_runpath(const char *path, char *buf, size_t n, bool *is_rpath);
/* PATH and OTHER are the same file (device and inode). */
bool gs_fs_same_file(const char *path, const char *other);

/* The rules, in the files named. */
gs_rule_fn rule_no_libcuda, rule_stub_libcuda;               /* rule_libcuda.c */
gs_rule_fn rule_driver_not_loaded, rule_nvml_driver_mismatch; /* rule_nvml.c */
gs_rule_fn rule_compat_mismatch, rule_driver_too_old, rule_no_device; /* rule_cuda.c */
gs_rule_fn rule_cudnn_sublibrary_mismatch, rule_cudnn_cuda_mismatch; /* rule_cudnn.c */
gs_rule_fn rule_lib_not_found, rule_symbol_missing;          /* rule_loads.c */
gs_rule_fn rule_duplicate_library;                           /* rule_duplicate.c */
gs_rule_fn rule_path_shadowing;                              /* rule_shadowing.c */
gs_rule_fn rule_no_real_function;                            /* rule_noreal.c */

#endif
