#include <string.h>
#include <time.h>

#include "proc.h"
#include "record.h"

/* Room kept back for ',"drops":N,"trunc":true' plus closers and "\n". */
#define TAIL_RESERVE 64

static int room(struct gs_rec *r, size_t n)
{
	if (r->len + n <= r->limit)
		return 1;
	r->trunc = 1;
	r->limit = r->len; /* once full, stay full: no half units after a cut */
	return 0;
}

static void put(struct gs_rec *r, const char *s, size_t n)
{
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

/* Writes ',"k":' only if NEED more bytes of value fit after it, so a key
 * never stands without its value. */
static int key(struct gs_rec *r, const char *k, size_t need)
{
	size_t kl = k ? strlen(k) + 3 : 0;

	if (!room(r, kl + (r->need_comma ? 1 : 0) + need))
		return 0;
	if (r->need_comma)
		put(r, ",", 1);
	if (k) {
		put(r, "\"", 1);
		put(r, k, kl - 3);
		put(r, "\":", 2);
	}
	r->need_comma = 1;
	return 1;
}

/* Decimal digits of VAL, written backwards from END; returns the start.
 * Records are full of numbers: stdio's formatting cost showed per record. */
static char *decimal(char *end, long long val)
{
	unsigned long long u = val < 0 ? 0ULL - (unsigned long long)val : (unsigned long long)val;

	do
		*--end = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (val < 0)
		*--end = '-';
	return end;
}

/* Unchecked: the header and the tail are within the reserved room. */
static void put_lit(struct gs_rec *r, const char *s)
{
	put(r, s, strlen(s));
}

static void put_num(struct gs_rec *r, long long val)
{
	char num[24];
	char *p = decimal(num + sizeof num, val);

	put(r, p, (size_t)(num + sizeof num - p));
}

void gs_rec_begin(struct gs_rec *r, const char *type)
{
	struct timespec ts;

	if (strcmp(type, "hello") != 0 && strcmp(type, "bye") != 0)
		gs_proc_hello_once(); /* the hello takes seq 1 */
	clock_gettime(CLOCK_REALTIME, &ts);
	r->seq = gs_proc_next_seq();
	r->len = 0;
	put_lit(r, "{\"v\":");
	put_num(r, GS_FORMAT_VERSION);
	put_lit(r, ",\"type\":\"");
	put_lit(r, type);
	put_lit(r, "\",\"pid\":");
	put_num(r, gs_proc_pid());
	if (gs_proc_pidns() > 0) {
		put_lit(r, ",\"pidns\":");
		put_num(r, gs_proc_pidns());
	}
	put_lit(r, ",\"seq\":");
	put_num(r, r->seq);
	put_lit(r, ",\"ts\":");
	put_num(r, (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	put_lit(r, ",\"tid\":");
	put_num(r, gs_proc_tid());
	r->limit = GS_RECORD_MAX - TAIL_RESERVE - GS_REC_NEST;
	r->depth = 0;
	r->phantom = 0;
	r->need_comma = 1;
	r->trunc = 0;
}

/* JSON string body. A byte that is not part of valid UTF-8 (a path can hold
 * any byte) becomes U+F7XX, XX the byte: a private-use code point no path
 * spells, so a reader can give the byte back exactly. */
static void put_escaped(struct gs_rec *r, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		char e[8];
		size_t el;

		if (c >= 0x80) {
			size_t k, len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
			for (k = 1; k < len; k++)
				if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
					len = 0;
			if (len == 3 && ((c == 0xe0 && s[i + 1] < 0xa0) || (c == 0xed && s[i + 1] >= 0xa0)))
				len = 0; /* overlong or surrogate */
			if (len == 4 && ((c == 0xf0 && s[i + 1] < 0x90) || (c == 0xf4 && s[i + 1] >= 0x90)))
				len = 0;
			if (len) {
				if (!room(r, len + 1))
					return;
				put(r, (const char *)s + i, len);
				i += len;
				continue;
			}
		}
		if (c == '"' || c == '\\') {
			e[0] = '\\'; e[1] = (char)c; el = 2;
		} else if (c < 0x20 || c >= 0x80 || c == 0x7f) {
			e[0] = '\\'; e[1] = 'u';
			e[2] = c >= 0x80 ? 'f' : '0'; e[3] = c >= 0x80 ? '7' : '0';
			e[4] = hex[c >> 4]; e[5] = hex[c & 15]; el = 6;
		} else {
			e[0] = (char)c; el = 1;
		}
		if (!room(r, el + 1))
			return;
		put(r, e, el);
		i++;
	}
}

void gs_rec_strn(struct gs_rec *r, const char *k, const char *val, size_t n)
{
	if (!val) {
		gs_rec_null(r, k);
		return;
	}
	if (!key(r, k, 2))
		return;
	put(r, "\"", 1);
	put_escaped(r, (const unsigned char *)val, n);
	put(r, "\"", 1); /* key() and room() always leave space for this */
}

void gs_rec_str(struct gs_rec *r, const char *k, const char *val)
{
	gs_rec_strn(r, k, val, val ? strlen(val) : 0);
}

void gs_rec_int(struct gs_rec *r, const char *k, long long val)
{
	char num[24];
	char *p = decimal(num + sizeof num, val);
	size_t n = (size_t)(num + sizeof num - p);

	if (key(r, k, n))
		put(r, p, n);
}

void gs_rec_bool(struct gs_rec *r, const char *k, int val)
{
	if (key(r, k, 5))
		put(r, val ? "true" : "false", val ? 4 : 5);
}

void gs_rec_null(struct gs_rec *r, const char *k)
{
	if (key(r, k, 4))
		put(r, "null", 4);
}

void gs_rec_open(struct gs_rec *r, const char *k, char bracket)
{
	if (r->depth >= GS_REC_NEST || !key(r, k, 1)) {
		r->trunc = 1;
		r->phantom++; /* its close must not pop an outer bracket */
		return;
	}
	put(r, &bracket, 1);
	r->close[r->depth++] = bracket == '[' ? ']' : '}';
	r->need_comma = 0;
}

void gs_rec_close(struct gs_rec *r)
{
	if (r->phantom > 0) {
		r->phantom--;
		return;
	}
	if (r->depth == 0)
		return;
	/* Closers were reserved by the limit, so this always fits. */
	r->buf[r->len++] = r->close[--r->depth];
	r->need_comma = 1;
}

struct gs_rec_mark gs_rec_mark(const struct gs_rec *r)
{
	struct gs_rec_mark m = { r->len, r->depth, r->need_comma };
	return m;
}

int gs_rec_full(const struct gs_rec *r)
{
	return r->limit <= r->len;
}

void gs_rec_rollback(struct gs_rec *r, struct gs_rec_mark m)
{
	r->len = m.len;
	r->depth = m.depth;
	r->need_comma = m.need_comma;
}

size_t gs_rec_finish(struct gs_rec *r, long long drops)
{
	r->phantom = 0;
	while (r->depth > 0)
		gs_rec_close(r);
	/* TAIL_RESERVE keeps room for all of this. */
	if (drops > 0) {
		put_lit(r, ",\"drops\":");
		put_num(r, drops);
	}
	if (r->trunc)
		put_lit(r, ",\"trunc\":true");
	put_lit(r, "}\n");
	return r->len;
}

int gs_rec_send(struct gs_rec *r)
{
	return gs_proc_send(r);
}
