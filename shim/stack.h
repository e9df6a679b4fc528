/* Call stacks: captured with libunwind's unw_backtrace (fast, no unw_step
 * loop), written as [object, offset, symbol] frames. */
#ifndef GS_STACK_H
#define GS_STACK_H

struct gs_rec;

/* Appends "stack" (and "stack_trunc") to R; nothing when GPUSHIM_STACK=0.
 * libunwind is first touched here, so a process that never produces an
 * event never pays its start-up cost. */
void gs_stack_add(struct gs_rec *r);

#endif
