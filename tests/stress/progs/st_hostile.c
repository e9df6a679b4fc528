/* st_hostile FIFO MODE [COUNT] — a hostile writer for the collector's FIFO
 * (tests/t/stress-hostile.sh). Deterministic (fixed-seed generator).
 *   atomic  COUNT rounds of lines of at most 4096 bytes, each written with
 *           one write(2) (so they cannot tear honest records): random
 *           bytes, NUL bytes, invalid UTF-8, deep nesting, numbers out of
 *           range, records claiming other pids, future format versions,
 *           non-objects, unknown types, headers missing, CRLF, blank lines
 *   bulk    writes that are not atomic: 1 MiB lines (one write each),
 *           random megabytes with and without newlines, a record written
 *           a byte at a time; run while the honest writers are idle
 * Prints "wrote N lines, M bytes". */
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd;
static long lines, bytes;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void put(const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0) {
			perror("st_hostile: write");
			exit(1);
		}
		p += w;
		n -= (size_t)w;
		bytes += w;
	}
}

static void line(const char *s, size_t n)
{
	char buf[4096];
	if (n > sizeof buf - 1)
		n = sizeof buf - 1;
	memcpy(buf, s, n);
	buf[n] = '\n';
	put(buf, n + 1); /* one write: atomic on a FIFO */
	lines++;
}

static void linef(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void linef(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	line(buf, n < 0 ? 0 : (size_t)n >= sizeof buf ? sizeof buf - 1 : (size_t)n);
}

static void nest(char *buf, int depth, const char *open, const char *close, const char *pre, const char *post)
{
	size_t n = 0;
	n += (size_t)sprintf(buf + n, "%s", pre);
	for (int i = 0; i < depth; i++)
		n += (size_t)sprintf(buf + n, "%s", open);
	for (int i = 0; i < depth; i++)
		n += (size_t)sprintf(buf + n, "%s", close);
	sprintf(buf + n, "%s", post);
}

static void atomic_round(int r)
{
	char buf[8192];
	/* random bytes, newline-free */
	for (int i = 0; i < 4; i++) {
		size_t n = 1 + next() % 4000;
		for (size_t k = 0; k < n; k++) {
			buf[k] = (char)(next() & 0xff);
			if (buf[k] == '\n')
				buf[k] = ' ';
		}
		line(buf, n);
	}
	/* NUL bytes: raw and escaped */
	static const char nul[] = "{\"v\":1,\"type\":\"hello\",\"pid\":424242,\"seq\":1,\"exe\":\"a\0b\"}";
	line(nul, sizeof nul - 1);
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424242,\"seq\":1,\"exe\":\"a\\u0000b\"}");
	line("\0\0\0\0", 4);
	/* invalid UTF-8 */
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424243,\"seq\":1,\"exe\":\"\xff\xfe\xc0\x80\xed\xa0\x80\"}");
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424243,\"seq\":1,\"exe\":\"\\ud800\"}");
	/* deep nesting */
	nest(buf, 2000, "[", "]", "", "");
	line(buf, strlen(buf));
	nest(buf, 600, "{\"a\":", "}", "{\"v\":1,\"type\":\"call\",\"pid\":424244,\"seq\":2,\"out\":", "}");
	line(buf, strlen(buf));
	nest(buf, 1000, "[", "]", "{\"v\":1,\"type\":\"hello\",\"pid\":424244,\"seq\":1,\"argv\":", "}");
	line(buf, strlen(buf));
	/* numbers out of range */
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":1e400,\"seq\":1}");
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":99999999999999999999999,\"seq\":1}");
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":-5,\"seq\":1}");
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424245,\"seq\":0}");
	linef("{\"v\":1,\"type\":\"call\",\"pid\":424245,\"seq\":9223372036854775807,\"fn\":\"cuInit\","
	      "\"family\":\"cuda\",\"rc\":-9223372036854775808,\"count\":9223372036854775807,"
	      "\"dur_ns\":9223372036854775807,\"lib\":-9223372036854775808}");
	linef("{\"v\":1,\"type\":\"call\",\"pid\":424245,\"seq\":%d,\"fn\":\"cuInit\",\"family\":\"cuda\","
	      "\"rc\":0,\"count\":9223372036854775807}", 10 + r);
	linef("{\"v\":1,\"type\":\"bye\",\"pid\":424245,\"seq\":9223372036854775806,\"sent\":1e308,"
	      "\"dropped\":-9223372036854775808,\"folded\":9223372036854775807,\"calls\":[{\"fn\":\"cuInit\","
	      "\"count\":9223372036854775807},{\"fn\":\"cuInit\",\"count\":9223372036854775807}]}");
	linef("{\"v\":1,\"type\":\"lib\",\"pid\":424245,\"seq\":3,\"id\":9223372036854775807,\"size\":-1,"
	      "\"mtime\":9223372036854775807,\"path\":\"/x/libcuda.so.1\",\"family\":\"libcuda\"}");
	/* records claiming other pids: init, the largest pid, a negative one */
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":1,\"seq\":1,\"ppid\":0,\"argv\":[\"forged\"]}");
	linef("{\"v\":1,\"type\":\"bye\",\"pid\":4194304,\"seq\":%d,\"sent\":1,\"dropped\":0,\"folded\":0,"
	      "\"reason\":\"exit\"}", 2 + r);
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":9223372036854775807,\"seq\":1,\"ppid\":9223372036854775807}");
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424246,\"seq\":1,\"ppid\":424246,\"forked\":true}");
	/* a record format from the future */
	linef("{\"v\":2,\"type\":\"hello\",\"pid\":424247,\"seq\":1}");
	linef("{\"v\":4611686018427387904,\"type\":\"teleport\",\"pid\":\"x\"}");
	/* not objects, unknown types, bad headers, duplicate keys */
	linef("[1,2,3]");
	linef("\"just a string\"");
	linef("null");
	linef("{\"v\":1,\"type\":\"teleport\",\"pid\":424248,\"seq\":1}");
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424248}");
	linef("{\"v\":1,\"v\":1,\"type\":\"hello\",\"pid\":424248,\"seq\":1}");
	/* CRLF, blank and exact-size lines */
	linef("{\"v\":1,\"type\":\"hello\",\"pid\":424249,\"seq\":1}\r");
	line("", 0);
	line("   ", 3);
	memset(buf, 'z', sizeof buf);
	memcpy(buf, "{\"v\":1,\"type\":\"hello\",\"pid\":424250,\"seq\":1,\"exe\":\"", 50);
	memcpy(buf + 4095 - 2, "\"}", 2);
	line(buf, 4095);
}

