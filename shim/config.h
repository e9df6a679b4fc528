/* Settings read once from the environment at start-up (design §3). */
#ifndef GS_CONFIG_H
#define GS_CONFIG_H

struct gs_config {
	int secure;               /* AT_SECURE: nothing read, nothing recorded */
	int stack_depth;          /* GPUSHIM_STACK, 0 = off */
	int quiet;                /* GPUSHIM_QUIET */
	int redact_argv;          /* GPUSHIM_REDACT_ARGV */
	char sysroot[256];        /* GPUSHIM_SYSROOT, "" = / */
	char fifo[512];           /* GPUSHIM_FIFO or the default per-user path */
	char log[512];            /* GPUSHIM_LOG, "" = use the FIFO */
	char watch[512];          /* GPUSHIM_WATCH, extra patterns */
	char ld_library_path[2048]; /* as glibc saw it at start-up */
};

extern struct gs_config gs_cfg;

void gs_config_load(void);
/* One line on stderr unless GPUSHIM_QUIET; never more than once per key. */
void gs_warn_once(int *once, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Default FIFO path, shared with the collector's logic (docs/record-format.md). */
int gs_default_fifo(char *buf, unsigned long size);

#endif
