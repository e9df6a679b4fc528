/* ni_threads LIB SYM — 8 threads x 1000 watched dlopen/dlsym/dlclose calls
 * on LIB (every 100th also a failed dlopen of a distinct missing watched
 * name), and meanwhile fork: a child that makes watched calls and exits,
 * a child from inside one of the threads, children that make watched calls
 * and then exec this program ("child" mode) with execv and with execl (the
 * shim wraps execve/execv/execvp/execvpe/fexecve, not the variadic execl*,
 * so that image ends without a bye), one that execs at once, and one that
 * leaves with _exit (no bye either).
 * Children report through their exit status only, so the output does not
 * depend on scheduling. The program is a correct one: POSIX lets a child of
 * a multithreaded process call only async-signal-safe functions, and glibc
 * 2.36 aborts ("Inconsistency detected by ld.so") in a child forked while
 * another thread was inside dlopen. So each call round holds a read lock
 * and every fork a write lock: the other threads exist, but none is inside
 * a dl* call (nor inside the shim's hooks) at the fork. ni_threads child LIB SYM: the exec'd image. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NTHREADS 8
#define NITER 1000

static const char *lib, *sym, *self;
static pthread_rwlock_t lock;
static int use_lock;

static int calls(int n, int tag)
{
	int good = 0;
	char name[64];
	for (int i = 0; i < n; i++) {
		if (use_lock) pthread_rwlock_rdlock(&lock);
		void *h = dlopen(lib, RTLD_NOW);
		if (h && dlsym(h, sym)) good++;
		if (h) dlclose(h);
		if (i % 100 == 0) {
			snprintf(name, sizeof name, "libcudnn_ni_thr_%d_%d.so.1", tag, i);
			if (dlopen(name, RTLD_NOW)) good = -1000000;
		}
		if (use_lock) pthread_rwlock_unlock(&lock);
	}
	return good;
}

static int status_of(pid_t p)
{
	int st;
	if (waitpid(p, &st, 0) != p) return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* fork with no thread inside a dl* call; the child runs without the lock */
static pid_t lfork(void)
{
	pthread_rwlock_wrlock(&lock);
	pid_t p = fork();
	if (p == 0) { use_lock = 0; return 0; }
	pthread_rwlock_unlock(&lock);
	return p;
}

static pid_t fork_calls(int n, int tag)
{
	pid_t p = lfork();
	if (p == 0) _exit(calls(n, tag) == n ? 0 : 1);
	return p;
}

static int thread_child_status = -2;

static void *worker(void *arg)
{
	int id = (int)(long)arg;
	int good = calls(NITER / 2, id);
	if (id == 3) { /* fork from a thread while the others are busy */
		pid_t p = lfork();
		if (p == 0) exit(calls(50, 100 + id) == 50 ? 0 : 1); /* exit: atexit/bye run */
		thread_child_status = status_of(p);
	}
	good += calls(NITER / 2, id + 10);
	return (void *)(long)good;
}

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	self = argv[0];
	if (strcmp(argv[1], "child") == 0) {
		lib = argv[2], sym = argv[3];
		return calls(50, 200) == 50 ? 0 : 1;
	}
	lib = argv[1], sym = argv[2];
	pthread_rwlockattr_t ra;
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&lock, &ra);
	use_lock = 1;
	pthread_t t[NTHREADS];
	for (int i = 0; i < NTHREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)(long)i);

	fflush(stdout);
	pid_t plain = lfork();
	if (plain == 0) exit(calls(100, 300) == 100 ? 0 : 1);
	pid_t execer = lfork();
	if (execer == 0) {
		calls(10, 400);
		char *av[] = {(char *)self, "child", (char *)lib, (char *)sym, NULL};
		execv(self, av);
		_exit(127);
	}
	pid_t execer_l = lfork();
	if (execer_l == 0) {
		calls(10, 450);
		execl(self, self, "child", lib, sym, (char *)NULL);
		_exit(127);
	}
	pid_t execer2 = lfork();
	if (execer2 == 0) {
		execl(self, self, "child", lib, sym, (char *)NULL);
		_exit(127);
	}
	pid_t fc = fork_calls(20, 500);

	long total = 0;
	for (int i = 0; i < NTHREADS; i++) {
		void *r;
		pthread_join(t[i], &r);
		total += (long)r;
	}
	printf("threads: %ld of %d lookups succeeded\n", total, NTHREADS * NITER);
	printf("fork child: %d\n", status_of(plain));
	printf("fork+execv child after calls: %d\n", status_of(execer));
	printf("fork+execl child after calls: %d\n", status_of(execer_l));
	printf("fork+exec child: %d\n", status_of(execer2));
	printf("fork child (_exit): %d\n", status_of(fc));
	printf("fork from a thread: %d\n", thread_child_status);
	return 0;
}
