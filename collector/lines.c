/* Line framing. A record is at most GS_RECORD_MAX bytes with its newline;
 * anything longer is counted as bad and skipped up to its newline, so one
 * bad writer cannot make the collector buffer without bound: what stays in
 * the buffer after a read is a part of one line, shorter than the limit. */
#include "lines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void gs_lines_init(struct gs_lines *l, struct gs_ingest *in, int save_fd)
{
	/* not the buffer: zeroing 64 KiB would touch every page of it */
	l->len = 0;
	l->skipping = l->save_failed = false;
	l->save_fd = save_fd;
	l->in = in;
}

static void save_line(struct gs_lines *l, const char *s, size_t n)
{
	/* One write per line, O_APPEND, no stdio buffer: what was received is
	 * on disk even if we are killed right after. */
	char tmp[GS_RECORD_MAX + 1];
	if (l->save_fd < 0 || l->save_failed)
		return;
	memcpy(tmp, s, n);
	tmp[n] = '\n';
	for (size_t off = 0; off < n + 1;) {
		ssize_t w = write(l->save_fd, tmp + off, n + 1 - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fprintf(stderr, "gpushim: cannot write to the --save file (%s); records are no longer saved\n",
				strerror(errno));
			l->save_failed = true;
			return;
		}
		off += (size_t)w;
	}
}

static void deliver(struct gs_lines *l, const char *s, size_t n)
{
	l->in->lineno++;
	if (n + 1 > GS_RECORD_MAX) {
		gs_ingest_bad(l->in, GS_BAD_TOO_LONG, NULL);
		return;
	}
	save_line(l, s, n);
	gs_ingest_line(l->in, s, n);
}

static void split(struct gs_lines *l)
{
	size_t start = 0;
	for (;;) {
		char *nl = memchr(l->buf + start, '\n', l->len - start);
		if (!nl)
			break;
		size_t n = (size_t)(nl - (l->buf + start));
		if (l->skipping) {
			l->skipping = false; /* counted when it started */
		} else {
			deliver(l, l->buf + start, n);
		}
		start += n + 1;
	}
	memmove(l->buf, l->buf + start, l->len - start);
	l->len -= start;
	/* A part of a line without its newline, already at the limit: too long. */
	if (l->len >= GS_RECORD_MAX) {
		if (!l->skipping) {
			l->in->lineno++;
			gs_ingest_bad(l->in, GS_BAD_TOO_LONG, NULL);
		}
		l->skipping = true;
		l->len = 0;
	}
}

ssize_t gs_lines_read(struct gs_lines *l, int fd)
{
	ssize_t r;
	do
		r = read(fd, l->buf + l->len, sizeof l->buf - 1 - l->len);
	while (r < 0 && errno == EINTR);
	if (r > 0) {
		l->len += (size_t)r;
		split(l);
	}
	return r;
}

void gs_lines_flush(struct gs_lines *l)
{
	if (l->len && !l->skipping)
		deliver(l, l->buf, l->len);
	l->len = 0;
	l->skipping = false;
}
