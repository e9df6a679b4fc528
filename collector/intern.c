/* The string set (intern.h): an open-addressing hash table over strings
 * copied into 64 KiB blocks. */
#include "intern.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#define BLK_SIZE ((size_t)64 * 1024)
#define ALIGN 8 /* copies can be arrays of pointers (stacks), too */
#define K1 0x9e3779b97f4a7c15ULL
#define K2 0xff51afd7ed558ccdULL

struct gs_strblk {
	struct gs_strblk *next;
	size_t used, cap;
	_Alignas(ALIGN) char data[];
};

static uint64_t fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= K2;
	h ^= h >> 33;
	return h;
}

/* Eight bytes a step; seeded per table (as jansson seeds its own), so
 * which strings collide differs from run to run. */
static uint64_t hash(const unsigned char *p, size_t n, uint64_t seed)
{
	uint64_t h = seed ^ (n * K1), w;
	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ fmix(w * K1)) * K1;
	}
	w = 0;
	memcpy(&w, p, n);
	return fmix((h ^ fmix(w * K2 + n)) * K1);
}

static uint64_t new_seed(void)
{
	uint64_t s;
	if (getrandom(&s, sizeof s, GRND_NONBLOCK) == (ssize_t)sizeof s)
		return s;
	return (uint64_t)time(NULL) * K1 ^ (uint64_t)(uintptr_t)&s;
}

static char *store(struct gs_strtab *t, const void *s, size_t len)
{
	struct gs_strblk *b = t->blk;
	size_t need = (len + 1 + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!b || b->cap - b->used < need) { /* cap and used: multiples of ALIGN */
		size_t cap = need > BLK_SIZE ? need : BLK_SIZE;
		if (!(b = malloc(sizeof *b + cap)))
			return NULL;
		b->used = 0;
		b->cap = cap;
		b->next = t->blk;
		t->blk = b;
	}
	char *d = b->data + b->used;
	memcpy(d, s, len);
	d[len] = '\0';
	b->used += need;
	return d;
}

static int grow(struct gs_strtab *t)
{
	size_t cap = t->cap ? t->cap * 2 : 256;
	struct gs_strent *nt = calloc(cap, sizeof *nt);
	if (!nt)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		const struct gs_strent *e = &t->tab[i];
		if (!e->s)
			continue;
		size_t j = (size_t)e->hash & (cap - 1);
		while (nt[j].s)
			j = (j + 1) & (cap - 1);
		nt[j] = *e;
	}
	free(t->tab);
	t->tab = nt;
	t->cap = cap;
	return 0;
}

struct gs_strent *gs_strtab_get(struct gs_strtab *t, const void *s, size_t len)
{
	if (!t->cap)
		t->seed = new_seed();
	if ((t->n + 1) * 2 > t->cap && grow(t) < 0)
		return NULL;
	uint64_t h = hash(s, len, t->seed);
	size_t j = (size_t)h & (t->cap - 1);
	for (;; j = (j + 1) & (t->cap - 1)) {
		struct gs_strent *e = &t->tab[j];
		if (!e->s)
			break;
		if (e->hash == h && e->len == len && !memcmp(e->s, s, len))
			return e;
	}
	struct gs_strent *e = &t->tab[j];
	if (!(e->s = store(t, s, len)))
		return NULL;
	e->hash = h;
	e->len = len;
	e->val = NULL;
	t->n++;
	return e;
}

const char *gs_intern(struct gs_strtab *t, const char *s, size_t len)
{
	const struct gs_strent *e = gs_strtab_get(t, s, len);
	return e ? e->s : NULL;
}

void gs_strtab_free(struct gs_strtab *t, void (*free_val)(void *))
{
	for (size_t i = 0; free_val && i < t->cap; i++)
		if (t->tab[i].s && t->tab[i].val)
			free_val(t->tab[i].val);
	free(t->tab);
	while (t->blk) {
		struct gs_strblk *b = t->blk;
		t->blk = b->next;
		free(b);
	}
	memset(t, 0, sizeof *t);
}
