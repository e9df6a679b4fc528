#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "config.h"
#include "fdhigh.h"
#include "path_dir.h"
#include "sink.h"

/* A missing or refused sink is retried at most this often. */
#define RETRY_NS (250 * 1000000LL)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int fd = -1;
static int fd_rw;          /* fd is a FIFO opened read-write: no SIGPIPE */
static dev_t fd_dev;
static ino_t fd_ino;
static long long next_try;
static long long next_check; /* of the FIFO's path (fifo_in_place) */
static int warned_refuse, warned_log;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Rule 4: the FIFO's directory must not be writable by others and must be
 * ours or root's; the FIFO itself must be a FIFO (not a link) and ours. */
static const char *fifo_refusal(const char *path, struct stat *st)
{
	char dir[sizeof gs_cfg.fifo];
	struct stat dst;
	uid_t me = geteuid();

	if (gs_path_dir(path, dir, sizeof dir) != 0)
		return "its directory's name is too long";
	if (lstat(path, st) != 0)
		return NULL; /* absent: no collector, not a refusal */
	if (stat(dir, &dst) != 0)
		return "its directory cannot be read";
	if (dst.st_mode & (S_IWGRP | S_IWOTH))
		return "its directory is writable by others";
	if (dst.st_uid != me && dst.st_uid != 0)
		return "its directory belongs to another user";
	if (S_ISLNK(st->st_mode))
		return "it is a symbolic link";
	if (!S_ISFIFO(st->st_mode))
		return "it is not a FIFO";
	if (st->st_uid != me && st->st_uid != 0)
		return "it belongs to another user";
	return "";
}

/* Opens the FIFO for writing, or returns -1. Only a FIFO with a reader
 * opens (ENXIO otherwise: no collector right now). Then it is opened again
 * read-write, so that this process is a reader too: a write can then never
 * meet a pipe without readers, and no SIGPIPE needs to be blocked around
 * it (two system calls per record saved). *RW says which it is. */
