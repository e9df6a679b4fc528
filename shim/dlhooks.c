/* The dl layer: dlopen, dlmopen, dlsym, dlvsym (reached through the
 * trampolines in tramp.S), dlclose, dlerror, dlinfo. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "dlerr.h"
#include "fold.h"
#include "gpuhooks.h"
#include "guard.h"
#include "ident.h"
#include "init.h"
#include "nextdef.h"
#include "real.h"
#include "record.h"
#include "resolve.h"
#include "stack.h"
#include "watch.h"

#define EXPORT __attribute__((visibility("default")))
#define MAX_DEPS 32

/* The argument registers as tramp.S saved them (all six are restored,
 * only the first four are ever read or rewritten here). */
struct gs_regs {
	uintptr_t rdi, rsi, rdx, rcx, r8, r9;
};

/* Hidden, called from tramp.S only. */
void *gs_route_dlopen(struct gs_regs *r, void *caller);
void *gs_route_dlmopen(struct gs_regs *r, void *caller);
void *gs_route_dlsym(struct gs_regs *r, void *caller);
void *gs_route_dlvsym(struct gs_regs *r, void *caller);

static long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Load base of the object that contains CALLER: folds lookups per object. */
static const void *gs_caller_base(const void *caller)
{
	Dl_info info;
	void *map;

	return gs_real.dladdr1(caller, &info, &map, 0) ? info.dli_fbase : NULL;
}

static void caller_path(const void *caller, char *buf, size_t size)
{
	Dl_info info;
	void *map;

	buf[0] = '\0';
	if (gs_real.dladdr1(caller, &info, &map, 0) && info.dli_fname)
		snprintf(buf, size, "%s", info.dli_fname[0] ? info.dli_fname : "(program)");
}

/* ---- dlopen / dlmopen ---- */

static void record_open(const char *fn, long lmid, const char *name, int flags,
			const struct gs_resolved *res, void *h, long long dur, const void *caller)
{
	int deps[MAX_DEPS], n_deps = 0, id = 0, code = 0;
	const char *msg = NULL;
	struct gs_rec r;

	if (h) {
		id = gs_ident_handle(h, "dlopen");
		n_deps = gs_ident_scan("dep", deps, MAX_DEPS);
	} else {
		msg = gs_dlerr_take(&code);
	}
	gs_rec_begin(&r, "dlopen");
	gs_rec_str(&r, "fn", fn);
	gs_rec_str(&r, "name", name);
	gs_rec_int(&r, "flags", flags);
	if (lmid >= 0 || lmid < -1)
		gs_rec_int(&r, "lmid", lmid);
	gs_rec_str(&r, "caller", res->caller[0] ? res->caller : NULL);
	gs_rec_bool(&r, "ok", h != NULL);
	if (h) {
		if (id)
			gs_rec_int(&r, "lib", id);
		gs_rec_str(&r, "how", res->how);
		if (n_deps) {
			int i;

			gs_rec_open(&r, "deps", '[');
			for (i = 0; i < n_deps; i++)
				gs_rec_int(&r, NULL, deps[i]);
			gs_rec_close(&r);
		}
	} else {
		gs_rec_str(&r, "err", msg);
		if (msg && code)
			gs_rec_int(&r, "errno", code);
		gs_candidates(&r, name, caller);
	}
	gs_rec_int(&r, "dur_ns", dur);
	gs_stack_add(&r);
	gs_rec_send(&r);
}

/* LMID -1 means plain dlopen. */
static void *open_watched(long lmid, const char *name, int flags, const void *caller)
{
	struct gs_resolved res;
	const char *use;
	int err_in = errno, err_out;
	long long t0, dur;
	void *h;

	gs_guard_enter();
	gs_ident_scan("late", NULL, 0); /* what earlier unwatched loads brought */
	gs_resolve(name, caller, &res);
	/* gs_resolve kept a pending error of the program's (dlerr.c); the
	 * program's dlopen clears it, however it ends. */
	gs_dlerr_forget();
	gs_guard_leave();
	use = res.path[0] ? res.path : name;
	errno = err_in;
	t0 = mono_ns();
	/* Unguarded: constructors of what loads are the program's code. */
	h = lmid == -1 ? gs_real.dlopen(use, flags) : gs_real.dlmopen(lmid, use, flags);
	dur = mono_ns() - t0;
	err_out = errno;
	gs_guard_enter();
	if (h && use != name && strcmp(res.how, "loaded") != 0)
		gs_resolve_file_name(name, h);
	record_open(lmid == -1 ? "dlopen" : "dlmopen", lmid, name, flags, &res, h, dur, caller);
	gs_guard_leave();
	errno = err_out;
	return h;
}

