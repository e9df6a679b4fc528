/* What a drift check compares and how loosely: --ignore FIELD and
 * --allow [FAMILY=]LEVEL. A baseline stores the policy it was made with,
 * so a portable baseline stays portable without repeating the flags. */
#ifndef GS_DRIFT_POLICY_H
#define GS_DRIFT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

/* --ignore FIELD bits; names in docs/drift.md. */
enum {
	GS_IGN_PATH = 1u << 0,     /* real paths, callers, exe: basenames only */
	GS_IGN_BUILD_ID = 1u << 1,
	GS_IGN_SONAME = 1u << 2,
	GS_IGN_VERSION = 1u << 3,  /* file and self-reported versions */
	GS_IGN_DRIVER = 1u << 4,   /* kernel driver and the driver's own libraries */
	GS_IGN_ARGV = 1u << 5,     /* match processes by executable alone */
	GS_IGN_RC = 1u << 6,       /* return codes of hooked calls */
	GS_IGN_LOADS = 1u << 7,    /* failed watched loads */
};

/* --allow levels: how much of a dotted version may change. */
enum gs_level { GS_LEVEL_EXACT, GS_LEVEL_PATCH, GS_LEVEL_MINOR, GS_LEVEL_ANY };

#define GS_POLICY_FAMILIES 32
#define GS_FAMILY_MAX 64

struct gs_policy {
	unsigned ignore;
	enum gs_level all;         /* for families without their own level */
	int nfam;
	struct {
		char name[GS_FAMILY_MAX];
		enum gs_level level;
	} fam[GS_POLICY_FAMILIES];
};

/* Parse one --ignore value (a comma list) / one --allow value into P.
 * Return 0, or -1 with a reason in ERR. */
int gs_policy_ignore(struct gs_policy *p, const char *arg, char *err, size_t errlen);
int gs_policy_allow(struct gs_policy *p, const char *arg, char *err, size_t errlen);
/* Level for FAMILY ("libcudnn", or "kernel" for the kernel driver). */
enum gs_level gs_policy_level(const struct gs_policy *p, const char *family);
/* Applies SRC on top of DST: ignores add up, SRC's levels win. */
void gs_policy_apply(struct gs_policy *dst, const struct gs_policy *src);
/* {"ignore": [names, sorted], "allow": {"*"|family: level}} */
json_t *gs_policy_json(const struct gs_policy *p);
/* Reads what gs_policy_json wrote; -1 with a reason in ERR. */
int gs_policy_from_json(struct gs_policy *p, json_t *j, char *err, size_t errlen);
/* The versions are the same within LEVEL (dotted numbers compared part by
 * part; anything unparsable must be equal). */
bool gs_version_compat(const char *a, const char *b, enum gs_level level);
const char *gs_level_name(enum gs_level l);

#endif
