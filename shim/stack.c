#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>

#include "config.h"
#include "dllock.h"
#include "maskhook.h"
#include "pipehook.h"
#include "real.h"
#include "record.h"
#include "stack.h"

/* Frames inside the shim are dropped; a few extra are captured for them. */
#define SHIM_FRAMES 8
#define MAX_SEG 8

/* libunwind is loaded on the first stack, RTLD_LOCAL: a process that never
 * produces an event never pays for it, and its exports (backtrace,
 * _Unwind_Backtrace) never enter the program's global scope. */
static int (*unw_backtrace_fn)(void **, int);
static pthread_once_t unw_once = PTHREAD_ONCE_INIT;
static int warned_unw;

/* The shim's own executable segments, to tell its frames apart cheaply. */
static struct { uintptr_t lo, hi; } seg[MAX_SEG];
static int n_seg;

static int self_segments(struct dl_phdr_info *info, size_t size, void *data)
{
	uintptr_t me = (uintptr_t)data;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
		if (ph->p_type == PT_LOAD && me >= lo && me < lo + ph->p_memsz)
			break;
	}
	if (i == info->dlpi_phnum)
		return 0;
	for (i = 0; i < info->dlpi_phnum && n_seg < MAX_SEG; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			seg[n_seg].lo = info->dlpi_addr + ph->p_vaddr;
			seg[n_seg].hi = seg[n_seg].lo + ph->p_memsz;
			n_seg++;
		}
	}
	return 1;
}

static void load_unwind(void)
{
	void *h = gs_real.own_dlopen("libunwind.so.8", RTLD_LAZY | RTLD_LOCAL);
	const char *why = h ? NULL : gs_real.dlerror();

	if (h)
		unw_backtrace_fn = (int (*)(void **, int))gs_real.dlsym(h, "unw_backtrace");
	if (!unw_backtrace_fn)
		gs_warn_once(&warned_unw, "cannot use libunwind.so.8 (%s): records carry no stacks",
			     why ? why : "no unw_backtrace");
	gs_real.dlerror(); /* the shim's own failure is not the program's */
	gs_dl_iterate(self_segments, (void *)(uintptr_t)load_unwind);
}

/* dladdr searches symbol tables for the nearest name: microseconds a frame.
 * Stacks repeat, so answers are kept per address until something is
 * unloaded (gs_stack_forget, from the dlclose hook). */
#define CACHE 512
struct where { const void *ip; const char *fname; const void *fbase; const char *sname; unsigned gen; };
static struct where cache[CACHE];
static unsigned gen = 1;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

void gs_stack_after_fork(void)
{
	pthread_mutex_init(&cache_lock, NULL);
	gs_stack_forget(); /* ids remembered by the hooks are re-sent per process */
}

unsigned gs_stack_generation(void)
{
	return __atomic_load_n(&gen, __ATOMIC_RELAXED);
}

void gs_stack_forget(void)
{
	__atomic_add_fetch(&gen, 1, __ATOMIC_RELAXED);
}

static struct where *slot_of(const void *ip)
{
	return &cache[((uintptr_t)ip >> 2) % CACHE];
}

/* dladdr's answer for IP, without the cache. */
static void look_up(const void *ip, unsigned g, struct where *w)
{
	Dl_info info;
	void *map;

	w->ip = ip;
	w->gen = g;
	if (gs_real.dladdr1(ip, &info, &map, 0) && info.dli_fname) {
		w->fname = info.dli_fname[0] ? info.dli_fname : "(program)";
		w->fbase = info.dli_fbase;
		w->sname = info.dli_sname;
	} else {
		w->fname = "?";
		w->fbase = NULL;
		w->sname = NULL;
	}
}

/* Names N addresses: the cache is locked once for all the hits and once
 * for storing the misses, whose dladdr runs outside it. */
