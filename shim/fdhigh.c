#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>

#include "fdhigh.h"

#define FD_FLOOR 600

int gs_fd_high(int f)
{
	struct rlimit rl;
	long top = FD_FLOOR;
	int i, fl = fcntl(f, F_GETFD);
	int cmd = fl >= 0 && (fl & FD_CLOEXEC) ? F_DUPFD_CLOEXEC : F_DUPFD;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (long)rl.rlim_cur <= FD_FLOOR)
		top = (long)rl.rlim_cur - 1;
	for (i = 0; i < 8 && top - i > 2; i++) {
		int high = fcntl(f, cmd, (int)(top - i));
		if (high >= 0) {
			close(f);
			return high;
		}
	}
	return -1;
}
