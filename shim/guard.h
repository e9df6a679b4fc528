/* Per-thread re-entry guard. Hooks run inside each other (cuDNN's own
 * dlsym, libunwind's lookups, an allocator that calls dlsym): only the
 * outermost call is recorded, inner ones pass straight through. */
#ifndef GS_GUARD_H
#define GS_GUARD_H

extern __thread int gs_depth __attribute__((tls_model("initial-exec")));

static inline int gs_guard_enter(void) { return gs_depth++ == 0; }
static inline void gs_guard_leave(void) { gs_depth--; }
static inline int gs_guard_busy(void) { return gs_depth != 0; }

#endif
