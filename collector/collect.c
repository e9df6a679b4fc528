/* gpushim collect: a long-running reader of one FIFO for any number of
 * programs. Live lines, --syslog lines when a process ends, the --save
 * file reopened on SIGHUP (log rotation), the report on SIGINT/SIGTERM. */
#include "cmds.h"
#include "collect.h"
#include "fifo.h"
#include "ingest.h"
#include "lines.h"
#include "render.h"
#include "syslog.h"
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

struct ctx {
	const struct gs_opts *o;
	FILE *live;             /* NULL with -q */
};

static void on_record(void *vctx, struct gs_model *m, struct gs_proc *p, const char *type)
{
	const struct ctx *cx = vctx;
	if (cx->live)
		gs_collect_live(cx->live, m, p, type);
	if (cx->o->syslog && !strcmp(type, "bye"))
		gs_syslog_proc(m, p, p->bye_reason && !strcmp(p->bye_reason, "exec") ? "exec" : "exit");
}

/* SIGHUP: logrotate has moved the --save file away; start a new one. On
 * failure the old descriptor stays in use (nothing is lost). */
static void reopen_save(const struct gs_opts *o, struct gs_lines *l)
{
	if (!o->save)
		return;
	const char *why;
	int fd = gs_out_open(o->save, true, 0600, &why);
	if (fd < 0) {
		fprintf(stderr, "gpushim collect: SIGHUP: cannot reopen --save file %s: %s; "
				"still writing to the old one\n", o->save, why);
		if (o->syslog)
			gs_syslog_event(LOG_ERR, "reopen-failed", "save", o->save);
		return;
	}
	if (l->save_fd >= 0)
		close(l->save_fd);
	l->save_fd = fd;
	l->save_failed = false;
	if (o->syslog)
		gs_syslog_event(LOG_INFO, "reopen", "save", o->save);
}

static bool has_open_fork_child(const struct gs_model *m, const struct gs_proc *p)
{
	for (size_t i = 0; i < m->procs.n; i++) {
		const struct gs_proc *q = m->procs.v[i];
		if (q != p && q->forked && q->has_ppid && q->ppid == p->pid &&
		    q->pidns == p->pidns && !q->has_bye)
			return true;
	}
	return false;
}

/* --forget: processes that ended leave the model (a fork parent stays
 * while a child of it still runs: the child shares its libraries). */
static void forget_ended(struct gs_model *m)
{
	struct gs_model gone;
	size_t k = 0;

	gs_model_init(&gone);
	for (size_t i = 0; i < m->procs.n; i++) {
		struct gs_proc *p = m->procs.v[i], **slot;
		if (!p->has_bye || has_open_fork_child(m, p) || !(slot = GS_PUSH(&gone.procs)))
			m->procs.v[k++] = p;
		else
			*slot = p;
	}
	m->procs.n = k;
	gs_model_free(&gone);
}

static int setup_signals(void)
{
	sigset_t mask;
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int gs_cmd_collect(const struct gs_opts *o)
{
	char path[PATH_MAX], why[PATH_MAX + 256];
	struct gs_model m;

	if (o->fifo) {
		if (strlen(o->fifo) >= sizeof path) {
			fprintf(stderr, "gpushim collect: --fifo path too long\n");
			return GS_EXIT_USAGE;
		}
		memcpy(path, o->fifo, strlen(o->fifo) + 1); /* fits: checked above */
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
	int sfd = setup_signals();
	if (sfd < 0) {
		fprintf(stderr, "gpushim collect: signalfd: %s\n", strerror(errno));
		return GS_EXIT_USAGE;
	}
	if (o->syslog) {
		gs_syslog_open(o->syslog_facility);
		gs_syslog_event(LOG_INFO, "start", "fifo", path);
	}

	/* Live lines go to stdout, unless stdout carries the JSON report. */
	struct ctx cx = { .o = o, .live = o->quiet ? NULL : (o->json && out == stdout) ? stderr : stdout };
	gs_model_init(&m);
	struct gs_ingest in = { .m = &m, .src = path, .live_warn = true, .on_record = on_record, .ctx = &cx };
	struct gs_lines lines;
	gs_lines_init(&lines, &in, save_fd);
	if (!o->quiet)
		fprintf(stderr, "gpushim collect: listening on %s (programs need GPUSHIM_FIFO=%s and the shim "
				"in LD_PRELOAD); SIGINT or SIGTERM prints the report, SIGHUP reopens --save\n",
			path, path);

	for (bool stop = false; !stop;) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			while (gs_lines_read(&lines, fd) > 0)
				;
		struct signalfd_siginfo si;
		while (!stop && read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
			if (si.ssi_signo == SIGHUP)
				reopen_save(o, &lines);
			else
				stop = true;
		}
		if (o->forget)
			forget_ended(&m);
	}
	/* what is already in the pipe was received: take it too */
	while (gs_lines_read(&lines, fd) > 0)
		;
	close(fd);
	close(sfd);
	if (lines.save_fd >= 0)
		close(lines.save_fd);
	if (o->syslog) {
		for (size_t i = 0; i < m.procs.n; i++)
			if (!m.procs.v[i]->has_bye)
				gs_syslog_proc(&m, m.procs.v[i], "no-bye");
		gs_syslog_event(LOG_INFO, "stop", NULL, NULL);
		gs_syslog_close();
	}
	if (o->forget)
		forget_ended(&m);
	gs_ingest_summary(&m, stderr);
	int rc = gs_render_report(o, &m, out);
	gs_model_free(&m);
	return rc ? GS_EXIT_USAGE : GS_EXIT_OK;
}
