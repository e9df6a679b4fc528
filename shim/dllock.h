/* The shim's walks of the loaded objects (dl_iterate_phdr, and libunwind's
 * backtrace, which does the same) hold glibc's loader write-lock. A fork
 * from another thread in that moment would leave the lock held in the child
 * for good, and the child's first event would hang. So these walks take a
 * read lock that the fork handlers take for writing around fork(). */
#ifndef GS_DLLOCK_H
#define GS_DLLOCK_H

#include <link.h>

int gs_dl_iterate(int (*cb)(struct dl_phdr_info *, size_t, void *), void *data);
void gs_dl_rdlock(void);
void gs_dl_unlock(void);
/* Registers the fork handlers; called once at start-up. */
void gs_dllock_init(void);

#endif
