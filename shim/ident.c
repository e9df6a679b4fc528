#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dlerr.h"
#include "dllock.h"
#include "ident.h"
#include "real.h"
#include "record.h"
#include "watch.h"

#define MAX_LIBS 256
#define MAX_SCAN 64

struct ent {
	uintptr_t base;
	unsigned long hash; /* of the path: a new object at an old base is new */
	int sent;           /* "lib" record sent by this process */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ent tab[MAX_LIBS];
static int n_ent;
static unsigned long long seen_adds, seen_subs;

static unsigned long hash_str(const char *s)
{
	unsigned long h = 5381;
	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* One object as dl_iterate_phdr shows it (valid while it stays loaded). */
struct obj {
	uintptr_t addr;
	const char *name;
	const ElfW(Phdr) *phdr;
	ElfW(Half) phnum;
};

static struct dl_phdr_info as_info(const struct obj *o)
{
	struct dl_phdr_info i;
	memset(&i, 0, sizeof i);
	i.dlpi_addr = o->addr;
	i.dlpi_name = o->name;
	i.dlpi_phdr = o->phdr;
	i.dlpi_phnum = o->phnum;
	return i;
}

struct needed_q { const char *soname; const char *found; };

/* Which loaded object lists SONAME in its DT_NEEDED: who brought it in. */
static int needed_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct needed_q *q = data;
	const ElfW(Dyn) *d = gs_elf_dynamic(info);
	const char *strtab = gs_elf_strtab(info, d);

	(void)size;
	if (!strtab)
		return 0;
	for (; d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_NEEDED && strcmp(strtab + d->d_un.d_val, q->soname) == 0) {
			q->found = info->dlpi_name[0] ? info->dlpi_name : "(program)";
			return 1;
		}
	return 0;
}

static void send_lib(int id, const struct obj *o, const char *origin)
{
	struct dl_phdr_info info = as_info(o);
	const char *soname = gs_elf_soname(&info);
	char real[PATH_MAX], bid[129], fam[128];
	const char *ver, *real_ok;
	struct stat st;
	struct gs_rec r;

	real_ok = realpath(o->name, real);
	gs_rec_begin(&r, "lib");
	gs_rec_int(&r, "id", id);
	gs_rec_str(&r, "path", o->name);
	gs_rec_str(&r, "realpath", real_ok ? real : NULL);
	gs_rec_str(&r, "soname", soname);
	gs_rec_str(&r, "build_id", gs_elf_build_id(&info, bid, sizeof bid) == 0 ? bid : NULL);
	if (stat(real_ok ? real : o->name, &st) == 0) {
		gs_rec_int(&r, "size", (long long)st.st_size);
		gs_rec_int(&r, "mtime", (long long)st.st_mtime);
	}
	ver = gs_file_version(real_ok ? real : o->name);
	if (!ver)
		ver = gs_file_version(o->name);
	gs_rec_str(&r, "file_version", ver);
	gs_family(soname ? soname : o->name, fam, sizeof fam);
	gs_rec_str(&r, "family", fam);
	{
		char base[24];
		snprintf(base, sizeof base, "0x%lx", (unsigned long)o->addr);
		gs_rec_str(&r, "base", base);
	}
	gs_rec_str(&r, "origin", origin);
	if (soname) {
		struct needed_q q = { soname, NULL };
		gs_dl_iterate(needed_cb, &q);
		if (q.found)
			gs_rec_str(&r, "needed_by", q.found);
	}
	gs_rec_send(&r);
}

/* Id for an object; sends its record the first time. Caller holds lock. */
static int intern(const struct obj *o, const char *origin)
{
	unsigned long h = hash_str(o->name);
	int i;

	for (i = 0; i < n_ent; i++)
		if (tab[i].base == o->addr && tab[i].hash == h)
			break;
	if (i == n_ent) {
		if (n_ent == MAX_LIBS)
			return 0;
		tab[n_ent].base = o->addr;
		tab[n_ent].hash = h;
		tab[n_ent].sent = 0;
		n_ent++;
	}
	if (!tab[i].sent) {
		tab[i].sent = 1;
		send_lib(i + 1, o, origin);
	}
	return i + 1;
}

static int known(uintptr_t base, const char *name)
{
	unsigned long h = hash_str(name);
	int i;

	for (i = 0; i < n_ent; i++)
		if (tab[i].base == base && tab[i].hash == h)
			return tab[i].sent;
	return 0;
}

struct find_q { uintptr_t addr; const char *name; struct obj o; int found; };

static int find_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct find_q *q = data;

