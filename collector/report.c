/* gpushim report FILE...: render saved records. */
#include "cmds.h"
#include "escape.h"
#include "ingest.h"
#include "lines.h"
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads one file into the model. Returns 0, or GS_EXIT_INPUT after a
 * one-line error. */
static int read_one(struct gs_model *m, const char *name)
{
	bool is_stdin = !strcmp(name, "-");
	int fd = is_stdin ? 0 : open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	long long before = m->records, bad_before = 0, bad_after = 0;
	struct gs_ingest in = { .m = m, .src = is_stdin ? "stdin" : name };
	struct gs_lines lines;
	ssize_t r;

	if (fd < 0) {
		fprintf(stderr, "gpushim report: cannot open %s: %s; check the path\n", name, strerror(errno));
		return GS_EXIT_INPUT;
	}
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		bad_before += m->bad[k];
	gs_lines_init(&lines, &in, -1);
	while ((r = gs_lines_read(&lines, fd)) > 0)
		;
	int e = errno;
	if (!is_stdin)
		close(fd);
	if (r < 0) {
		fprintf(stderr, "gpushim report: cannot read %s: %s\n", name, strerror(e));
		return GS_EXIT_INPUT;
	}
	gs_lines_flush(&lines);
	for (int k = 0; k < GS_BAD_NKINDS; k++)
		bad_after += m->bad[k];
	/* Nothing usable at all is a wrong or corrupt file, not a report. */
	if (m->records == before && bad_after > bad_before) {
		fprintf(stderr, "gpushim report: %s holds no valid gpushim records (%lld bad lines); "
				"expected a --save or GPUSHIM_LOG file\n", name, bad_after - bad_before);
		return GS_EXIT_INPUT;
	}
	return 0;
}

int gs_cmd_report(const struct gs_opts *o)
{
	struct gs_model m;
	int rc = 0;
	gs_model_init(&m);
	for (int i = 0; i < o->nargs && !rc; i++)
		rc = read_one(&m, o->args[i]);
	if (rc) {
		gs_ingest_summary(&m, stderr);
		gs_model_free(&m);
		return rc;
	}
	FILE *out = gs_open_out(o, stdout);
	if (!out) {
		gs_model_free(&m);
		return GS_EXIT_USAGE;
	}
	gs_ingest_summary(&m, stderr);
	rc = gs_render_report(o, &m, out);
	gs_model_free(&m);
	return rc ? GS_EXIT_USAGE : GS_EXIT_OK;
}
