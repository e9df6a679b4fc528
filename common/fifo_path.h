/* The default FIFO path, one definition for the shim and the collector:
 * $XDG_RUNTIME_DIR/gpushim/fifo when that directory is usable and private
 * to the user, else /tmp/gpushim-<euid>/fifo. */
#ifndef GPUSHIM_FIFO_PATH_H
#define GPUSHIM_FIFO_PATH_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include "format.h"

static inline int gs_fifo_default(char *buf, size_t n)
{
	const char *x = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int len;

	if (x && x[0] == '/' && stat(x, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH)) &&
	    access(x, W_OK | X_OK) == 0)
		len = snprintf(buf, n, "%s/gpushim/%s", x, GS_FIFO_NAME);
	else
		len = snprintf(buf, n, "/tmp/gpushim-%u/%s", (unsigned)geteuid(), GS_FIFO_NAME);
	return len < 0 || (size_t)len >= n ? -1 : 0;
}

#endif
