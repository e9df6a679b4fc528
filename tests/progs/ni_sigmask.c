/* ni_sigmask MODE — signal masks around hooked calls from new call sites
 * (the shim blocks every signal while libunwind walks a stack it has not
 * seen, and answers libunwind's own sigprocmask calls meanwhile:
 * shim/maskhook.c). Linked against the fake libcudart.so.12; every call of
 * cudaGetDeviceCount below is its own call site, so each is sent with a
 * stack whose innermost frame is new.
 *
 * MODE mask:  a mask of its own (SIGUSR1, SIGUSR2, SIGRTMIN+3 blocked) and
 *             a pending SIGUSR1; after each hooked call the thread's mask
 *             and pending set are printed if they changed; then sigprocmask
 *             itself: SIG_BLOCK, SIG_UNBLOCK, SIG_SETMASK, a query with a
 *             NULL set, a bad `how` (EINVAL and errno kept); then SIGUSR1 is
 *             unblocked and its handler must run exactly once.
 * MODE timer: SIGALRM every 200 µs while the hooked calls run (until the
 *             handler has run 50 times), its handler walking the stack with
 *             the program's own libunwind, as a sampling profiler does: no
 *             hang, the mask is the same after as before. (Much faster and
 *             a handler that walks new frames, each costing tens of µs,
 *             would leave the program no time between two of them.)
 * Prints only what must be the same with and without the shim; exit 0, or
 * 1 when something differed from what it set. */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

int cudaGetDeviceCount(int *count);

static volatile sig_atomic_t usr1_runs, alrm_runs, walked;
static int (*unw_bt)(void **, int);

static void on_usr1(int sig)
{
	(void)sig;
	usr1_runs++;
}

static void on_alrm(int sig)
{
	void *ips[64];

	(void)sig;
	alrm_runs++;
	if (unw_bt && unw_bt(ips, 64) > 0)
		walked++;
}

static void show_set(const char *what, const sigset_t *s)
{
	printf("%s:", what);
	for (int i = 1; i < NSIG; i++)
		if (sigismember(s, i) == 1)
			printf(" %d", i);
	printf("\n");
}

static sigset_t current(void)
{
	sigset_t s;

	sigprocmask(SIG_BLOCK, NULL, &s);
	return s;
}

static int same(const sigset_t *a, const sigset_t *b)
{
	for (int i = 1; i < NSIG; i++)
		if (sigismember(a, i) != sigismember(b, i))
			return 0;
	return 1;
}

static int bad; /* calls after which the mask or pending set changed */

static void after_call(const sigset_t *mask, const sigset_t *pend)
{
	sigset_t m = current(), p;

	sigpending(&p);
	if (!same(&m, mask) || !same(&p, pend)) {
		bad++;
		show_set("mask changed to", &m);
		show_set("pending changed to", &p);
	}
}

/* 60 call sites, each checked. */
#define C1(k) { int c; cudaGetDeviceCount(&c); after_call(mask, pend); }
#define C4(k) C1(k) C1(k) C1(k) C1(k)
#define C20(k) C4(k) C4(k) C4(k) C4(k) C4(k)
static __attribute__((noinline)) void sites(const sigset_t *mask, const sigset_t *pend)
{
	C20(a) C20(b) C20(c)
}

static int mode_mask(void)
{
	sigset_t set, old, mask, pend, q;
	struct sigaction sa;
	int rc, e;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 3);
	sigprocmask(SIG_SETMASK, &set, NULL);
	raise(SIGUSR1);
	mask = current();
	sigpending(&pend);
	show_set("mask", &mask);
	show_set("pending", &pend);
	sites(&mask, &pend);
	printf("calls after which mask or pending changed: %d\n", bad);

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	rc = sigprocmask(SIG_BLOCK, &set, &old);
	show_set("SIG_BLOCK HUP: old", &old);
	show_set("  now", (q = current(), &q));
	rc |= sigprocmask(SIG_UNBLOCK, &set, &old);
	show_set("SIG_UNBLOCK HUP: old", &old);
	show_set("  now", (q = current(), &q));
	rc |= sigprocmask(SIG_SETMASK, &mask, &old);
	show_set("SIG_SETMASK: old", &old);
	printf("rc %d\n", rc);
	errno = 0;
	rc = sigprocmask(12345, &set, &old);
	e = errno;
	printf("bad how: rc %d, errno %s\n", rc, e == EINVAL ? "EINVAL" : strerror(e));
	errno = ENOTTY;
	rc = sigprocmask(SIG_BLOCK, NULL, &old);
	printf("query: rc %d, errno kept: %s\n", rc, errno == ENOTTY ? "yes" : "no");

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	printf("SIGUSR1 handler runs: %d\n", (int)usr1_runs);
	return bad || usr1_runs != 1;
}

static int mode_timer(void)
{
	struct itimerval it = { { 0, 200 }, { 0, 200 } }, off = { { 0, 0 }, { 0, 0 } };
	struct sigaction sa;
	sigset_t mask, pend, none;
	void *h = dlopen("libunwind.so.8", RTLD_NOW);

	unw_bt = h ? (int (*)(void **, int))dlsym(h, "unw_backtrace") : NULL;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alrm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	mask = current();
	sigemptyset(&pend);
	setitimer(ITIMER_REAL, &it, NULL);
	for (int round = 0; round < 20 || alrm_runs < 50; round++)
		sites(&mask, &pend); /* SIGALRM is not blocked: never left pending */
	setitimer(ITIMER_REAL, &off, NULL);
	printf("handler ran: %s\n", alrm_runs > 0 ? "yes" : "no");
	printf("handler walked its stack: %s\n", !unw_bt || walked > 0 ? "yes" : "no");
	{
		sigset_t m = current();
		printf("mask the same after: %s\n", same(&m, &mask) ? "yes" : "no");
	}
	printf("calls after which mask or pending changed: %d\n", bad);
	return alrm_runs == 0 || bad;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "mask"))
		return mode_mask();
	if (!strcmp(mode, "timer"))
		return mode_timer();
	fprintf(stderr, "usage: ni_sigmask mask|timer\n");
	return 2;
}
