/* pipe2, as the shim's libunwind calls it. libunwind 1.6 opens a pipe on
 * its first backtrace (to test addresses by writing them into it) and
 * keeps it for the life of the process. Left alone, it would take the two
 * lowest free descriptors, and the program's next open() would get a
 * different number than without the shim: the pipe's ends are moved high.
 *
 * The libunwind linked into the shim calls __wrap_pipe2 instead of pipe2
 * (the link's --wrap=pipe2, Makefile), a binding fixed when the shim is
 * linked: the program's own pipe2 calls never pass through the shim, and
 * libunwind's reach this function whoever else interposes pipe2. */
#include <errno.h>
#include <unistd.h>

#include "fdhigh.h"
#include "pipehook.h"

/* --wrap's name for libc's pipe2. */
int __real_pipe2(int fds[2], int flags);

int __wrap_pipe2(int fds[2], int flags)
{
	int rc = __real_pipe2(fds, flags), saved = errno, i;

	if (rc != 0)
		return rc;
	for (i = 0; i < 2; i++) {
		int high = gs_fd_high(fds[i]);
		if (high >= 0)
			fds[i] = high; /* else it stays where it is: still works */
	}
	errno = saved;
	return rc;
}
