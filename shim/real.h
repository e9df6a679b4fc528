/* The functions the shim wraps, as the next object in the lookup order
 * (normally libc) provides them. */
#ifndef GS_REAL_H
#define GS_REAL_H

#include <dlfcn.h>

struct gs_real {
	void *(*dlopen)(const char *, int);
	void *(*dlmopen)(Lmid_t, const char *, int);
	void *(*dlsym)(void *, const char *);
	void *(*dlvsym)(void *, const char *, const char *);
	int (*dlclose)(void *);
	char *(*dlerror)(void);
	int (*dlinfo)(void *, int, void *);
	int (*dladdr1)(const void *, Dl_info *, void **, int);
	/* libc's own, for the shim's own calls (a NOLOAD lookup): another
	 * interposer after the shim must not see those, as it would not
	 * without the shim. Fall back to the ones above. */
	void *(*own_dlopen)(const char *, int);
	void *(*own_dlmopen)(Lmid_t, const char *, int);
	int (*own_dlclose)(void *);
	/* glibc >= 2.35's _dl_find_object, looked up at run time so that the
	 * shim still loads on older glibc; NULL there. */
	int (*find_object)(void *, struct dl_find_object *);
};

extern struct gs_real gs_real;

/* String equality without libc: the bootstrap and the hook lookup run in
 * dl calls made while another preload starts up, before its interceptors
 * of libc's string functions work (real.c). */
static inline int gs_streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Fills gs_real; safe to call more than once and from any hook. Returns 0
 * when every pointer is set. */
int gs_real_init(void);
/* A handle dlsym can search for a loaded object. A struct link_map of a
 * library loaded at start-up is not one (glibc sets up its search list only
 * when it is dlopen'ed), so ask glibc for one with RTLD_NOLOAD and give the
 * reference straight back: the object stays loaded either way. */
struct link_map;
void *gs_handle_of(struct link_map *l);
/* The loaded object (struct link_map *) that holds ADDR, or NULL. */
void *gs_object_of(const void *addr);
/* The next definition of NAME after the shim (dlsym(RTLD_NEXT) as the shim). */
void *gs_real_next(const char *name);

#endif
