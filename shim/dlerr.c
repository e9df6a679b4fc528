#include <errno.h>
#include <string.h>
#include "strl.h"

#include "dlerr.h"
#include "real.h"

/* glibc's messages are at most a path plus a short text; a longer one is
 * cut, never overflowed. Static TLS: no allocation in the hooks. */
#define MSG_MAX 1280

/* glibc's dlerror() sets errno only for errors that carry a code (a file
 * not found, ENOENT); for others (an undefined symbol) it leaves errno
 * alone. A value no errno can have tells the two apart. */
#define ERRNO_UNTOUCHED 0x7eadbeef

struct dlerr_state {
	char msg[MSG_MAX];
	int err_no;      /* what dlerror() set errno to, or ERRNO_UNTOUCHED */
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
	const char *m;

	errno = ERRNO_UNTOUCHED;
	m = gs_real.dlerror();
	if (!m) {
		errno = saved;
		return NULL;
	}
	gs_strlcpy(st.msg, m, sizeof st.msg);
	st.err_no = errno;
	st.pending = 1;
	if (err_no)
		*err_no = st.err_no == ERRNO_UNTOUCHED ? 0 : st.err_no;
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

void gs_dlerr_set(const char *text)
{
	gs_strlcpy(st.msg, text, sizeof st.msg);
	st.err_no = ERRNO_UNTOUCHED;
	st.pending = 1;
}

const char *gs_dlerr_peek(void)
{
	return st.pending ? st.msg : NULL;
}

char *gs_dlerr_program(void)
{
	if (st.pending) {
		st.pending = 0;
		if (st.err_no != ERRNO_UNTOUCHED)
			errno = st.err_no;
		return st.msg;
	}
	return gs_real.dlerror();
}
