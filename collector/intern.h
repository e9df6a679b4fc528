/* A set of byte strings, each stored once. The model keeps every string
 * from the records here: a traced program repeats the same function names,
 * library paths and stack frames in record after record, and one copy of
 * each (in large blocks, not one malloc per string) keeps the collector's
 * memory and allocation per record small. */
#ifndef GS_INTERN_H
#define GS_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct gs_strent {
	uint64_t hash;
	const char *s;          /* NUL-terminated copy, owned by the table */
	size_t len;
	void *val;              /* the caller's, NULL when the entry is new */
};

struct gs_strblk;

struct gs_strtab {
	struct gs_strent *tab;  /* open addressing; cap is a power of two */
	size_t cap, n;
	struct gs_strblk *blk;  /* storage for the strings, newest first */
	uint64_t seed;          /* per table: records are untrusted, so their
				   strings cannot be chosen to collide */
};

/* The entry for S[0..LEN), added (with val NULL) when new; NULL on ENOMEM.
 * The pointer is valid until the next call on T; e->s stays valid until
 * gs_strtab_free. A zeroed table is empty and ready. */
struct gs_strent *gs_strtab_get(struct gs_strtab *t, const void *s, size_t len);
/* S[0..LEN) stored once: the table's copy (8-byte aligned, NUL after it),
 * NULL on ENOMEM. */
const char *gs_intern(struct gs_strtab *t, const char *s, size_t len);
/* Frees the strings (and each val through FREE_VAL unless it is NULL). */
void gs_strtab_free(struct gs_strtab *t, void (*free_val)(void *));

#endif
