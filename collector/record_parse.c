/* Record lines into value trees (record_parse.h). yajl does the lexing,
 * escapes and grammar; the rules where jansson, the reference, is stricter
 * than yajl are checked by the byte scan before the parse (record_scan.c:
 * UTF-8, raw control bytes, \u escapes) and by the callbacks here
 * (duplicate keys, depth, top level, number ranges). */
#include "record_parse.h"
#include "record_scan.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

static int fail(struct gs_jdoc *r, const char *why)
{
	if (!r->err)
		r->err = why;
	return 0; /* a callback's 0 stops yajl */
}

static uint32_t key_hash(const unsigned char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	return h;
}

static const char *save_text(struct gs_jdoc *r, const unsigned char *s, size_t n)
{
	if (n >= sizeof r->text - r->tlen)
		return NULL;
	char *d = r->text + r->tlen;
	memcpy(d, s, n);
	d[n] = '\0';
	r->tlen += n + 1;
	return d;
}

/* A new value in the current container, NULL (parse stopped) when it
 * cannot be one. */
static struct gs_jv *add(struct gs_jdoc *r, enum gs_jtype type)
{
	if (r->depth == 0 && type != GS_J_OBJ && type != GS_J_ARR) {
		fail(r, "'[' or '{' expected");
		return NULL;
	}
	if (r->n == GS_REC_VALUES) {
		fail(r, "too many values");
		return NULL;
	}
	struct gs_jv *v = &r->v[r->n];
	memset(v, 0, sizeof *v);
	v->type = (uint8_t)type;
	v->next = ++r->n;
	if (r->depth && r->v[r->open[r->depth - 1]].type == GS_J_OBJ) {
		v->key = r->key;
		v->klen = r->klen;
		v->khash = r->khash;
	}
	return v;
}

static int on_null(void *ctx)
{
	return add(ctx, GS_J_NULL) != NULL;
}

static int on_bool(void *ctx, int b)
{
	struct gs_jv *v = add(ctx, GS_J_BOOL);
	if (v)
		v->b = b != 0;
	return v != NULL;
}

/* The number's text, converted as jansson does: an integer unless it has
 * a fraction or exponent; out of range is an error (underflow is not). */
static int on_number(void *ctx, const char *s, size_t n)
{
	struct gs_jdoc *r = ctx;
	/* yajl passes only JSON's grammar: -?digits, then maybe . or e/E */
	bool neg = n && s[0] == '-', real = false;
	unsigned long long u = 0, max = neg ? 1ULL << 63 : (1ULL << 63) - 1;
	bool range = true;
	for (size_t i = neg; i < n && !real; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			real = true;
		else if (u > (max - d) / 10)
			range = false;
		else
			u = u * 10 + d;
	}
	struct gs_jv *v = add(r, real ? GS_J_REAL : GS_J_INT);
	if (!v)
		return 0;
	if (!real) {
		if (!range)
			return fail(r, "too big integer");
		v->u.i = neg ? (long long)(0 - u) : (long long)u;
		return 1;
	}
	if (n >= sizeof r->num)
		return fail(r, "number too long");
	memcpy(r->num, s, n);
	r->num[n] = '\0';
	errno = 0;
	v->u.d = strtod(r->num, NULL);
	if (errno == ERANGE && isinf(v->u.d))
		return fail(r, "real number overflow");
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
	struct gs_jdoc *r = ctx;
	struct gs_jv *v = add(r, GS_J_STR);
	if (!v)
		return 0;
	if (!(v->u.s = save_text(r, s, n)))
		return fail(r, "too much text");
	v->slen = (uint32_t)n;
	return 1;
}

static int on_key(void *ctx, const unsigned char *s, size_t n)
{
	struct gs_jdoc *r = ctx;
	uint32_t o = r->open[r->depth - 1], h = key_hash(s, n);
	uint64_t bit = 1ULL << (h & 63), *seen = &r->keybits[r->depth - 1];
	/* a key whose bit is new cannot be a repeat: most are not searched */
	for (uint32_t c = o + 1; (*seen & bit) && c < r->n; c = r->v[c].next) {
		const struct gs_jv *m = &r->v[c];
		if (m->khash == h && m->klen == n && !memcmp(m->key, s, n))
			return fail(r, "duplicate object key");
	}
	*seen |= bit;
	if (!(r->key = save_text(r, s, n)))
		return fail(r, "too much text");
	r->klen = (uint32_t)n;
	r->khash = h;
	return 1;
}

static int open_container(struct gs_jdoc *r, enum gs_jtype type)
{
	if (r->depth == GS_JSON_MAX_DEPTH)
		return fail(r, "maximum parsing depth reached");
	if (!add(r, type))
		return 0;
	r->keybits[r->depth] = 0;
	r->open[r->depth++] = r->n - 1;
	return 1;
}

static int close_container(void *ctx)
{
	struct gs_jdoc *r = ctx;
	r->v[r->open[--r->depth]].next = r->n;
	return 1;
}

static int on_start_map(void *ctx)
{
	return open_container(ctx, GS_J_OBJ);
}

