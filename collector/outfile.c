/* Files the collector writes where it is told: the --save records, the -o
 * report, the --junit file. A collector often runs as root (a systemd
 * service) and its paths may lie in directories others can write, so it
 * writes only what the shim would write for GPUSHIM_LOG (issue 17 item 2):
 * a regular file of the real user's that nobody else can write, in a
 * directory that is not world-writable without the sticky bit, opened
 * without following a link in the last component and without blocking (a
 * FIFO with no reader would hang the open). One exception: the null device,
 * which never blocks and keeps nothing (`-o /dev/null` is how a run keeps
 * only its --save records). A file is emptied only after it passed. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "outfile.h"
#include "path_dir.h"

static const char *file_refusal(const struct stat *st)
{
	if (S_ISCHR(st->st_mode) && major(st->st_rdev) == 1 && minor(st->st_rdev) == 3)
		return NULL; /* /dev/null */
	if (!S_ISREG(st->st_mode))
		return "it is not a regular file";
	if (st->st_uid != getuid())
		return "it belongs to another user";
	if (st->st_mode & (S_IWGRP | S_IWOTH))
		return "others can write to it";
	return NULL;
}

int gs_out_open(const char *path, bool append, mode_t mode, const char **why)
{
	struct stat st;
	int fd, fl;

	if ((*why = gs_dir_unsafe(path)) != NULL)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
				(append ? O_APPEND : 0), mode);
	if (fd < 0) {
		/* ENXIO: a FIFO with no reader (or a device with none behind it) */
		*why = errno == ELOOP	? "it is a symbolic link"
		       : errno == ENXIO ? "it is not a regular file"
					: strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) != 0)
		*why = strerror(errno);
	else
		*why = file_refusal(&st);
	if (!*why && (fl = fcntl(fd, F_GETFL)) >= 0)
		fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	if (!*why && !append && S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0)
		*why = strerror(errno);
	if (*why) {
		close(fd);
		return -1;
	}
	return fd;
}
