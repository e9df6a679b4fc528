/* gpushim run: CMD under the shim, with a private FIFO, reading while it
 * runs (a full pipe makes the shim drop records), then the report. */
#include "cmds.h"
#include "cmdpath.h"
#include "drift_run.h"
#include "escape.h"
#include "fifo.h"
#include "ingest.h"
#include "lines.h"
#include "render.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The private FIFO and its directory, removed by an atexit handler so that
 * every exit path cleans up. */
static char fifo_dir[PATH_MAX], fifo_path[PATH_MAX];

static void cleanup(void)
{
	if (fifo_path[0])
		unlink(fifo_path);
	if (fifo_dir[0])
		rmdir(fifo_dir);
	fifo_path[0] = fifo_dir[0] = 0;
}

static bool usable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, R_OK) == 0;
}

/* --shim, $GPUSHIM_SHIM, installed layout, build tree. */
static int find_shim(const struct gs_opts *o, char *out)
{
	const char *given = o->shim ? o->shim : getenv("GPUSHIM_SHIM");
	const char *what = o->shim ? "--shim" : "GPUSHIM_SHIM";
	char self[PATH_MAX], a[PATH_MAX + 64], b[PATH_MAX + 64];

	if (given && *given) {
		if (!usable(given) || !realpath(given, out)) {
			fprintf(stderr, "gpushim run: %s %s is not a readable file; point it at libgpushim.so\n",
				what, given);
			return -1;
		}
		return 0;
	}
	if (!realpath("/proc/self/exe", self)) {
		fprintf(stderr, "gpushim run: cannot find my own executable; pass --shim PATH\n");
		return -1;
	}
	char *dir = dirname(self);
	snprintf(a, sizeof a, "%s/../lib/gpushim/libgpushim.so", dir);
	snprintf(b, sizeof b, "%s/libgpushim.so", dir);
	if (usable(a) && realpath(a, out))
		return 0;
	if (usable(b) && realpath(b, out))
		return 0;
	fprintf(stderr, "gpushim run: cannot find libgpushim.so (looked at %s and %s); "
			"pass --shim PATH or set GPUSHIM_SHIM\n", a, b);
	return -1;
}

/* LD_PRELOAD with the shim appended; NULL if the shim path cannot be put in
 * the list (the loader splits on spaces and colons). */
