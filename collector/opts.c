/* Option parsing for run, collect and report. Each subcommand accepts only
 * the options that mean something for it, so a typo is an error rather
 * than silently ignored. */
#include "opts.h"
#include "format.h"
#include "syslog.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gs_usage(FILE *f)
{
	fputs(
"usage: gpushim run [options] -- CMD [ARGS...]\n"
"       gpushim collect [--fifo PATH] [options]\n"
"       gpushim report [options] FILE...   (FILE '-' is standard input)\n"
"       gpushim run --baseline FILE | --check FILE [options] -- CMD [ARGS...]\n"
"       gpushim diff [options] A B\n"
"\n"
"  run      run CMD with the shim preloaded, collect from it and every\n"
"           descendant, print the report, exit with CMD's status\n"
"  collect  serve a FIFO for programs that have GPUSHIM_FIFO set (default\n"
"           $XDG_RUNTIME_DIR/gpushim/fifo or /tmp/gpushim-UID/fifo); print a\n"
"           line per event; SIGHUP reopens the --save file (log rotation);\n"
"           on SIGINT/SIGTERM print the report and exit 0\n"
"  report   render saved records (--save files, GPUSHIM_LOG files)\n"
"  diff     compare two saved runs (records or baselines): the working one\n"
"           A against the failing one B; only what differs, and the findings\n"
"           B has that A has not (docs/drift.md)\n"
"\n"
"options:\n"
"  -o FILE         write the report to FILE (default: stderr for run,\n"
"                  stdout otherwise)\n"
"  --json          the report as one JSON document (docs/report-json.md)\n"
"  --save FILE     run, collect: append the raw records to FILE\n"
"  -v              more detail (build-ids, every dlsym, durations)\n"
"  --stacks        all stack frames (default: the top 3)\n"
"  --color=WHEN    never, always or auto (default; NO_COLOR is respected)\n"
"  --grace MS      run: wait up to MS ms for late records (default 1000)\n"
"  --shim PATH     run: the libgpushim.so to preload (else $GPUSHIM_SHIM,\n"
"                  else next to the gpushim executable)\n"
"  --fifo PATH     collect: the FIFO to serve\n"
"  -q              collect: no live lines; run: no warnings\n"
"  --syslog[=FACILITY]  collect: a syslog line (JSON) per finding and per\n"
"                  process when it ends; FACILITY daemon (default), user,\n"
"                  local0..local7 (docs/production.md)\n"
"  --forget        collect: drop each process from memory once it ended\n"
"                  (long-running collectors; the final report covers only\n"
"                  the processes still running)\n"
"  --baseline FILE run: write what CMD resolved to (libraries, return codes,\n"
"                  failed loads, kernel driver) as a baseline to commit\n"
"  --check FILE    run: compare with baseline FILE, print the drift\n"
"                  (with either, the drift or a summary replaces the report)\n"
"  --ignore FIELD  run, diff: leave FIELD out: path, build-id, soname,\n"
"                  version, driver, argv, rc, loads (repeat, or a,b)\n"
"  --allow [FAMILY=]LEVEL  run, diff: versions may differ within LEVEL:\n"
"                  exact, patch, minor or any (e.g. --allow libcudnn=minor)\n"
"  --junit FILE    run --check, diff: also write the drift as JUnit XML\n"
"  --help, --version\n"
"\n"
"exit status: run exits with CMD's status (128+N when CMD died of signal N);\n"
"  0 success, 2 bad usage or shim not found, 3 FIFO path not ours or unusable,\n"
"  4 unreadable or corrupt record file, 10 drift (run --check: only when\n"
"  CMD itself succeeded; diff: A and B differ), 11 baseline unreadable,\n"
"  corrupt or from a newer gpushim, 126 CMD not executable, 127 CMD not found\n", f);
}

enum { O_JSON = 256, O_SAVE, O_STACKS, O_COLOR, O_GRACE, O_SHIM, O_FIFO, O_HELP, O_VERSION,
       O_BASELINE, O_CHECK, O_JUNIT, O_IGNORE, O_ALLOW, O_SYSLOG, O_FORGET };

static int bad(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "gpushim %s: %s%s%s; see 'gpushim --help'\n", cmd, what,
		arg ? ": " : "", arg ? arg : "");
	return GS_EXIT_USAGE;
}

