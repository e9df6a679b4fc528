/* Parsing and validating record lines into the model. Records are
 * untrusted: every field is type-checked, bad input is counted per kind. */
#ifndef GS_INGEST_H
#define GS_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include "model.h"

struct gs_ingest {
	struct gs_model *m;
	const char *src;        /* name of the input, for messages */
	long long lineno;       /* line number within src */
	bool live_warn;         /* print the first of each bad kind at once */
	/* Called after each accepted record with its process and type. */
	void (*on_record)(void *ctx, struct gs_model *m, struct gs_proc *p, const char *type);
	void *ctx;
};

/* Ingests one line (without its newline). Returns 0 when accepted. */
int gs_ingest_line(struct gs_ingest *in, const char *line, size_t len);
/* Counts one piece of bad input of kind K at the current position. */
void gs_ingest_bad(struct gs_ingest *in, enum gs_bad k, const char *detail);
/* One line per kind of bad input seen, on stderr. */
void gs_ingest_summary(const struct gs_model *m, FILE *f);

#endif
