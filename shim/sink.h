/* Where records go: the collector's FIFO, or a log file (GPUSHIM_LOG). */
#ifndef GS_SINK_H
#define GS_SINK_H

#include <stddef.h>

/* Writes one whole record or nothing. Never blocks, never raises SIGPIPE,
 * never writes to a descriptor that is no longer the shim's. 0 = written. */
int gs_sink_write(const char *buf, size_t len);
/* fork child: keep the inherited descriptor (same FIFO), reset the rate limit. */
void gs_sink_after_fork(void);

#endif
