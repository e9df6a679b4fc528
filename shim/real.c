/* Bootstrapping the real dl functions.
 *
 * The shim exports dlsym and dlvsym itself, so any call the shim makes to
 * "dlsym" binds to its own export. Instead we read libc's dynamic symbol
 * table (already mapped, no file I/O) for the default-version dlsym, and
 * ask that for RTLD_NEXT of everything else: "next after the shim" is then
 * libc, or another interposer loaded after us, as it should be. */
#include <elf.h>
#include <link.h>
#include <stddef.h>
#include <stdint.h>

#include "ident.h"
#include "real.h"

struct gs_real gs_real;

/* Bootstrapping runs inside the first dl call that reaches the shim, which
 * can be another preload's own start-up: AddressSanitizer's runtime, when
 * preloaded first, looks up its real functions with dlsym(RTLD_NEXT) before
 * its interceptors work, and every libc string function the shim calls then
 * lands in an interceptor that jumps to nothing. So this file calls no libc
 * function: the loaded objects come from the dynamic linker's own list
 * (_r_debug), names are compared here. */
static const char *base_name(const char *path)
{
	const char *b = path;

	for (; *path; path++)
		if (*path == '/')
			b = path + 1;
	return b;
}

/* GNU hash lookup (what ld.so does): a few probes instead of a scan of
 * the ~3000 symbols of libc. Every version of the name is looked at; the
 * default one is the one without the hidden bit. */
static void *gnu_hash_find(ElfW(Addr) base, const ElfW(Dyn) *dyn, const char *name)
{
	const ElfW(Sym) *symtab = NULL;
	const ElfW(Half) *versym = NULL;
	const uint32_t *gh = NULL;
	const char *strtab = NULL;
	uint32_t h = 5381, nbuckets, symoffset, bloom_size, idx;
	const uint32_t *buckets, *chain;
	const unsigned char *c;

	for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
		if (dyn->d_tag == DT_SYMTAB)
			symtab = (const void *)gs_elf_ptr(dyn->d_un.d_ptr, base);
		else if (dyn->d_tag == DT_STRTAB)
			strtab = (const char *)gs_elf_ptr(dyn->d_un.d_ptr, base);
		else if (dyn->d_tag == DT_VERSYM)
			versym = (const void *)gs_elf_ptr(dyn->d_un.d_ptr, base);
		else if (dyn->d_tag == DT_GNU_HASH)
			gh = (const void *)gs_elf_ptr(dyn->d_un.d_ptr, base);
	}
	if (!symtab || !strtab || !gh)
		return NULL;
	for (c = (const unsigned char *)name; *c; c++)
		h = h * 33 + *c;
	nbuckets = gh[0];
	symoffset = gh[1];
	bloom_size = gh[2];
	buckets = gh + 4 + bloom_size * (sizeof(ElfW(Addr)) / 4);
	chain = buckets + nbuckets;
	if (nbuckets == 0 || (idx = buckets[h % nbuckets]) < symoffset)
		return NULL;
	for (;; idx++) {
		uint32_t ch = chain[idx - symoffset];
		const ElfW(Sym) *sym = &symtab[idx];

		if ((ch | 1) == (h | 1) && gs_streq(strtab + sym->st_name, name) &&
		    sym->st_shndx != SHN_UNDEF && !(versym && (versym[idx] & 0x8000)))
			return (void *)(base + sym->st_value);
		if (ch & 1)
			return NULL;
	}
}

/* The dynamic linker's list of loaded objects. Weak: a strong reference
 * would make the shim need ld-linux.so by name, and the shim needs nothing
 * but libc (ld.so, present in every dynamic process, answers it anyway). */
extern struct r_debug gs_r_debug_ref __asm__("_r_debug") __attribute__((weak));

/* SYM as the loaded object named SONAME defines it (base namespace). */
static void *elf_lookup(const char *soname, const char *sym)
{
	const struct link_map *l;

	if (!&gs_r_debug_ref)
		return NULL;
	for (l = gs_r_debug_ref.r_map; l; l = l->l_next)
		if (l->l_name && gs_streq(base_name(l->l_name), soname))
			return gnu_hash_find(l->l_addr, l->l_ld, sym);
	return NULL;
}