static void bulk(void)
{
	size_t big = 1 << 20;
	char *b = malloc(big + 1);
	if (!b)
		exit(1);
	memset(b, 'x', big);
	b[big] = '\n';
	put(b, big + 1);
	lines++;
	memcpy(b, "{\"v\":1,\"type\":\"hello\",\"pid\":424251,\"seq\":1,\"exe\":\"", 50);
	b[big - 2] = '"';
	b[big - 1] = '}';
	put(b, big + 1); /* a 1 MiB record that looks right */
	lines++;
	for (size_t k = 0; k < big; k++) {
		b[k] = (char)(next() & 0xff);
		if (b[k] == '\n')
			b[k] = 0;
	}
	put(b, big + 1); /* random, one newline at the end */
	lines++;
	for (size_t k = 0; k < big; k++)
		b[k] = (char)(next() & 0xff); /* random with its newlines */
	put(b, big);
	put("\n", 1);
	lines++;
	static const char rec[] = "{\"v\":1,\"type\":\"hello\",\"pid\":424252,\"seq\":1,\"argv\":[\"trickle\"]}\n";
	for (size_t k = 0; k < sizeof rec - 1; k++)
		put(rec + k, 1); /* a byte at a time */
	lines++;
	free(b);
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (!strcmp(argv[2], "atomic")) {
		int n = argc > 3 ? atoi(argv[3]) : 10;
		for (int r = 0; r < n; r++)
			atomic_round(r);
	} else if (!strcmp(argv[2], "bulk")) {
		bulk();
	} else {
		return 2;
	}
	printf("wrote %ld lines, %ld bytes\n", lines, bytes);
	return 0;
}
