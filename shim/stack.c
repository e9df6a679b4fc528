#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <stdint.h>

#include "config.h"
#include "format.h"
#include "real.h"
#include "record.h"
#include "stack.h"

/* Frames inside the shim are dropped; a few extra are captured for them. */
#define SHIM_FRAMES 8

static int in_shim(const void *ip)
{
	static const void *shim_base;
	Dl_info self, here;
	void *map;

	if (!shim_base && gs_real.dladdr1((const void *)gs_stack_add, &self, &map, 0))
		shim_base = self.dli_fbase;
	return gs_real.dladdr1(ip, &here, &map, 0) && here.dli_fbase == shim_base;
}

void gs_stack_add(struct gs_rec *r)
{
	void *ips[GS_STACK_MAX + SHIM_FRAMES];
	int n, i, depth = gs_cfg.stack_depth, sent = 0, first = 0;

	if (depth <= 0)
		return;
	n = unw_backtrace(ips, depth + SHIM_FRAMES);
	while (first < n && in_shim(ips[first]))
		first++;
	gs_rec_open(r, "stack", '[');
	for (i = first; i < n && sent < depth; i++) {
		struct gs_rec_mark m = gs_rec_mark(r);
		Dl_info info;
		void *map;

		if (!gs_real.dladdr1(ips[i], &info, &map, 0) || !info.dli_fname) {
			info.dli_fname = "?";
			info.dli_fbase = NULL;
			info.dli_sname = NULL;
		}
		gs_rec_open(r, NULL, '[');
		gs_rec_str(r, NULL, info.dli_fname[0] ? info.dli_fname : "(program)");
		gs_rec_int(r, NULL, (long long)((uintptr_t)ips[i] - (uintptr_t)info.dli_fbase));
		gs_rec_str(r, NULL, info.dli_sname);
		gs_rec_close(r);
		if (gs_rec_full(r)) {
			gs_rec_rollback(r, m);
			break;
		}
		sent++;
	}
	gs_rec_close(r);
	if (sent < n - first)
		gs_rec_bool(r, "stack_trunc", 1);
}
