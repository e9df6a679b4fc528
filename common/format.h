/* Record format shared by the shim (writer) and the collector (reader).
 * The prose specification is docs/record-format.md; keep the two in step. */
#ifndef GPUSHIM_FORMAT_H
#define GPUSHIM_FORMAT_H

/* Bumped on any change a reader must know about. Readers accept records
 * whose "v" is <= the version they were built with. */
#define GS_FORMAT_VERSION 1

/* One record is one line of JSON, newline included, at most this long,
 * so that one write() to a FIFO is atomic (PIPE_BUF on Linux). */
#define GS_RECORD_MAX 4096

/* Default stack depth (frames) when GPUSHIM_STACK is unset. */
#define GS_STACK_DEFAULT 16
#define GS_STACK_MAX 64

/* Default FIFO: $XDG_RUNTIME_DIR/gpushim/fifo when XDG_RUNTIME_DIR is set
 * and usable, else /tmp/gpushim-<uid>/fifo. The directory is mode 0700. */
#define GS_FIFO_NAME "fifo"

#define GS_SHIM_VERSION "0.1.0"

#endif
