/* Reading, validating and writing baseline files. A baseline is input
 * like any other: every field is type-checked before the comparison
 * trusts it, and a file from a newer gpushim is refused, not guessed at. */
#include "baseline.h"
#include "drift_policy.h"
#include "drift_json.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Larger than any real baseline by far; a bound on what we read. */
#define BASELINE_MAX (64L << 20)

bool gs_baseline_sniff(json_t *doc)
{
	return json_is_object(doc) && json_object_get(doc, "gpushim_baseline");
}

static bool str_or_null(json_t *v)
{
	return !v || json_is_string(v) || json_is_null(v);
}

static int fail(char *err, size_t errlen, const char *what, const char *where, size_t idx)
{
	snprintf(err, errlen, "%s in processes[%zu]%s", what, idx, where);
	return -1;
}

static int check_lib(json_t *lib, size_t idx, char *err, size_t errlen)
{
	static const char *const strs[] = { "realpath", "soname", "file_version", "build_id",
					    "loaded_by", "how" };
	json_t *ver = json_object_get(lib, "version"), *v;
	const char *k;
	if (!json_is_object(lib))
		return fail(err, errlen, "a library entry is not an object", ".libraries", idx);
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
		if (!str_or_null(json_object_get(lib, strs[i])))
			return fail(err, errlen, "a library field is not a string", ".libraries", idx);
	if (ver && !json_is_object(ver))
		return fail(err, errlen, "\"version\" is not an object", ".libraries", idx);
	GS_JSON_OBJECT_EACH(ver, k, v)
		if (!json_is_string(v) && !json_is_integer(v))
			return fail(err, errlen, "a self-reported version is not a string or integer",
				    ".libraries", idx);
	return 0;
}

static int check_proc(json_t *p, size_t idx, char *err, size_t errlen)
{
	json_t *argv = json_object_get(p, "argv"), *libs = json_object_get(p, "libraries"),
	       *calls = json_object_get(p, "calls"), *fl = json_object_get(p, "failed_loads"), *v, *x;
	const char *k, *rc;
	size_t i, j;

	if (!json_is_object(p))
		return fail(err, errlen, "an entry is not an object", "", idx);
	if (!str_or_null(json_object_get(p, "exe")))
		return fail(err, errlen, "\"exe\" is not a string", "", idx);
	if (argv && !json_is_array(argv))
		return fail(err, errlen, "\"argv\" is not an array", "", idx);
	GS_JSON_ARRAY_EACH(argv, i, v)
		if (!json_is_string(v))
			return fail(err, errlen, "\"argv\" holds a non-string", "", idx);
	if ((libs && !json_is_object(libs)) || (calls && !json_is_object(calls)) || (fl && !json_is_array(fl)))
		return fail(err, errlen, "libraries/calls/failed_loads of the wrong type", "", idx);
	GS_JSON_OBJECT_EACH(libs, k, v) {
		if (!json_is_array(v))
			return fail(err, errlen, "a library family is not an array", ".libraries", idx);
		GS_JSON_ARRAY_EACH(v, j, x)
			if (check_lib(x, idx, err, errlen))
				return -1;
	}
	GS_JSON_OBJECT_EACH(calls, k, v) {
		if (!json_is_object(v))
			return fail(err, errlen, "a call's return codes are not an object", ".calls", idx);
		GS_JSON_OBJECT_EACH(v, rc, x) {
			char *end;
			errno = 0;
			(void)strtoll(rc, &end, 10);
			if (errno || end == rc || *end || !str_or_null(x))
				return fail(err, errlen, "a return code is not \"INT\": name", ".calls", idx);
		}
	}
	GS_JSON_ARRAY_EACH(fl, j, x)
		if (!json_is_object(x) || !str_or_null(json_object_get(x, "name")) ||
		    !str_or_null(json_object_get(x, "caller")) || !str_or_null(json_object_get(x, "error")))
			return fail(err, errlen, "a failed load is not {name, caller, error}", ".failed_loads", idx);
	return 0;
}

