#include <dirent.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "strl.h"

#include "config.h"
#include "dllock.h"
#include "ident.h"
#include "record.h"
#include "dlerr.h"
#include "real.h"
#include "resolve.h"
#include "watch.h"

/* The shim's own RUNPATH (Makefile): marks where the default dirs begin in
 * the shim's search list. */
#define SHIM_RUNPATH "/dev/null/gpushim"
#define MAX_SYS 16
#define SERINFO_MAX 4096

static char sys_dirs[MAX_SYS][256];
static int n_sys;
/* LD_LIBRARY_PATH as glibc searches it for the shim itself (the entries of
 * the shim's own list before SHIM_RUNPATH), NUL-separated; n_llp < 0: not
 * known (did not fit). */
static char llp_dirs[SERINFO_MAX];
static int n_llp;
static const char *hwcaps[3];
static int n_hwcaps;

/* dlinfo(RTLD_DI_SERINFO) into BUF; NULL when it does not fit. */
static Dl_serinfo *serinfo(void *map, void *buf, size_t size)
{
	Dl_serinfo sz;

	if (gs_real.dlinfo(map, RTLD_DI_SERINFOSIZE, &sz) != 0 || sz.dls_size > size)
		return NULL;
	memcpy(buf, &sz, sizeof sz);
	if (gs_real.dlinfo(map, RTLD_DI_SERINFO, buf) != 0)
		return NULL;
	return buf;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

/* Done on the first watched dlopen, not at start-up: most processes never
 * make one. */
static void resolve_init(void)
{
	_Alignas(Dl_serinfo) char buf[SERINFO_MAX];
	struct link_map *self = NULL;
	Dl_serinfo *si;
	Dl_info info;
	unsigned i;
	size_t used;
	int after = 0;

	n_llp = -1; /* until the list is read */
	/* glibc-hwcaps levels glibc 2.33+ searches first, best first; each
	 * level is told by its defining features (what gcc and clang both
	 * name), which is how glibc decides too. */
	n_hwcaps = 0;
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
	    __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
	    __builtin_cpu_supports("avx512vl"))
		hwcaps[n_hwcaps++] = "x86-64-v4";
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
	    __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma"))
		hwcaps[n_hwcaps++] = "x86-64-v3";
	if (__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt") &&
	    __builtin_cpu_supports("ssse3"))
		hwcaps[n_hwcaps++] = "x86-64-v2";

	gs_dlerr_stash();
	if (!gs_real.dladdr1((void *)resolve_init, &info, (void **)&self, RTLD_DL_LINKMAP) ||
	    !(si = serinfo(self, buf, sizeof buf))) {
		gs_dlerr_discard();
		return;
	}
	n_llp = 0;
	for (i = 0, used = 0; i < si->dls_cnt && n_sys < MAX_SYS; i++) {
		const char *dir = si->dls_serpath[i].dls_name;
		size_t len = strlen(dir) + 1;

		if (after) {
			gs_strlcpy(sys_dirs[n_sys++], dir, sizeof sys_dirs[0]);
		} else if (strcmp(dir, SHIM_RUNPATH) == 0) {
			after = 1;
		} else if (n_llp >= 0 && used + len <= sizeof llp_dirs) {
			memcpy(llp_dirs + used, dir, len);
			used += len;
			n_llp++;
		} else {
			n_llp = -1;
		}
	}
	if (!after) /* the marker was not seen: the list is not what it seems */
		n_llp = -1;
	gs_dlerr_discard();
}

/* What glibc would do with the file at PATH: 1 take it (a loadable object,
 * or a broken one glibc would stop at), 0 skip it (absent, or an object of
 * another class or machine, which glibc passes over). */
