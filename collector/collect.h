/* gpushim collect's parts: the live lines (collect_live.c). */
#ifndef GS_COLLECT_H
#define GS_COLLECT_H

#include <stdio.h>
#include "model.h"

/* One line on F for the record of TYPE just ingested for P. */
void gs_collect_live(FILE *f, struct gs_model *m, struct gs_proc *p, const char *type);

#endif
