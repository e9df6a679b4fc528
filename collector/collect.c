/* gpushim collect: a long-running reader of one FIFO for any number of
 * programs, printing a line per event, the report on SIGINT/SIGTERM. */
#include "cmds.h"
#include "escape.h"
#include "fifo.h"
#include "ingest.h"
#include "lines.h"
#include "render.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

struct live {
	FILE *f;
};

static void put_rc(FILE *f, const struct gs_model *m, const struct gs_proc *p, const struct gs_call *c)
{
	if (!c->has_rc) {
		fputs(" = ?", f);
		return;
	}
	const char *name = gs_call_rc_name(m, p, c, c->rc);
	fprintf(f, " = %lld %s", c->rc, name ? name : "(unknown code)");
}

/* One line per record that tells something: process start and end,
 * libraries, loads, failed lookups, GPU calls. */
static void on_record(void *ctx, struct gs_model *m, struct gs_proc *p, const char *type)
{
	FILE *f = ((struct live *)ctx)->f;
	fprintf(f, "[pid %lld] ", p->pid);
	if (!strcmp(type, "hello")) {
		fputs("start:", f);
		for (size_t i = 0; i < p->argv.n; i++) {
			fputc(' ', f);
			gs_putvis(f, p->argv.v[i]);
		}
		if (p->has_ppid)
			fprintf(f, " (parent %lld)", p->ppid);
	} else if (!strcmp(type, "lib") && p->libs.n) {
		const struct gs_lib *l = &p->libs.v[p->libs.n - 1];
		fputs("library ", f);
		gs_putvis(f, l->family);
		fputc(' ', f);
		gs_putvis(f, l->file_version);
		fputc(' ', f);
		gs_putvis(f, l->path);
	} else if (!strcmp(type, "dlopen") && p->loads.n) {
		const struct gs_load *l = &p->loads.v[p->loads.n - 1];
		gs_putvis(f, l->fn ? l->fn : "dlopen");
		fputc(' ', f);
		gs_putvis(f, l->name);
		fputs(l->ok ? " ok" : " FAILED", f);
		if (l->err) {
			fputs(": ", f);
			gs_putvis(f, l->err);
		}
	} else if (!strcmp(type, "dlsym") && p->syms.n) {
		const struct gs_sym *s = &p->syms.v[p->syms.n - 1];
		gs_putvis(f, s->fn ? s->fn : "dlsym");
		fputc(' ', f);
		gs_putvis(f, s->sym);
		fputs(s->ok ? " ok" : " FAILED", f);
	} else if (!strcmp(type, "call") && p->calls.n) {
		const struct gs_call *c = &p->calls.v[p->calls.n - 1];
		fputs("call ", f);
		gs_putvis(f, c->fn);
		put_rc(f, m, p, c);
		if (c->count > 1)
			fprintf(f, " (x%lld)", c->count);
	} else if (!strcmp(type, "bye")) {
		fputs(p->bye_reason && !strcmp(p->bye_reason, "exec") ? "exec:" : "exit:", f);
		fprintf(f, " sent %lld, dropped %lld, received %lld, %s", p->sent, p->dropped, p->received,
			gs_proc_complete(p) ? "complete" : "INCOMPLETE");
	} else {
		gs_putvis(f, type);
	}
	fputc('\n', f);
	fflush(f);
}

int gs_cmd_collect(const struct gs_opts *o)
{
	char path[PATH_MAX], why[PATH_MAX + 256];
	sigset_t mask;
	struct gs_model m;

	if (o->fifo) {
		if (strlen(o->fifo) >= sizeof path) {
			fprintf(stderr, "gpushim collect: --fifo path too long\n");
			return GS_EXIT_USAGE;
		}
		strcpy(path, o->fifo);
	} else if (gs_fifo_default_path(path, sizeof path) != 0) {
		fprintf(stderr, "gpushim collect: XDG_RUNTIME_DIR is too long; pass --fifo PATH\n");
		return GS_EXIT_USAGE;
	}
	FILE *out = gs_open_out(o, stdout);
	if (!out)
		return GS_EXIT_USAGE;
	int save_fd = gs_open_save(o);
	if (save_fd == -2)
		return GS_EXIT_USAGE;
	int fd = gs_fifo_open(path, why, sizeof why);
	if (fd < 0) {
		fprintf(stderr, "gpushim collect: %s\n", why);
		return GS_EXIT_FIFO;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(stderr, "gpushim collect: signalfd: %s\n", strerror(errno));
		return GS_EXIT_USAGE;
	}

	/* Live lines go to stdout, unless stdout carries the JSON report. */
	struct live live = { .f = (o->json && out == stdout) ? stderr : stdout };
	gs_model_init(&m);
	struct gs_ingest in = { .m = &m, .src = path, .live_warn = true,
				.on_record = o->quiet ? NULL : on_record, .ctx = &live };
	struct gs_lines lines;
	gs_lines_init(&lines, &in, save_fd);
	if (!o->quiet)
		fprintf(stderr, "gpushim collect: listening on %s (programs need GPUSHIM_FIFO=%s and the shim "
				"in LD_PRELOAD); SIGINT or SIGTERM prints the report\n", path, path);

	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			while (gs_lines_read(&lines, fd) > 0)
				;
		struct signalfd_siginfo si;
		if (read(sfd, &si, sizeof si) == (ssize_t)sizeof si)
			break;
	}
	/* what is already in the pipe was received: take it too */
	while (gs_lines_read(&lines, fd) > 0)
		;
	close(fd);
	close(sfd);
	if (save_fd >= 0)
		close(save_fd);
	gs_ingest_summary(&m, stderr);
	int rc = gs_render_report(o, &m, out);
	gs_model_free(&m);
	return rc ? GS_EXIT_USAGE : GS_EXIT_OK;
}
