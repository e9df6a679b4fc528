/* Normalizing a baseline document: strip what the policy ignores, merge
 * processes that share executable and argv (pids never matter, and fork
 * children or parallel workers of one command are one process to us),
 * sort every list. Both sides of a comparison go through here. */
#include "baseline.h"
#include "drift_policy.h"
#include "drift_json.h"

#include <stdlib.h>
#include <string.h>

static const char *base_of(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

/* Replaces string KEY of O by its basename (ignore path). */
static void basename_key(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v) && strchr(json_string_value(v), '/'))
		json_object_set_new(o, key, json_string(base_of(json_string_value(v))));
}

static char *dump(json_t *j)
{
	return json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
}

/* What makes two library entries the same copy: everything but the
 * versions it reported and who loaded it. */
static char *lib_identity(json_t *lib)
{
	json_t *c = json_copy(lib);
	json_object_del(c, "version");
	json_object_del(c, "loaded_by");
	json_object_del(c, "how");
	char *s = dump(c);
	json_decref(c);
	return s;
}

/* "smaller" string or null first, for deterministic choices when merged
 * entries disagree on informational fields */
static int cmp_opt(json_t *a, json_t *b)
{
	const char *sa = json_is_string(a) ? json_string_value(a) : "";
	const char *sb = json_is_string(b) ? json_string_value(b) : "";
	return strcmp(sa, sb);
}

static void merge_lib(json_t *arr, json_t *lib)
{
	char *id = lib_identity(lib);
	size_t i;
	json_t *have;
	GS_JSON_ARRAY_EACH(arr, i, have) {
		char *hid = lib_identity(have);
		bool same = id && hid && !strcmp(id, hid);
		free(hid);
		if (!same)
			continue;
		json_t *hv = json_object_get(have, "version"), *v = json_object_get(lib, "version"), *x;
		const char *k;
		GS_JSON_OBJECT_EACH(v, k, x) {
			json_t *old = json_object_get(hv, k);
			char *so = old ? dump(old) : NULL, *sx = dump(x);
			if (hv && (!old || (so && sx && strcmp(sx, so) < 0)))
				json_object_set(hv, k, x);
			free(so);
			free(sx);
		}
		int c = cmp_opt(json_object_get(lib, "loaded_by"), json_object_get(have, "loaded_by"));
		if (c < 0 || (c == 0 && cmp_opt(json_object_get(lib, "how"), json_object_get(have, "how")) < 0)) {
			json_object_set(have, "loaded_by", json_object_get(lib, "loaded_by"));
			json_object_set(have, "how", json_object_get(lib, "how"));
		}
		free(id);
		return;
	}
	free(id);
	json_array_append(arr, lib);
}

/* A copy of LIB without the fields IGNORE drops. */
static json_t *strip_lib(json_t *lib, const char *family, unsigned ignore)
{
	json_t *l = json_deep_copy(lib), *ver = json_object_get(l, "version");
	if (ignore & GS_IGN_PATH) {
		json_object_del(l, "realpath");
		basename_key(l, "loaded_by");
	}
	if (ignore & GS_IGN_BUILD_ID)
		json_object_del(l, "build_id");
	if (ignore & GS_IGN_SONAME)
		json_object_del(l, "soname");
	if (ignore & GS_IGN_VERSION) {
		json_object_del(l, "file_version");
		json_object_del(l, "version");
	}
	if ((ignore & GS_IGN_DRIVER) && gs_driver_family(family)) {
		/* the driver's own libraries come and go with the driver */
		json_object_del(l, "realpath");
		json_object_del(l, "file_version");
		json_object_del(l, "build_id");
		json_object_del(l, "version");
	} else if ((ignore & GS_IGN_DRIVER) && ver) {
		/* what other libraries say about the driver, too */
		json_object_del(ver, "driver");
		json_object_del(ver, "cuda_driver");
	}
	return l;
}

/* dlerror() text starts with the file it is about: keep its basename. */
static void basename_error(json_t *o)
{
	json_t *v = json_object_get(o, "error");
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;
	const char *colon = s ? strstr(s, ": ") : NULL;
	if (!colon || !memchr(s, '/', (size_t)(colon - s)))
		return;
	const char *b = s;
	for (const char *q = s; q < colon; q++)
		if (*q == '/')
			b = q + 1;
	json_object_set_new(o, "error", json_string(b));
}

