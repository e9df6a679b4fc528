/* Escaping of untrusted text (anything that came from the traced program)
 * before it reaches a terminal or a file. */
#ifndef GS_ESCAPE_H
#define GS_ESCAPE_H

#include <stdio.h>

/* S with every control, non-ASCII and backslash byte escaped C-style
 * (\e -> \033, \n, \t, \\), so the result is printable ASCII. Returns a
 * malloc'd string ("?" on allocation failure is never returned: NULL then).
 * S == NULL gives "-". */
char *gs_vis(const char *s);
/* Writes gs_vis(S) to F. */
void gs_putvis(FILE *f, const char *s);
/* Writes gs_vis(S) to F padded with spaces to WIDTH columns. */
void gs_putvis_pad(FILE *f, const char *s, int width);

#endif
