/* exec: the image that made records says "bye" before it is replaced, so
 * its accounting is complete; the new image (same pid) starts over with a
 * hello. The execl* family is variadic and is not wrapped (it would need
 * memory for argv in a context where malloc is not safe): an image that
 * leaves through it has no bye, and the collector says so. */
#include <errno.h>
#include <unistd.h>

#include "guard.h"
#include "init.h"
#include "proc.h"
#include "real.h"

#define EXPORT __attribute__((visibility("default")))

typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execvpe_fn)(const char *, char *const[], char *const[]);
typedef int (*fexecve_fn)(int, char *const[], char *const[]);

static void before_exec(void)
{
	int saved = errno;

	/* A vfork or posix_spawn child shares the parent's memory and has not
	 * run the fork handlers: it must not touch the parent's accounting. */
	if (getpid() == gs_proc_pid()) {
		gs_guard_enter();
		gs_proc_bye("exec");
		gs_guard_leave();
	}
	errno = saved;
}

static void after_failed_exec(void)
{
	int saved = errno;

	if (getpid() == gs_proc_pid())
		gs_proc_restart();
	errno = saved;
}

#define NEXT(type, name) \
	static type next_fn; \
	if (!next_fn) \
		next_fn = (type)gs_real_next(name)

EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
	int rc;

	gs_init();
	NEXT(execve_fn, "execve");
	before_exec();
	rc = next_fn(path, argv, envp);
	after_failed_exec();
	return rc;
}

EXPORT int execv(const char *path, char *const argv[])
{
	return execve(path, argv, environ);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
	int rc;

	gs_init();
	NEXT(execvpe_fn, "execvpe");
	before_exec();
	rc = next_fn(file, argv, envp);
	after_failed_exec();
	return rc;
}

EXPORT int execvp(const char *file, char *const argv[])
{
	return execvpe(file, argv, environ);
}

EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	int rc;

	gs_init();
	NEXT(fexecve_fn, "fexecve");
	before_exec();
	rc = next_fn(fd, argv, envp);
	after_failed_exec();
	return rc;
}
