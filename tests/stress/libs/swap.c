/* libst_swap.so — preloaded after the shim (or into gpushim collect): the
 * first lstat() of the path named by ST_SWAP_PATH is answered truthfully,
 * and then, before the caller can open it, the path is replaced by
 * ST_SWAP_WITH (renamed over it): a FIFO swapped for a symbolic link or for
 * another FIFO between check and open. ST_SWAP_MARK is created when the
 * swap was made. */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int done;

static void maybe_swap(const char *path)
{
	const char *p = getenv("ST_SWAP_PATH"), *w = getenv("ST_SWAP_WITH"), *m = getenv("ST_SWAP_MARK");
	if (done || !p || !w || !path || strcmp(p, path))
		return;
	done = 1;
	if (rename(w, p) == 0 && m) {
		int fd = open(m, O_WRONLY | O_CREAT, 0600);
		if (fd >= 0)
			close(fd);
	}
}

int lstat(const char *path, struct stat *st)
{
	static int (*next)(const char *, struct stat *);
	if (!next)
		next = (int (*)(const char *, struct stat *))dlsym(RTLD_NEXT, "lstat");
	int rc = next(path, st);
	maybe_swap(path);
	return rc;
}

int lstat64(const char *path, struct stat64 *st)
{
	static int (*next)(const char *, struct stat64 *);
	if (!next)
		next = (int (*)(const char *, struct stat64 *))dlsym(RTLD_NEXT, "lstat64");
	int rc = next(path, st);
	maybe_swap(path);
	return rc;
}
