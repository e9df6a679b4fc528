/* Files the collector writes at a path it was given (--save, -o, --junit). */
#ifndef GS_OUTFILE_H
#define GS_OUTFILE_H

#include <stdbool.h>
#include <sys/types.h>

/* Opens PATH for writing (appending, or emptied after the checks), created
 * with MODE (less the umask) when absent. -1 with *WHY set when it cannot be
 * opened or is refused. */
int gs_out_open(const char *path, bool append, mode_t mode, const char **why);

#endif
