/* Rendering the model: human text (render_text.c) and JSON (render_json.c). */
#ifndef GS_RENDER_H
#define GS_RENDER_H

#include <stdbool.h>
#include <stdio.h>
#include "model.h"
#include "opts.h"

struct gs_render {
	FILE *f;
	bool color, verbose, stacks;
};

/* Colour decision: --color, then NO_COLOR, then whether F is a terminal. */
bool gs_want_color(enum gs_color c, FILE *f);

void gs_render_text(const struct gs_render *r, const struct gs_model *m);
/* Returns 0, -1 on allocation or write failure. */
int gs_render_json(const struct gs_render *r, const struct gs_model *m);

/* Shared by both renderers. */
/* " (pid namespace N)" after a pid, only when the run mixes namespaces:
 * a single-namespace report reads as before. */
void gs_put_pidns(FILE *f, const struct gs_model *m, long long pidns);
const char *gs_call_rc_name(const struct gs_model *m, const struct gs_proc *p,
			    const struct gs_call *c, long long rc);
const char *gs_call_family(const struct gs_call *c);
/* {"status", "code", "signal"} for a waitpid() status. */
json_t *gs_exit_json(int status);
/* Opens -o FILE (or returns DEFLT); NULL after a one-line error. Opened
 * before any work so that a bad path fails fast. */
FILE *gs_open_out(const struct gs_opts *o, FILE *deflt);
/* Finishes the model, runs the findings and renders per the options.
 * Closes F unless it is stdout/stderr. Returns 0, -1 on write failure. */
int gs_render_report(const struct gs_opts *o, struct gs_model *m, FILE *f);

#endif
