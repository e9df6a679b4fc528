/* pipe2, wrapped so that libunwind's own pipe does not take the program's
 * low descriptor numbers. */
#ifndef GS_PIPEHOOK_H
#define GS_PIPEHOOK_H

/* Looks up the next pipe2 (start-up). */
void gs_pipe_init(void);
/* Marks this thread as inside libunwind (1) or out of it (0). */
void gs_pipe_hold(int on);

#endif
