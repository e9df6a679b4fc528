#include <errno.h>
#include <pthread.h>

#include "config.h"
#include "guard.h"
#include "ident.h"
#include "init.h"
#include "proc.h"
#include "real.h"
#include "resolve.h"
#include "watch.h"

__thread int gs_depth __attribute__((tls_model("initial-exec")));

static pthread_once_t once = PTHREAD_ONCE_INIT;

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
	pthread_once(&once, init_once);
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
