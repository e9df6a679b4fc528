/* The pieces every part of the drift comparison uses: making a change,
 * reading values, comparing versions within a tolerance. */
#include "drift_cmp.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gs_drift_sval(json_t *v)
{
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A value as people read it: strings as they are, numbers in decimal. */
char *gs_drift_vtext(json_t *v)
{
	char *s = NULL;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v) && asprintf(&s, "%lld", (long long)json_integer_value(v)) >= 0)
		return s;
	if (json_is_array(v))
		return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	return strdup("none");
}

/* Appends a change; FROM and TO are stolen, LIB (may be NULL) gives the
 * loaded-by context. */
void gs_drift_add(struct cmp *c, const char *kind, const char *subject, json_t *from, json_t *to,
		json_t *lib, const char *fmt, ...)
{
	char *text = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&text, fmt, ap) < 0)
		text = NULL;
	va_end(ap);
	json_t *ch = json_object();
	json_object_set_new(ch, "kind", json_string(kind));
	json_object_set_new(ch, "process", c->label ? json_string(c->label) : json_null());
	json_object_set(ch, "exe", c->proc && json_object_get(c->proc, "exe")
		? json_object_get(c->proc, "exe") : json_null());
	json_object_set(ch, "argv", c->proc && json_object_get(c->proc, "argv")
		? json_object_get(c->proc, "argv") : json_null());
	json_object_set_new(ch, "subject", subject ? json_string(subject) : json_null());
	json_object_set_new(ch, "from", from ? from : json_null());
	json_object_set_new(ch, "to", to ? to : json_null());
	json_object_set(ch, "loaded_by", lib && json_object_get(lib, "loaded_by")
		? json_object_get(lib, "loaded_by") : json_null());
	json_object_set(ch, "how", lib && json_object_get(lib, "how") ? json_object_get(lib, "how") : json_null());
	json_object_set_new(ch, "text", json_string(text ? text : kind));
	free(text);
	json_array_append_new(c->changes, ch);
}

/* Self-reported versions are integers in each API's own encoding; turned
 * into dotted form so one tolerance rule covers them all. */
static void dotted(json_t *v, const char *key, char *out, size_t len)
{
	if (json_is_string(v)) {
		snprintf(out, len, "%s", json_string_value(v));
		return;
	}
	long long n = json_is_integer(v) ? json_integer_value(v) : -1;
	if (n < 0)
		snprintf(out, len, "?");
	else if (key && !strcmp(key, "cudnn") && n >= 10000) /* 90100: 9.1.0 */
		snprintf(out, len, "%lld.%lld.%lld", n / 10000, n / 100 % 100, n % 100);
	else if (key && !strcmp(key, "cudnn"))              /* 8907: 8.9.7 */
		snprintf(out, len, "%lld.%lld.%lld", n / 1000, n / 100 % 10, n % 100);
	else                                                 /* CUDA: 12030: 12.3 */
		snprintf(out, len, "%lld.%lld.%lld", n / 1000, n % 1000 / 10, n % 10);
}

bool gs_drift_compat(json_t *a, json_t *b, const char *key, enum gs_level level)
{
	char sa[64], sb[64];
	if (json_equal(a, b))
		return true;
	dotted(a, key, sa, sizeof sa);
	dotted(b, key, sb, sizeof sb);
	return level != GS_LEVEL_EXACT && gs_version_compat(sa, sb, level);
}

int gs_drift_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *gs_drift_keys(json_t *a, json_t *b)
{
	json_t *all = json_object(), *keys = json_array();
	if (a)
		json_object_update(all, a);
	if (b)
		json_object_update(all, b);
	const char **names = calloc(json_object_size(all) + 1, sizeof *names);
	if (names) {
		json_t *x;
		const char *k;
		size_t i = 0;
		GS_JSON_OBJECT_EACH(all, k, x)
			names[i++] = k;
		qsort(names, i, sizeof *names, gs_drift_cmp_str);
		for (size_t j = 0; j < i; j++)
			json_array_append_new(keys, json_string(names[j]));
	}
	free(names);
	json_decref(all);
	return keys;
}
