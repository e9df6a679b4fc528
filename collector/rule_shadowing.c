/* path-shadowing: a GPU library came from LD_LIBRARY_PATH while the search
 * without it (the caller's RUNPATH, ld.so.cache, the default directories)
 * finds another version. The records say what loaded; what else is
 * installed is read from this machine's disk, so the rule only speaks when
 * the loaded file is here with the recorded size and mtime. */
#include "findings_rules.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* glibc's default directories on Debian/Ubuntu x86-64 (multiarch first). */
static const char *const default_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};

static void dir_of(const char *path, char *buf, size_t n)
{
	const char *s = path ? strrchr(path, '/') : NULL;
	if (!s)
		snprintf(buf, n, ".");
	else
		snprintf(buf, n, "%.*s", (int)(s == path ? 1 : s - path), path);
}

/* DIR (without trailing slashes) is one of LD_LIBRARY_PATH's entries. */
static bool in_path_list(const char *list, const char *dir)
{
	size_t dl = strlen(dir);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	for (const char *s = list; s && *s;) {
		const char *e = strpbrk(s, ":;");
		size_t n = e ? (size_t)(e - s) : strlen(s);
		while (n > 1 && s[n - 1] == '/')
			n--;
		if (n == dl && !strncmp(s, dir, n))
			return true;
		s = e ? e + 1 : NULL;
	}
	return false;
}

static bool came_from_ld_library_path(const struct gs_proc *p, const struct gs_lib *l)
{
	char dir[PATH_MAX];
	if (l->how && !strcmp(l->how, "ld_library_path"))
		return true;
	if (!l->how || strcmp(l->how, "needed") != 0)
		return false;
	dir_of(l->path, dir, sizeof dir);
	return in_path_list(fq_env(p, "LD_LIBRARY_PATH"), dir);
}

/* First existing DIR/NAME over the RUNPATH entries of CALLER ($ORIGIN
 * expanded to CALLER's directory). */
static bool in_runpath(const char *caller, const char *name, char *out, size_t n)
{
	char rp[4096], origin[PATH_MAX], dir[PATH_MAX];
	bool is_rpath = false;
	if (!gs_fs_runpath(caller, rp, sizeof rp, &is_rpath) || is_rpath)
		return false; /* DT_RPATH is searched before LD_LIBRARY_PATH: no shadowing */
	dir_of(caller, origin, sizeof origin);
	for (char *s = rp, *e; s && *s; s = e ? e + 1 : NULL) {
		e = strchr(s, ':');
		if (e)
			*e = '\0';
		if (!strncmp(s, "$ORIGIN", 7))
			snprintf(dir, sizeof dir, "%s%s", origin, s + 7);
		else if (!strncmp(s, "${ORIGIN}", 9))
			snprintf(dir, sizeof dir, "%s%s", origin, s + 9);
		else
			snprintf(dir, sizeof dir, "%s", s);
		if ((size_t)snprintf(out, n, "%s/%s", dir, name) < n && access(out, F_OK) == 0)
			return true;
	}
	return false;
}

/* Where the search without LD_LIBRARY_PATH finds NAME; WHY names the step. */
static bool alternative(const char *caller, const char *name, char *out, size_t n, const char **why)
{
	if (caller && in_runpath(caller, name, out, n)) {
		*why = "the caller's RUNPATH";
		return true;
	}
	if (gs_fs_ldcache(name, out, n) && access(out, F_OK) == 0) {
		*why = "the system path (ld.so.cache)";
		return true;
	}
	for (size_t i = 0; i < sizeof default_dirs / sizeof default_dirs[0]; i++)
		if ((size_t)snprintf(out, n, "%s/%s", default_dirs[i], name) < n && access(out, F_OK) == 0) {
			*why = "the system path (default directories)";
			return true;
		}
	return false;
}

static bool versions_differ(const char *va, const char *pa, const char *vb, const char *pb)
{
	struct stat a, b;
	if (gs_kn_version_parts(va) >= 2 && gs_kn_version_parts(vb) >= 2)
		return gs_kn_version_cmp(va, vb) != 0;
	return stat(pa, &a) == 0 && stat(pb, &b) == 0 && a.st_size != b.st_size;
}

void rule_path_shadowing(struct gs_fctx *cx)
{
	const struct gs_proc *p = cx->p;
	char alt[PATH_MAX], real[PATH_MAX], dir[PATH_MAX];
	const char *why = NULL;

	for (size_t i = 0; i < p->libs.n; i++) {
		const struct gs_lib *l = &p->libs.v[i];
		const char *name = l->soname ? l->soname : fq_base(l->path);
		const char *caller = l->loaded_by;
		if (!name || !came_from_ld_library_path(p, l) || !gs_fs_same_machine(l))
			continue;
		if (caller && !strcmp(caller, "(program)"))
			caller = p->exe;
		if (!alternative(caller, name, alt, sizeof alt, &why) || gs_fs_same_file(alt, l->realpath) ||
		    !realpath(alt, real))
			continue;
		const char *av = gs_kn_so_version(real);
		if (!versions_differ(l->file_version, l->realpath, av, real))
			continue;
		struct gs_fb b;
		fb_init(&b, "path-shadowing", "warning");
		fb_ev_lib(&b, l);
		fb_ev_env(&b, p, "LD_LIBRARY_PATH");
		fb_ev_file(&b, real, av, why);
		dir_of(l->path, dir, sizeof dir);
		fb_msg(&b, "%s was loaded from %s (%s) because LD_LIBRARY_PATH puts %s first, while %s "
			   "has %s (%s)", name, fq_lib_path(l), l->file_version ? l->file_version : "version unknown",
		       dir, why, real, av ? av : "version unknown");
		fb_fix(&b, "Decide which %s you want: to use %s, remove %s from LD_LIBRARY_PATH; to "
			   "use %s, remove or upgrade the other install, so only one release of %s is "
			   "on the machine.", name, real, dir, fq_lib_path(l), l->family ? l->family : name);
		fb_emit(cx, &b);
	}
}