static void *gs_dlopen_watched(const char *name, int flags, const void *caller)
{
	return open_watched(-1, name, flags, caller);
}

static void *gs_dlmopen_watched(Lmid_t lmid, const char *name, int flags, const void *caller)
{
	return open_watched(lmid, name, flags, caller);
}

/* Names glibc would expand ($ORIGIN, $LIB, $PLATFORM) depend on the caller
 * in ways the shim does not reproduce: those go straight to glibc. */
static int wants_record(const char *name)
{
	return name && gs_watched(name) && !strchr(name, '$');
}

void *gs_route_dlopen(struct gs_regs *r, void *caller)
{
	int saved = errno;
	void *to;

	gs_init();
	if (gs_guard_busy() || !wants_record((const char *)r->rdi)) {
		to = (void *)gs_real.dlopen;
	} else {
		r->rdx = (uintptr_t)caller;
		to = (void *)gs_dlopen_watched;
	}
	gs_dlerr_forget(); /* the program's call resets glibc's error state */
	errno = saved;
	return to;
}

void *gs_route_dlmopen(struct gs_regs *r, void *caller)
{
	int saved = errno;
	void *to;

	gs_init();
	if (gs_guard_busy() || !wants_record((const char *)r->rsi)) {
		to = (void *)gs_real.dlmopen;
	} else {
		r->rcx = (uintptr_t)caller;
		to = (void *)gs_dlmopen_watched;
	}
	gs_dlerr_forget();
	errno = saved;
	return to;
}

/* ---- dlsym / dlvsym ---- */

/* A handle is watched when its object is (in glibc a handle is the
 * object's struct link_map). */
static int handle_watched(void *h)
{
	const struct link_map *l = h;
	return h != RTLD_DEFAULT && h != RTLD_NEXT && l->l_name && gs_watched(l->l_name);
}

/* glibc's text for a symbol not found from object L: "NAME: undefined
 * symbol: SYM[, version VER]", NAME being the program's argv[0] for the
 * program itself. Set as the program's pending dlerror(). */
static const char *undefined_error(const struct link_map *l, const char *sym, const char *ver)
{
	char text[1024];
	const char *who = l && l->l_name && l->l_name[0] ? l->l_name : program_invocation_name;

	snprintf(text, sizeof text, "%s: undefined symbol: %s%s%s", who, sym, ver ? ", version " : "",
		 ver ? ver : "");
	gs_dlerr_discard(); /* glibc's state, as the failed call would leave it */
	gs_dlerr_set(text);
	return gs_dlerr_peek();
}

/* RTLD_DEFAULT lookups of a hooked name, from the program, when nothing but
 * the shim defines it (route_sym sends them here by tail jump). */
static void *gs_dlsym_undefined(void *h, const char *sym)
{
	(void)h;
	undefined_error(NULL, sym, NULL);
	return NULL;
}

static void *gs_dlvsym_undefined(void *h, const char *sym, const char *ver)
{
	(void)h;
	undefined_error(NULL, sym, ver);
	return NULL;
}