static char *preload_value(const char *shim)
{
	const char *old = getenv("LD_PRELOAD");
	char *v;
	if (strpbrk(shim, " :\t\n"))
		return NULL;
	if (old && *old && asprintf(&v, "%s %s", old, shim) >= 0)
		return v;
	return strdup(shim);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void drain(struct gs_lines *l, int fd)
{
	while (gs_lines_read(l, fd) > 0)
		;
}

/* After CMD is gone: swap our read-write end for a read-only one, so that a
 * read returning 0 means no writer is left and the FIFO is empty; wait for
 * that at most GRACE_MS, for descendants that outlive CMD. */
static void grace(struct gs_lines *l, int *fd, long grace_ms)
{
	long long deadline = now_ms() + grace_ms;
	int ro = open(fifo_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (ro < 0) {
		drain(l, *fd);
		return;
	}
	close(*fd);
	*fd = ro;
	for (;;) {
		ssize_t r = gs_lines_read(l, ro);
		if (r > 0)
			continue;
		if (r == 0 || errno != EAGAIN)
			break;
		long long left = deadline - now_ms();
		if (left <= 0)
			break;
		/* poll cannot report "no writers" to a reader that saw none
		 * connect, so wake up now and then to try a read */
		struct pollfd p = { .fd = ro, .events = POLLIN };
		poll(&p, 1, (int)(left < 20 ? left : 20));
	}
}

static int exit_status_of(int st)
{
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

int gs_cmd_run(const struct gs_opts *o)
{
	char shim[PATH_MAX], cmdpath[PATH_MAX], why[512];
	sigset_t mask, oldmask;
	int fd = -1, sfd = -1, save_fd, status = 0, errpipe[2];
	struct gs_model m;
	FILE *out;

	int rc = gs_cmd_resolve(o->args[0], cmdpath, sizeof cmdpath);
	if (rc) {
		char *v = gs_vis(o->args[0]);
		fprintf(stderr, "gpushim run: %s: %s\n", v ? v : "?",
			rc == 127 ? "command not found (check the name and PATH)"
				  : "permission denied: not an executable file");
		free(v);
		return rc;
	}
	if (find_shim(o, shim))
		return GS_EXIT_USAGE;
	/* a bad baseline fails before CMD runs, not after a long test suite */
	if ((rc = gs_drift_run_prepare(o)))
		return rc;
	char *preload = preload_value(shim);
	if (!preload) {
		fprintf(stderr, "gpushim run: the shim path %s contains a space or colon, which LD_PRELOAD "
				"cannot hold; install it elsewhere\n", shim);
		return GS_EXIT_USAGE;
	}
	if (!(out = gs_open_out(o, stderr))) {
		free(preload);
		return GS_EXIT_USAGE;
	}
	if ((save_fd = gs_open_save(o)) == -2) {
		free(preload);
		return GS_EXIT_USAGE;
	}
	const char *problem = gs_cmd_preload_problem(cmdpath);
	if (problem && !o->quiet)
		fprintf(stderr, "gpushim run: warning: the shim cannot see inside %s: %s; running it anyway\n",
			cmdpath, problem);

	atexit(cleanup);
	fd = gs_fifo_private(fifo_dir, sizeof fifo_dir, fifo_path, sizeof fifo_path, why, sizeof why);
	if (fd < 0) {
		fprintf(stderr, "gpushim run: %s; set TMPDIR to a writable directory\n", why);
		free(preload);
		return GS_EXIT_FIFO;
	}

	/* Signals arrive through a signalfd so the loop handles them in order
	 * with the data; CMD gets the mask we started with. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0 || pipe2(errpipe, O_CLOEXEC) != 0) {
		fprintf(stderr, "gpushim run: cannot set up: %s\n", strerror(errno));
		free(preload);
		return GS_EXIT_USAGE;
	}

	fflush(NULL);
	pid_t child = fork();
	if (child < 0) {
		fprintf(stderr, "gpushim run: cannot fork: %s\n", strerror(errno));
		free(preload);
		return GS_EXIT_USAGE;
	}
	if (child == 0) {
		sigaction(SIGPIPE, &gs_orig_sigpipe, NULL);
		sigprocmask(SIG_SETMASK, &oldmask, NULL);
		setenv("LD_PRELOAD", preload, 1);
		setenv("GPUSHIM_FIFO", fifo_path, 1);
		/* GPUSHIM_LOG would send the records to a file instead of us */
		unsetenv("GPUSHIM_LOG");
		execvp(o->args[0], o->args);
		int e = errno;
		ssize_t w = write(errpipe[1], &e, sizeof e);
		(void)w;
		_exit(e == ENOENT ? 127 : 126);
	}
	free(preload);
	close(errpipe[1]);
	int child_errno = 0;
	ssize_t got;
	do
		got = read(errpipe[0], &child_errno, sizeof child_errno);
	while (got < 0 && errno == EINTR);
	close(errpipe[0]);
	if (got == (ssize_t)sizeof child_errno) {
		waitpid(child, &status, 0);
		char *v = gs_vis(o->args[0]);
		fprintf(stderr, "gpushim run: cannot execute %s: %s\n", v ? v : "?", strerror(child_errno));
		free(v);
		return child_errno == ENOENT ? GS_EXIT_NOTFOUND : GS_EXIT_NOEXEC;
	}

	gs_model_init(&m);
	struct gs_ingest in = { .m = &m, .src = "fifo" };
	struct gs_lines lines;
	gs_lines_init(&lines, &in, save_fd);

	bool reaped = false;
	while (!reaped) {
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			drain(&lines, fd);
		struct signalfd_siginfo si;
		while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
			if (si.ssi_signo == SIGCHLD)
				continue;
			/* A terminal's ^C already reached CMD (same process
			 * group, si_code SI_KERNEL); only forward what was
			 * sent to us alone, so CMD does not get it twice. */
			if (si.ssi_code != SI_KERNEL)
				kill(child, (int)si.ssi_signo);
		}
		pid_t w = waitpid(child, &status, WNOHANG);
		if (w == child)
			reaped = true;
		else if (w < 0 && errno != EINTR)
			break;
	}
	grace(&lines, &fd, o->grace_ms);
	gs_lines_flush(&lines);
	close(fd);
	close(sfd);
	if (save_fd >= 0)
		close(save_fd);
	cleanup();

	m.has_cmd = true;
	m.cmd_pid = child;
	m.cmd_pidns = gs_own_pidns();
	m.cmd_status = status;
	gs_ingest_summary(&m, stderr);
	if (o->baseline || o->check) {
		/* the baseline summary or the drift takes the report's place */
		rc = gs_drift_run_finish(o, &m, exit_status_of(status), out);
	} else {
		gs_render_report(o, &m, out);
		rc = exit_status_of(status);
	}
	gs_model_free(&m);
	return rc;
}
