/* Shared by the fuzz harnesses: the definitions main.c would provide (the
 * harnesses link every collector object but main.o) and a way to push
 * bytes through the real line framing (lines.c reads from a descriptor). */
#ifndef ST_FUZZ_COMMON_H
#define ST_FUZZ_COMMON_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>
#include "cmds.h"
#include "ingest.h"
#include "lines.h"

struct sigaction gs_orig_sigpipe;
int gs_open_save(const struct gs_opts *o)
{
	(void)o;
	return -1;
}

/* Feeds DATA[0..N) to a model through gs_lines, CHUNK bytes per read(2)
 * (a FIFO hands records over in pieces of any size). */
static void st_feed(struct gs_model *m, const uint8_t *data, size_t n, size_t chunk)
{
	static int fd = -1;
	struct gs_ingest in = { .m = m, .src = "fuzz" };
	struct gs_lines l;

	if (fd < 0)
		fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return;
	gs_lines_init(&l, &in, -1);
	for (size_t off = 0; off < n; off += chunk) {
		size_t k = n - off < chunk ? n - off : chunk;
		if (ftruncate(fd, 0) != 0 || pwrite(fd, data + off, k, 0) != (ssize_t)k ||
		    lseek(fd, 0, SEEK_SET) != 0)
			return;
		while (gs_lines_read(&l, fd) > 0)
			;
	}
	gs_lines_flush(&l);
}

#endif
