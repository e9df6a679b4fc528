/* pipe2: libunwind 1.6 opens a pipe on its first backtrace (to test
 * addresses by writing them into it) and keeps it for the life of the
 * process. Left alone, it would take the two lowest free descriptors, and
 * the program's next open() would get a different number than without the
 * shim. While the shim is inside libunwind (a per-thread flag), the pipe's
 * ends are moved high; every other pipe2 call is passed straight on. */
#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "fdhigh.h"
#include "pipehook.h"
#include "real.h"

#define EXPORT __attribute__((visibility("default")))

typedef int (*pipe2_fn)(int[2], int);

static __thread int in_unwinder __attribute__((tls_model("initial-exec")));

void gs_pipe_hold(int on)
{
	in_unwinder = on;
}

static pipe2_fn next;

/* At start-up, not on first use: pipe2 may be called in a signal handler,
 * where dlsym is not safe. */
void gs_pipe_init(void)
{
	__atomic_store_n(&next, (pipe2_fn)gs_real_next("pipe2"), __ATOMIC_RELEASE);
}

static int real_pipe2(int fds[2], int flags)
{
	pipe2_fn f = __atomic_load_n(&next, __ATOMIC_ACQUIRE);

	/* Before the shim has looked it up, the kernel is the next one. */
	return f ? f(fds, flags) : (int)syscall(SYS_pipe2, fds, flags);
}

EXPORT int pipe2(int fds[2], int flags)
{
	int rc = real_pipe2(fds, flags), saved = errno, i;

	if (rc != 0 || !in_unwinder)
		return rc;
	for (i = 0; i < 2; i++) {
		int high = gs_fd_high(fds[i]);
		if (high >= 0)
			fds[i] = high; /* else it stays where it is: still works */
	}
	errno = saved;
	return rc;
}
