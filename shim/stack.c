#define UNW_LOCAL_ONLY
#include <dlfcn.h>
#include <libunwind.h>
#include <stdint.h>

#include "config.h"
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

void gs_stack_capture(struct gs_stack *s)
{
	void *ips[GS_STACK_MAX + SHIM_FRAMES + 1];
	int depth = gs_cfg.stack_depth, n, first = 0, i;

	s->n = s->more = 0;
	if (depth <= 0)
		return;
	n = unw_backtrace(ips, depth + SHIM_FRAMES + 1);
	while (first < n && in_shim(ips[first]))
		first++;
	/* The shim's own frames further out (a hooked call in progress while
	 * this one happens inside it) say nothing about the program: out. */
	for (i = first; i < n && s->n < depth; i++)
		if (!in_shim(ips[i]))
			s->ip[s->n++] = ips[i];
	s->more = n - i;
}

unsigned long gs_stack_hash(const struct gs_stack *s)
{
	unsigned long h = 1469598103934665603UL;
	int i;

	for (i = 0; i < s->n; i++)
		h = (h ^ (uintptr_t)s->ip[i]) * 1099511628211UL;
	return h;
}

void gs_stack_write(struct gs_rec *r, const struct gs_stack *s)
{
	int i, sent = 0;

	if (s->n == 0)
		return;
	gs_rec_open(r, "stack", '[');
	for (i = 0; i < s->n; i++) {
		struct gs_rec_mark m = gs_rec_mark(r);
		Dl_info info;
		void *map;

		if (!gs_real.dladdr1(s->ip[i], &info, &map, 0) || !info.dli_fname) {
			info.dli_fname = "?";
			info.dli_fbase = NULL;
			info.dli_sname = NULL;
		}
		gs_rec_open(r, NULL, '[');
		gs_rec_str(r, NULL, info.dli_fname[0] ? info.dli_fname : "(program)");
		gs_rec_int(r, NULL, (long long)((uintptr_t)s->ip[i] - (uintptr_t)info.dli_fbase));
		gs_rec_str(r, NULL, info.dli_sname);
		gs_rec_close(r);
		if (gs_rec_full(r)) {
			gs_rec_rollback(r, m);
			break;
		}
		sent++;
	}
	gs_rec_close(r);
	if (sent < s->n || s->more > 0)
		gs_rec_bool(r, "stack_trunc", 1);
}

void gs_stack_add(struct gs_rec *r)
{
	struct gs_stack s;

	gs_stack_capture(&s);
	gs_stack_write(r, &s);
}
