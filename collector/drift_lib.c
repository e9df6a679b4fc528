/* Comparing the copies of one library family: versions (file name and
 * self-reported) within the family's allowed level, soname, file and
 * build-id; copies that came or went. */
#include "drift_cmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One copy against another of the same family. A new release is a new
 * file: when the versions moved within the allowed level, a new path and
 * build-id are expected and not reported; when no version moved, a new
 * build-id is the news (same version, rebuilt file). */
static void cmp_lib(struct cmp *c, const char *fam, json_t *a, json_t *b)
{
	enum gs_level level = gs_policy_level(c->pol, fam);
	json_t *fa = json_object_get(a, "file_version"), *fb = json_object_get(b, "file_version");
	json_t *va = json_object_get(a, "version"), *vb = json_object_get(b, "version"), *x;
	bool moved = false, bad = false;
	const char *k;

	if (fa && fb && !json_equal(fa, fb)) {
		moved = true;
		if (!gs_drift_compat(fa, fb, NULL, level)) {
			char *f = gs_drift_vtext(fa), *t = gs_drift_vtext(fb);
			bad = true;
			gs_drift_add(c, "library-version", fam, json_incref(fa), json_incref(fb), b, "%s version %s -> %s",
			    fam, f, t);
			free(f);
			free(t);
		}
	}
	GS_JSON_OBJECT_EACH(va, k, x) {
		json_t *y = json_object_get(vb, k);
		if (!y || json_equal(x, y))
			continue;
		moved = true;
		if (!gs_drift_compat(x, y, k, level)) {
			char *f = gs_drift_vtext(x), *t = gs_drift_vtext(y);
			bad = true;
			gs_drift_add(c, "library-reported-version", fam, json_incref(x), json_incref(y), b,
			    "%s reports %s %s -> %s", fam, k, f, t);
			free(f);
			free(t);
		}
	}
	static const struct {
		const char *key, *kind, *words;
	} fields[] = {
		{ "soname", "library-soname", "soname" },
		{ "realpath", "library-file", "file" },
		{ "build_id", "library-build-id", "build-id" },
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		json_t *p = json_object_get(a, fields[i].key), *q = json_object_get(b, fields[i].key);
		if (!p || !q || json_equal(p, q))
			continue;
		if (i == 0 && level == GS_LEVEL_ANY)
			continue;
		if (i == 1 && moved && !bad)
			continue;
		if (i == 2 && moved)
			continue;
		char *f = gs_drift_vtext(p), *t = gs_drift_vtext(q);
		gs_drift_add(c, fields[i].kind, fam, json_incref(p), json_incref(q), b, "%s %s %s -> %s", fam,
		    fields[i].words, f, t);
		free(f);
		free(t);
	}
}

/* "libcudnn 8.9.7" */
static char *lib_words(const char *fam, json_t *lib)
{
	char *s = NULL;
	const char *v = gs_drift_sval(json_object_get(lib, "file_version"));
	const char *p = gs_drift_sval(json_object_get(lib, "realpath"));
	if (asprintf(&s, "%s%s%s%s%s%s", fam, v ? " " : "", v ? v : "", p ? " (" : "", p ? p : "",
		     p ? ")" : "") < 0)
		return NULL;
	return s;
}

static char *identity(json_t *lib)
{
	json_t *c = json_copy(lib);
	json_object_del(c, "version");
	json_object_del(c, "loaded_by");
	json_object_del(c, "how");
	char *s = json_dumps(c, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(c);
	return s;
}

static bool same_key(json_t *a, json_t *b, const char *key)
{
	json_t *p = key ? json_object_get(a, key) : NULL, *q = key ? json_object_get(b, key) : NULL;
	if (key)
		return p && q && json_equal(p, q);
	char *s = identity(a), *t = identity(b);
	bool same = s && t && !strcmp(s, t);
	free(s);
	free(t);
	return same;
}

/* Pairs the copies of one family: same file first, then same soname, then
 * in order; what is left over came or went. */
void gs_drift_family(struct cmp *c, const char *fam, json_t *la, json_t *lb)
{
	size_t na = json_array_size(la), nb = json_array_size(lb);
	bool *ua = calloc(na + 1, 1), *ub = calloc(nb + 1, 1);
	const char *by[] = { NULL, "soname" }; /* pass 0: same file */
	if (!ua || !ub)
		goto out;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < na; i++)
			for (size_t j = 0; j < nb && !ua[i]; j++) {
				if (ub[j] || (pass < 2 && !same_key(json_array_get(la, i), json_array_get(lb, j), by[pass % 2])))
					continue;
				ua[i] = ub[j] = true;
				cmp_lib(c, fam, json_array_get(la, i), json_array_get(lb, j));
			}
	for (size_t i = 0; i < na; i++)
		if (!ua[i]) {
			char *w = lib_words(fam, json_array_get(la, i));
			gs_drift_add(c, "library-removed", fam, json_incref(json_array_get(la, i)), NULL,
			    json_array_get(la, i), "%s no longer loaded", w ? w : fam);
			free(w);
		}
	for (size_t j = 0; j < nb; j++)
		if (!ub[j]) {
			char *w = lib_words(fam, json_array_get(lb, j));
			gs_drift_add(c, "library-added", fam, NULL, json_incref(json_array_get(lb, j)),
			    json_array_get(lb, j), "%s newly loaded", w ? w : fam);
			free(w);
		}
out:
	free(ua);
	free(ub);
}
