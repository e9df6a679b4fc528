/* collect --syslog: one syslog(3) line per finding and one per process
 * summary, each a compact JSON object (docs/production.md), so log
 * pipelines (journald, rsyslog, Fluent Bit, Vector) can ship them. */
#ifndef GS_SYSLOG_H
#define GS_SYSLOG_H

#include <stdbool.h>
#include "model.h"

/* FACILITY name ("daemon", "user", "local0".."local7") to its LOG_* value;
 * -1 when unknown. */
int gs_syslog_facility(const char *name);
/* openlog("gpushim", LOG_PID, FACILITY). */
void gs_syslog_open(int facility);
void gs_syslog_close(void);
/* The findings of P (an error is LOG_ERR, a warning LOG_WARNING, a note
 * LOG_NOTICE), then its summary line (LOG_INFO). REASON: "exit", "exec",
 * or "no-bye" for a process still open when the collector stops. */
void gs_syslog_proc(struct gs_model *m, struct gs_proc *p, const char *reason);
/* The collector's own events ("start", "reopen", "stop") as JSON lines. */
void gs_syslog_event(int prio, const char *event, const char *key, const char *value);

#endif
