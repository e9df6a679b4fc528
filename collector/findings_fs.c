/* Looking at this machine's files for the rules that compare what loaded
 * with what else is installed (path-shadowing). Read-only, bounded reads,
 * and every answer is "don't know" on any doubt: a finding must never rest
 * on a guess about another machine's disk. */
#include "findings_rules.h"

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

bool gs_fs_same_machine(const struct gs_lib *l)
{
	struct stat st;
	if (!l || !l->realpath || !l->has_size || !l->has_mtime || stat(l->realpath, &st) != 0)
		return false;
	return (long long)st.st_size == l->size && (long long)st.st_mtime == l->mtime;
}

bool gs_fs_same_file(const char *path, const char *other)
{
	struct stat a, b;
	return path && other && stat(path, &a) == 0 && stat(other, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Maps a whole file read-only; NULL on error or when over LIMIT bytes. */
static const unsigned char *map_file(const char *path, size_t limit, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p = MAP_FAILED;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (size_t)st.st_size <= limit)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

/* glibc's "new" cache format (elf/cache.c, sysdeps/generic/dl-cache.h):
 * a 48-byte header "glibc-ld.so.cache1.1", nlibs, len_strings, ..., then
 * nlibs entries {int32 flags; uint32 key, value, osversion; uint64 hwcap},
 * string offsets relative to the start of the file. x86-64 libc6 entries
 * have flags FLAG_ELF_LIBC6 | FLAG_X8664_LIB64 = 0x0303. */
bool gs_fs_ldcache(const char *soname, char *buf, size_t n)
{
	static const char magic[] = "glibc-ld.so.cache1.1";
	size_t len = 0;
	const unsigned char *c = map_file("/etc/ld.so.cache", 64u << 20, &len);
	bool found = false;
	if (!c)
		return false;
	if (len >= 48 && !memcmp(c, magic, sizeof magic - 1)) {
		uint32_t nlibs;
		memcpy(&nlibs, c + 20, 4);
		for (uint32_t i = 0; i < nlibs && 48 + (size_t)(i + 1) * 24 <= len && !found; i++) {
			const unsigned char *e = c + 48 + (size_t)i * 24;
			int32_t flags;
			uint32_t key, value;
			memcpy(&flags, e, 4);
			memcpy(&key, e + 4, 4);
			memcpy(&value, e + 8, 4);
			if (flags != 0x0303 || key >= len || value >= len)
				continue;
			if (!memchr(c + key, '\0', len - key) || !memchr(c + value, '\0', len - value))
				continue;
			if (!strcmp((const char *)c + key, soname))
				found = (size_t)snprintf(buf, n, "%s", (const char *)c + value) < n;
		}
	}
	munmap((void *)c, len);
	return found;
}

/* File offset of virtual address VA through the PT_LOAD headers. */
static bool va_to_off(const unsigned char *f, size_t len, const Elf64_Ehdr *eh, uint64_t va,
		      uint64_t *off)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		size_t at = eh->e_phoff + (size_t)i * eh->e_phentsize;
		if (at + sizeof ph > len)
			return false;
		memcpy(&ph, f + at, sizeof ph);
		if (ph.p_type == PT_LOAD && va >= ph.p_vaddr && va < ph.p_vaddr + ph.p_filesz) {
			*off = va - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

bool gs_fs_runpath(const char *path, char *buf, size_t n, bool *is_rpath)
{
	size_t len = 0;
	const unsigned char *f = path ? map_file(path, 1u << 30, &len) : NULL;
	Elf64_Ehdr eh;
	bool found = false;
	if (!f)
		return false;
	if (len < sizeof eh || memcmp(f, ELFMAG, SELFMAG) != 0 || f[EI_CLASS] != ELFCLASS64)
		goto out;
	memcpy(&eh, f, sizeof eh);
	if (eh.e_phentsize != sizeof(Elf64_Phdr))
		goto out;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		size_t at = eh.e_phoff + (size_t)i * eh.e_phentsize;
		if (at + sizeof ph > len)
			break;
		memcpy(&ph, f + at, sizeof ph);
		if (ph.p_type != PT_DYNAMIC || ph.p_offset > len || ph.p_filesz > len - ph.p_offset)
			continue;
		uint64_t strtab = 0, runpath = UINT64_MAX, rpath = UINT64_MAX, stroff;
		for (size_t d = 0; d + sizeof(Elf64_Dyn) <= ph.p_filesz; d += sizeof(Elf64_Dyn)) {
			Elf64_Dyn dyn;
			memcpy(&dyn, f + ph.p_offset + d, sizeof dyn);
			if (dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag == DT_STRTAB)
				strtab = dyn.d_un.d_ptr;
			else if (dyn.d_tag == DT_RUNPATH)
				runpath = dyn.d_un.d_val;
			else if (dyn.d_tag == DT_RPATH)
				rpath = dyn.d_un.d_val;
		}
		uint64_t which = runpath != UINT64_MAX ? runpath : rpath;
		if (which == UINT64_MAX || !va_to_off(f, len, &eh, strtab, &stroff) ||
		    stroff + which >= len || !memchr(f + stroff + which, '\0', len - stroff - which))
			break;
		*is_rpath = runpath == UINT64_MAX;
		found = (size_t)snprintf(buf, n, "%s", (const char *)f + stroff + which) < n;
		break;
	}
out:
	munmap((void *)f, len);
	return found;
}