static json_t *strip_proc(json_t *p, unsigned ignore)
{
	json_t *e = json_object(), *v;
	const char *k;
	size_t i;

	json_object_set(e, "exe", json_object_get(p, "exe"));
	if (ignore & GS_IGN_PATH)
		basename_key(e, "exe");
	if (!(ignore & GS_IGN_ARGV)) {
		json_t *argv = json_array();
		GS_JSON_ARRAY_EACH(json_object_get(p, "argv"), i, v)
			json_array_append_new(argv, (ignore & GS_IGN_PATH) && json_is_string(v)
				? json_string(base_of(json_string_value(v))) : json_incref(v));
		json_object_set_new(e, "argv", argv);
	}
	json_t *libs = json_object();
	GS_JSON_OBJECT_EACH(json_object_get(p, "libraries"), k, v) {
		json_t *arr = json_array(), *lib;
		GS_JSON_ARRAY_EACH(v, i, lib) {
			json_t *s = strip_lib(lib, k, ignore);
			merge_lib(arr, s);
			json_decref(s);
		}
		json_object_set_new(libs, k, arr);
	}
	json_object_set_new(e, "libraries", libs);
	json_t *calls = json_object_get(p, "calls");
	if (!(ignore & GS_IGN_RC))
		json_object_set_new(e, "calls", calls ? json_deep_copy(calls) : json_object());
	if (!(ignore & GS_IGN_LOADS)) {
		json_t *fl = json_array(), *l;
		GS_JSON_ARRAY_EACH(json_object_get(p, "failed_loads"), i, l) {
			json_t *c = json_deep_copy(l);
			if (ignore & GS_IGN_PATH) {
				basename_key(c, "name");
				basename_key(c, "caller");
				basename_error(c);
			}
			json_array_append_new(fl, c);
		}
		json_object_set_new(e, "failed_loads", fl);
	}
	return e;
}

static void merge_proc(json_t *dst, json_t *src)
{
	json_t *v, *x, *dl = json_object_get(dst, "libraries");
	const char *k, *rc;
	size_t i;

	GS_JSON_OBJECT_EACH(json_object_get(src, "libraries"), k, v) {
		json_t *arr = json_object_get(dl, k);
		if (!arr) {
			json_object_set(dl, k, v);
			continue;
		}
		GS_JSON_ARRAY_EACH(v, i, x)
			merge_lib(arr, x);
	}
	json_t *dc = json_object_get(dst, "calls");
	GS_JSON_OBJECT_EACH(json_object_get(src, "calls"), k, v) {
		json_t *set = json_object_get(dc, k);
		if (!set) {
			json_object_set(dc, k, v);
			continue;
		}
		GS_JSON_OBJECT_EACH(v, rc, x) {
			json_t *old = json_object_get(set, rc);
			if (!old || cmp_opt(x, old) < 0)
				json_object_set(set, rc, x);
		}
	}
	json_t *df = json_object_get(dst, "failed_loads");
	GS_JSON_ARRAY_EACH(json_object_get(src, "failed_loads"), i, v) {
		size_t j;
		bool have = false;
		GS_JSON_ARRAY_EACH(df, j, x)
			have |= json_equal(x, v);
		if (!have)
			json_array_append(df, v);
	}
}

struct keyed {
	char *key;
	json_t *v;
};

static int cmp_keyed(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key);
}

/* Sorts ARR in place by KEYFN (dump of the element by default). */
static void sort_array(json_t *arr, char *(*keyfn)(json_t *))
{
	size_t n = json_array_size(arr), i;
	struct keyed *ks = calloc(n ? n : 1, sizeof *ks);
	json_t *v;
	if (!ks)
		return;
	GS_JSON_ARRAY_EACH(arr, i, v) {
		ks[i].key = keyfn(v);
		ks[i].v = json_incref(v);
		if (!ks[i].key)
			ks[i].key = strdup("");
	}
	qsort(ks, n, sizeof *ks, cmp_keyed);
	json_array_clear(arr);
	for (i = 0; i < n; i++) {
		json_array_append_new(arr, ks[i].v);
		free(ks[i].key);
	}
	free(ks);
}

