/* st_pipewait FIFO — waits until the FIFO's pipe is empty (the collector
 * has read everything written so far), without taking part: it opens the
 * write end (non-blocking; no reader is an error) and polls FIONREAD.
 * Hang guard: gives up after 60 s with status 1. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	int fd = open(argv[1], O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	for (int i = 0; i < 60000; i++) {
		int n = -1;
		if (ioctl(fd, FIONREAD, &n) != 0) {
			perror("FIONREAD");
			return 2;
		}
		if (n == 0)
			return 0;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	fprintf(stderr, "st_pipewait: %s never drained\n", argv[1]);
	return 1;
}
