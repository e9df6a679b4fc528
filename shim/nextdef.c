/* Which definition a stub forwards to.
 *
 * The preload is first in the global scope, so every object that calls a
 * hooked name by symbol binds to the shim's stub. Without the shim glibc
 * would have searched the caller's own scope: the global scope, then, for
 * an object that came in through dlopen(RTLD_LOCAL) (ctypes, Python
 * extension modules, plugin loaders), the local scope of what was opened.
 * dlsym(RTLD_NEXT) from the shim sees only the global part; a plugin whose
 * libcudart is local would get a made-up "not found" code.
 *
 * So the stub asks, per calling object: the global scope after the shim,
 * else a handle on the caller's own object (its search list is the object
 * and its dependencies, in its own namespace). The answer is cached per
 * (hook, calling object) with the unload generation (bumped by every
 * dlclose and in a fork child): the steady path is one _dl_find_object and
 * a seqlocked read, no dl call, no lock, no allocation.
 *
 * The return address names the caller except after a tail call: a
 * plugin's "return cudaGetDeviceCount(c);" is a jump through its PLT, and
 * the return address is in whoever called the plugin (libffi, for ctypes).
 * When that object has no definition, the objects whose GOT holds this stub
 * for the name are the ones that can have jumped here: each is asked in
 * load order, and the first that has a definition gives it. */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "dlerr.h"
#include "gpuhooks.h"
#include "ident.h"
#include "nextdef.h"
#include "real.h"
#include "stack.h"

#define CACHE 512 /* (hook, caller) pairs; a power of two */
#define PROBE 8
#define MAX_BOUND 16 /* objects bound to one stub, asked after a tail call */

#if defined(__x86_64__)
#define R_JUMP_SLOT R_X86_64_JUMP_SLOT
#define R_GLOB_DAT R_X86_64_GLOB_DAT
#elif defined(__aarch64__)
#define R_JUMP_SLOT R_AARCH64_JUMP_SLOT
#define R_GLOB_DAT R_AARCH64_GLOB_DAT
#else
#error "gpushim: relocation types of this architecture are not known (shim/nextdef.c)"
#endif

struct entry {
	unsigned seq;      /* odd while a writer changes the entry */
	int idx;
	const void *map;   /* the calling object */
	void *real;        /* NULL: none (checked again after a load) */
	int slot;
	unsigned gen;      /* gs_stack_generation when resolved */
	unsigned long adds; /* objects loaded so far, for NULL answers */
};

static struct entry cache[CACHE];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* Global answers are kept the same way, per hook. */
static struct { void *real; unsigned gen; } global[GS_N_HOOKS];

static unsigned hash(int idx, const void *map)
{
	uintptr_t h = (uintptr_t)map >> 4;

	h ^= h >> 17;
	return (unsigned)(h * 31 + (unsigned)idx) & (CACHE - 1);
}

static int adds_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	*(unsigned long *)data = info->dlpi_adds;
	return 1;
}

/* How many objects the process has loaded so far: a NULL answer stays
 * true until something new comes in. */
static unsigned long loads_so_far(void)
{
	unsigned long n = 0;

	dl_iterate_phdr(adds_cb, &n);
	return n;
}

void *gs_next_global(int idx)
{
	unsigned g = gs_stack_generation();
	void *p;

	if (__atomic_load_n(&global[idx].gen, __ATOMIC_ACQUIRE) == g &&
	    (p = __atomic_load_n(&global[idx].real, __ATOMIC_RELAXED)) != NULL)
		return p;
	if (!gs_real.dlsym)
		return NULL;
	/* A failed lookup leaves an error behind: not the program's. */
	gs_dlerr_stash();
	p = gs_real.dlsym(RTLD_NEXT, gs_hooks[idx].name);
	gs_dlerr_discard();
	if (gs_hook_is_stub(idx, p))
		p = NULL; /* a second copy of the shim defines nothing real */
	/* Only a found definition is kept: a later dlopen(RTLD_GLOBAL) may
	 * bring the first one. */
	if (p) {
		__atomic_store_n(&global[idx].gen, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&global[idx].real, p, __ATOMIC_RELAXED);
		__atomic_store_n(&global[idx].gen, g, __ATOMIC_RELEASE);
	}
	return p;
}

