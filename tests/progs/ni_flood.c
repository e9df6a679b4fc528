/* ni_flood N1 [--hold N2] — many watched dlopen calls, to fill the shim's
 * FIFO. Phase 1 makes N1 calls (distinct missing libcudnn_ni_flood_<i>.so.1
 * names, so nothing can be folded, and every 10th a successful
 * dlopen/dlsym/dlclose of libcudnn_ni.so.1 from LD_LIBRARY_PATH). With
 * --hold it then prints "holding", waits for a line on stdin (the test
 * changes the reader's state meanwhile) and makes N2 more calls. At the end
 * it reports its SIGPIPE disposition, mask and pending state, which the
 * shim must leave alone. */
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void phase(const char *label, int n, int base)
{
	int fail = 0, okc = 0;
	char name[64];
	for (int i = 0; i < n; i++) {
		if (i % 10 == 9) {
			void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
			if (h && dlsym(h, "ni_which")) okc++;
			if (h) dlclose(h);
		} else {
			snprintf(name, sizeof name, "libcudnn_ni_flood_%d.so.1", base + i);
			if (!dlopen(name, RTLD_NOW)) { fail++; dlerror(); }
		}
	}
	printf("%s: %d calls, %d failed as expected, %d opened\n", label, n, fail, okc);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	if (argc < 2) return 2;
	int n1 = atoi(argv[1]);
	phase("phase 1", n1, 0);
	if (argc > 3 && strcmp(argv[2], "--hold") == 0) {
		printf("holding\n");
		fflush(stdout);
		char line[64];
		if (!fgets(line, sizeof line, stdin)) printf("stdin closed\n");
		phase("phase 2", atoi(argv[3]), n1);
	}
	struct sigaction sa;
	sigaction(SIGPIPE, NULL, &sa);
	sigset_t mask, pend;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pend);
	printf("SIGPIPE: handler %s, blocked %d, pending %d\n",
	       sa.sa_handler == SIG_DFL ? "default" : sa.sa_handler == SIG_IGN ? "ignored" : "set",
	       sigismember(&mask, SIGPIPE), sigismember(&pend, SIGPIPE));
	return 0;
}
