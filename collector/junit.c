/* JUnit XML writer. Only what CI systems read: testsuite counts, testcase
 * names, failure message and body. Text from the traced program is
 * escaped twice: strvis for control bytes (XML 1.0 cannot carry them at
 * all), then the XML entities. */
#include "junit.h"
#include "escape.h"
#include "drift_json.h"
#include "outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void xml(FILE *f, const char *s)
{
	char *v = gs_vis(s);
	for (const char *p = v ? v : "?"; *p; p++)
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*p, f);
		}
	free(v);
}

static const char *sval(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Change CH belongs to case NAME (NULL: the machine-wide case). */
static bool belongs(json_t *ch, const char *name)
{
	const char *p = sval(json_object_get(ch, "process"));
	if (!name)
		return p == NULL;
	return p != NULL && strcmp(p, name) == 0;
}

/* The changes of case NAME (NULL: machine-wide ones). */
static void put_case(FILE *f, const struct gs_drift_out *d, const char *name)
{
	json_t *changes = json_object_get(d->result, "changes"), *ch;
	const char *first = NULL;
	size_t i, n = 0;
	GS_JSON_ARRAY_EACH(changes, i, ch) {
		if (belongs(ch, name) && !n++)
			first = sval(json_object_get(ch, "text"));
	}
	fputs("    <testcase classname=\"gpushim.drift\" name=\"", f);
	xml(f, name ? name : "machine (kernel driver)");
	if (!n) {
		fputs("\"/>\n", f);
		return;
	}
	fputs("\">\n      <failure type=\"drift\" message=\"", f);
	xml(f, first);
	fputs("\">", f);
	GS_JSON_ARRAY_EACH(changes, i, ch) {
		if (belongs(ch, name)) {
			xml(f, sval(json_object_get(ch, "text")));
			fputc('\n', f);
		}
	}
	fputs("</failure>\n    </testcase>\n", f);
}

/* Changes of processes that appear twice in the list are counted once. */
static size_t failed_cases(const struct gs_drift_out *d)
{
	json_t *procs = json_object_get(d->result, "processes"), *changes = json_object_get(d->result, "changes");
	json_t *p, *ch;
	size_t i, j, n = 0;
	GS_JSON_ARRAY_EACH(changes, j, ch)
		if (!json_is_string(json_object_get(ch, "process"))) {
			n++;
			break;
		}
	GS_JSON_ARRAY_EACH(procs, i, p)
		GS_JSON_ARRAY_EACH(changes, j, ch)
			if (json_equal(json_object_get(ch, "process"), p)) {
				n++;
				break;
			}
	return n;
}

int gs_junit_write(const char *path, const struct gs_drift_out *d, const char *cmd, const char *error)
{
	const char *why;
	int fd = gs_out_open(path, false, 0666, &why);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fd >= 0 && !f) {
		why = strerror(errno);
		close(fd);
	}
	if (!f) {
		fprintf(stderr, "gpushim %s: cannot write --junit file %s: %s; check the path\n", cmd, path,
			why);
		return -1;
	}
	json_t *procs = d ? json_object_get(d->result, "processes") : NULL;
	size_t tests = d ? json_array_size(procs) + 1 : 1;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", f);
	fprintf(f, "  <testsuite name=\"gpushim drift\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\">\n",
		tests, d ? failed_cases(d) : 0, d ? 0 : 1);
	if (!d) {
		fputs("    <testcase classname=\"gpushim.drift\" name=\"baseline\">\n      <error message=\"", f);
		xml(f, error);
		fputs("\"/>\n    </testcase>\n", f);
	} else {
		json_t *p;
		size_t i;
		put_case(f, d, NULL);
		GS_JSON_ARRAY_EACH(procs, i, p)
			put_case(f, d, sval(p));
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	if (fclose(f) != 0) {
		fprintf(stderr, "gpushim %s: cannot write --junit file %s: %s\n", cmd, path, strerror(errno));
		return -1;
	}
	return 0;
}
