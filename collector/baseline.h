/* Drift baselines (docs/drift.md): what a run resolved to, as a stable,
 * sorted JSON document meant to be committed and diffed by people.
 * The same document, built from a fresh run, is what --check and diff
 * compare, so there is one notion of "what a run is". */
#ifndef GS_BASELINE_H
#define GS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "model.h"

/* Layout version of the file; a reader refuses a newer one. */
#define GS_BASELINE_VERSION 1

/* The document of a finished model (gs_model_finish called): one entry
 * per process image, nothing merged. CMD (may be NULL) is stored for
 * people only. Normalize before writing or comparing. */
json_t *gs_baseline_from_model(const struct gs_model *m, char **cmd, int ncmd);

/* Strips what IGNORE (GS_IGN_* bits) leaves out, merges processes with the
 * same executable and argv, drops empty ones, sorts every list. The
 * result is what gets written and compared; normalizing twice changes
 * nothing. Returns a new document, NULL on ENOMEM. */
json_t *gs_baseline_normalize(json_t *doc, unsigned ignore);

/* Reads and validates a baseline; NULL with a one-line reason in ERR.
 * *FUTURE is set when the file is from a newer gpushim. */
json_t *gs_baseline_load(const char *path, char *err, size_t errlen);
/* Validates a parsed document (as gs_baseline_load does). */
int gs_baseline_validate(json_t *doc, char *err, size_t errlen);
/* Whether TEXT looks like a baseline rather than records. */
bool gs_baseline_sniff(json_t *doc);

/* Checks that PATH can be written before CMD runs: 0, or -1 with ERR. */
int gs_baseline_can_write(const char *path, char *err, size_t errlen);
/* Writes DOC to PATH atomically (temporary file + rename), keys sorted,
 * two-space indent, ASCII only, newline at the end. */
int gs_baseline_write(const char *path, json_t *doc, char *err, size_t errlen);

/* A process entry's name for people: its argv, else its executable. */
char *gs_baseline_label(json_t *proc);
/* Library families installed by the driver, not the toolkit. */
bool gs_driver_family(const char *family);
/* The library family a load name belongs to: its file name up to ".so"
 * (length returned; the name starts at *BASE). */

#endif
