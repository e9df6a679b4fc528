#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include "strl.h"

#include "format.h"
#include "config.h"
#include "fifo_path.h"

struct gs_config gs_cfg = { .stack_depth = GS_STACK_DEFAULT };

void gs_warn_once(int *once, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int saved = errno;

	if (*once || gs_cfg.quiet)
		return;
	*once = 1;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One write: the line cannot be split by the program's own output. */
	dprintf(2, "gpushim: %s\n", line);
	errno = saved;
}

int gs_default_fifo(char *buf, unsigned long size)
{
	return gs_fifo_default(buf, size); /* common/fifo_path.h: the collector's too */
}

/* Copy an environment value into a fixed field; too long is malformed. */
static void copy_env(const char *name, char *dst, size_t size)
{
	static int once;
	const char *v = getenv(name);

	if (!v)
		return;
	if (gs_strlcpy(dst, v, size) >= size) {
		dst[0] = '\0';
		gs_warn_once(&once, "%s is longer than %zu bytes; ignored", name, size - 1);
	}
}

static void load_stack_depth(void)
{
	static int once;
	const char *v = getenv("GPUSHIM_STACK");
	char *end;
	long n;

	if (!v)
		return;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < 0 || n > GS_STACK_MAX) {
		gs_warn_once(&once, "GPUSHIM_STACK='%.32s' is not a number from 0 to %d; using %d",
			     v, GS_STACK_MAX, GS_STACK_DEFAULT);
		return;
	}
	gs_cfg.stack_depth = (int)n;
}

static int flag_env(const char *name)
{
	const char *v = getenv(name);
	return v && *v && strcmp(v, "0") != 0;
}

void gs_config_load(void)
{
	/* Secure mode: a set-uid or set-gid program, or one that gained
	 * capabilities (the shim may be in /etc/ld.so.preload). Its
	 * environment belongs to a user with less privilege than the process,
	 * so no GPUSHIM_* setting is read: no sink path, no sysroot, no watch
	 * list, no stack depth. The shim then records nothing at all: no sink
	 * is opened, no stack walked, nothing written to stderr; the hooks
	 * pass every call through unchanged (docs/how-it-works.md). */
	if (getauxval(AT_SECURE)) {
		gs_cfg.secure = 1;
		gs_cfg.quiet = 1;
		gs_cfg.stack_depth = 0;
		gs_cfg.fifo[0] = gs_cfg.log[0] = gs_cfg.sysroot[0] = gs_cfg.watch[0] = '\0';
		return;
	}
	gs_cfg.quiet = flag_env("GPUSHIM_QUIET");
	gs_cfg.redact_argv = flag_env("GPUSHIM_REDACT_ARGV");
	load_stack_depth();
	copy_env("GPUSHIM_SYSROOT", gs_cfg.sysroot, sizeof gs_cfg.sysroot);
	copy_env("GPUSHIM_LOG", gs_cfg.log, sizeof gs_cfg.log);
	copy_env("GPUSHIM_WATCH", gs_cfg.watch, sizeof gs_cfg.watch);
	copy_env("LD_LIBRARY_PATH", gs_cfg.ld_library_path, sizeof gs_cfg.ld_library_path);
	copy_env("GPUSHIM_FIFO", gs_cfg.fifo, sizeof gs_cfg.fifo);
	if (!gs_cfg.fifo[0] && gs_default_fifo(gs_cfg.fifo, sizeof gs_cfg.fifo) != 0)
		gs_cfg.fifo[0] = '\0';
}
