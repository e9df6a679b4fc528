/* The definition of a hooked function that a caller would have bound to
 * without the shim (design §3, "A stub's next depends on who called it"). */
#ifndef GS_NEXTDEF_H
#define GS_NEXTDEF_H

/* What an exported stub reached from SITE (a return address) forwards to:
 * *REAL is the definition the calling object would have bound to, NULL
 * when it has none; *SLOT is the bound slot (gs_hook_slot) that stands for
 * that copy, or -1. Cached per (hook, calling object). */
void gs_next_for(int idx, const void *site, void **real, int *slot);
/* The first definition after the shim in the global scope, or NULL. */
void *gs_next_global(int idx);
/* The definition IDX's name has for the object MAP (a struct link_map *):
 * the global scope after the shim, then MAP's own search list (the object
 * and its dependencies, in its namespace). NULL when there is none. */
void *gs_next_for_map(int idx, void *map);
void gs_next_after_fork(void);

#endif
