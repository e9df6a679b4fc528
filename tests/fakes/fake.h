/* Helpers shared by the fake GPU libraries. Everything is static so that no
 * helper becomes an exported symbol that could interpose across fakes. The
 * environment is read at every call so one process can change behaviour
 * between calls and tests need no rebuild. */
#ifndef GPUSHIM_FAKE_H
#define GPUSHIM_FAKE_H
#include <stdlib.h>

#define FAKE_API __attribute__((visibility("default")))

/* Integer from the environment, or DEF when unset or empty. */
static inline long fake_env_int(const char *name, long def)
{
	const char *s = getenv(name);
	return s && *s ? strtol(s, NULL, 0) : def;
}

/* 1 when NAME is set and not empty: a forced code may be 0. */
static inline int fake_env_set(const char *name)
{
	const char *s = getenv(name);
	return s && *s;
}

static inline const char *fake_env_str(const char *name, const char *def)
{
	const char *s = getenv(name);
	return s ? s : def;
}
#endif
