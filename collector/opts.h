/* Command-line options shared by the subcommands. */
#ifndef GS_OPTS_H
#define GS_OPTS_H

#include <stdbool.h>
#include <stdio.h>
#include "drift_policy.h"

/* Exit statuses (docs/cli.md). */
enum {
	GS_EXIT_OK = 0,
	GS_EXIT_USAGE = 2,      /* bad flags or usage, shim not found */
	GS_EXIT_FIFO = 3,       /* FIFO path exists but is not ours / unusable */
	GS_EXIT_INPUT = 4,      /* unreadable or corrupt record file */
	GS_EXIT_DRIFT = 10,     /* --check / diff: the run drifted (docs/drift.md) */
	GS_EXIT_BASELINE = 11,  /* baseline unreadable, corrupt or from a newer gpushim */
	GS_EXIT_NOEXEC = 126,   /* command found but not executable */
	GS_EXIT_NOTFOUND = 127, /* command not found */
};

enum gs_color { GS_COLOR_AUTO, GS_COLOR_NEVER, GS_COLOR_ALWAYS };

struct gs_opts {
	const char *cmd;        /* "run", "collect", "report", "diff" */
	const char *out;        /* -o FILE */
	const char *save;       /* --save FILE */
	const char *fifo;       /* collect --fifo PATH */
	const char *shim;       /* run --shim PATH */
	bool json, verbose, stacks, quiet;
	bool syslog;            /* collect --syslog[=FACILITY] */
	int syslog_facility;    /* LOG_DAEMON unless given */
	bool forget;            /* collect --forget: drop processes once they end */
	enum gs_color color;
	long grace_ms;
	const char *baseline;   /* run --baseline FILE: write one */
	const char *check;      /* run --check FILE: compare with one */
	const char *junit;      /* run --check, diff: --junit FILE */
	struct gs_policy policy; /* --ignore, --allow */
	bool policy_given;
	char **args;            /* run: CMD ARGS...; report: FILE...; diff: A B */
	int nargs;
};

/* Parses argv after the subcommand. Returns 0, or an exit status after
 * printing the one-line error (or the help: then GS_EXIT_OK with *done). */
int gs_opts_parse(struct gs_opts *o, const char *cmd, int argc, char **argv, bool *done);
void gs_usage(FILE *f);

#endif
