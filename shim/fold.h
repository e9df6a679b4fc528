/* Folding: the same function returning the same code to the same call site
 * is sent a few times, then only counted; the bye record carries the totals.
 * A loop of a million cudaGetDeviceCount calls sends a handful of records. */
#ifndef GS_FOLD_H
#define GS_FOLD_H

/* Records sent for one (function, library, code, stack) before folding. */
#define GS_FOLD_SEND 3

/* The "hook" under which plain dlsym lookups are folded. */
#define GS_FOLD_DLSYM (-1)

struct gs_rec;

/* Counts one call; returns 1 when it is folded (do not send a record). */
int gs_fold_note(int hook, int lib, int rc, unsigned long stack);
/* Adds the "calls" totals to the bye record. */
void gs_fold_totals(struct gs_rec *r);
/* fork child (re-initialises the lock) / new image after a failed exec. */
void gs_fold_after_fork(void);
void gs_fold_restart(void);

#endif
