/* Library identities: which file, which version, which build. Each watched
 * object gets a per-process id and one "lib" record; events refer to ids. */
#ifndef GS_IDENT_H
#define GS_IDENT_H

#include <link.h>

/* Id of the object behind a dlopen handle (a struct link_map *), sending its
 * "lib" record first if needed. 0 when it is not a library (the program). */
int gs_ident_handle(void *handle, const char *origin);
/* Id of the object that contains ADDR (code or data), or 0. */
int gs_ident_addr(const void *addr, const char *origin);
/* Records watched objects that appeared since the last scan; their ids go
 * to IDS (at most MAX). Returns how many. Cheap when nothing was loaded. */
int gs_ident_scan(const char *origin, int *ids, int max);
/* fork child (re-initialises the lock) / new image after a failed exec. */
void gs_ident_after_fork(void);
void gs_ident_restart(void);

/* Reading the loaded image (no file I/O): elfinfo.c. */
ElfW(Addr) gs_elf_ptr(ElfW(Addr) p, ElfW(Addr) base);
const ElfW(Dyn) *gs_elf_dynamic(const struct dl_phdr_info *info);
const char *gs_elf_strtab(const struct dl_phdr_info *info, const ElfW(Dyn) *dyn);
const char *gs_elf_soname(const struct dl_phdr_info *info);
/* The same from a dynamic section and load base (a link map's l_ld, l_addr). */
const char *gs_elf_dyn_soname(const ElfW(Dyn) *dyn, ElfW(Addr) base);
int gs_elf_build_id(const struct dl_phdr_info *info, char *hex, size_t size);

#endif
