/* startup: wall time of a program's whole run, bare vs with libraries
 * preloaded (the shim; the shim's dependencies alone).
 *
 * fork + execve + waitpid, timed with CLOCK_MONOTONIC in the parent (no
 * shell, no `time` process in the figure). The configurations alternate run
 * by run, so a drift in machine load hits every column alike. Only the child
 * gets LD_PRELOAD; every other variable (GPUSHIM_FIFO, ...) is inherited.
 *
 * Usage:  startup RUNS [PRELOAD...] -- PROG [ARG...]
 * Output: PROG BARE_MEDIAN_MS BARE_MIN_MS [PRELOAD_MEDIAN_MS PRELOAD_MIN_MS...]
 * (the minimum is the steadier figure on a busy machine: noise only adds) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>

#define MAX_RUNS 1000
#define MAX_ENV 4096
#define MAX_CFG 4 /* bare + 3 preload values */

extern char **environ;

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One run; returns its wall time in ns, or -1 if it did not exit 0. */
static long long run_once(char **argv, char **envp)
{
	long long t0 = now_ns();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* Quiet child: the figure must not include a terminal's speed. */
		int devnull = open("/dev/null", O_RDWR);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		execve(argv[0], argv, envp);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	return now_ns() - t0;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	static char *envs[MAX_CFG][MAX_ENV];
	static long long t[MAX_CFG][MAX_RUNS];
	static char preload[MAX_CFG][4096];
	int runs, n = 0, ncfg = 1, a = 2;

	if (argc < 4 || (runs = atoi(argv[1])) < 1 || runs > MAX_RUNS)
		goto usage;
	for (; a < argc && strcmp(argv[a], "--") != 0; a++, ncfg++) {
		if (ncfg == MAX_CFG)
			goto usage;
		snprintf(preload[ncfg], sizeof preload[ncfg], "LD_PRELOAD=%s", argv[a]);
	}
	if (++a >= argc)
		goto usage;
	/* Our environment without LD_PRELOAD, plus each configuration's. */
	for (char **e = environ; *e && n < MAX_ENV - 2; e++)
		if (strncmp(*e, "LD_PRELOAD=", 11) != 0) {
			for (int c = 0; c < ncfg; c++)
				envs[c][n] = *e;
			n++;
		}
	for (int c = 1; c < ncfg; c++)
		envs[c][n] = preload[c];

	for (int i = -1; i < runs; i++) {
		/* i == -1: untimed warm-up of each, to fill the page cache. */
		for (int c = 0; c < ncfg; c++) {
			long long d = run_once(argv + a, envs[c]);
			if (d < 0) {
				fprintf(stderr, "startup: %s failed (%s)\n", argv[a],
					c ? preload[c] : "bare");
				return 1;
			}
			if (i >= 0)
				t[c][i] = d;
		}
	}
	printf("%s", argv[a]);
	for (int c = 0; c < ncfg; c++) {
		qsort(t[c], (size_t)runs, sizeof *t[c], cmp_ll);
		printf(" %.3f %.3f", t[c][runs / 2] / 1e6, t[c][0] / 1e6);
	}
	printf("\n");
	return 0;
usage:
	fprintf(stderr, "usage: startup RUNS(1..%d) [PRELOAD(max %d)...] -- PROG [ARG...]\n",
		MAX_RUNS, MAX_CFG - 1);
	return 2;
}
