/* coll_writer: feeds the collector pre-built, valid 512-byte records as fast
 * as it takes them, to measure its read -> parse -> model path.
 *
 * Run under `gpushim run -- coll_writer ...`: W writer processes (forked)
 * each open $GPUSHIM_FIFO and write N records of their own pid: a hello, a
 * lib, N-3 identical call records (cudaGetDeviceCount = 35 with a 3-frame
 * stack, as the shim writes them) and a bye whose accounting says N sent, so
 * the report can confirm that every record arrived. Every record is exactly
 * SIZE bytes with its newline (the last stack frame's symbol is padded);
 * 4096 / SIZE records go out per write(2), which is atomic on a FIFO. The
 * records are built before the clock starts; the writers block when the FIFO
 * is full, so the time they take is the collector's.
 *
 * Output: RECORDS ELAPSED_NS   (fork of the first writer to exit of the last)
 * Usage:  coll_writer [-w WRITERS] [-n RECORDS_PER_WRITER] [-s SIZE] [-f FIFO] */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#define PIPE_ATOMIC 4096

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One record of exactly SIZE bytes (newline included) into OUT; -1 when
 * the fixed part does not fit. BODY ends where the padding goes. */
static int padded(char *out, int size, const char *head, const char *tail)
{
	int fixed = (int)(strlen(head) + strlen(tail)) + 1;
	int pad = size - fixed;
	if (pad < 0)
		return -1;
	int n = snprintf(out, (size_t)size + 1, "%s%.*s%s\n", head, pad,
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
			 tail);
	return n == size && pad <= 820 ? 0 : -1;
}

/* Builds the N records of this process into a buffer (N * SIZE bytes). */
static char *build(long n, int size)
{
	char *buf = malloc((size_t)n * (size_t)size + 1), head[1024], *p;
	int pid = getpid();
	long long ts = (long long)time(NULL) * 1000000000LL;
	if (!buf)
		return NULL;
	p = buf;
	for (long seq = 1; seq <= n; seq++, p += size) {
		const char *tail = "\"}";
		if (seq == 1)
			snprintf(head, sizeof head,
				 "{\"v\":1,\"type\":\"hello\",\"pid\":%d,\"seq\":1,\"ts\":%lld,\"tid\":%d,"
				 "\"ppid\":%d,\"uid\":%d,\"exe\":\"/usr/bin/bench\",\"argv\":[\"bench\"],"
				 "\"kernel_driver\":null,\"nvidiactl\":false,\"glibc\":\"2.36\",\"shim\":\"bench\","
				 "\"stack_depth\":8,\"pad\":\"",
				 pid, ts, pid, (int)getppid(), (int)getuid());
		else if (seq == 2)
			snprintf(head, sizeof head,
				 "{\"v\":1,\"type\":\"lib\",\"pid\":%d,\"seq\":2,\"ts\":%lld,\"tid\":%d,\"id\":1,"
				 "\"path\":\"/usr/local/cuda/lib64/libcudart.so.13\","
				 "\"realpath\":\"/usr/local/cuda-13.0/lib/libcudart.so.13.0.96\","
				 "\"soname\":\"libcudart.so.13\",\"build_id\":null,\"size\":1,\"mtime\":1,"
				 "\"file_version\":\"13.0.96\",\"family\":\"libcudart\",\"base\":\"0x7f0000000000\","
				 "\"origin\":\"dlopen\",\"pad\":\"",
				 pid, ts, pid);
		else if (seq < n)
			snprintf(head, sizeof head,
				 "{\"v\":1,\"type\":\"call\",\"pid\":%d,\"seq\":%ld,\"ts\":%lld,\"tid\":%d,"
				 "\"fn\":\"cudaGetDeviceCount\",\"family\":\"cudart\",\"lib\":1,\"rc\":35,"
				 "\"ver\":{\"runtime\":13000,\"driver\":0},\"via\":\"dlsym\",\"dur_ns\":120,"
				 "\"stack\":[[\"/usr/bin/bench\",4660,null],"
				 "[\"/usr/lib/x86_64-linux-gnu/libc.so.6\",160330,null],"
				 "[\"/usr/lib/x86_64-linux-gnu/libc.so.6\",160517,\"__libc_start_main_",
				 pid, seq, ts + seq, pid);
		else {
			snprintf(head, sizeof head,
				 "{\"v\":1,\"type\":\"bye\",\"pid\":%d,\"seq\":%ld,\"ts\":%lld,\"tid\":%d,"
				 "\"sent\":%ld,\"dropped\":0,\"folded\":0,\"reason\":\"exit\",\"pad\":\"",
				 pid, seq, ts + seq, pid, n);
		}
		if (seq > 2 && seq < n)
			tail = "\"]]}";
		if (padded(p, size, head, tail) < 0) {
			fprintf(stderr, "coll_writer: a record does not fit in %d bytes\n", size);
			free(buf);
			return NULL;
		}
	}
	return buf;
}

static int writer(const char *fifo, char *buf, long n, int size)
{
	int fd = open(fifo, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		perror("coll_writer: open");
		return 1;
	}
	size_t chunk = (size_t)(PIPE_ATOMIC / size) * (size_t)size, total = (size_t)n * (size_t)size;
	for (size_t off = 0; off < total;) {
		size_t len = total - off < chunk ? total - off : chunk;
		ssize_t w = write(fd, buf + off, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w != (ssize_t)len) { /* a FIFO write <= PIPE_BUF is all or nothing */
			perror("coll_writer: write");
			return 1;
		}
		off += len;
	}
	close(fd);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *fifo = getenv("GPUSHIM_FIFO");
	long n = 100000;
	int w = 1, size = 512, opt, fail = 0;

	while ((opt = getopt(argc, argv, "w:n:s:f:")) != -1) {
		switch (opt) {
		case 'w': w = atoi(optarg); break;
		case 'n': n = atol(optarg); break;
		case 's': size = atoi(optarg); break;
		case 'f': fifo = optarg; break;
		default: goto usage;
		}
	}
	if (w < 1 || w > 64 || n < 4 || size < 400 || size > PIPE_ATOMIC || !fifo)
		goto usage;
	/* Each writer builds its records, then waits for the start signal (a
	 * byte on a pipe), so the clock measures writing only. */
	int go[2];
	if (pipe(go) < 0)
		return 1;
	for (int i = 0; i < w; i++) {
		pid_t pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			char c, *buf;
			close(go[1]);
			if (!(buf = build(n, size)))
				_exit(1);
			if (read(go[0], &c, 1) < 0)
				_exit(1);
			exit(writer(fifo, buf, n, size));
		}
	}
	close(go[0]);
	usleep(200000); /* let the writers build their records first */
	long long t0 = now_ns();
	close(go[1]); /* EOF: every writer starts */
	for (int i = 0; i < w; i++) {
		int st;
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail = 1;
	}
	long long t1 = now_ns();
	printf("%ld %lld\n", (long)w * n, t1 - t0);
	return fail;
usage:
	fprintf(stderr, "usage: coll_writer [-w WRITERS(1-64)] [-n RECORDS_PER_WRITER(>=4)] [-s SIZE(400-4096)] [-f FIFO]\n");
	return 2;
}
