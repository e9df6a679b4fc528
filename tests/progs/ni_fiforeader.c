/* ni_fiforeader FIFO OUT [stop] — a collector stand-in whose state the test
 * controls without relying on timing.
 *
 * Opens FIFO for reading without blocking (and once for writing, so that it
 * never sees end-of-file and is the only thing that decides when to stop),
 * creates OUT.ready, and with "stop" stops itself with SIGSTOP. Then copies
 * everything it reads to OUT; each time the pipe is empty it creates
 * OUT.drained. On SIGTERM it copies what is left in the pipe and exits 0. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_now;
static void on_term(int s) { (void)s; stop_now = 1; }

static void mark(const char *out, const char *suffix)
{
	char p[4096];
	snprintf(p, sizeof p, "%s.%s", out, suffix);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd >= 0) close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	int rfd = open(argv[1], O_RDONLY | O_NONBLOCK);
	if (rfd < 0) { perror("open fifo"); return 2; }
	int wfd = open(argv[1], O_WRONLY | O_NONBLOCK);
	if (wfd < 0) { perror("open fifo for writing"); return 2; }
	int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) { perror("open out"); return 2; }
	mark(argv[2], "ready");
	if (argc > 3 && strcmp(argv[3], "stop") == 0) raise(SIGSTOP);
	char buf[65536];
	for (;;) {
		ssize_t n = read(rfd, buf, sizeof buf);
		if (n > 0) {
			if (write(out, buf, (size_t)n) != n) { perror("write"); return 2; }
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR) { perror("read"); return 2; }
		if (n < 0 && errno == EAGAIN) {
			if (stop_now) break;         /* SIGTERM and the pipe is empty */
			mark(argv[2], "drained");
			struct pollfd p = {.fd = rfd, .events = POLLIN};
			poll(&p, 1, 100);            /* 100 ms: only so SIGTERM is noticed */
		}
	}
	close(wfd);
	close(out);
	return 0;
}
