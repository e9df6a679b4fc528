/* GPU entry points: the exported stubs (reached by symbol binding), the
 * bound slots (handed out by dlsym and cuGetProcAddress), and the one
 * dispatch function that calls the real copy and records the call. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dlerr.h"
#include "fold.h"
#include "gpuhooks.h"
#include "guard.h"
#include "ident.h"
#include "init.h"
#include "nextdef.h"
#include "real.h"
#include "record.h"
#include "stack.h"
#include "versions.h"

#define EXPORT __attribute__((visibility("default")))
#define SLOTS 8      /* (copy, way it was reached) pairs per function */
#define MAX_INNER 8

typedef uintptr_t A;
typedef int (*gs_fn)(A, A, A, A, A);

const struct gs_hook gs_hooks[GS_N_HOOKS] = {
#define GS_HOOK(n, fam, probe, oa, on, ia, in, sa, sn, kind, miss) \
	{ #n, fam, probe, oa, on, ia, in, sa, sn, kind, miss },
#include "hooktab.h"
#undef GS_HOOK
};

/* A hooked call in progress on this thread: calls made inside it are noted
 * here instead of recorded (the outermost call is the one recorded). */
struct inner { int hook, lib, rc, count; };
struct frame {
	int n_inner;
	struct inner inner[MAX_INNER];
};

static __thread struct frame *cur_frame __attribute__((tls_model("initial-exec")));

static struct { void *real; const char *via; } slots[GS_N_HOOKS][SLOTS];
static pthread_mutex_t bind_lock = PTHREAD_MUTEX_INITIALIZER;

static long long mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Without libc, like gs_streq: gs_hook_find runs in dlsym lookups made
 * while another preload starts up (real.c says why). */
static int prefix(const char *s, const char *p)
{
	while (*p && *s == *p)
		s++, p++;
	return !*p;
}

int gs_hook_find(const char *name)
{
	int i;

	/* Every hooked name starts "cu" or "nvmlInit": most names stop here. */
	if (!name || !(prefix(name, "cu") || prefix(name, "nvmlInit")))
		return -1;
	for (i = 0; i < GS_N_HOOKS; i++)
		if (gs_streq(gs_hooks[i].name, name))
			return i;
	return -1;
}

/* Library id of the copy behind a slot, remembered with the unload
 * generation it was found in: dladdr costs microseconds, and a hot loop
 * must stay within ~100 ns of the bare call. A stub's copy depends on the
 * caller (nextdef.c), which names the slot that stands for it. */
static uint64_t lib_memo[GS_N_HOOKS][SLOTS];

static int lib_of(int idx, int slot, void *real)
{
	unsigned gen = gs_stack_generation();
	uint64_t m;
	int lib;

	if (slot < 0) /* no slot stands for this copy: no memo either */
		return gs_ident_addr(real, "call");
	m = __atomic_load_n(&lib_memo[idx][slot], __ATOMIC_RELAXED);
	if (m && (unsigned)m == gen)
		return (int)(m >> 32);
	lib = gs_ident_addr(real, "call");
	__atomic_store_n(&lib_memo[idx][slot], (uint64_t)(unsigned)lib << 32 | gen, __ATOMIC_RELAXED);
	return lib;
}

static void record_call(int idx, void *real, const char *via, int lib, int rc, const A *arg,
			const struct frame *me, int wrapped, long long dur, const void *site)
{
	const struct gs_hook *hk = &gs_hooks[idx];
	struct gs_stack st;
	struct gs_rec r;

	/* Folded by call site, so that a hot loop pays no unwinding. A runtime
	 * fills its table of ~400 driver entry points through cuGetProcAddress,
	 * each from its own site: lookups of names the shim does not hook fold
	 * per calling object instead. */
	if (gs_fold_note(idx, lib, rc, hk->kind == GS_GETPROC && !wrapped
					       ? (unsigned long)(uintptr_t)gs_stack_object(site)
					       : (unsigned long)(uintptr_t)site))
		return;
	gs_stack_capture(&st, site);
	gs_rec_begin(&r, "call");
	gs_rec_str(&r, "fn", hk->name);
	gs_rec_str(&r, "family", hk->family);
	gs_rec_int(&r, "lib", lib);
	gs_rec_int(&r, "rc", rc);
	gs_rec_str(&r, "via", via);
	if (hk->int_arg >= 0 || hk->str_arg >= 0) {
		gs_rec_open(&r, "args", '{');
		if (hk->str_arg >= 0)
			gs_rec_str(&r, hk->str_name, (const char *)arg[hk->str_arg]);
		if (hk->int_arg >= 0)
			gs_rec_int(&r, hk->int_name, (int)arg[hk->int_arg]);
		gs_rec_close(&r);
	}
	/* Outputs mean something only when the call succeeded; after a failure
	 * they hold whatever the caller's variable held. */
	if (hk->out_arg >= 0 && arg[hk->out_arg] && rc == 0) {
		gs_rec_open(&r, "out", '{');
		gs_rec_int(&r, hk->out_name, *(const int *)arg[hk->out_arg]);
		gs_rec_close(&r);
	}
	if (hk->kind == GS_GETPROC)
		gs_rec_bool(&r, "wrapped", wrapped);
	gs_versions_add(&r, hk->probe, real, rc);
	if (me->n_inner) {
		int i;

		gs_rec_open(&r, "inner", '[');
		for (i = 0; i < me->n_inner; i++) {
			gs_rec_open(&r, NULL, '{');
			gs_rec_str(&r, "fn", gs_hooks[me->inner[i].hook].name);
			gs_rec_int(&r, "lib", me->inner[i].lib);
			gs_rec_int(&r, "rc", me->inner[i].rc);
			if (me->inner[i].count > 1)
				gs_rec_int(&r, "count", me->inner[i].count);
			gs_rec_close(&r);
		}
		gs_rec_close(&r);
	}
	gs_rec_int(&r, "dur_ns", dur);
	gs_stack_write(&r, &st);
	gs_rec_send(&r);
}

/* Calls made inside a hooked call, at any depth, are noted in the outermost
 * one: the same (function, library, code) once with a count, and when the
 * list is full a failure takes the place of a success (a failing cuInit
 * explains more than the hundredth cuGetProcAddress). */
static void note_inner(struct frame *f, const struct inner *in)
{
	int i;

	for (i = 0; i < f->n_inner; i++)
		if (f->inner[i].hook == in->hook && f->inner[i].lib == in->lib &&
		    f->inner[i].rc == in->rc) {
			f->inner[i].count += in->count;
			return;
		}
	if (f->n_inner < MAX_INNER) {
		f->inner[f->n_inner++] = *in;
		return;
	}
	if (in->rc == 0)
		return;
	for (i = MAX_INNER - 1; i >= 0; i--)
		if (f->inner[i].rc == 0) {
			f->inner[i] = *in;
			return;
		}
}

/* cuGetProcAddress*(symbol, &pfn, ...): hand out wrappers for hooked
 * entry points, so a runtime that reaches the driver only this way (libcudart
 * 13, a static CUDA runtime) is still seen. */
static int wrap_getproc(const A *arg)
{
	const char *symbol = (const char *)arg[0];
	void **pfn = (void **)arg[1];
	int k;

	if (!symbol || !pfn || !*pfn || (k = gs_hook_find(symbol)) < 0)
		return 0;
	*pfn = gs_hook_bind(k, *pfn, "getprocaddress");
	return 1;
}

/* A stub reached by an object that has no definition of its own to bind
 * to (a weak reference, dlsym(RTLD_DEFAULT) in a program whose library is
 * gone): the family's "not found" code, as the call cannot go anywhere,
 * but never silently: the record says no real function answered. */
static int no_real(int idx, const void *site)
{
	int err_in = errno, rc = gs_hooks[idx].missing_rc;
	struct gs_stack st;
	struct gs_rec r;
	Dl_info info;
	void *map;

	if (!gs_guard_enter() || cur_frame || gs_cfg.secure) {
		if (cur_frame) {
			struct inner self = { idx, 0, rc, 1 };
			note_inner(cur_frame, &self);
		}
		goto out;
	}
	if (gs_fold_note(idx, 0, rc, (unsigned long)(uintptr_t)site))
		goto out;
	gs_stack_capture(&st, site);
	gs_rec_begin(&r, "call");
	gs_rec_str(&r, "fn", gs_hooks[idx].name);
	gs_rec_str(&r, "family", gs_hooks[idx].family);
	gs_rec_int(&r, "rc", rc);
	gs_rec_str(&r, "via", "symbol");
	gs_rec_bool(&r, "no_real", 1);
	if (gs_real.dladdr1(site, &info, &map, 0) && info.dli_fname)
		gs_rec_str(&r, "caller", info.dli_fname[0] ? info.dli_fname : "(program)");
	gs_rec_int(&r, "dur_ns", 0);
	gs_stack_write(&r, &st);
	gs_rec_send(&r);
out:
	gs_guard_leave();
	errno = err_in;
	return rc;
}

static int dispatch(int idx, int slot, void *real, const char *via, const void *site,
		    A a, A b, A c, A d, A e)
{
	const A arg[5] = { a, b, c, d, e };
	struct frame me, *outer;
	int rc, err_after, lib, wrapped = 0;
	long long t0, dur;

	gs_init();
	if (!real) { /* an exported stub: where would this caller have gone? */
		int err_in = errno;

		gs_next_for(idx, site, &real, &slot);
		errno = err_in;
		if (!real)
			return no_real(idx, site);
	}
	if (gs_guard_busy() || gs_cfg.secure) /* the shim's own queries; secure mode */
		return ((gs_fn)real)(a, b, c, d, e);
	outer = cur_frame;
	me.n_inner = 0;
	cur_frame = &me;
	t0 = mono_ns();
	rc = ((gs_fn)real)(a, b, c, d, e);
	dur = mono_ns() - t0;
	cur_frame = outer;
	err_after = errno;
	gs_guard_enter();
	lib = lib_of(idx, slot, real);
	if (gs_hooks[idx].kind == GS_GETPROC && rc == 0)
		wrapped = wrap_getproc(arg);
	if (outer) {
		int i;
		struct inner self = { idx, lib, rc, 1 };

		note_inner(outer, &self);
		for (i = 0; i < me.n_inner; i++)
			note_inner(outer, &me.inner[i]);
	} else {
		record_call(idx, real, via, lib, rc, arg, &me, wrapped, dur, site);
	}
	gs_guard_leave();
	errno = err_after;
	return rc;
}

/* Exported stubs: what symbol binding and dlsym(RTLD_DEFAULT) find. */
#define GS_HOOK(n, ...) \
	EXPORT int n(A a, A b, A c, A d, A e) \
	{ return dispatch(GS_HK_##n, -1, NULL, "symbol", __builtin_return_address(0), a, b, c, d, e); }
#include "hooktab.h"
#undef GS_HOOK

/* Bound slots: SLOTS per hook, each tied to one real copy at run time. */
#define SLOT_FN(n, k) \
	static int slot_##n##_##k(A a, A b, A c, A d, A e) \
	{ return dispatch(GS_HK_##n, k, slots[GS_HK_##n][k].real, slots[GS_HK_##n][k].via, \
			  __builtin_return_address(0), a, b, c, d, e); }
#define GS_HOOK(n, ...) SLOT_FN(n, 0) SLOT_FN(n, 1) SLOT_FN(n, 2) SLOT_FN(n, 3) \
	SLOT_FN(n, 4) SLOT_FN(n, 5) SLOT_FN(n, 6) SLOT_FN(n, 7)
#include "hooktab.h"
#undef GS_HOOK

static const gs_fn slot_fns[GS_N_HOOKS][SLOTS] = {
#define GS_HOOK(n, ...) { slot_##n##_0, slot_##n##_1, slot_##n##_2, slot_##n##_3, \
			 slot_##n##_4, slot_##n##_5, slot_##n##_6, slot_##n##_7 },
#include "hooktab.h"
#undef GS_HOOK
};

/* Exported stubs by hook: what a lookup that found the shim itself got. */
static const gs_fn stub_fns[GS_N_HOOKS] = {
#define GS_HOOK(n, ...) n,
#include "hooktab.h"
#undef GS_HOOK
};

void *gs_hook_stub(int idx)
{
	return (void *)stub_fns[idx];
}

int gs_hook_is_stub(int idx, const void *p)
{
	return p == (const void *)stub_fns[idx];
}

/* A slot per (real function, way reached): "via" is a fact about how the
 * program got this pointer. Binding is rare (a lookup), so a lock keeps the
 * pair consistent; calls read the slot without it, "real" published last.
 * Returns the slot's index, or -1 when all are taken. */
int gs_hook_slot(int idx, void *real, const char *via)
{
	int k, found = -1;

	pthread_mutex_lock(&bind_lock);
	for (k = 0; k < SLOTS; k++) {
		void *cur = __atomic_load_n(&slots[idx][k].real, __ATOMIC_ACQUIRE);
		if (cur == real && strcmp(slots[idx][k].via, via) == 0) {
			found = k;
			break;
		}
		if (cur == NULL) {
			slots[idx][k].via = via;
			__atomic_store_n(&slots[idx][k].real, real, __ATOMIC_RELEASE);
			found = k;
			break;
		}
	}
	pthread_mutex_unlock(&bind_lock);
	return found;
}

void *gs_hook_bind(int idx, void *real, const char *via)
{
	int k;

	if (gs_hook_is_stub(idx, real))
		return real; /* the shim's own stub already records the call */
	k = gs_hook_slot(idx, real, via);
	return k < 0 ? real : (void *)slot_fns[idx][k]; /* out of slots: unwrapped, still correct */
}

void gs_hooks_after_fork(void)
{
	pthread_mutex_init(&bind_lock, NULL);
}
