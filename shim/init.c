#include <errno.h>
#include <unistd.h>
#include <sched.h>

#include "config.h"
#include "guard.h"
#include "ident.h"
#include "init.h"
#include "proc.h"
#include "real.h"
#include "resolve.h"
#include "watch.h"

__thread int gs_depth __attribute__((tls_model("initial-exec")));

/* 0 not started, 1 running, 2 done. Not pthread_once: start-up reads the
 * environment, and a getenv interposer's own dlsym comes straight back into
 * a hook on this thread, which must pass through, not wait for itself. */
static int state;
static __thread int initializing __attribute__((tls_model("initial-exec")));

static void init_once(void)
{
	int saved = errno;

	gs_depth++;
	gs_real_init();
	gs_config_load();
	gs_watch_init();
	gs_proc_init();
	gs_depth--;
	errno = saved;
}

void gs_init(void)
{
	int expect = 0;

	if (__atomic_load_n(&state, __ATOMIC_ACQUIRE) == 2 || initializing)
		return;
	/* A hook reached from another object's pre-initialisation (a
	 * preloaded AddressSanitizer runtime calls dlsym and dlerror from the
	 * program's preinit_array) runs before libc has set up the
	 * environment: the settings would read as all absent. Only the real
	 * dl functions then; the start-up proper waits for a later call. */
	if (!environ) {
		gs_real_init();
		return;
	}
	if (__atomic_compare_exchange_n(&state, &expect, 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
		initializing = 1;
		init_once();
		initializing = 0;
		__atomic_store_n(&state, 2, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&state, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
}

__attribute__((constructor)) static void gs_start(void)
{
	int saved = errno;

	gs_init();
	gs_depth++;
	/* Watched libraries the program was linked with (DT_NEEDED). */
	gs_ident_scan("startup", NULL, 0);
	gs_depth--;
	errno = saved;
}

__attribute__((destructor)) static void gs_stop(void)
{
	int saved = errno;

	gs_depth++;
	gs_ident_scan("late", NULL, 0);
	gs_proc_bye("exit");
	gs_depth--;
	errno = saved;
}
