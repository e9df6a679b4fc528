/* --ignore and --allow: parsing, storing in a baseline, version tolerance. */
#include "drift_policy.h"
#include "drift_json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	unsigned bit;
} fields[] = {
	{ "path", GS_IGN_PATH },
	{ "build-id", GS_IGN_BUILD_ID },
	{ "soname", GS_IGN_SONAME },
	{ "version", GS_IGN_VERSION },
	{ "driver", GS_IGN_DRIVER },
	{ "argv", GS_IGN_ARGV },
	{ "rc", GS_IGN_RC },
	{ "loads", GS_IGN_LOADS },
};

static const char *const levels[] = { "exact", "patch", "minor", "any" };

const char *gs_level_name(enum gs_level l)
{
	return (unsigned)l < sizeof levels / sizeof levels[0] ? levels[l] : "?";
}

static int level_of(const char *s)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++)
		if (!strcmp(s, levels[i]))
			return (int)i;
	return -1;
}

static int ignore_one(struct gs_policy *p, const char *name, size_t len, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strlen(fields[i].name) == len && !strncmp(fields[i].name, name, len)) {
			p->ignore |= fields[i].bit;
			return 0;
		}
	snprintf(err, errlen, "--ignore takes path, build-id, soname, version, driver, argv, rc or loads, "
		 "not '%.*s'", (int)(len > 64 ? 64 : len), name);
	return -1;
}

int gs_policy_ignore(struct gs_policy *p, const char *arg, char *err, size_t errlen)
{
	/* "path,build-id" is the same as two --ignore options */
	for (const char *s = arg;;) {
		size_t len = strcspn(s, ",");
		if (ignore_one(p, s, len, err, errlen))
			return -1;
		if (!s[len])
			return 0;
		s += len + 1;
	}
}

/* "cudnn" and "libcudnn" name the same family: families are file-name
 * stems, but people say "cudnn". "kernel" is the kernel driver. */
static void family_name(char *out, size_t outlen, const char *in, size_t len)
{
	bool add_lib = strncmp(in, "lib", 3) != 0 && !(len == 6 && strncmp(in, "kernel", 6) == 0);
	snprintf(out, outlen, "%s%.*s", add_lib ? "lib" : "", (int)len, in);
}

int gs_policy_allow(struct gs_policy *p, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	const char *lv = eq ? eq + 1 : arg;
	int level = level_of(lv);
	if (level < 0) {
		snprintf(err, errlen, "--allow takes [FAMILY=]LEVEL with LEVEL exact, patch, minor or any, "
			 "not '%.64s'", arg);
		return -1;
	}
	if (!eq) {
		p->all = (enum gs_level)level;
		return 0;
	}
	size_t len = (size_t)(eq - arg);
	if (len == 0 || len + 4 > GS_FAMILY_MAX || strcspn(arg, " /") < len) {
		snprintf(err, errlen, "--allow: '%.64s' does not name a library family (e.g. libcudnn=minor)", arg);
		return -1;
	}
	char name[GS_FAMILY_MAX];
	family_name(name, sizeof name, arg, len);
	for (int i = 0; i < p->nfam; i++)
		if (!strcmp(p->fam[i].name, name)) {
			p->fam[i].level = (enum gs_level)level;
			return 0;
		}
	if (p->nfam == GS_POLICY_FAMILIES) {
		snprintf(err, errlen, "--allow: more than %d families", GS_POLICY_FAMILIES);
		return -1;
	}
	snprintf(p->fam[p->nfam].name, sizeof p->fam[p->nfam].name, "%s", name);
	p->fam[p->nfam++].level = (enum gs_level)level;
	return 0;
}

enum gs_level gs_policy_level(const struct gs_policy *p, const char *family)
{
	for (int i = 0; family && i < p->nfam; i++)
		if (!strcmp(p->fam[i].name, family))
			return p->fam[i].level;
	return p->all;
}

