/* ni_fds MODE DIR — a program that manages its descriptors aggressively
 * while making watched dlopen calls; its files in DIR must come out
 * byte-identical with and without the shim, with no record in them.
 *
 * MODE close:  3 rounds of { close 3..1023; open a file; watched calls;
 *              write; open a second file; watched calls; write }
 * MODE dup2:   watched call (the shim opens its sink), then one file is
 *              dup2'ed onto every descriptor 3..1023; watched calls; writes
 * MODE reuse:  watched call, then the descriptor /proc/self/fd shows for
 *              $GPUSHIM_LOG or $GPUSHIM_FIFO (if any) is replaced by the
 *              program's own file with dup2; watched calls; writes
 * MODE dup3, reuse3: as dup2 and reuse, with dup3(..., O_CLOEXEC), so the
 *              reused number is close-on-exec like the shim's own
 * MODE exec:   watched call, then exec ls of /proc/self/fd: a descriptor
 *              the shim left open across exec would show up
 * Files are written with write(2) at the current offset (not O_APPEND), so
 * a stray write by anyone else shifts or overwrites the content. */
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int calls_ok, calls_failed;

static void watched_calls(int round)
{
	char name[64];
	for (int i = 0; i < 20; i++) {
		void *h = dlopen("libcudnn_ni.so.1", RTLD_NOW);
		if (h) { calls_ok += dlsym(h, "ni_which") != NULL; dlsym(h, "ni_nosuch"); dlclose(h); }
		snprintf(name, sizeof name, "libcudnn_ni_fds_%d_%d.so.1", round, i);
		if (!dlopen(name, RTLD_NOW)) calls_failed++;
	}
}

static int open_file(const char *dir, const char *name)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) { perror(p); exit(2); }
	return fd;
}

static void put(int fd, const char *what, int n)
{
	char line[128];
	for (int i = 0; i < n; i++) {
		int len = snprintf(line, sizeof line, "%s line %d\n", what, i);
		if (write(fd, line, (size_t)len) != len) { perror("write"); exit(2); }
	}
}

static void close_all(void)
{
	for (int fd = 3; fd < 1024; fd++) close(fd);
}

int main(int argc, char **argv)
{
	if (argc < 3) return 2;
	const char *mode = argv[1], *dir = argv[2];
	char fname[64];
	if (strcmp(mode, "close") == 0) {
		for (int r = 0; r < 3; r++) {
			close_all();
			snprintf(fname, sizeof fname, "close-%d-a", r);
			int a = open_file(dir, fname);
			watched_calls(r * 2);
			put(a, fname, 50);
			snprintf(fname, sizeof fname, "close-%d-b", r);
			int b = open_file(dir, fname);
			watched_calls(r * 2 + 1);
			put(b, fname, 50);
			put(a, "more", 10);
		}
	} else if (strcmp(mode, "dup2") == 0 || strcmp(mode, "dup3") == 0) {
		int cloexec = mode[3] == '3';
		watched_calls(0);
		int a = open_file(dir, mode);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != a) dup3(a, fd, cloexec ? O_CLOEXEC : 0);
		put(a, "dup2 before", 20);
		watched_calls(1);
		put(a, "dup2 after", 20);
		close_all();
	} else if (strcmp(mode, "reuse") == 0 || strcmp(mode, "reuse3") == 0) {
		int cloexec = mode[5] == '3';
		watched_calls(0);
		const char *sinks[2] = {getenv("GPUSHIM_LOG"), getenv("GPUSHIM_FIFO")};
		int a = open_file(dir, mode);
		put(a, "reuse before", 20);
		DIR *d = opendir("/proc/self/fd");
		struct dirent *e;
		int targets[16], nt = 0;
		while (d && (e = readdir(d)) && nt < 16) {
			char link[300], to[PATH_MAX];
			snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
			ssize_t n = readlink(link, to, sizeof to - 1);
			if (n <= 0) continue;
			to[n] = 0;
			for (int s = 0; s < 2; s++)
				if (sinks[s] && *sinks[s] && strcmp(to, sinks[s]) == 0) targets[nt++] = atoi(e->d_name);
		}
		if (d) closedir(d);
		for (int i = 0; i < nt; i++) dup3(a, targets[i], cloexec ? O_CLOEXEC : 0);
		watched_calls(1);
		put(a, "reuse after", 20);
	} else if (strcmp(mode, "exec") == 0) {
		watched_calls(0);
		fflush(stdout);
		execl("/bin/ls", "ls", "/proc/self/fd", (char *)NULL);
		perror("exec");
		return 2;
	} else return 2;
	printf("%s: %d opened, %d failed as expected\n", mode, calls_ok, calls_failed);
	return 0;
}
