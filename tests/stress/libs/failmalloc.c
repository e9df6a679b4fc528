/* libst_failmalloc.so — preloaded after the shim: an allocator that fails
 * on demand (simulated out-of-memory). st_failmalloc_arm(1): every
 * malloc/calloc/realloc/memalign fails with ENOMEM; 2: only those called
 * directly from libgpushim.so's code; 0: none. The real work is glibc's
 * (__libc_malloc and friends). */
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void __libc_free(void *);

static volatile int mode;
static uintptr_t lo, hi; /* the shim's mapped range */

static int find_shim(struct dl_phdr_info *info, size_t size, void *data)
{
	(void)size;
	(void)data;
	if (!info->dlpi_name || !strstr(info->dlpi_name, "libgpushim"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		uintptr_t a = info->dlpi_addr + ph->p_vaddr, b = a + ph->p_memsz;
		if (!lo || a < lo)
			lo = a;
		if (b > hi)
			hi = b;
	}
	return 1;
}

__attribute__((visibility("default"))) void st_failmalloc_arm(int m)
{
	if (m == 2 && !lo)
		dl_iterate_phdr(find_shim, NULL);
	mode = m;
}

static int fail(uintptr_t caller)
{
	if (mode == 1)
		return 1;
	return mode == 2 && caller >= lo && caller < hi;
}

#define CALLER ((uintptr_t)__builtin_return_address(0))

void *malloc(size_t n)
{
	if (fail(CALLER)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t a, size_t b)
{
	if (fail(CALLER)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
	if (fail(CALLER)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

void *memalign(size_t al, size_t n)
{
	if (fail(CALLER)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_memalign(al, n);
}

void *aligned_alloc(size_t al, size_t n)
{
	if (fail(CALLER)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_memalign(al, n);
}

int posix_memalign(void **out, size_t al, size_t n)
{
	if (fail(CALLER))
		return ENOMEM;
	void *p = __libc_memalign(al, n);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

void free(void *p)
{
	__libc_free(p);
}
