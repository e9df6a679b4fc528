/* libst_countopen.so — preloaded after the shim: counts open() calls on
 * the path named by ST_COUNT_PATH (the shim's FIFO) and, at exit, writes
 * the count to the file named by ST_COUNT_OUT. Everything is passed on. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static long count;

static void note(const char *path)
{
	const char *p = getenv("ST_COUNT_PATH");
	if (p && path && !strcmp(p, path))
		__atomic_add_fetch(&count, 1, __ATOMIC_RELAXED);
}

#define WRAP(name)                                                             \
	int name(const char *path, int flags, ...)                             \
	{                                                                      \
		static int (*next)(const char *, int, ...);                    \
		mode_t m = 0;                                                  \
		if (flags & (O_CREAT | O_TMPFILE)) {                           \
			va_list ap;                                            \
			va_start(ap, flags);                                   \
			m = va_arg(ap, mode_t);                                \
			va_end(ap);                                            \
		}                                                              \
		if (!next)                                                     \
			next = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, #name); \
		note(path);                                                    \
		return next(path, flags, m);                                   \
	}
WRAP(open)
WRAP(open64)

__attribute__((destructor)) static void done(void)
{
	const char *o = getenv("ST_COUNT_OUT");
	char line[64];
	if (!o)
		return;
	int fd = (open)(o, O_WRONLY | O_CREAT | O_APPEND, 0600);
	int n = snprintf(line, sizeof line, "%ld\n", count);
	if (fd >= 0 && write(fd, line, (size_t)n) == n)
		close(fd);
}
