/* The versions a library reports about itself, asked through the same copy
 * that served the call (design §3). Never nvmlInit or cuInit: only the
 * version queries, and NVML's only after the program's own init worked. */
#ifndef GS_VERSIONS_H
#define GS_VERSIONS_H

#include "gpuhooks.h"

struct gs_rec;

/* Adds "ver": {...} for PROBE, looking the queries up in REAL's object. */
void gs_versions_add(struct gs_rec *r, enum gs_probe probe, void *real, int rc);
void gs_versions_after_fork(void);

#endif