int gs_opts_parse(struct gs_opts *o, const char *cmd, int argc, char **argv, bool *done)
{
	static const struct option longopts[] = {
		{ "json", no_argument, 0, O_JSON },
		{ "save", required_argument, 0, O_SAVE },
		{ "stacks", no_argument, 0, O_STACKS },
		{ "color", required_argument, 0, O_COLOR },
		{ "colour", required_argument, 0, O_COLOR },
		{ "grace", required_argument, 0, O_GRACE },
		{ "shim", required_argument, 0, O_SHIM },
		{ "fifo", required_argument, 0, O_FIFO },
		{ "baseline", required_argument, 0, O_BASELINE },
		{ "check", required_argument, 0, O_CHECK },
		{ "junit", required_argument, 0, O_JUNIT },
		{ "ignore", required_argument, 0, O_IGNORE },
		{ "allow", required_argument, 0, O_ALLOW },
		{ "syslog", optional_argument, 0, O_SYSLOG },
		{ "forget", no_argument, 0, O_FORGET },
		{ "output", required_argument, 0, 'o' },
		{ "verbose", no_argument, 0, 'v' },
		{ "quiet", no_argument, 0, 'q' },
		{ "help", no_argument, 0, O_HELP },
		{ "version", no_argument, 0, O_VERSION },
		{ 0, 0, 0, 0 },
	};
	bool is_run = !strcmp(cmd, "run"), is_collect = !strcmp(cmd, "collect"), is_diff = !strcmp(cmd, "diff");
	char why[200];
	int c;

	memset(o, 0, sizeof *o);
	o->cmd = cmd;
	o->grace_ms = 1000;
	o->syslog_facility = gs_syslog_facility("daemon");
	*done = false;
	opterr = 0;
	optind = 1;
	/* "+": stop at the first non-option, so CMD's own flags are its own. */
	while ((c = getopt_long(argc, argv, "+:o:vq", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'v': o->verbose = true; break;
		case 'q': o->quiet = true; break;
		case O_JSON: o->json = true; break;
		case O_STACKS: o->stacks = true; break;
		case O_SAVE:
			if (!is_run && !is_collect)
				return bad(cmd, "--save is for run and collect", NULL);
			o->save = optarg;
			break;
		case O_COLOR:
			/* required_argument: getopt never leaves optarg NULL here */
			if (!optarg) break;
			if (!strcmp(optarg, "never")) o->color = GS_COLOR_NEVER;
			else if (!strcmp(optarg, "always")) o->color = GS_COLOR_ALWAYS;
			else if (!strcmp(optarg, "auto")) o->color = GS_COLOR_AUTO;
			else return bad(cmd, "--color takes never, always or auto", optarg);
			break;
		case O_GRACE: {
			char *end;
			const char *arg = optarg ? optarg : "";
			errno = 0;
			long v = strtol(arg, &end, 10);
			if (!is_run)
				return bad(cmd, "--grace is for run", NULL);
			if (errno || end == arg || *end || v < 0 || v > 600000)
				return bad(cmd, "--grace takes milliseconds, 0 to 600000", optarg);
			o->grace_ms = v;
			break;
		}
		case O_SHIM:
			if (!is_run)
				return bad(cmd, "--shim is for run", NULL);
			o->shim = optarg;
			break;
		case O_SYSLOG:
			if (!is_collect)
				return bad(cmd, "--syslog is for collect", NULL);
			o->syslog = true;
			if (optarg && (o->syslog_facility = gs_syslog_facility(optarg)) < 0)
				return bad(cmd, "--syslog takes daemon, user or local0 to local7", optarg);
			break;
		case O_FORGET:
			if (!is_collect)
				return bad(cmd, "--forget is for collect", NULL);
			o->forget = true;
			break;
		case O_FIFO:
			if (!is_collect)
				return bad(cmd, "--fifo is for collect", NULL);
			o->fifo = optarg;
			break;
		case O_BASELINE:
		case O_CHECK:
			if (!is_run)
				return bad(cmd, c == O_CHECK ? "--check is for run (compare saved runs with diff)"
							     : "--baseline is for run", NULL);
			*(c == O_CHECK ? &o->check : &o->baseline) = optarg;
			break;
		case O_JUNIT:
			if (!is_run && !is_diff)
				return bad(cmd, "--junit is for run --check and diff", NULL);
			o->junit = optarg;
			break;
		case O_IGNORE:
		case O_ALLOW:
			if (!is_run && !is_diff)
				return bad(cmd, "--ignore and --allow are for run and diff", NULL);
			if ((c == O_IGNORE ? gs_policy_ignore : gs_policy_allow)(&o->policy, optarg, why, sizeof why))
				return bad(cmd, why, NULL);
			o->policy_given = true;
			break;
		case O_HELP:
			gs_usage(stdout);
			*done = true;
			return GS_EXIT_OK;
		case O_VERSION:
			printf("gpushim %s (record format %d)\n", GS_SHIM_VERSION, GS_FORMAT_VERSION);
			*done = true;
			return GS_EXIT_OK;
		case ':':
			return bad(cmd, "option needs a value", argv[optind - 1]);
		default:
			return bad(cmd, "unknown option", argv[optind - 1]);
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	if (is_run && o->nargs == 0)
		return bad(cmd, "no command given (usage: gpushim run [options] -- CMD [ARGS...])", NULL);
	if (is_collect && o->nargs > 0)
		return bad(cmd, "collect takes no arguments", o->args[0]);
	if (is_run && (o->policy_given || o->junit) && !o->baseline && !o->check)
		return bad(cmd, o->junit ? "--junit needs --check FILE" : "--ignore and --allow need --baseline or --check", NULL);
	if (is_run && o->junit && !o->check)
		return bad(cmd, "--junit needs --check FILE", NULL);
	if (is_diff && o->nargs != 2)
		return bad(cmd, "diff takes two saved runs (usage: gpushim diff [options] A B)", NULL);
	if (!is_run && !is_collect && o->nargs == 0)
		return bad(cmd, "no record file given (use - for standard input)", NULL);
	return 0;
}
