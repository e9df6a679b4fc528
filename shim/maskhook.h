/* sigprocmask for the shim's libunwind, so that its signal masking costs
 * no system call while the shim has already blocked every signal. */
#ifndef GS_MASKHOOK_H
#define GS_MASKHOOK_H

#include <signal.h>

/* Blocks every signal on this thread and answers libunwind's sigprocmask
 * calls from a copy of the mask until gs_mask_restore, which sets that
 * copy. */
void gs_mask_all(void);
void gs_mask_restore(void);
/* What libunwind calls instead of sigprocmask (--wrap=sigprocmask). */
int __wrap_sigprocmask(int how, const sigset_t *set, sigset_t *old);

#endif
