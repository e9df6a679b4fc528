/* libFuzzer harness: the report. Parses the input as records (the corpus
 * is records), then runs the findings and renders the text report
 * (verbose, stacks, colour) and the JSON report, into memory; the JSON
 * must parse back. */
#include <stdlib.h>
#include <string.h>
#include "fuzz_common.h"
#include "render.h"

static void render(const uint8_t *data, size_t size, bool json)
{
	struct gs_model m;
	struct gs_opts o;
	char *buf = NULL;
	size_t len = 0;

	memset(&o, 0, sizeof o);
	o.cmd = "report";
	o.json = json;
	o.verbose = o.stacks = true;
	/* colour on odd sizes only: without it, any ESC in the text is a bug */
	o.color = size & 1 ? GS_COLOR_ALWAYS : GS_COLOR_NEVER;
	gs_model_init(&m);
	st_feed(&m, data, size, 4096);
	if (size && data[0] == '{' && m.procs.n) { /* also as gpushim run sees it */
		m.has_cmd = true;
		m.cmd_pid = m.procs.v[0]->pid;
		m.cmd_status = size & 0xff00;
	}
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		abort();
	if (gs_render_report(&o, &m, f) != 0)
		abort();
	if (json) {
		json_error_t err;
		json_t *doc = json_loadb(buf, len, 0, &err);
		if (!doc)
			abort();
		json_decref(doc);
	} else if (o.color == GS_COLOR_NEVER) {
		/* program strings are escaped: no ESC, no C1 control (U+0080-U+009F) */
		for (size_t i = 0; i < len; i++)
			if (buf[i] == 0x1b || ((unsigned char)buf[i] == 0xc2 && i + 1 < len &&
					       (unsigned char)buf[i + 1] >= 0x80 &&
					       (unsigned char)buf[i + 1] <= 0x9f))
				abort();
	}
	free(buf);
	gs_model_free(&m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	render(data, size, false);
	render(data, size, true);
	return 0;
}
