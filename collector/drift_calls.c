/* Comparing the return codes of hooked functions and the failed
 * watched loads of one process. */
#include "drift_cmp.h"
#include "baseline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

/* The return codes of one function, in numeric order, as
 * [{"rc", "name"}] and as "0 cudaSuccess, 35 cudaError..." */
static json_t *rc_list(json_t *set, char **words)
{
	size_t n = json_object_size(set), i = 0, wlen = 0;
	long long *v = calloc(n + 1, sizeof *v);
	json_t *arr = json_array(), *x;
	const char *k;
	*words = NULL;
	if (!v)
		return arr;
	GS_JSON_OBJECT_EACH(set, k, x)
		v[i++] = strtoll(k, NULL, 10);
	qsort(v, n, sizeof *v, cmp_ll);
	FILE *w = open_memstream(words, &wlen);
	for (i = 0; i < n; i++) {
		char key[32];
		snprintf(key, sizeof key, "%lld", v[i]);
		const char *name = gs_drift_sval(json_object_get(set, key));
		json_array_append_new(arr, json_pack("{s:I, s:o}", "rc", (json_int_t)v[i],
						     "name", name ? json_string(name) : json_null()));
		if (w)
			fprintf(w, "%s%lld%s%s", i ? ", " : "", v[i], name ? " " : "", name ? name : "");
	}
	if (w && !n)
		fputs("called, no return code", w);
	if (w)
		fclose(w);
	free(v);
	return arr;
}

static bool same_rcs(json_t *a, json_t *b)
{
	const char *k;
	json_t *x;
	if (json_object_size(a) != json_object_size(b))
		return false;
	GS_JSON_OBJECT_EACH(a, k, x)
		if (!json_object_get(b, k))
			return false;
	return true;
}

/* A change in the set of codes a function returned is drift, and so is a
 * function that is no longer, or newly, called. */
void gs_drift_calls(struct cmp *c, json_t *ca, json_t *cb)
{
	json_t *fns = gs_drift_keys(ca, cb), *f;
	size_t i;
	GS_JSON_ARRAY_EACH(fns, i, f) {
		const char *fn = json_string_value(f);
		json_t *sa = json_object_get(ca, fn), *sb = json_object_get(cb, fn);
		if (sa && sb && same_rcs(sa, sb))
			continue;
		char *wa = NULL, *wb = NULL;
		json_t *la = sa ? rc_list(sa, &wa) : json_null(), *lb = sb ? rc_list(sb, &wb) : json_null();
		gs_drift_add(c, "call-rc", fn, la, lb, NULL, "%s returned %s -> %s", fn,
			     wa ? wa : "(not called)", wb ? wb : "(not called)");
		free(wa);
		free(wb);
	}
	json_decref(fns);
}

/* How a failed load is compared: its name (the version cut to what the
 * family's level keeps, so --allow minor carries libfoo.so.9.19 to
 * .9.20), who asked, and at the exact level the error text too. */
static char *load_key(const struct gs_policy *pol, json_t *l)
{
	const char *name = gs_drift_sval(json_object_get(l, "name")), *base;
	const char *caller = gs_drift_sval(json_object_get(l, "caller")), *err = gs_drift_sval(json_object_get(l, "error"));
	char fam[GS_FAMILY_MAX], *s = NULL;
	if (!name)
		name = "";
	size_t stem = gs_load_stem(name, &base);
	snprintf(fam, sizeof fam, "%.*s", (int)stem, base);
	enum gs_level level = gs_policy_level(pol, fam);
	size_t keep = strlen(name);
	if (level != GS_LEVEL_EXACT) {
		/* ".so" then as many ".N" parts as the level keeps */
		int parts = level == GS_LEVEL_PATCH ? 2 : level == GS_LEVEL_MINOR ? 1 : 0;
		const char *q = base + stem + (base[stem] ? 3 : 0);
		while (*q == '.' && parts-- > 0)
			q += 1 + strcspn(q + 1, ".");
		keep = (size_t)(q - name);
	}
	if (asprintf(&s, "%.*s\037%s\037%s", (int)keep, name, caller ? caller : "",
		     level == GS_LEVEL_EXACT && err ? err : "") < 0)
		return NULL;
	return s;
}

static bool has_load(const struct gs_policy *pol, json_t *list, const char *key)
{
	size_t i;
	json_t *l;
	GS_JSON_ARRAY_EACH(list, i, l) {
		char *k = load_key(pol, l);
		bool same = k && !strcmp(k, key);
		free(k);
		if (same)
			return true;
	}
	return false;
}

void gs_drift_loads(struct cmp *c, json_t *fa, json_t *fb)
{
	size_t i;
	json_t *l;
	GS_JSON_ARRAY_EACH(fb, i, l) {
		char *k = load_key(c->pol, l);
		if (k && !has_load(c->pol, fa, k)) {
			const char *err = gs_drift_sval(json_object_get(l, "error")), *who = gs_drift_sval(json_object_get(l, "caller"));
			const char *name = gs_drift_sval(json_object_get(l, "name"));
			gs_drift_add(c, "load-failed", name, NULL, json_incref(l), NULL, "dlopen %s now fails%s%s%s%s%s",
			    name ? name : "(null)", who ? " (asked by " : "", who ? who : "", who ? ")" : "",
			    err ? ": " : "", err ? err : "");
		}
		free(k);
	}
	GS_JSON_ARRAY_EACH(fa, i, l) {
		char *k = load_key(c->pol, l);
		if (k && !has_load(c->pol, fb, k)) {
			const char *name = gs_drift_sval(json_object_get(l, "name")), *who = gs_drift_sval(json_object_get(l, "caller"));
			gs_drift_add(c, "load-fixed", name, json_incref(l), NULL, NULL, "dlopen %s no longer fails%s%s%s",
			    name ? name : "(null)", who ? " (asked by " : "", who ? who : "", who ? ")" : "");
		}
		free(k);
	}
}
