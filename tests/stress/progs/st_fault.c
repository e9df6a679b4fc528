/* st_fault MODE [ARG] — programs for the fault tests (tests/t/stress-faults.sh).
 * Each makes watched calls (libcudnn_ni.so.1 on LD_LIBRARY_PATH) under one
 * fault and prints only what the program itself can see: results, errno,
 * descriptor numbers, signals, children's statuses. With and without the
 * shim the output and exit status must be the same.
 *   nofile       RLIMIT_NOFILE lowered to the descriptors already open
 *                before the first watched call, raised again later
 *   nofile64     RLIMIT_NOFILE 64 (below the shim's descriptor floor, 600)
 *   oom          allocations fail (libst_failmalloc.so, armed here through
 *                st_failmalloc_arm; ARG "shim": only the shim's own,
 *                "all": every allocation, after the first watched call)
 *   xfsz         counts SIGXFSZ in a handler (run under a file-size limit:
 *                the shim's log must not raise it in the program); three
 *                bursts of lookups 300 ms apart
 *   xfsz-dfl     the same with SIGXFSZ left at its default (it would kill)
 *   fds          the lowest free descriptor before and after the first
 *                watched calls
 *   spawn        posix_spawn, vfork+exec and vfork+_exit of itself
 *   exec PATH    watched calls, then execv(PATH): a static or set-uid binary
 *   child N      (spawned) a few watched calls, exit N */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
static char outbuf[1 << 16];

static int lookups(void *h, int n, int base, int *last_errno)
{
	char name[64];
	int failed = 0;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "st_fault_missing_%d", base + i);
		errno = 1000 + i; /* the shim must hand errno back as the call left it */
		if (!dlsym(h, name)) {
			failed++;
			if (last_errno)
				*last_errno = errno;
			dlerror();
		}
	}
	return failed;
}

static int missing_opens(int n, int base)
{
	char name[64];
	int failed = 0;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "libcudnn_st_nothere_%d.so.1", base + i);
		if (!dlopen(name, RTLD_NOW)) {
			failed++;
			dlerror();
		}
	}
	return failed;
}

static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);
	if (fd >= 0)
		close(fd);
	return fd;
}

static int do_nofile(rlim_t cur)
{
	struct rlimit old, low;
	int e = 0;
	getrlimit(RLIMIT_NOFILE, &old);
	int first = lowest_free_fd();
	low = old;
	low.rlim_cur = cur ? cur : (rlim_t)first; /* cur 0: nothing more can be opened */
	if (setrlimit(RLIMIT_NOFILE, &low) != 0) {
		printf("setrlimit failed\n");
		return 1;
	}
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	const char *err = h ? NULL : dlerror();
	printf("dlopen under the limit: %s%s\n", h ? "ok" : "failed: ", err ? err : "");
	if (h) {
		printf("lookups failed: %d (errno %d)\n", lookups(h, 200, 0, &e), e);
	}
	printf("missing opens failed: %d\n", missing_opens(20, 0));
	int fd = open("/dev/null", O_RDONLY);
	printf("open under the limit: fd %d, errno %s\n", fd, fd < 0 ? strerror(errno) : "-");
	if (fd >= 0)
		close(fd);
	setrlimit(RLIMIT_NOFILE, &old);
	usleep(300000); /* the shim retries a failed sink at most every 250 ms */
	if (!h)
		h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	printf("after raising the limit: lookups failed: %d\n", h ? lookups(h, 200, 200, NULL) : -1);
	printf("lowest free descriptor now: %d (was %d)\n", lowest_free_fd(), first);
	return 5;
}

static int do_oom(const char *which)
{
	void (*arm)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "st_failmalloc_arm");
	int all = which && !strcmp(which, "all"), e = 0;
	if (!arm) {
		printf("libst_failmalloc.so is not preloaded\n");
		return 1;
	}
	if (!all)
		arm(2); /* from here on the shim's own allocations fail */
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	if (!h) {
		printf("dlopen failed\n");
		return 1;
	}
	if (all)
		arm(1); /* from here on every allocation fails */
	int f = lookups(h, 300, 0, &e);
	int m = missing_opens(30, 0);
	void *again = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	const char *aerr = again ? NULL : dlerror();
	char etext[256];
	snprintf(etext, sizeof etext, "%s", aerr ? aerr : "-");
	int cl = again ? dlclose(again) : -2;
	void *p = malloc(100);
	arm(0);
	free(p);
	printf("lookups failed %d (errno %d), missing opens failed %d, reopen %s (%s), dlclose %d, malloc %s\n",
	       f, e, m, again ? "ok" : "failed", etext, cl, p ? "worked" : "failed");
	return 6;
}

