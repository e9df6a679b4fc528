/* Call stacks: captured with libunwind's unw_backtrace (fast, no unw_step
 * loop), written as [object, offset, symbol] frames. libunwind is first
 * touched on the first event, so a process that never produces one never
 * pays its start-up cost. */
#ifndef GS_STACK_H
#define GS_STACK_H

#include "format.h"

struct gs_rec;

struct gs_stack {
	void *ip[GS_STACK_MAX];
	int n;      /* frames kept (the shim's own removed) */
	int more;   /* frames beyond the depth limit */
};

/* Nothing captured when GPUSHIM_STACK=0. SITE, when known, is the
 * innermost return address outside the shim (a hint for the cost only). */
void gs_stack_capture(struct gs_stack *s, const void *site);
void gs_stack_write(struct gs_rec *r, const struct gs_stack *s);
/* Something was unloaded: cached frame names may be stale. */
void gs_stack_forget(void);
/* Bumped whenever something is unloaded or the process starts over. */
unsigned gs_stack_generation(void);
/* fork child: another thread may have held the cache lock. */
void gs_stack_after_fork(void);
/* Load base of the object that holds IP (cached), or NULL. */
const void *gs_stack_object(const void *ip);
/* capture + write */
void gs_stack_add(struct gs_rec *r);

#endif