static void where_are(void *const *ip, int n, struct where *w)
{
	unsigned g = __atomic_load_n(&gen, __ATOMIC_RELAXED);
	int i, missed = 0;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < n; i++) {
		const struct where *c = slot_of(ip[i]);
		if (c->ip == ip[i] && c->gen == g) {
			w[i] = *c;
		} else {
			w[i].ip = NULL;
			missed++;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (!missed)
		return;
	for (i = 0; i < n; i++)
		if (!w[i].ip)
			look_up(ip[i], g, &w[i]);
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < n; i++)
		*slot_of(ip[i]) = w[i];
	pthread_mutex_unlock(&cache_lock);
}

const void *gs_stack_object(const void *ip)
{
	void *const one[1] = { (void *)(uintptr_t)ip };
	struct where w;

	where_are(one, 1, &w);
	return w.fbase;
}

static int in_shim(const void *ip)
{
	int i;

	for (i = 0; i < n_seg; i++)
		if ((uintptr_t)ip >= seg[i].lo && (uintptr_t)ip < seg[i].hi)
			return 1;
	return 0;
}

/* Whether IP has been named before (and nothing unloaded since). */
static int known(const void *ip)
{
	const struct where *c = slot_of(ip);
	int yes;

	pthread_mutex_lock(&cache_lock);
	yes = c->ip == ip && c->gen == __atomic_load_n(&gen, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&cache_lock);
	return yes;
}

void gs_stack_capture(struct gs_stack *s, const void *site)
{
	void *ips[GS_STACK_MAX + SHIM_FRAMES + 1];
	int depth = gs_cfg.stack_depth, n, first = 0, i, mask;

	s->n = s->more = 0;
	if (depth <= 0)
		return;
	pthread_once(&unw_once, load_unwind);
	if (!unw_backtrace_fn)
		return;
	/* A call site not seen before is new to libunwind too, which then
	 * masks signals around each lookup (maskhook.c): blocking them once
	 * here costs two system calls instead of eight or more. A site seen
	 * before is walked from libunwind's cache, with no masking to save. */
	mask = site && !known(site);
	gs_dl_rdlock(); /* libunwind walks the loaded objects too */
	if (mask)
		gs_mask_all();
	gs_pipe_hold(1);
	n = unw_backtrace_fn(ips, depth + SHIM_FRAMES + 1);
	gs_pipe_hold(0);
	if (mask)
		gs_mask_restore();
	gs_dl_unlock();
	while (first < n && in_shim(ips[first]))
		first++;
	/* The shim's own frames further out (a hooked call in progress while
	 * this one happens inside it) say nothing about the program: out. */
	for (i = first; i < n && s->n < depth; i++)
		if (!in_shim(ips[i]))
			s->ip[s->n++] = ips[i];
	s->more = n - i;
}

void gs_stack_write(struct gs_rec *r, const struct gs_stack *s)
{
	struct where w[GS_STACK_MAX];
	int i, sent = 0;

	if (s->n == 0)
		return;
	where_are(s->ip, s->n, w);
	gs_rec_open(r, "stack", '[');
	for (i = 0; i < s->n; i++) {
		struct gs_rec_mark m = gs_rec_mark(r);

		gs_rec_open(r, NULL, '[');
		gs_rec_str(r, NULL, w[i].fname);
		gs_rec_int(r, NULL, (long long)((uintptr_t)s->ip[i] - (uintptr_t)w[i].fbase));
		gs_rec_str(r, NULL, w[i].sname);
		gs_rec_close(r);
		if (gs_rec_full(r)) {
			gs_rec_rollback(r, m);
			break;
		}
		sent++;
	}
	gs_rec_close(r);
	if (sent < s->n || s->more > 0)
		gs_rec_bool(r, "stack_trunc", 1);
}

void gs_stack_add(struct gs_rec *r)
{
	struct gs_stack s;

	gs_stack_capture(&s, NULL);
	gs_stack_write(r, &s);
}
