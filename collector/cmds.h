/* The subcommands; each returns the process exit status. */
#ifndef GS_CMDS_H
#define GS_CMDS_H

#include <signal.h>
#include "opts.h"

/* SIGPIPE as gpushim found it; restored for CMD (ignored signals survive
 * exec, and CMD must run as it would without us). */
extern struct sigaction gs_orig_sigpipe;

int gs_cmd_run(const struct gs_opts *o);
int gs_cmd_collect(const struct gs_opts *o);
int gs_cmd_report(const struct gs_opts *o);
int gs_cmd_diff(const struct gs_opts *o);
/* Opens --save FILE for appending (0600 when created); -1 if none given,
 * -2 after a one-line error. */
int gs_open_save(const struct gs_opts *o);

#endif
