/* The FIFO the shim writes into: the per-user default one (collect) or a
 * private one in a fresh directory (run). */
#ifndef GS_FIFO_H
#define GS_FIFO_H

#include <stddef.h>

/* The default path (common/format.h): $XDG_RUNTIME_DIR/gpushim/fifo when
 * XDG_RUNTIME_DIR is an absolute directory of ours not writable by others,
 * else /tmp/gpushim-<uid>/fifo. Returns 0, -1 when it does not fit. */
int gs_fifo_default_path(char *buf, size_t n);

/* Creates PATH's directory (one level, mode 0700) and the FIFO (0600) when
 * missing, checks both are ours and safe, and opens the FIFO read-write,
 * non-blocking: holding a writer ourselves means no EOF spin while the
 * programs come and go. Returns the fd, or -1 with a reason in WHY. */
int gs_fifo_open(const char *path, char *why, size_t whyn);

/* run: a fresh mode-0700 directory under $TMPDIR (or /tmp) holding a FIFO.
 * DIR and PATH receive the names (for removal). Returns the fd or -1. */
int gs_fifo_private(char *dir, size_t dirn, char *path, size_t pathn, char *why, size_t whyn);

#endif
