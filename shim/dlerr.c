#include <errno.h>
#include <string.h>
#include "strl.h"

#include "dlerr.h"
#include "real.h"

/* glibc's messages are at most a path plus a short text; a longer one is
 * cut, never overflowed. Static TLS: no allocation in the hooks. */
#define MSG_MAX 1280

struct dlerr_state {
	char msg[MSG_MAX];
	int err_no;
	int pending;
};

static __thread struct dlerr_state st __attribute__((tls_model("initial-exec")));

void gs_dlerr_forget(void)
{
	st.pending = 0;
}

const char *gs_dlerr_take(int *err_no)
{
	int saved = errno;
	const char *m = gs_real.dlerror();

	if (!m) {
		errno = saved;
		return NULL;
	}
	gs_strlcpy(st.msg, m, sizeof st.msg);
	st.err_no = errno; /* dlerror() set it to the failed call's code */
	st.pending = 1;
	if (err_no)
		*err_no = st.err_no;
	errno = saved;
	return st.msg;
}

void gs_dlerr_stash(void)
{
	if (!st.pending)
		gs_dlerr_take(NULL);
}

void gs_dlerr_discard(void)
{
	int saved = errno;
	gs_real.dlerror();
	errno = saved;
}

char *gs_dlerr_program(void)
{
	if (st.pending) {
		st.pending = 0;
		errno = st.err_no;
		return st.msg;
	}
	return gs_real.dlerror();
}
