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

/* The shim sends a byte that is not valid UTF-8 as U+F7XX (UTF-8 EF 9E/9F
 * xx): give the byte back, so the escaped text shows the file's real name. */
static char *unpua(const char *s)
{
	size_t n = strlen(s), i, o = 0;
	char *b = malloc(n + 1);

	if (!b)
		return NULL;
	for (i = 0; i < n; i++) {
		const unsigned char *u = (const unsigned char *)s + i;
		if (u[0] == 0xef && (u[1] == 0x9e || u[1] == 0x9f) && (u[2] & 0xc0) == 0x80) {
			b[o++] = (char)((u[1] == 0x9e ? 0x80 : 0xc0) + (u[2] & 0x3f));
			i += 2;
		} else {
			b[o++] = s[i];
		}
	}
	b[o] = '\0';
	return b;
}

char *gs_vis(const char *s)
{
	char *out = NULL, *raw;
	int rc;

	if (!s)
		return strdup("-");
	if (!(raw = unpua(s)))
		return NULL;
	rc = stravis(&out, raw, GS_VIS_FLAGS);
	free(raw);
	return rc < 0 ? NULL : out;
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
