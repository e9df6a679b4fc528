/* gpushim run --baseline / --check: the part of run that deals with
 * baselines, kept apart from run.c's process handling. */
#ifndef GS_DRIFT_RUN_H
#define GS_DRIFT_RUN_H

#include <stdio.h>
#include "model.h"
#include "opts.h"

/* Before CMD runs, so bad input fails fast without running it: loads and
 * validates --check FILE, makes sure --baseline FILE can be written.
 * Returns 0, or the exit status after a one-line error. */
int gs_drift_run_prepare(const struct gs_opts *o);
/* After CMD: writes the baseline and/or prints the drift to OUT (closed
 * unless stdout/stderr). CMD_RC is CMD's exit status; returns gpushim's. */
int gs_drift_run_finish(const struct gs_opts *o, struct gs_model *m, int cmd_rc, FILE *out);

#endif
