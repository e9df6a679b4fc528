/* PATH search and the static/set-id checks for `gpushim run`. */
#include "cmdpath.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return 127;
	if (S_ISDIR(st.st_mode) || access(path, X_OK) != 0)
		return 126;
	return 0;
}

int gs_cmd_resolve(const char *name, char *buf, size_t n)
{
	if (!*name)
		return 127;
	if (strchr(name, '/')) {
		if (snprintf(buf, n, "%s", name) >= (int)n)
			return 127;
		return check(buf);
	}
	const char *path = getenv("PATH");
	if (!path) {
		static char defpath[256]; /* outlives this block: path points here */
		size_t len = confstr(_CS_PATH, defpath, sizeof defpath);
		path = len && len <= sizeof defpath ? defpath : "/bin:/usr/bin";
	}
	int best = 127;
	for (const char *p = path;; p++) {
		const char *e = strchrnul(p, ':');
		int dl = (int)(e - p);
		/* an empty entry means the current directory */
		int w = dl ? snprintf(buf, n, "%.*s/%s", dl, p, name) : snprintf(buf, n, "%s", name);
		if (w > 0 && (size_t)w < n) {
			int rc = check(buf);
			if (rc == 0)
				return 0;
			if (rc == 126)
				best = 126;
		}
		if (!*e)
			break;
		p = e;
	}
	return best;
}

const char *gs_cmd_preload_problem(const char *path)
{
	struct stat st;
	unsigned char hdr[sizeof(Elf64_Ehdr)];
	const char *why = NULL;

	if (stat(path, &st) != 0)
		return NULL;
	if (st.st_mode & S_ISUID)
		return "it is set-user-ID, and the dynamic loader ignores LD_PRELOAD for such programs";
	if ((st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP))
		return "it is set-group-ID, and the dynamic loader ignores LD_PRELOAD for such programs";
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (pread(fd, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr || memcmp(hdr, ELFMAG, SELFMAG) != 0)
		goto out; /* a script: its interpreter is what runs */
	if (hdr[EI_CLASS] == ELFCLASS32) {
		why = "it is a 32-bit program and the shim is 64-bit";
		goto out;
	}
	if (hdr[EI_CLASS] != ELFCLASS64)
		goto out;
	Elf64_Ehdr eh;
	memcpy(&eh, hdr, sizeof eh);
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 4096)
		goto out;
	bool interp = false;
	for (unsigned i = 0; i < eh.e_phnum && !interp; i++) {
		Elf64_Phdr ph;
		if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + (Elf64_Off)i * sizeof ph)) != (ssize_t)sizeof ph)
			goto out;
		interp = ph.p_type == PT_INTERP;
	}
	if (!interp && eh.e_type == ET_EXEC)
		why = "it is statically linked (no dynamic loader), so nothing can be preloaded";
	else if (!interp && eh.e_type == ET_DYN)
		why = "it has no program interpreter (static-pie), so nothing can be preloaded";
out:
	close(fd);
	return why;
}