static int open_fifo(int *rw)
{
	struct stat st, fst;
	const char *why = fifo_refusal(gs_cfg.fifo, &st);
	int f, both;

	*rw = 0;
	if (!why)
		return -1;
	if (*why) {
		gs_warn_once(&warned_refuse, "not writing to FIFO %s: %s", gs_cfg.fifo, why);
		return -1;
	}
	f = open(gs_cfg.fifo, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0)
		return -1;
	/* The path may have been swapped between lstat and open. */
	if (fstat(f, &fst) != 0 || !S_ISFIFO(fst.st_mode) || fst.st_ino != st.st_ino ||
	    fst.st_dev != st.st_dev) {
		close(f);
		gs_warn_once(&warned_refuse, "not writing to FIFO %s: it changed while being opened",
			     gs_cfg.fifo);
		return -1;
	}
	both = open(gs_cfg.fifo, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (both >= 0 && fstat(both, &st) == 0 && st.st_ino == fst.st_ino && st.st_dev == fst.st_dev) {
		close(f);
		*rw = 1;
		return both;
	}
	if (both >= 0)
		close(both); /* swapped since: the first one is the checked one */
	return f;
}

/* GPUSHIM_LOG: a regular file of the real user's that nobody else can
 * write, in a directory where nobody else can swap it (issue 17 item 2).
 * A FIFO or a device could block the program or belong to another program;
 * a file of another user's, or one others can write, is not ours to fill;
 * in a world-writable directory without the sticky bit, anyone could put
 * a file or a link there first. The checks hold whatever fs.protected_*
 * says. The open itself is non-blocking (a FIFO without a reader would
 * otherwise hang it) and follows no link in the last component. */
static const char *log_refusal(int f)
{
	struct stat st;

	if (fstat(f, &st) != 0)
		return "it cannot be examined";
	if (!S_ISREG(st.st_mode))
		return "it is not a regular file";
	if (st.st_uid != getuid())
		return "it belongs to another user";
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "others can write to it";
	return NULL;
}

static int open_log(void)
{
	const char *why = gs_dir_unsafe(gs_cfg.log);
	int f = -1;

	if (!why) {
		f = open(gs_cfg.log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
				     O_CLOEXEC, 0600);
		if (f < 0) {
			gs_warn_once(&warned_log, "cannot open GPUSHIM_LOG %s: %s", gs_cfg.log,
				     strerror(errno));
			return -1;
		}
		why = log_refusal(f);
	}
	if (why) {
		if (f >= 0)
			close(f);
		gs_warn_once(&warned_log, "not writing to GPUSHIM_LOG %s: %s", gs_cfg.log, why);
		return -1;
	}
	return f;
}

static int sink_open(void)
{
	struct stat st;
	int f, high, rw = 0;

	f = gs_cfg.log[0] ? open_log() : gs_cfg.fifo[0] ? open_fifo(&rw) : -1;
	if (f < 0)
		return -1;
	high = gs_fd_high(f);
	if (high < 0) {
		close(f);
		return -1; /* only low numbers left: those are the program's */
	}
	f = high;
	if (fstat(f, &st) != 0) {
		close(f);
		return -1;
	}
	fd_dev = st.st_dev;
	fd_ino = st.st_ino;
	fd_rw = rw;
	next_check = now_ns() + RETRY_NS;
	return f;
}

/* Rule 3: the program may have closed our descriptor and reused the number
 * for a file of its own; then it is no longer ours to write or close. */
static int still_ours(void)
{
	struct statx sx;
	struct stat st;

	/* Only the inode number is asked for: asking for the times as fstat
	 * does makes a kernel with multigrain timestamps (6.13+) stamp the
	 * FIFO's next write with a fine-grained time, dirtying its inode at
	 * every record instead of once a tick (docs/how-it-works.md). */
	if (statx(fd, "", AT_EMPTY_PATH, STATX_INO, &sx) == 0)
		return makedev(sx.stx_dev_major, sx.stx_dev_minor) == fd_dev && sx.stx_ino == fd_ino;
	if (errno != ENOSYS && errno != EPERM)
		return 0;
	/* no statx here (an old kernel, a seccomp filter) */
	return fstat(fd, &st) == 0 && st.st_dev == fd_dev && st.st_ino == fd_ino;
}

/* Being a reader ourselves, a collector's end is never seen as EPIPE. A
 * collector that dies leaves its FIFO behind: records wait in the pipe for
 * the next one on the same path (drops are counted once it is full). One
 * that replaces the FIFO is found by looking at the path, at most once per
 * RETRY_NS. */
static int fifo_in_place(long long t)
{
	struct stat st;

	next_check = t + RETRY_NS;
	return lstat(gs_cfg.fifo, &st) == 0 && st.st_dev == fd_dev && st.st_ino == fd_ino;
}

/* A signal this write raised (SIGPIPE: no reader; SIGXFSZ: the log passed
 * RLIMIT_FSIZE) is taken back unless it was already pending. */
static void take_back(int sig, const sigset_t *pending)
{
	struct timespec zero = { 0, 0 };
	sigset_t one;

	if (sigismember(pending, sig))
		return;
	sigemptyset(&one);
	sigaddset(&one, sig);
	sigtimedwait(&one, NULL, &zero);
}

/* write() with SIGPIPE and SIGXFSZ blocked: the program never sees them.
 * After a short write to the log (a full disk) the next record starts on a
 * line of its own, so one torn line costs one record, not two. */
static int torn;

static ssize_t write_nosignal(const char *buf, size_t len)
{
	sigset_t set, old, pending;
	struct iovec iov[2] = { { (void *)"\n", 1 }, { (void *)buf, len } };
	int err;
	ssize_t n;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigaddset(&set, SIGXFSZ);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	/* One of these can be pending from before only if the thread had it
	 * blocked (else it would have been delivered): ask only then. */
	sigemptyset(&pending);
	if (sigismember(&old, SIGPIPE) || sigismember(&old, SIGXFSZ))
		sigpending(&pending);
	n = torn ? writev(fd, iov, 2) : write(fd, buf, len);
	err = errno;
	if (torn && n > 0)
		n--; /* the newline is not the record's */
	if (n < 0 && err == EPIPE)
		take_back(SIGPIPE, &pending);
	if (n < 0 && err == EFBIG)
		take_back(SIGXFSZ, &pending);
	if (n >= 0) /* a failed write leaves the line as it was */
		torn = (size_t)n < len;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return n;
}

int gs_sink_write(const char *buf, size_t len)
{
	int saved = errno, rc = -1;
	long long t;

	pthread_mutex_lock(&lock);
	if (fd >= 0 && !still_ours())
		fd = -1; /* forget, do not close: the number is the program's now */
	if (fd >= 0 && fd_rw && (t = now_ns()) >= next_check && !fifo_in_place(t)) {
		close(fd); /* what waits in it is lost with the old FIFO */
		fd = -1;
		next_try = 0;
	}
	if (fd < 0 && (t = now_ns()) >= next_try) {
		fd = sink_open();
		if (fd < 0)
			next_try = t + RETRY_NS;
	}
	if (fd >= 0) {
		ssize_t n = fd_rw ? write(fd, buf, len) : write_nosignal(buf, len);

		if (n == (ssize_t)len) {
			rc = 0;
		} else if (n >= 0 || (errno != EAGAIN && errno != EINTR)) {
			/* EPIPE (collector gone), ENOSPC, a short write to a full
			 * disk, EIO…: give the record up, reconnect later. */
			close(fd);
			fd = -1;
			next_try = now_ns() + RETRY_NS;
		}
	}
	pthread_mutex_unlock(&lock);
	errno = saved;
	return rc;
}

void gs_sink_after_fork(void)
{
	pthread_mutex_init(&lock, NULL);
	next_try = 0;
}