int gs_baseline_validate(json_t *doc, char *err, size_t errlen)
{
	json_t *ver = json_object_get(doc, "gpushim_baseline"), *procs = json_object_get(doc, "processes"),
	       *kd = json_object_get(doc, "kernel_driver"), *pol = json_object_get(doc, "policy"), *p;
	struct gs_policy tmp;
	size_t i;

	if (!gs_baseline_sniff(doc)) {
		snprintf(err, errlen, "not a gpushim baseline (no \"gpushim_baseline\" field)");
		return -1;
	}
	if (!json_is_integer(ver) || json_integer_value(ver) < 1) {
		snprintf(err, errlen, "\"gpushim_baseline\" is not a format version");
		return -1;
	}
	if (json_integer_value(ver) > GS_BASELINE_VERSION) {
		snprintf(err, errlen, "written by a newer gpushim (baseline format %lld; this one reads up to %d); "
			 "upgrade gpushim or re-create the baseline", (long long)json_integer_value(ver),
			 GS_BASELINE_VERSION);
		return -1;
	}
	if (!json_is_array(procs)) {
		snprintf(err, errlen, "\"processes\" is missing or not an array");
		return -1;
	}
	if (kd && !json_is_string(kd) && !json_is_null(kd) && !json_is_array(kd)) {
		snprintf(err, errlen, "\"kernel_driver\" is not a string");
		return -1;
	}
	GS_JSON_ARRAY_EACH(kd, i, p)
		if (!json_is_string(p)) {
			snprintf(err, errlen, "\"kernel_driver\" holds a non-string");
			return -1;
		}
	if (pol && gs_policy_from_json(&tmp, pol, err, errlen))
		return -1;
	GS_JSON_ARRAY_EACH(procs, i, p)
		if (check_proc(p, i, err, errlen))
			return -1;
	return 0;
}

json_t *gs_baseline_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot open it: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > BASELINE_MAX) {
		snprintf(err, errlen, "%s", S_ISREG(st.st_mode) ? "too large for a baseline" : "not a regular file");
		close(fd);
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read it: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!doc) {
		snprintf(err, errlen, "not valid JSON (line %d: %s)", je.line, je.text);
		return NULL;
	}
	if (gs_baseline_validate(doc, err, errlen)) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* PATH's directory and a temporary name in it, for an atomic rename. */
static int tmp_in_dir(const char *path, char *tmp, size_t len)
{
	return snprintf(tmp, len, "%s.tmpXXXXXX", path) < (int)len ? 0 : -1;
}

int gs_baseline_can_write(const char *path, char *err, size_t errlen)
{
	char tmp[4096];
	int fd = tmp_in_dir(path, tmp, sizeof tmp) ? -1 : mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	unlink(tmp);
	return 0;
}

int gs_baseline_write(const char *path, json_t *doc, char *err, size_t errlen)
{
	char tmp[4096];
	char *text = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(2) | JSON_ENSURE_ASCII);
	int fd = !text || tmp_in_dir(path, tmp, sizeof tmp) ? -1 : mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot write %s: %s", path, text ? strerror(errno) : "out of memory");
		free(text);
		return -1;
	}
	/* meant for a repository: the usual file mode, not mkstemp's 0600 */
	mode_t um = umask(0);
	umask(um);
	size_t len = strlen(text), off = 0;
	int e = fchmod(fd, 0666 & ~um) ? errno : 0;
	while (!e && off < len) {
		ssize_t w = write(fd, text + off, len - off);
		if (w < 0 && errno != EINTR)
			e = errno;
		else if (w > 0)
			off += (size_t)w;
	}
	if (!e && write(fd, "\n", 1) != 1)
		e = errno ? errno : EIO;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) != 0)
		e = errno;
	free(text);
	if (e) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
		return -1;
	}
	return 0;
}
