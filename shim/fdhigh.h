/* The shim's own descriptors sit high, out of the way of programs that
 * count on open() handing them the lowest free number. */
#ifndef GS_FDHIGH_H
#define GS_FDHIGH_H

/* Moves F to 600 or above, or as near the top of RLIMIT_NOFILE as it can
 * get (keeping close-on-exec as F had it), closes F and returns the new
 * number; -1 with F left open when only low numbers are free. */
int gs_fd_high(int f);

#endif
