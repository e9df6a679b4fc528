/* Splitting a byte stream (FIFO or file) into record lines, with the
 * length limit applied to each line as it is buffered. */
#ifndef GS_LINES_H
#define GS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "format.h"
#include "ingest.h"

/* Bytes per read(2): many records each, as a system call costs as much as
 * parsing a record; at least GS_RECORD_MAX + 1. */
#define GS_LINES_READ (64 * 1024)

struct gs_lines {
	char buf[GS_LINES_READ];
	size_t len;
	bool skipping;          /* inside an over-long line: drop to its newline */
	int save_fd;            /* -1, or where raw lines are appended (--save) */
	bool save_failed;
	struct gs_ingest *in;
};

void gs_lines_init(struct gs_lines *l, struct gs_ingest *in, int save_fd);
/* Reads what FD has now. Returns bytes read, 0 at EOF, -1 with errno
 * (EAGAIN when a non-blocking FD is empty). */
ssize_t gs_lines_read(struct gs_lines *l, int fd);
/* At EOF: a last line without newline is still a line. */
void gs_lines_flush(struct gs_lines *l);

#endif