void gs_policy_apply(struct gs_policy *dst, const struct gs_policy *src)
{
	char err[160];
	dst->ignore |= src->ignore;
	if (src->all != GS_LEVEL_EXACT)
		dst->all = src->all;
	for (int i = 0; i < src->nfam; i++) {
		char arg[GS_FAMILY_MAX + 16];
		snprintf(arg, sizeof arg, "%s=%s", src->fam[i].name, gs_level_name(src->fam[i].level));
		(void)gs_policy_allow(dst, arg, err, sizeof err); /* valid: it came from a policy */
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *gs_policy_json(const struct gs_policy *p)
{
	json_t *ign = json_array(), *allow = json_object();
	/* the table is in a fixed order, so the array is too; sorted names
	 * keep it stable whatever order the flags came in */
	const char *names[sizeof fields / sizeof fields[0]] = { 0 };
	size_t n = 0;
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (p->ignore & fields[i].bit)
			names[n++] = fields[i].name;
	qsort(names, n, sizeof names[0], cmp_str);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(ign, json_string(names[i]));
	if (p->all != GS_LEVEL_EXACT)
		json_object_set_new(allow, "*", json_string(gs_level_name(p->all)));
	for (int i = 0; i < p->nfam; i++)
		json_object_set_new(allow, p->fam[i].name, json_string(gs_level_name(p->fam[i].level)));
	return json_pack("{s:o, s:o}", "ignore", ign, "allow", allow);
}

int gs_policy_from_json(struct gs_policy *p, json_t *j, char *err, size_t errlen)
{
	json_t *ign = json_object_get(j, "ignore"), *allow = json_object_get(j, "allow"), *v;
	const char *key;
	size_t i;

	memset(p, 0, sizeof *p);
	if (!j) /* a baseline without one: nothing ignored, nothing allowed */
		return 0;
	if (!json_is_object(j) || (ign && !json_is_array(ign)) || (allow && !json_is_object(allow))) {
		snprintf(err, errlen, "\"policy\" is not {\"ignore\": [...], \"allow\": {...}}");
		return -1;
	}
	GS_JSON_ARRAY_EACH(ign, i, v) {
		if (!json_is_string(v) || gs_policy_ignore(p, json_string_value(v), err, errlen)) {
			if (!json_is_string(v))
				snprintf(err, errlen, "\"policy\".\"ignore\" holds a non-string");
			return -1;
		}
	}
	GS_JSON_OBJECT_EACH(allow, key, v) {
		char arg[GS_FAMILY_MAX + 16];
		if (!json_is_string(v)) {
			snprintf(err, errlen, "\"policy\".\"allow\".\"%.40s\" is not a string", key);
			return -1;
		}
		if (!strcmp(key, "*"))
			snprintf(arg, sizeof arg, "%.15s", json_string_value(v));
		else
			snprintf(arg, sizeof arg, "%.*s=%.15s", GS_FAMILY_MAX - 1, key, json_string_value(v));
		if (gs_policy_allow(p, arg, err, errlen))
			return -1;
	}
	return 0;
}

/* Splits "545.23.08" into numbers; returns how many, -1 when it is not a
 * dotted number (then only equality counts). */
static int parts(const char *s, long long out[4])
{
	int n = 0;
	while (n < 4) {
		if (!isdigit((unsigned char)*s))
			return -1;
		char *end;
		out[n++] = strtoll(s, &end, 10);
		if (!*end)
			return n;
		if (*end != '.')
			return -1;
		s = end + 1;
	}
	return -1;
}

bool gs_version_compat(const char *a, const char *b, enum gs_level level)
{
	long long pa[4] = { 0 }, pb[4] = { 0 };
	if (!a || !b)
		return a == b;
	if (!strcmp(a, b) || level == GS_LEVEL_ANY)
		return true;
	if (level == GS_LEVEL_EXACT || parts(a, pa) < 0 || parts(b, pb) < 0)
		return false;
	/* patch: major.minor must agree; minor: major must */
	int keep = level == GS_LEVEL_PATCH ? 2 : 1;
	for (int i = 0; i < keep; i++)
		if (pa[i] != pb[i])
			return false;
	return true;
}
