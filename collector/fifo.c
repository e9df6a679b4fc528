/* FIFO creation and validation. A FIFO someone else controls could feed
 * us forged records or, worse, be a symlink to something we then open, so
 * everything is checked with lstat, opened O_NOFOLLOW and re-checked with
 * fstat on the descriptor we actually got. */
#include "fifo.h"
#include "fifo_path.h"
#include "format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void say(char *why, size_t n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started just above */
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
}

/* A directory we (or root) own that no one else can write into. */
static int dir_safe(const struct stat *st, uid_t uid)
{
	return S_ISDIR(st->st_mode) && (st->st_uid == uid || st->st_uid == 0) &&
	       !(st->st_mode & (S_IWGRP | S_IWOTH));
}

/* A bigger pipe absorbs bursts from many writers while the collector waits
 * for the CPU (each record that does not fit is a drop in the shim). The
 * kernel's limit for unprivileged users (/proc/sys/fs/pipe-max-size) is
 * 1 MiB by default; smaller is tried when that is refused. */
static void grow_pipe(int fd)
{
	for (int size = 1 << 20; size > 65536; size /= 2)
		if (fcntl(fd, F_SETPIPE_SZ, size) >= 0)
			return;
}

int gs_fifo_default_path(char *buf, size_t n)
{
	return gs_fifo_default(buf, n); /* common/fifo_path.h: the shim's too */
}

int gs_fifo_open(const char *path, char *why, size_t whyn)
{
	uid_t uid = geteuid();
	struct stat st;
	char dir[4096];
	const char *slash = strrchr(path, '/');

	if (!slash) {
		snprintf(dir, sizeof dir, ".");
	} else if (slash == path) {
		snprintf(dir, sizeof dir, "/");
	} else if ((size_t)(slash - path) >= sizeof dir) {
		say(why, whyn, "%s: path too long", path);
		return -1;
	} else {
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = 0;
	}
	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT || mkdir(dir, 0700) != 0 || lstat(dir, &st) != 0) {
			say(why, whyn, "cannot create directory %s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (S_ISLNK(st.st_mode)) {
		say(why, whyn, "%s is a symbolic link; use a real directory of yours", dir);
		return -1;
	}
	if (!dir_safe(&st, uid)) {
		say(why, whyn, "%s is not a directory owned by you (or root) and closed to others (mode %03o, owner %u); "
			"records could be forged there", dir, (unsigned)(st.st_mode & 0777), (unsigned)st.st_uid);
		return -1;
	}
	if (lstat(path, &st) != 0) {
		if (errno != ENOENT) {
			say(why, whyn, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
			say(why, whyn, "cannot create FIFO %s: %s", path, strerror(errno));
			return -1;
		}
	} else if (S_ISLNK(st.st_mode)) {
		say(why, whyn, "%s is a symbolic link, not a FIFO; remove it", path);
		return -1;
	} else if (!S_ISFIFO(st.st_mode)) {
		say(why, whyn, "%s exists but is not a FIFO; remove it or choose another --fifo", path);
		return -1;
	} else if (st.st_uid != uid) {
		say(why, whyn, "%s is owned by uid %u, not by you (uid %u)", path, (unsigned)st.st_uid,
		    (unsigned)uid);
		return -1;
	}
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		say(why, whyn, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	/* The name may have been swapped between lstat and open. */
	if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode) || st.st_uid != uid) {
		say(why, whyn, "%s changed while being opened; not ours any more", path);
		close(fd);
		return -1;
	}
	grow_pipe(fd);
	return fd;
}

int gs_fifo_private(char *dir, size_t dirn, char *path, size_t pathn, char *why, size_t whyn)
{
	const char *tmp = getenv("TMPDIR");
	int n;
	if (!tmp || tmp[0] != '/')
		tmp = "/tmp";
	n = snprintf(dir, dirn, "%s/gpushim-run.XXXXXX", tmp);
	if (n < 0 || (size_t)n >= dirn) {
		say(why, whyn, "TMPDIR is too long");
		return -1;
	}
	if (!mkdtemp(dir)) { /* mode 0700 */
		say(why, whyn, "cannot create a directory in %s: %s", tmp, strerror(errno));
		dir[0] = 0;
		return -1;
	}
	n = snprintf(path, pathn, "%s/%s", dir, GS_FIFO_NAME);
	if (n < 0 || (size_t)n >= pathn || mkfifo(path, 0600) != 0) {
		say(why, whyn, "cannot create a FIFO in %s: %s", dir, strerror(errno));
		path[0] = 0;
		return -1;
	}
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		say(why, whyn, "cannot open %s: %s", path, strerror(errno));
	else
		grow_pipe(fd);
	return fd;
}