static int on_start_array(void *ctx)
{
	return open_container(ctx, GS_J_ARR);
}

static const yajl_callbacks callbacks = {
	.yajl_null = on_null,
	.yajl_boolean = on_bool,
	.yajl_number = on_number,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_key,
	.yajl_end_map = close_container,
	.yajl_start_array = on_start_array,
	.yajl_end_array = close_container,
};

/* yajl's allocator: from R->heap while it lasts (a line needs a few KiB),
 * else malloc. yajl frees what it took when the handle goes, so only what
 * came from malloc needs freeing; the heap is reset per line. Each block
 * has its size in front, for realloc. Sanitizer builds take everything
 * from malloc, so that AddressSanitizer sees yajl's buffers too. */
#define HDR 16
#if defined(__SANITIZE_ADDRESS__)
#define USE_HEAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define USE_HEAP 0
#endif
#endif
#ifndef USE_HEAP
#define USE_HEAP 1
#endif

static bool in_heap(const struct gs_jdoc *r, const void *p)
{
	return (const unsigned char *)p >= r->heap &&
	       (const unsigned char *)p < r->heap + sizeof r->heap;
}

/* N bytes from the heap, with room for the header; 0 if they cannot be. */
static size_t heap_need(const struct gs_jdoc *r, size_t at, size_t n)
{
	if (!USE_HEAP || n > sizeof r->heap)
		return 0;
	size_t need = HDR + ((n + 15) & ~(size_t)15);
	return need <= sizeof r->heap - at ? need : 0;
}

static void *y_malloc(void *ctx, size_t n)
{
	struct gs_jdoc *r = ctx;
	size_t need = heap_need(r, r->heap_used, n);
	if (!need)
		return malloc(n);
	unsigned char *b = r->heap + r->heap_used;
	memcpy(b, &n, sizeof n);
	r->heap_last = r->heap_used;
	r->heap_used += need;
	return b + HDR;
}

static void *y_realloc(void *ctx, void *p, size_t n)
{
	struct gs_jdoc *r = ctx;
	if (!p)
		return y_malloc(ctx, n);
	if (!in_heap(r, p))
		return realloc(p, n);
	unsigned char *b = (unsigned char *)p - HDR;
	size_t old, at = (size_t)(b - r->heap), need = heap_need(r, at, n);
	memcpy(&old, b, sizeof old);
	if (at == r->heap_last && need) {
		memcpy(b, &n, sizeof n); /* the newest block grows in place */
		r->heap_used = at + need;
		return p;
	}
	void *q = y_malloc(ctx, n);
	if (q)
		memcpy(q, p, old < n ? old : n);
	return q;
}

static void y_free(void *ctx, void *p)
{
	if (!in_heap(ctx, p))
		free(p);
}

/* yajl's message without its trailing newline. */
static void yajl_message(struct gs_jdoc *r, yajl_handle h, const char *line, size_t len)
{
	unsigned char *e = yajl_get_error(h, 0, (const unsigned char *)line, len);
	snprintf(r->errbuf, sizeof r->errbuf, "%s", e ? (const char *)e : "invalid JSON");
	if (e)
		yajl_free_error(h, e);
	r->errbuf[strcspn(r->errbuf, "\n")] = '\0';
	r->err = r->errbuf;
}

int gs_rec_parse(struct gs_jdoc *r, const char *line, size_t len)
{
	r->n = r->depth = 0;
	r->tlen = 0;
	r->err = NULL;
	if (len >= GS_RECORD_MAX) {
		r->err = "line too long";
		return -1;
	}
	if ((r->err = gs_rec_scan(line, len, r->errbuf, sizeof r->errbuf)))
		return -1;
	yajl_alloc_funcs af = { y_malloc, y_realloc, y_free, r };
	r->heap_used = r->heap_last = 0;
	yajl_handle h = yajl_alloc(&callbacks, &af, r);
	if (!h) {
		r->err = "out of memory";
		return -1;
	}
	/* UTF-8 was checked above, more strictly than yajl would */
	yajl_config(h, yajl_dont_validate_strings, 1);
	yajl_status st = yajl_parse(h, (const unsigned char *)line, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	if (st != yajl_status_ok && !r->err)
		yajl_message(r, h, line, len);
	yajl_free(h);
	if (!r->err && (r->n == 0 || r->depth))
		r->err = "incomplete JSON"; /* yajl said ok: cannot happen */
	return r->err ? -1 : 0;
}

const struct gs_jv *gs_jv_get(const struct gs_jdoc *r, const struct gs_jv *o, const char *key)
{
	if (o->type != GS_J_OBJ)
		return NULL;
	size_t n = strlen(key);
	uint32_t h = key_hash((const unsigned char *)key, n);
	GS_JV_EACH(r, o, c)
		if (c->khash == h && c->klen == n && !memcmp(c->key, key, n))
			return c;
	return NULL;
}

const struct gs_jv *gs_jv_at(const struct gs_jdoc *r, const struct gs_jv *a, size_t i)
{
	if (a->type != GS_J_ARR)
		return NULL;
	GS_JV_EACH(r, a, c)
		if (i-- == 0)
			return c;
	return NULL;
}