void *gs_next_for_map(int idx, void *map)
{
	void *p = NULL, *h;
	Lmid_t ns = LM_ID_BASE;

	/* The shim is preloaded into the base namespace only: an object of
	 * another namespace (dlmopen) has a global scope of its own, which
	 * its own search list is part of. */
	if (map)
		gs_real.dlinfo(map, RTLD_DI_LMID, &ns);
	if (ns == LM_ID_BASE && (p = gs_next_global(idx)) != NULL)
		return p;
	if (!map)
		return NULL;
	gs_dlerr_stash();
	h = gs_handle_of(map);
	if (h)
		p = gs_real.dlsym(h, gs_hooks[idx].name);
	gs_dlerr_discard();
	/* The program's own search list holds the preloaded shim. */
	return gs_hook_is_stub(idx, p) ? NULL : p;
}

/* Objects (an address inside each) whose GOT holds STUB for NAME. */
struct bound {
	const char *name;
	const void *stub;
	const void *caller; /* dynamic sections: the object the return address named */
	const void *self;   /* the shim's own */
	int caller_bound;   /* the caller's own GOT holds the stub: no tail call */
	const void *at[MAX_BOUND];
	int n;
};

static int got_holds(const ElfW(Rela) *r, size_t size, const ElfW(Sym) *symtab,
		     const char *strtab, ElfW(Addr) base, const struct bound *b)
{
	size_t i;

	for (i = 0; r && i < size / sizeof *r; i++) {
		unsigned long type = ELF64_R_TYPE(r[i].r_info);
		const ElfW(Sym) *s;

		if (type != R_JUMP_SLOT && type != R_GLOB_DAT)
			continue;
		/* The value first: a load per relocation, a name only on a hit. */
		if (*(void *const *)(base + r[i].r_offset) != b->stub)
			continue;
		s = &symtab[ELF64_R_SYM(r[i].r_info)];
		if (strcmp(strtab + s->st_name, b->name) == 0)
			return 1;
	}
	return 0;
}

static int bound_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct bound *b = data;
	const ElfW(Dyn) *dyn = gs_elf_dynamic(info), *d;
	const ElfW(Rela) *rela = NULL, *jmprel = NULL;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab;
	size_t relasz = 0, pltsz = 0;

	(void)size;
	if (!dyn || (const void *)dyn == b->self || (b->n == MAX_BOUND && (const void *)dyn != b->caller))
		return 0;
	strtab = gs_elf_strtab(info, dyn);
	for (d = dyn; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_RELA)
			rela = (const void *)gs_elf_ptr(d->d_un.d_ptr, info->dlpi_addr);
		else if (d->d_tag == DT_RELASZ)
			relasz = d->d_un.d_val;
		else if (d->d_tag == DT_JMPREL)
			jmprel = (const void *)gs_elf_ptr(d->d_un.d_ptr, info->dlpi_addr);
		else if (d->d_tag == DT_PLTRELSZ)
			pltsz = d->d_un.d_val;
		else if (d->d_tag == DT_SYMTAB)
			symtab = (const void *)gs_elf_ptr(d->d_un.d_ptr, info->dlpi_addr);
	}
	if (!symtab || !strtab)
		return 0;
	if (!got_holds(jmprel, pltsz, symtab, strtab, info->dlpi_addr, b) &&
	    !got_holds(rela, relasz, symtab, strtab, info->dlpi_addr, b))
		return 0;
	if ((const void *)dyn == b->caller)
		b->caller_bound = 1;
	else
		b->at[b->n++] = dyn;
	return 0;
}

/* The definition for a caller that jumped to the stub from its PLT (a tail
 * call), found through the objects bound to the stub. CALLER is the object
 * the return address named, asked already: when its own GOT holds the stub
 * it called the stub itself, and its answer (none) stands. */
static void *by_binding(int idx, const void *caller)
{
	const struct link_map *self = gs_object_of((const void *)by_binding);
	struct bound b = { gs_hooks[idx].name, gs_hook_stub(idx), NULL, NULL, 0, { NULL }, 0 };
	void *p = NULL;
	int i;

	/* The shim's own GOT holds its stubs (their addresses are taken). */
	b.self = self ? self->l_ld : NULL;
	b.caller = caller ? ((const struct link_map *)caller)->l_ld : NULL;
	dl_iterate_phdr(bound_cb, &b);
	if (b.caller_bound)
		return NULL;
	/* Outside the iteration: asking glibc for handles takes its locks. */
	for (i = 0; i < b.n && !p; i++) {
		void *map = gs_object_of(b.at[i]);

		if (map)
			p = gs_next_for_map(idx, map);
	}
	return p;
}

