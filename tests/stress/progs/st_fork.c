/* st_fork MODE [N] — fork in a multithreaded program while another thread
 * is inside a hook (design §3 rule 5). Needs libcudnn_ni.so.1 and
 * libcudnn_stblock.so.1 on LD_LIBRARY_PATH. Output depends only on what
 * the calls return, so it is the same with and without the shim.
 *   ctor    a thread is held inside a watched dlopen (the library's
 *           constructor waits) while main forks; the child makes watched
 *           calls and exits 7
 *   call    a thread is held inside a hooked cudnnCreate while main forks;
 *           the child calls cudnnCreate too and exits 8
 *   hammer  four threads make watched calls without pause while main forks
 *           N times; children make watched calls and leave by exit() or
 *           _exit() with status i % 5 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*create_fn)(void **);
static int ready[2], go[2];
static void *ni;
static create_fn create;
static volatile int stop;

static int lookups(int n, int base)
{
	char name[64];
	int failed = 0;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "st_fork_missing_%d", base + i);
		if (!dlsym(ni, name)) {
			failed++;
			dlerror();
		}
	}
	return failed;
}

static void child_work(int status, int use_exit)
{
	int f = lookups(20, 0);
	void *h2 = dlopen("libcudnn_ni2.so.1", RTLD_NOW);
	void *cd = NULL;
	int rc = create ? create(&cd) : -1;
	printf("child: %d lookups failed, second library %s, cudnnCreate %d\n", f,
	       h2 ? "opened" : "missing", rc);
	fflush(stdout);
	if (use_exit)
		exit(status);
	_exit(status);
}

static void *hold_in_dlopen(void *arg)
{
	(void)arg;
	return dlopen("libcudnn_stblock.so.1", RTLD_NOW);
}

static void *hold_in_call(void *arg)
{
	(void)arg;
	void *h = (void *)1;
	return (void *)(long)create(&h);
}

static void *hammer(void *arg)
{
	long bad = 0, n = 0;
	(void)arg;
	while (!stop) {
		void *h = (void *)0;
		if (lookups(5, (int)n) != 5)
			bad++;
		if (create(&h) != 0)
			bad++;
		void *x = dlopen("libcudnn_ni.so.1", RTLD_NOW);
		if (!x)
			bad++;
		else
			dlclose(x);
		n++;
	}
	return (void *)bad;
}

static void wait_child(pid_t c, const char *what)
{
	int st;
	if (waitpid(c, &st, 0) != c) {
		printf("%s: waitpid failed\n", what);
		return;
	}
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else
		printf("%s: killed by signal %d\n", what, WTERMSIG(st));
	fflush(stdout);
}

static void get_create(void *h)
{
	create = (create_fn)dlsym(h, "cudnnCreate");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	pthread_t t;
	char c = 'g';
	void *ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ni = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	if (!ni || pipe(ready) || pipe(go)) {
		printf("setup failed\n");
		return 1;
	}
	if (!strcmp(mode, "ctor")) {
		char r[16], g[16];
		snprintf(r, sizeof r, "%d", ready[1]);
		snprintf(g, sizeof g, "%d", go[0]);
		setenv("ST_BLOCK_READY", r, 1);
		setenv("ST_BLOCK_GO", g, 1);
		setenv("ST_BLOCK_CTOR", "1", 1);
		pthread_create(&t, NULL, hold_in_dlopen, NULL);
		if (read(ready[0], &c, 1) != 1)
			return 1;
		printf("a thread is inside dlopen\n");
		pid_t k = fork();
		if (k == 0)
			child_work(7, 1);
		wait_child(k, "child");
		if (write(go[1], &c, 1) != 1)
			return 1;
		pthread_join(t, &ret);
		printf("held dlopen %s\n", ret ? "succeeded" : "failed");
		if (ret)
			get_create(ret);
		void *cd = NULL;
		printf("cudnnCreate afterwards: %d\n", create ? create(&cd) : -1);
		return 0;
	}
	void *sb = dlopen("libcudnn_stblock.so.1", RTLD_NOW);
	if (!sb) {
		printf("cannot open libcudnn_stblock.so.1\n");
		return 1;
	}
	get_create(sb);
	if (!strcmp(mode, "call")) {
		char r[16], g[16];
		snprintf(r, sizeof r, "%d", ready[1]);
		snprintf(g, sizeof g, "%d", go[0]);
		setenv("ST_BLOCK_READY", r, 1);
		setenv("ST_BLOCK_GO", g, 1);
		pthread_create(&t, NULL, hold_in_call, NULL);
		if (read(ready[0], &c, 1) != 1)
			return 1;
		printf("a thread is inside cudnnCreate\n");
		pid_t k = fork();
		if (k == 0)
			child_work(8, 1);
		wait_child(k, "child");
		if (write(go[1], &c, 1) != 1)
			return 1;
		pthread_join(t, &ret);
		printf("held cudnnCreate returned %ld\n", (long)ret);
		return 0;
	}
	if (!strcmp(mode, "hammer")) {
		int n = argc > 2 ? atoi(argv[2]) : 100, counts[5] = { 0 };
		pthread_t th[4];
		for (int i = 0; i < 4; i++)
			pthread_create(&th[i], NULL, hammer, NULL);
		for (int i = 0; i < n; i++) {
			fflush(stdout);
			pid_t k = fork();
			if (k == 0) {
				/* quiet children: their line would depend on nothing */
				void *cd = NULL;
				int f = lookups(10, i);
				int rc = create(&cd);
				if (f != 10 || rc != 0)
					_exit(99);
				if (i % 2)
					exit(i % 5);
				_exit(i % 5);
			}
			int st;
			if (waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) < 5)
				counts[WEXITSTATUS(st)]++;
			else
				printf("fork %d: child status %#x\n", i, st);
		}
		stop = 1;
		long bad = 0;
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], &ret);
			bad += (long)ret;
		}
		printf("forks: %d; exit statuses 0-4: %d %d %d %d %d; failed calls in threads: %ld\n", n,
		       counts[0], counts[1], counts[2], counts[3], counts[4], bad);
		return 0;
	}
	printf("unknown mode\n");
	return 2;
}
