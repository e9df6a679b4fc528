/* Facts read from an object's image as mapped: SONAME and GNU build-id. */
#include <elf.h>
#include <link.h>
#include <string.h>

#include "ident.h"

ElfW(Addr) gs_elf_ptr(ElfW(Addr) p, ElfW(Addr) base)
{
	/* glibc relocates dynamic entries in place, except for the vDSO. */
	return p < base ? p + base : p;
}

const ElfW(Dyn) *gs_elf_dynamic(const struct dl_phdr_info *info)
{
	ElfW(Half) i;

	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
			return (const void *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
	return NULL;
}

const char *gs_elf_strtab(const struct dl_phdr_info *info, const ElfW(Dyn) *dyn)
{
	for (; dyn && dyn->d_tag != DT_NULL; dyn++)
		if (dyn->d_tag == DT_STRTAB)
			return (const char *)gs_elf_ptr(dyn->d_un.d_ptr, info->dlpi_addr);
	return NULL;
}

const char *gs_elf_dyn_soname(const ElfW(Dyn) *dyn, ElfW(Addr) base)
{
	const ElfW(Dyn) *d;
	const char *strtab = NULL;

	for (d = dyn; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_STRTAB)
			strtab = (const char *)gs_elf_ptr(d->d_un.d_ptr, base);
	for (d = dyn; strtab && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_SONAME)
			return strtab + d->d_un.d_val;
	return NULL;
}

const char *gs_elf_soname(const struct dl_phdr_info *info)
{
	return gs_elf_dyn_soname(gs_elf_dynamic(info), info->dlpi_addr);
}

int gs_elf_build_id(const struct dl_phdr_info *info, char *hex, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	ElfW(Half) i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const char *p, *end;
		size_t align = ph->p_align == 8 ? 8 : 4;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const void *)p;
			const char *name = p + sizeof *n;
			const unsigned char *desc =
				(const void *)(name + ((n->n_namesz + align - 1) & ~(align - 1)));
			const char *next = (const char *)desc + ((n->n_descsz + align - 1) & ~(align - 1));

			if (next > end || next <= p)
				break;
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0 && (size_t)n->n_descsz * 2 < size) {
				ElfW(Word) k;
				for (k = 0; k < n->n_descsz; k++) {
					hex[(size_t)2 * k] = digits[desc[k] >> 4];
					hex[(size_t)2 * k + 1] = digits[desc[k] & 15];
				}
				hex[(size_t)2 * n->n_descsz] = '\0';
				return 0;
			}
			p = next;
		}
	}
	return -1;
}