static int usable(const char *path)
{
	unsigned char e[EI_NIDENT + 4];
	ssize_t n;
	int f = open(path, O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return 0;
	n = read(f, e, sizeof e);
	close(f);
	if (n < (ssize_t)sizeof e || memcmp(e, ELFMAG, SELFMAG) != 0)
		return 1;
	if (e[EI_CLASS] != ELFCLASS64)
		return 0;
	/* e_machine, little-endian, right after e_type */
	return (e[EI_NIDENT + 2] | e[EI_NIDENT + 3] << 8) == EM_X86_64;
}

static int in_ld_library_path(const char *dir)
{
	const char *p = gs_cfg.ld_library_path;
	size_t dl = strlen(dir);

	while (*p) {
		size_t n = strcspn(p, ":;");
		size_t m = n;
		while (m > 1 && p[m - 1] == '/')
			m--;
		if (m == dl && strncmp(p, dir, dl) == 0)
			return 1;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

static int has_runpath(const struct link_map *l)
{
	const ElfW(Dyn) *d;

	for (d = l->l_ld; d && d->d_tag != DT_NULL; d++)
		if (d->d_tag == DT_RUNPATH)
			return 1;
	return 0;
}

struct loaded_q { const char *name; const char *path; int by_soname; };

static int loaded_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct loaded_q *q = data;
	const char *soname;

	(void)size;
	if (!info->dlpi_name[0])
		return 0;
	soname = gs_elf_soname(info);
	if (soname && strcmp(soname, q->name) == 0) {
		q->by_soname = 1;
		q->path = info->dlpi_name;
		return 1;
	}
	if (strcmp(gs_basename(info->dlpi_name), q->name) == 0) {
		q->path = info->dlpi_name;
		return 1;
	}
	return 0;
}

static int search_dir(const char *dir, const char *name, char *out, size_t size)
{
	int i;

	for (i = 0; i < n_hwcaps; i++) {
		snprintf(out, size, "%s/glibc-hwcaps/%s/%s", dir, hwcaps[i], name);
		if (usable(out))
			return 1;
	}
	snprintf(out, size, "%s/%s", dir, name);
	return usable(out);
}

/* Whether glibc, handed the bare NAME by the shim, would load FOUND too:
 * from the shim it searches LD_LIBRARY_PATH, then the shim's RUNPATH (the
 * marker, where nothing is), so when FOUND is the first usable NAME along
 * LD_LIBRARY_PATH. Then the shim passes the name unchanged, and glibc files
 * the object under the name the program used, as it would without the
 * shim: a later dlopen of that name matches it by name, without the
 * allocation a match by SONAME costs (add_name_to_object), which fails when
 * memory is short (docs/reliability.md, bug 5). */
static int llp_finds(const char *name, const char *found)
{
	char p[PATH_MAX];
	const char *dir = llp_dirs;
	int i;

	for (i = 0; i < n_llp; i++, dir += strlen(dir) + 1)
		if (search_dir(dir, name, p, sizeof p))
			return strcmp(p, found) == 0;
	return 0;
}

void gs_resolve(const char *name, const void *caller, struct gs_resolved *out)
{
	_Alignas(Dl_serinfo) char buf[SERINFO_MAX];
	struct link_map *l = NULL;
	struct loaded_q q = { name, NULL, 0 };
	Dl_serinfo *si;
	Dl_info info;
	unsigned i, n_own;

	pthread_once(&init_once, resolve_init);
	out->path[0] = '\0';
	out->how = "unknown";
	out->caller[0] = '\0';
	gs_dlerr_stash();
	if (gs_real.dladdr1(caller, &info, (void **)&l, RTLD_DL_LINKMAP) && info.dli_fname)
		gs_strlcpy(out->caller, info.dli_fname, sizeof out->caller);
	if (!name) {
		out->how = "path";
		goto done;
	}
	if (strchr(name, '/')) {
		out->how = "path";
		goto done;
	}
	/* glibc first matches the name against what is loaded, caller or not. */
	gs_dl_iterate(loaded_cb, &q);
	if (q.path) {
		out->how = "loaded";
		if (!q.by_soname) /* glibc may not know it by this name: be exact */
			gs_strlcpy(out->path, q.path, sizeof out->path);
		goto done;
	}
	if (!l || !(si = serinfo(l, buf, sizeof buf)))
		goto done;
	n_own = si->dls_cnt;
	if (n_own >= (unsigned)n_sys) {
		int tail = 1, k;
		for (k = 0; k < n_sys; k++)
			if (strcmp(si->dls_serpath[n_own - (unsigned)n_sys + (unsigned)k].dls_name,
				   sys_dirs[k]) != 0)
				tail = 0;
		if (tail)
			n_own -= (unsigned)n_sys;
	}
	for (i = 0; i < n_own; i++) {
		const char *dir = si->dls_serpath[i].dls_name;
		if (!search_dir(dir, name, out->path, sizeof out->path))
			continue;
		out->how = in_ld_library_path(dir) ? "ld_library_path"
			   : has_runpath(l)        ? "runpath"
						   : "rpath";
		if (llp_finds(name, out->path))
			out->path[0] = '\0';
		goto done;
	}
	out->path[0] = '\0';
	out->how = "system";
done:
	gs_dlerr_discard();
}

void gs_resolve_file_name(const char *name, void *h)
{
	const struct link_map *l = h;
	Lmid_t lmid = LM_ID_BASE;
	const char *so = gs_elf_dyn_soname(l->l_ld, l->l_addr);

	if (!so || strcmp(so, name) != 0)
		return;
	gs_dlerr_stash();
	if (gs_real.dlinfo(h, RTLD_DI_LMID, &lmid) == 0) {
		void *again = lmid == LM_ID_BASE ? gs_real.own_dlopen(name, RTLD_LAZY | RTLD_NOLOAD)
					   : gs_real.own_dlmopen(lmid, name, RTLD_LAZY | RTLD_NOLOAD);
		if (again)
			gs_real.own_dlclose(again);
	}
	gs_dlerr_discard();
}

/* ---- candidates for a failed load ---- */

#define MAX_CAND 16

struct cands {
	char stem[128];     /* "libcudnn.so" for "libcudnn.so.8" */
	const char *name;
	char path[MAX_CAND][PATH_MAX];
	int n;
};

static void cand_add(struct cands *c, const char *dir, const char *file)
{
	char p[PATH_MAX];
	int i;

	const char *base = gs_basename(file);

	if (strncmp(base, c->stem, strlen(c->stem)) != 0 || strcmp(base, c->name) == 0)
		return;
	if (dir)
		snprintf(p, sizeof p, "%s/%s", dir, file);
	else
		gs_strlcpy(p, file, sizeof p);
	for (i = 0; i < c->n; i++)
		if (strcmp(c->path[i], p) == 0)
			return;
	if (c->n < MAX_CAND && access(p, F_OK) == 0)
		gs_strlcpy(c->path[c->n++], p, sizeof c->path[0]);
}

static void cand_dir(struct cands *c, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL)
		cand_add(c, dir, e->d_name);
	closedir(d);
}

/* /etc/ld.so.cache, "new" format (glibc >= 2.32 writes only that). */
static void cand_cache(struct cands *c)
{
	static const char magic[] = "glibc-ld.so.cache1.1";
	struct stat st;
	const unsigned char *m;
	uint32_t nlibs;
	int f = open("/etc/ld.so.cache", O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return;
	if (fstat(f, &st) != 0 || st.st_size < 48 || st.st_size > (64 << 20)) {
		close(f);
		return;
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, f, 0);
	close(f);
	if (m == MAP_FAILED)
		return;
	if (memcmp(m, magic, sizeof magic - 1) == 0) {
		uint32_t i;

		memcpy(&nlibs, m + 20, 4);
		for (i = 0; i < nlibs && 48 + (size_t)(i + 1) * 24 <= (size_t)st.st_size; i++) {
			uint32_t val;
			const char *p;
			memcpy(&val, m + 48 + (size_t)i * 24 + 8, 4);
			if (val >= (size_t)st.st_size || !memchr(m + val, '\0', (size_t)st.st_size - val))
				continue;
			p = (const char *)m + val;
			cand_add(c, NULL, p); /* cache values are full paths */
		}
	}
	munmap((void *)m, (size_t)st.st_size);
}

static struct cands cand; /* large; failures are rare, one at a time */
#define CAND_NAMES 64
static struct { unsigned long hash; int times; } cand_seen[CAND_NAMES];
static pthread_mutex_t cand_lock = PTHREAD_MUTEX_INITIALIZER;

void gs_resolve_restart(void)
{
	pthread_mutex_lock(&cand_lock);
	memset(cand_seen, 0, sizeof cand_seen);
	pthread_mutex_unlock(&cand_lock);
}

void gs_resolve_after_fork(void)
{
	pthread_mutex_init(&cand_lock, NULL);
	gs_resolve_restart();
}

/* Listing candidates reads directories and the cache: a millisecond. A name
 * that keeps failing (a probe in a loop) gets them on its first failures
 * only; the collector has them from there. */
#define CAND_TIMES 2

static int cand_again(const char *name)
{
	unsigned long h = 5381;
	const char *c;
	int i, free_slot = -1;

	for (c = name; *c; c++)
		h = h * 33 + (unsigned char)*c;
	for (i = 0; i < CAND_NAMES; i++) {
		if (cand_seen[i].times && cand_seen[i].hash == h)
			return cand_seen[i].times++ >= CAND_TIMES;
		if (!cand_seen[i].times && free_slot < 0)
			free_slot = i;
	}
	if (free_slot >= 0) {
		cand_seen[free_slot].hash = h;
		cand_seen[free_slot].times = 1;
	}
	return 0;
}

void gs_candidates(struct gs_rec *r, const char *name, const void *caller)
{
	struct cands *const cp = &cand;
	_Alignas(Dl_serinfo) char buf[SERINFO_MAX];
	struct link_map *l = NULL;
	Dl_serinfo *si;
	Dl_info info;
	const char *so;
	int k;

	if (!name || strchr(name, '/') || !(so = strstr(name, ".so")))
		return;
	pthread_once(&init_once, resolve_init);
	pthread_mutex_lock(&cand_lock);
	if (cand_again(name)) {
		pthread_mutex_unlock(&cand_lock);
		return;
	}
	cp->n = 0;
	cp->name = name;
	snprintf(cp->stem, sizeof cp->stem, "%.*s.so", (int)(so - name), name);
	gs_dlerr_stash();
	if (gs_real.dladdr1(caller, &info, (void **)&l, RTLD_DL_LINKMAP) && l &&
	    (si = serinfo(l, buf, sizeof buf))) {
		unsigned i;

		for (i = 0; i < si->dls_cnt; i++)
			cand_dir(cp, si->dls_serpath[i].dls_name);
	}
	gs_dlerr_discard();
	for (k = 0; k < n_sys; k++)
		cand_dir(cp, sys_dirs[k]);
	cand_cache(cp);
	if (cp->n) {
		gs_rec_open(r, "candidates", '[');
		for (k = 0; k < cp->n; k++)
			gs_rec_str(r, NULL, cp->path[k]);
		gs_rec_close(r);
	}
	pthread_mutex_unlock(&cand_lock);
}