void *gs_real_next(const char *name)
{
	return gs_real.dlsym ? gs_real.dlsym(RTLD_NEXT, name) : NULL;
}

/* libc's default version of NAME (libdl's before glibc 2.34), else NEXT. */
static void *own(const char *name, void *next)
{
	void *f = elf_lookup("libc.so.6", name);

	if (!f)
		f = elf_lookup("libdl.so.2", name);
	return f ? f : next;
}

int gs_real_init(void)
{
	void *(*libc_dlsym)(void *, const char *);

	/* dladdr1 is stored last, with release order: set means all are set. */
	if (__atomic_load_n(&gs_real.dladdr1, __ATOMIC_ACQUIRE))
		return 0;
	/* glibc >= 2.34 has dlsym in libc.so.6, older ones in libdl.so.2. */
	libc_dlsym = elf_lookup("libc.so.6", "dlsym");
	if (!libc_dlsym)
		libc_dlsym = elf_lookup("libdl.so.2", "dlsym");
	if (!libc_dlsym)
		return -1;
	/* Every lookup through libc's own dlsym, called from here: another
	 * interposer's dlsym (the next one, perhaps) may itself call dlvsym,
	 * which comes back into this shim before it knows where to go. */
	gs_real.dlvsym = libc_dlsym(RTLD_NEXT, "dlvsym");
	gs_real.dlsym = libc_dlsym(RTLD_NEXT, "dlsym");
	if (!gs_real.dlsym)
		gs_real.dlsym = libc_dlsym;
	gs_real.dlopen = libc_dlsym(RTLD_NEXT, "dlopen");
	gs_real.dlmopen = libc_dlsym(RTLD_NEXT, "dlmopen");
	gs_real.dlclose = libc_dlsym(RTLD_NEXT, "dlclose");
	gs_real.dlerror = libc_dlsym(RTLD_NEXT, "dlerror");
	gs_real.dlinfo = libc_dlsym(RTLD_NEXT, "dlinfo");
	gs_real.own_dlopen = own("dlopen", (void *)gs_real.dlopen);
	gs_real.own_dlmopen = own("dlmopen", (void *)gs_real.dlmopen);
	gs_real.own_dlclose = own("dlclose", (void *)gs_real.dlclose);
	gs_real.find_object = elf_lookup("libc.so.6", "_dl_find_object");
	__atomic_store_n(&gs_real.dladdr1, libc_dlsym(RTLD_NEXT, "dladdr1"), __ATOMIC_RELEASE);
	return gs_real.dlvsym && gs_real.dlopen && gs_real.dlmopen && gs_real.dlclose &&
	       gs_real.dlerror && gs_real.dlinfo && gs_real.dladdr1 ? 0 : -1;
}

void *gs_handle_of(struct link_map *l)
{
	Lmid_t ns = LM_ID_BASE;
	void *h;

	if (!l->l_name || !l->l_name[0])
		return l; /* the program: its search list always exists */
	/* By name within the object's own namespace: another namespace
	 * (dlmopen) may hold a different file of the same name. */
	gs_real.dlinfo(l, RTLD_DI_LMID, &ns);
	h = ns == LM_ID_BASE ? gs_real.own_dlopen(l->l_name, RTLD_LAZY | RTLD_NOLOAD)
			     : gs_real.own_dlmopen(ns, l->l_name, RTLD_LAZY | RTLD_NOLOAD);
	if (h)
		gs_real.own_dlclose(h);
	return h;
}

void *gs_object_of(const void *addr)
{
	struct dl_find_object fo;
	Dl_info info;
	void *map = NULL;

	if (gs_real.find_object)
		return gs_real.find_object((void *)(uintptr_t)addr, &fo) == 0 ? fo.dlfo_link_map
									  : NULL;
	if (!gs_real.dladdr1 || !gs_real.dladdr1(addr, &info, &map, RTLD_DL_LINKMAP))
		return NULL;
	return map;
}
