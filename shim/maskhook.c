/* sigprocmask, as the shim's libunwind calls it. libunwind 1.6 blocks
 * every signal around each lookup of an address it has not seen
 * (dl_iterate_phdr, its caches' locks): eight system calls for a new call
 * site, the larger part of a first record's cost. While the shim is inside
 * libunwind it has blocked every signal itself, once (gs_mask_all);
 * libunwind's calls on that thread are then answered from the mask it would
 * have had, kept per thread, with no system call. No handler can run in
 * that window, so libunwind's reason for masking holds, and the thread
 * leaves with the mask libunwind left it (gs_mask_restore). Outside that
 * window libunwind's calls go to libc.
 *
 * The libunwind linked into the shim calls __wrap_sigprocmask instead of
 * sigprocmask (the link's --wrap=sigprocmask, Makefile): the program's own
 * sigprocmask calls never pass through the shim. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "maskhook.h"

static __thread int held __attribute__((tls_model("initial-exec")));
static __thread sigset_t shadow __attribute__((tls_model("initial-exec")));

static int own_mask(int how, const sigset_t *set, sigset_t *old)
{
	int rc = pthread_sigmask(how, set, old);

	if (rc == 0)
		return 0;
	errno = rc;
	return -1;
}

void gs_mask_all(void)
{
	sigset_t all;

	sigfillset(&all);
	if (own_mask(SIG_SETMASK, &all, &shadow) == 0)
		held = 1;
}

void gs_mask_restore(void)
{
	if (!held)
		return;
	held = 0; /* still all blocked: no handler sees the flag half-way */
	own_mask(SIG_SETMASK, &shadow, NULL);
}

static int shadow_mask(int how, const sigset_t *set, sigset_t *old)
{
	sigset_t was = shadow;

	if (set) {
		switch (how) {
		case SIG_BLOCK:
			sigorset(&shadow, &shadow, set);
			break;
		case SIG_UNBLOCK: {
			sigset_t keep;
			sigfillset(&keep);
			for (int s = 1; s < NSIG; s++)
				if (sigismember(set, s) == 1)
					sigdelset(&keep, s);
			sigandset(&shadow, &shadow, &keep);
			break;
		}
		case SIG_SETMASK:
			shadow = *set;
			break;
		default:
			errno = EINVAL;
			return -1;
		}
	}
	if (old)
		*old = was;
	return 0;
}

int __wrap_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	if (held)
		return shadow_mask(how, set, old);
	return own_mask(how, set, old);
}