/* The lowest free descriptor before and after the first watched calls
 * (with stacks on, the shim unwinds on the first one): a program that
 * counts on it must see the same number. */
static int do_fds(void)
{
	int before = lowest_free_fd();
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	int f = h ? lookups(h, 20, 0, NULL) : -1;
	printf("lookups failed %d; lowest free descriptor before %d, after %d\n", f, before, lowest_free_fd());
	return 0;
}

static volatile sig_atomic_t xfsz;
static void on_xfsz(int s) { (void)s; xfsz++; }

static int do_xfsz(int handler)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_xfsz;
	if (handler)
		sigaction(SIGXFSZ, &sa, NULL);
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	int e = 0, f = 0;
	/* in three bursts 300 ms apart: the shim retries a failed sink at most
	 * every 250 ms, so each burst meets the full file again */
	for (int r = 0; r < 3 && h; r++) {
		if (r)
			usleep(300000);
		f += lookups(h, 700, r * 700, &e);
	}
	printf("lookups failed %d (errno %d); SIGXFSZ seen by the program: %d\n", h ? f : -1, e, (int)xfsz);
	return 0;
}

static int do_child(int status)
{
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	printf("child %d: lookups failed %d\n", status, h ? lookups(h, 50, 0, NULL) : -1);
	fflush(stdout);
	return status;
}

static void report(const char *what, pid_t p)
{
	int st = 0;
	if (p < 0) {
		printf("%s: could not start\n", what);
		return;
	}
	if (waitpid(p, &st, 0) != p)
		printf("%s: waitpid failed\n", what);
	else if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: signal %d\n", what, WTERMSIG(st));
	fflush(stdout);
}

static int do_spawn(const char *self)
{
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	printf("parent: lookups failed %d\n", h ? lookups(h, 50, 0, NULL) : -1);
	fflush(stdout);
	char *a1[] = { (char *)self, "child", "11", NULL };
	pid_t p;
	if (posix_spawn(&p, self, NULL, NULL, a1, environ) != 0)
		p = -1;
	report("posix_spawn child", p);
	char *a2[] = { (char *)self, "child", "12", NULL };
	p = vfork();
	if (p == 0) {
		execv(self, a2);
		_exit(127);
	}
	report("vfork+execv child", p);
	p = vfork();
	if (p == 0)
		_exit(13);
	report("vfork+_exit child", p);
	printf("parent again: lookups failed %d\n", h ? lookups(h, 50, 50, NULL) : -1);
	return 3;
}

static int do_exec(const char *path)
{
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	printf("before exec: lookups failed %d\n", h ? lookups(h, 50, 0, NULL) : -1);
	fflush(stdout);
	char *a[] = { (char *)path, "from st_fault", NULL };
	execv(path, a);
	printf("execv failed: %s\n", strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "", *arg = argc > 2 ? argv[2] : NULL;
	/* stdio without malloc, so that the oom mode only fails what it means to */
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	int rc = 2;
	if (!strcmp(mode, "nofile"))
		rc = do_nofile(0);
	else if (!strcmp(mode, "nofile64"))
		rc = do_nofile(64);
	else if (!strcmp(mode, "oom"))
		rc = do_oom(arg);
	else if (!strcmp(mode, "xfsz"))
		rc = do_xfsz(1);
	else if (!strcmp(mode, "xfsz-dfl"))
		rc = do_xfsz(0);
	else if (!strcmp(mode, "fds"))
		rc = do_fds();
	else if (!strcmp(mode, "spawn"))
		rc = do_spawn(argv[0]);
	else if (!strcmp(mode, "exec") && arg)
		rc = do_exec(arg);
	else if (!strcmp(mode, "child") && arg)
		rc = do_child(atoi(arg));
	else
		printf("unknown mode\n");
	fflush(stdout);
	return rc;
}
