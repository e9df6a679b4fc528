/* st_emit N1 [N2] [--times FILE] — a fan-in writer for the stress tests.
 *
 * Opens the watched libcudnn_ni.so.1 (from LD_LIBRARY_PATH) and makes N1
 * failed dlsym lookups of distinct names on it: with the shim each is one
 * record that cannot be folded. With N2 it is gated: it prints "holding",
 * reads one byte from stdin (the test releases the writers one byte each),
 * makes N2 more lookups, prints "phase 2 done", reads one more byte (from
 * descriptor 3 when it is open, so the two gates cannot be confused) and
 * exits. Its stdout is the same with and without the shim; with --times it
 * appends "pid phase1_ns phase2_ns both_ns" to FILE in one write (wall
 * times of the lookups, gates left out; printed as figures by the tests,
 * never asserted). */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int phase(void *h, const char *label, int n, int base)
{
	char name[64];
	int failed = 0;
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "st_missing_%d", base + i);
		if (!dlsym(h, name)) {
			failed++;
			dlerror();
		}
	}
	printf("%s: %d lookups, %d failed\n", label, n, failed);
	fflush(stdout);
	return failed;
}

static void gate(int fd)
{
	char c;
	while (read(fd, &c, 1) < 0)
		;
}

int main(int argc, char **argv)
{
	int n1 = -1, n2 = -1;
	const char *times = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--times") && i + 1 < argc)
			times = argv[++i];
		else if (n1 < 0)
			n1 = atoi(argv[i]);
		else
			n2 = atoi(argv[i]);
	}
	if (n1 < 0)
		return 2;
	long long t0 = now_ns(), t1, t2 = 0, t3 = 0;
	void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
	if (!h) {
		printf("cannot open libcudnn_ni.so.1\n");
		return 1;
	}
	phase(h, "phase 1", n1, 0);
	t1 = now_ns();
	if (n2 >= 0) {
		printf("holding\n");
		fflush(stdout);
		gate(0);
		t2 = now_ns();
		phase(h, "phase 2", n2, n1);
		t3 = now_ns();
		printf("phase 2 done\n");
		fflush(stdout);
		gate(fcntl(3, F_GETFD) >= 0 ? 3 : 0);
	}
	if (times) {
		char line[128];
		int fd = open(times, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		int len = snprintf(line, sizeof line, "%d %lld %lld %lld\n", (int)getpid(), t1 - t0,
				   t3 - t2, (t1 - t0) + (t3 - t2));
		if (fd >= 0) {
			if (write(fd, line, (size_t)len) != len)
				return 3;
			close(fd);
		}
	}
	return 0;
}
