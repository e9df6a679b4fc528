/* GPU entry points (hooktab.h): dispatch, binding to a copy, recording. */
#ifndef GS_GPUHOOKS_H
#define GS_GPUHOOKS_H

enum gs_probe { GS_PROBE_NONE, GS_PROBE_NVML, GS_PROBE_CUDNN, GS_PROBE_CUDART, GS_PROBE_CUDA };
enum gs_kind { GS_PLAIN, GS_GETPROC };

enum gs_hook_id {
#define GS_HOOK(name, ...) GS_HK_##name,
#include "hooktab.h"
#undef GS_HOOK
	GS_N_HOOKS
};

struct gs_hook {
	const char *name;
	const char *family;
	enum gs_probe probe;
	int out_arg;
	const char *out_name;
	int int_arg;
	const char *int_name;
	int str_arg;
	const char *str_name;
	enum gs_kind kind;
	int missing_rc;
};

extern const struct gs_hook gs_hooks[GS_N_HOOKS];

/* Index of a hooked function by name, or -1. Cheap for other names. */
int gs_hook_find(const char *name);
/* A function pointer that calls REAL (the copy a lookup found) through the
 * shim; REAL itself when no wrapper slot is free. VIA says how the program
 * got it: "dlsym" or "getprocaddress". */
void *gs_hook_bind(int idx, void *real, const char *via);
/* The shim's own exported stub for hook IDX. */
void *gs_hook_stub(int idx);
/* Is P the shim's own exported stub for hook IDX? */
int gs_hook_is_stub(int idx, const void *p);
/* The slot that stands for (REAL, VIA), taken if new; -1 when all are. */
int gs_hook_slot(int idx, void *real, const char *via);
void gs_hooks_after_fork(void);

#endif
