/* Unit test of the record builder (shim/record.c): escaping, the 4096-byte
 * bound, truncation that keeps the JSON valid. Runs under ASan in
 * `make check SANITIZE=address,undefined`. Prints TAP. */
#include <stdio.h>
#include <string.h>

#include "record.h"

/* The real ones live in proc.c / sink.c; the builder only needs these. */
int gs_proc_pid(void) { return 42; }
long long gs_proc_pidns(void) { return 4026531836LL; }
int gs_proc_tid(void) { return 43; }
long long gs_proc_next_seq(void) { static long long s; return ++s; }
void gs_proc_hello_once(void) {}
int gs_proc_send(struct gs_rec *r) { (void)r; return 0; }

static int n, failed;

static void ok(int cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++n, what);
	failed += !cond;
}

/* Structural check: balanced brackets outside strings, one trailing \n. */
static int valid_shape(const char *s, size_t len)
{
	int depth = 0, in_str = 0;
	size_t i;

	if (len == 0 || s[len - 1] != '\n' || memchr(s, '\n', len - 1))
		return 0;
	for (i = 0; i + 1 < len; i++) {
		char c = s[i];
		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = 0;
			else if ((unsigned char)c < 0x20)
				return 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth < 0)
				return 0;
		}
	}
	return depth == 0 && !in_str;
}

int main(void)
{
	static struct gs_rec r;
	char big[6000];
	size_t len;
	int i;

	gs_rec_begin(&r, "dlopen");
	gs_rec_str(&r, "name", "a\"b\\c\n\x1b[31m");
	gs_rec_str(&r, "bad", "\xff\xfe ok \xc3\xa9");
	gs_rec_null(&r, "none");
	gs_rec_bool(&r, "ok", 1);
	gs_rec_int(&r, "neg", -5);
	len = gs_rec_finish(&r, 3);
	ok(valid_shape(r.buf, len), "small record is well formed");
	ok(strstr(r.buf, "\"name\":\"a\\\"b\\\\c\\u000a\\u001b[31m\"") != NULL,
	   "quotes, backslashes and control bytes are escaped");
	ok(strstr(r.buf, "\"bad\":\"\\uf7ff\\uf7fe ok \xc3\xa9\"") != NULL,
	   "invalid UTF-8 becomes \\uf7XX, valid UTF-8 stays");
	ok(strstr(r.buf, "\"drops\":3") != NULL, "pending drops are reported");
	ok(strstr(r.buf, "\"trunc\"") == NULL, "a record that fits is not marked");

	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	gs_rec_begin(&r, "lib");
	gs_rec_str(&r, "path", big);
	gs_rec_int(&r, "after", 7);
	len = gs_rec_finish(&r, 0);
	ok(len <= GS_RECORD_MAX, "an over-long string is cut to the bound");
	ok(valid_shape(r.buf, len), "a cut record is still well formed");
	ok(strstr(r.buf, "\"trunc\":true") != NULL, "a cut record says so");

	gs_rec_begin(&r, "call");
	gs_rec_open(&r, "stack", '[');
	for (i = 0; i < 500; i++) {
		struct gs_rec_mark m = gs_rec_mark(&r);
		gs_rec_open(&r, NULL, '[');
		gs_rec_str(&r, NULL, "/usr/local/cuda/lib64/libcudnn_engines_precompiled.so.9");
		gs_rec_int(&r, NULL, 123456);
		gs_rec_str(&r, NULL, "cudnnCreate");
		gs_rec_close(&r);
		if (gs_rec_full(&r)) {
			gs_rec_rollback(&r, m);
			break;
		}
	}
	gs_rec_close(&r);
	gs_rec_bool(&r, "stack_trunc", 1);
	len = gs_rec_finish(&r, 0);
	ok(i < 500 && len <= GS_RECORD_MAX, "frames stop at the bound");
	ok(valid_shape(r.buf, len), "frames are whole: no half frame after a cut");

	gs_rec_begin(&r, "x");
	for (i = 0; i < GS_REC_NEST + 3; i++)
		gs_rec_open(&r, "k", '{');
	for (i = 0; i < GS_REC_NEST + 3; i++)
		gs_rec_close(&r);
	gs_rec_int(&r, "tail", 1);
	len = gs_rec_finish(&r, 0);
	ok(valid_shape(r.buf, len), "nesting past the limit stays balanced");

	printf("1..%d\n", n);
	return failed != 0;
}
