/* Folding repeated GPU calls into counts (issue "GPU entry points"). */
#ifndef GS_FOLD_H
#define GS_FOLD_H

struct gs_rec;

/* Adds the "calls" totals to the bye record. */
void gs_fold_totals(struct gs_rec *r);
void gs_fold_after_fork(void);

#endif
