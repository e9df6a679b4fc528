/* strvis(3) from libbsd does the escaping: one well-tested encoder rather
 * than a hand-written one. VIS_NOLOCALE keeps every byte >= 0x80 encoded
 * whatever the locale, so UTF-8 C1 controls (U+009B is CSI) cannot reach a
 * terminal either. */
#define LIBBSD_NETBSD_VIS 1
#include "escape.h"

#include <bsd/vis.h>
#include <stdlib.h>
#include <string.h>

#define GS_VIS_FLAGS (VIS_CSTYLE | VIS_OCTAL | VIS_TAB | VIS_NL | VIS_NOLOCALE)

char *gs_vis(const char *s)
{
	char *out = NULL;
	if (!s)
		return strdup("-");
	if (stravis(&out, s, GS_VIS_FLAGS) < 0)
		return NULL;
	return out;
}

void gs_putvis(FILE *f, const char *s)
{
	char *v = gs_vis(s);
	fputs(v ? v : "?", f);
	free(v);
}

void gs_putvis_pad(FILE *f, const char *s, int width)
{
	char *v = gs_vis(s);
	fprintf(f, "%-*s", width, v ? v : "?");
	free(v);
}