	(void)size;
	if (info->dlpi_addr != q->addr || info->dlpi_name != q->name)
		return 0;
	q->o.addr = info->dlpi_addr;
	q->o.name = info->dlpi_name;
	q->o.phdr = info->dlpi_phdr;
	q->o.phnum = info->dlpi_phnum;
	q->found = 1;
	return 1;
}

static int ident_map(const struct link_map *l, const char *origin)
{
	struct find_q q;
	int id = 0;

	if (!l || !l->l_name || !l->l_name[0])
		return 0; /* the program itself */
	memset(&q, 0, sizeof q);
	q.addr = l->l_addr;
	q.name = l->l_name;
	pthread_mutex_lock(&lock);
	gs_dl_iterate(find_cb, &q);
	if (q.found)
		id = intern(&q.o, origin);
	pthread_mutex_unlock(&lock);
	return id;
}

int gs_ident_handle(void *handle, const char *origin)
{
	/* In glibc a dlopen handle is the object's struct link_map. */
	return ident_map(handle, origin);
}

int gs_ident_addr(const void *addr, const char *origin)
{
	struct link_map *l = NULL;
	Dl_info info;

	if (!gs_real.dladdr1(addr, &info, (void **)&l, RTLD_DL_LINKMAP) || !l)
		return 0;
	return ident_map(l, origin);
}

struct scan_q {
	struct obj o[MAX_SCAN];
	int n;
	int calls;
};

static int scan_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct scan_q *q = data;
	const char *soname;

	/* The load/unload counters are the same on every call: look once. */
	if (q->calls++ == 0) {
		if (size >= offsetof(struct dl_phdr_info, dlpi_subs) + sizeof info->dlpi_subs &&
		    info->dlpi_adds == seen_adds && info->dlpi_subs == seen_subs)
			return 1; /* nothing loaded or unloaded since the last scan */
		seen_adds = info->dlpi_adds;
		seen_subs = info->dlpi_subs;
	}
	if (!info->dlpi_name[0] || q->n == MAX_SCAN)
		return 0;
	soname = gs_elf_soname(info);
	if (!gs_watched(info->dlpi_name) && !(soname && gs_watched(soname)))
		return 0;
	if (known(info->dlpi_addr, info->dlpi_name))
		return 0;
	q->o[q->n].addr = info->dlpi_addr;
	q->o[q->n].name = info->dlpi_name;
	q->o[q->n].phdr = info->dlpi_phdr;
	q->o[q->n].phnum = info->dlpi_phnum;
	q->n++;
	return 0;
}

int gs_ident_scan(const char *origin, int *ids, int max)
{
	struct scan_q q;
	int i, n = 0;

	q.n = 0;
	q.calls = 0;
	pthread_mutex_lock(&lock);
	gs_dl_iterate(scan_cb, &q);
	for (i = 0; i < q.n; i++) {
		int id = intern(&q.o[i], origin);
		if (id && n < max)
			ids[n++] = id;
	}
	pthread_mutex_unlock(&lock);
	return n;
}

void gs_ident_restart(void)
{
	int i;

	/* A new process or image for the collector: re-send on first use, and
	 * let the next scan look at everything again. */
	pthread_mutex_lock(&lock);
	for (i = 0; i < n_ent; i++)
		tab[i].sent = 0;
	seen_adds = seen_subs = 0;
	pthread_mutex_unlock(&lock);
}

void gs_ident_after_fork(void)
{
	pthread_mutex_init(&lock, NULL);
	gs_ident_restart();
}