static bool empty_proc(json_t *p)
{
	return !json_object_size(json_object_get(p, "libraries")) &&
	       !json_object_size(json_object_get(p, "calls")) &&
	       !json_array_size(json_object_get(p, "failed_loads"));
}

/* Processes are matched by this: executable and argv, nothing else. */
static char *proc_key(json_t *p)
{
	json_t *k = json_pack("[O?O?]", json_object_get(p, "exe"), json_object_get(p, "argv"));
	char *s = k ? dump(k) : NULL;
	json_decref(k);
	return s;
}

/* One value when all processes agree (the usual case), a sorted list when
 * they do not, null when none said. */
static json_t *driver_value(json_t *d)
{
	if (!json_is_array(d))
		return json_incref(d ? d : json_null());
	json_t *u = json_array(), *v;
	size_t i, j;
	GS_JSON_ARRAY_EACH(d, i, v) {
		json_t *x;
		bool have = false;
		GS_JSON_ARRAY_EACH(u, j, x)
			have |= json_equal(x, v);
		if (!have)
			json_array_append(u, v);
	}
	sort_array(u, dump);
	if (json_array_size(u) > 1)
		return u;
	json_t *one = json_incref(json_array_size(u) ? json_array_get(u, 0) : json_null());
	json_decref(u);
	return one;
}

json_t *gs_baseline_normalize(json_t *doc, unsigned ignore)
{
	json_t *out = json_object(), *merged = json_object(), *procs = json_array(), *p;
	const char *k;
	size_t i;

	json_object_set_new(out, "gpushim_baseline", json_integer(GS_BASELINE_VERSION));
	json_t *cmd = json_object_get(doc, "command");
	if (json_is_array(cmd) && (ignore & GS_IGN_PATH)) {
		/* for people only, but a portable file should not vary by machine */
		json_t *c = json_array(), *arg;
		GS_JSON_ARRAY_EACH(cmd, i, arg)
			json_array_append_new(c, json_is_string(arg) ? json_string(base_of(json_string_value(arg)))
								     : json_incref(arg));
		json_object_set_new(out, "command", c);
	} else if (cmd) {
		json_object_set(out, "command", cmd);
	}
	if (json_object_get(doc, "policy"))
		json_object_set(out, "policy", json_object_get(doc, "policy"));
	if (!(ignore & GS_IGN_DRIVER))
		json_object_set_new(out, "kernel_driver", driver_value(json_object_get(doc, "kernel_driver")));
	GS_JSON_ARRAY_EACH(json_object_get(doc, "processes"), i, p) {
		json_t *e = strip_proc(p, ignore);
		char *key = proc_key(e);
		json_t *have = key ? json_object_get(merged, key) : NULL;
		if (have)
			merge_proc(have, e);
		else if (key)
			json_object_set(merged, key, e);
		free(key);
		json_decref(e);
	}
	GS_JSON_OBJECT_EACH(merged, k, p) {
		json_t *v;
		const char *fam;
		if (empty_proc(p))
			continue;
		GS_JSON_OBJECT_EACH(json_object_get(p, "libraries"), fam, v)
			sort_array(v, lib_identity);
		sort_array(json_object_get(p, "failed_loads"), dump);
		json_array_append(procs, p);
	}
	sort_array(procs, proc_key);
	json_object_set_new(out, "processes", procs);
	json_decref(merged);
	return out;
}

char *gs_baseline_label(json_t *proc)
{
	json_t *argv = json_object_get(proc, "argv"), *v;
	size_t i, len = 0;
	GS_JSON_ARRAY_EACH(argv, i, v)
		len += (json_is_string(v) ? strlen(json_string_value(v)) : 1) + 1;
	if (!len) {
		json_t *exe = json_object_get(proc, "exe");
		return strdup(json_is_string(exe) ? json_string_value(exe) : "(unknown program)");
	}
	char *s = malloc(len), *q = s;
	if (!s)
		return NULL;
	GS_JSON_ARRAY_EACH(argv, i, v) {
		const char *a = json_is_string(v) ? json_string_value(v) : "?";
		size_t n = strlen(a);
		memcpy(q, a, n);
		q += n;
		*q++ = ' ';
	}
	q[-1] = 0;
	return s;
}
