/* gpushim: the collector and command-line tool. Dispatches subcommands. */
#include "cmds.h"
#include "format.h"
#include "outfile.h"

#include <fcntl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

struct sigaction gs_orig_sigpipe;

int gs_open_save(const struct gs_opts *o)
{
	if (!o->save)
		return -1;
	const char *why;
	int fd = gs_out_open(o->save, true, 0600, &why);
	if (fd < 0) {
		fprintf(stderr, "gpushim %s: cannot open --save file %s: %s; check the path\n",
			o->cmd, o->save, why);
		return -2;
	}
	return fd;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(const struct gs_opts *);
	} cmds[] = {
		{ "run", gs_cmd_run },
		{ "collect", gs_cmd_collect },
		{ "report", gs_cmd_report },
		{ "diff", gs_cmd_diff },
	};
	struct gs_opts o;
	bool done;

	/* A closed pipe on our report must not kill us before we clean up. */
	struct sigaction ign = { .sa_handler = SIG_IGN };
	sigaction(SIGPIPE, &ign, &gs_orig_sigpipe);
	if (argc < 2) {
		fprintf(stderr, "gpushim: no command given; use 'gpushim run -- CMD', 'gpushim collect' or "
				"'gpushim report FILE' (see 'gpushim --help')\n");
		return GS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		gs_usage(stdout);
		return GS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("gpushim %s (record format %d)\n", GS_SHIM_VERSION, GS_FORMAT_VERSION);
		return GS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		int rc = gs_opts_parse(&o, cmds[i].name, argc - 1, argv + 1, &done);
		if (rc || done)
			return rc;
		return cmds[i].fn(&o);
	}
	fprintf(stderr, "gpushim: unknown command '%s'; use run, collect, report or diff (see 'gpushim --help')\n",
		argv[1]);
	return GS_EXIT_USAGE;
}
