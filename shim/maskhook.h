/* sigprocmask, wrapped so that libunwind's signal masking costs no system
 * call while the shim has already blocked every signal. */
#ifndef GS_MASKHOOK_H
#define GS_MASKHOOK_H

/* Looks up the next sigprocmask (start-up). */
void gs_mask_init(void);
/* Blocks every signal on this thread and answers its sigprocmask calls
 * from a copy of the mask until gs_mask_restore, which sets that copy. */
void gs_mask_all(void);
void gs_mask_restore(void);

#endif