static void *sym_watched(void *h, const char *sym, const char *ver, const void *caller)
{
	int err_in = errno, err_out, code = 0, hid, lid = 0, hook, wrapped = 0;
	const char *msg = NULL;
	char cpath[1024];
	struct gs_rec r;
	void *p;

	errno = err_in;
	p = ver ? gs_real.dlvsym(h, sym, ver) : gs_real.dlsym(h, sym);
	err_out = errno;
	gs_guard_enter();
	if (!p)
		msg = gs_dlerr_take(&code);
	hook = gs_hook_find(sym);
	/* The program's own handle (dlopen(NULL)) searches the preloaded shim
	 * too: finding only the shim's stub is, without the shim, not finding
	 * the name at all. */
	if (p && hook >= 0 && gs_hook_is_stub(hook, p) && !gs_next_global(hook)) {
		p = NULL;
		msg = undefined_error(h, sym, ver);
	}
	/* A hooked entry point looked up on a handle never meets LD_PRELOAD:
	 * hand back a wrapper bound to exactly the function found. */
	if (p && hook >= 0) {
		void *w = gs_hook_bind(hook, p, "dlsym");

		wrapped = w != p;
		if (!handle_watched(h)) {
			p = w; /* recorded when called, not here */
			goto out;
		}
		lid = gs_ident_addr(p, "dep");
		p = w;
	} else if (p) {
		lid = gs_ident_addr(p, "dep");
	}
	if (!handle_watched(h))
		goto out;
	hid = gs_ident_handle(h, "dlopen");
	/* A runtime that finds no cuGetProcAddress looks up hundreds of entry
	 * points one by one: successful lookups of names the shim does not hook
	 * are folded per handle and calling object, like repeated calls. */
	if (p && hook < 0 && gs_fold_note(GS_FOLD_DLSYM, hid, 0, (unsigned long)lid << 20 ^
					  (unsigned long)(uintptr_t)gs_caller_base(caller)))
		goto out;
	caller_path(caller, cpath, sizeof cpath);
	gs_rec_begin(&r, "dlsym");
	gs_rec_str(&r, "fn", ver ? "dlvsym" : "dlsym");
	gs_rec_int(&r, "handle", hid);
	gs_rec_str(&r, "sym", sym);
	if (ver)
		gs_rec_str(&r, "ver", ver);
	gs_rec_bool(&r, "ok", p != NULL);
	if (lid)
		gs_rec_int(&r, "lib", lid);
	if (wrapped)
		gs_rec_bool(&r, "wrapped", 1);
	if (msg)
		gs_rec_str(&r, "err", msg);
	gs_rec_str(&r, "caller", cpath[0] ? cpath : NULL);
	gs_stack_add(&r);
	gs_rec_send(&r);
out:
	gs_guard_leave();
	errno = err_out;
	return p;
}

static void *gs_dlsym_watched(void *h, const char *sym, const void *caller)
{
	return sym_watched(h, sym, NULL, caller);
}

static void *gs_dlvsym_watched(void *h, const char *sym, const char *ver, const void *caller)
{
	return sym_watched(h, sym, ver, caller);
}

/* Where a dlsym/dlvsym goes. Pseudo-handles go straight to glibc (their
 * meaning depends on the caller), except one case: RTLD_DEFAULT of a hooked
 * name that nothing in the global scope but the shim defines. Without the
 * shim glibc would go on to the caller's local scope, so the lookup is
 * redirected to the caller's own object, whose search list holds it and
 * whose failure reads the same. */
/* RTLD_NEXT of a hooked name from the program itself: the next objects
 * after the executable are the preloads, so glibc would answer with the
 * shim's stub where, without the shim, it would have found the definition
 * after it, or nothing. From anywhere else the shim is not "next". */
static void *route_next(struct gs_regs *r, void *caller, int hook, void *real, void *watched,
			void *undefined, uintptr_t *caller_reg)
{
	struct link_map *l = gs_object_of(caller), *def;
	void *first, *p, *h;

	if (!l || (l->l_name && l->l_name[0]))
		return real;
	/* Another preload before the shim may define it: then glibc's answer
	 * is not the stub, and stands. */
	gs_dlerr_stash();
	first = gs_real.dlsym(l, (const char *)r->rsi);
	gs_dlerr_discard();
	if (!gs_hook_is_stub(hook, first))
		return real;
	if (!(p = gs_next_global(hook)))
		return undefined;
	if (!(def = gs_object_of(p)) || !(h = gs_handle_of(def)))
		return real;
	r->rdi = (uintptr_t)h; /* its own object finds it first; bound to a slot */
	*caller_reg = (uintptr_t)caller;
	return watched;
}