/* A consistent copy of E, or 0 when a writer is changing it. */
static int read_entry(const struct entry *e, struct entry *out)
{
	unsigned s1 = __atomic_load_n(&e->seq, __ATOMIC_ACQUIRE), s2;

	if (s1 & 1)
		return 0;
	out->idx = __atomic_load_n(&e->idx, __ATOMIC_RELAXED);
	out->map = __atomic_load_n(&e->map, __ATOMIC_RELAXED);
	out->real = __atomic_load_n(&e->real, __ATOMIC_RELAXED);
	out->slot = __atomic_load_n(&e->slot, __ATOMIC_RELAXED);
	out->gen = __atomic_load_n(&e->gen, __ATOMIC_RELAXED);
	out->adds = __atomic_load_n(&e->adds, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	s2 = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);
	return s1 == s2;
}

static void write_entry(struct entry *e, const struct entry *in)
{
	unsigned s = __atomic_load_n(&e->seq, __ATOMIC_RELAXED);

	__atomic_store_n(&e->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&e->idx, in->idx, __ATOMIC_RELAXED);
	__atomic_store_n(&e->map, in->map, __ATOMIC_RELAXED);
	__atomic_store_n(&e->real, in->real, __ATOMIC_RELAXED);
	__atomic_store_n(&e->slot, in->slot, __ATOMIC_RELAXED);
	__atomic_store_n(&e->gen, in->gen, __ATOMIC_RELAXED);
	__atomic_store_n(&e->adds, in->adds, __ATOMIC_RELAXED);
	__atomic_store_n(&e->seq, s + 2, __ATOMIC_RELEASE);
}

/* The cached answer for (IDX, MAP) that is still true, or 0. */
static int lookup(int idx, const void *map, unsigned g, struct entry *out)
{
	unsigned h = hash(idx, map), i;

	for (i = 0; i < PROBE; i++) {
		const struct entry *e = &cache[(h + i) & (CACHE - 1)];

		if (!read_entry(e, out) || out->map != map || out->idx != idx)
			continue;
		if (out->gen != g)
			return 0;
		return out->real || out->adds == loads_so_far();
	}
	return 0;
}

/* Keeps IN in the entry of its key, else in a free or stale one; when the
 * probe window is full of live entries the answer is simply not kept. */
static void store(const struct entry *in)
{
	unsigned h = hash(in->idx, in->map), i;
	struct entry *use = NULL;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < PROBE; i++) {
		struct entry *e = &cache[(h + i) & (CACHE - 1)];

		if (e->map == in->map && e->idx == in->idx) {
			use = e;
			break;
		}
		if (!use && (!e->map || e->gen != in->gen))
			use = e;
	}
	if (use)
		write_entry(use, in);
	pthread_mutex_unlock(&cache_lock);
}

void gs_next_for(int idx, const void *site, void **real, int *slot)
{
	unsigned g = gs_stack_generation();
	struct entry e;
	void *map = gs_object_of(site);

	if (map && lookup(idx, map, g, &e)) {
		*real = e.real;
		*slot = e.slot;
		return;
	}
	e.idx = idx;
	e.map = map;
	e.adds = loads_so_far();
	e.gen = g;
	e.real = gs_next_for_map(idx, map);
	if (!e.real)
		e.real = by_binding(idx, map);
	e.slot = e.real ? gs_hook_slot(idx, e.real, "symbol") : -1;
	if (map)
		store(&e);
	*real = e.real;
	*slot = e.slot;
}

void gs_next_after_fork(void)
{
	int i;

	pthread_mutex_init(&cache_lock, NULL);
	/* A writer in another thread may have been half-way: that entry is
	 * made whole again (and stale: the generation moved on at fork). */
	for (i = 0; i < CACHE; i++)
		if (cache[i].seq & 1)
			cache[i].seq++;
}