static void *route_sym(struct gs_regs *r, void *caller, void *real, void *watched,
		       void *undefined, uintptr_t *caller_reg)
{
	void *h = (void *)r->rdi;
	const char *sym = (const char *)r->rsi;
	int hook;

	if (gs_guard_busy() || !sym)
		return real;
	hook = gs_hook_find(sym);
	if (h == RTLD_NEXT)
		return hook < 0 ? real : route_next(r, caller, hook, real, watched, undefined, caller_reg);
	if (h == RTLD_DEFAULT) {
		struct link_map *l = NULL;
		Dl_info info;

		if (hook < 0 || gs_next_global(hook) ||
		    !gs_real.dladdr1(caller, &info, (void **)&l, RTLD_DL_LINKMAP) || !l)
			return real;
		/* The program's own search list holds the preloaded shim: answer
		 * as glibc would have. A library's does not: let glibc search it. */
		if (!l->l_name || !l->l_name[0])
			return undefined;
		if ((l = gs_handle_of(l)) == NULL)
			return real;
		/* What it finds there is bound to a slot, as on any handle: a
		 * plain pointer would make the calls through it invisible. */
		r->rdi = (uintptr_t)l;
		*caller_reg = (uintptr_t)caller;
		return watched;
	}
	if (hook < 0 && !handle_watched(h))
		return real;
	*caller_reg = (uintptr_t)caller;
	return watched;
}

/* RTLD_NEXT or RTLD_DEFAULT of a name the shim does not hook is never
 * recorded or changed: it needs only the real dlsym, not the shim's
 * start-up, which uses libc. That matters when the lookup comes from another
 * preload's own start-up (AddressSanitizer's runtime finds every function it
 * intercepts this way before its interceptors, libc's string functions
 * among them, work). */
static int plain_lookup(const struct gs_regs *r)
{
	int saved = errno, yes;

	yes = ((void *)r->rdi == RTLD_NEXT || (void *)r->rdi == RTLD_DEFAULT) &&
	      gs_hook_find((const char *)r->rsi) < 0 && gs_real_init() == 0;
	errno = saved;
	return yes;
}

void *gs_route_dlsym(struct gs_regs *r, void *caller)
{
	int saved = errno;
	void *to;

	if (plain_lookup(r))
		return (void *)gs_real.dlsym;
	gs_init();
	to = route_sym(r, caller, (void *)gs_real.dlsym, (void *)gs_dlsym_watched,
		       (void *)gs_dlsym_undefined, &r->rdx);
	gs_dlerr_forget(); /* after route_sym's own lookups */
	errno = saved;
	return to;
}

void *gs_route_dlvsym(struct gs_regs *r, void *caller)
{
	int saved = errno;
	void *to;

	if (plain_lookup(r))
		return (void *)gs_real.dlvsym;
	gs_init();
	to = route_sym(r, caller, (void *)gs_real.dlvsym, (void *)gs_dlvsym_watched,
		       (void *)gs_dlvsym_undefined, &r->rcx);
	gs_dlerr_forget();
	errno = saved;
	return to;
}

/* ---- dlclose, dlerror, dlinfo: the caller does not matter to glibc ---- */

EXPORT int dlclose(void *h)
{
	int err_in = errno, err_out, rc, id = 0, code = 0;
	const char *msg = NULL;
	struct gs_rec r;

	uintptr_t hv = (uintptr_t)h;

	/* glibc declares the handle nonnull; a buggy program may still pass
	 * NULL, and the check must not be optimised away. */
	__asm__("" : "+r"(hv));
	gs_init();
	gs_dlerr_forget();
	gs_stack_forget();
	if (gs_guard_busy() || !hv || !handle_watched(h))
		return gs_real.dlclose(h);
	gs_guard_enter();
	id = gs_ident_handle(h, "dlopen");
	gs_guard_leave();
	errno = err_in;
	rc = gs_real.dlclose(h);
	err_out = errno;
	gs_guard_enter();
	if (rc != 0)
		msg = gs_dlerr_take(&code);
	gs_rec_begin(&r, "dlclose");
	gs_rec_int(&r, "lib", id);
	gs_rec_int(&r, "rc", rc);
	if (msg)
		gs_rec_str(&r, "err", msg);
	gs_rec_send(&r);
	gs_guard_leave();
	errno = err_out;
	return rc;
}

EXPORT char *dlerror(void)
{
	gs_init();
	return gs_dlerr_program();
}

EXPORT int dlinfo(void *h, int request, void *arg)
{
	gs_init();
	gs_dlerr_forget();
	return gs_real.dlinfo(h, request, arg);
}
