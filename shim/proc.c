#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "strl.h"

#include "config.h"
#include "dllock.h"
#include "fold.h"
#include "gpuhooks.h"
#include "ident.h"
#include "nextdef.h"
#include "proc.h"
#include "record.h"
#include "resolve.h"
#include "stack.h"
#include "versions.h"
#include "sink.h"

static int pid;
static long long pidns;         /* inode of the pid namespace; 0 unknown */
static int forked;
static long long seq;           /* last sequence number handed out */
static long long pending_drops; /* dropped since the last record that got out */
static long long dropped;
static long long folded;
static int hello_state;         /* 0 not sent, 1 sent (or being sent) */

/* The fixed allow-list (design §3 rule 4): nothing else leaves the process. */
static const char *const env_allow[] = {
	"LD_LIBRARY_PATH", "LD_PRELOAD", "LD_BIND_NOW", "CUDA_VISIBLE_DEVICES",
	"NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES", "CUDA_HOME", "CUDA_PATH",
	"CUDA_MODULE_LOADING", "CUDNN_PATH", "CUDA_DEVICE_ORDER", "CUDA_LAUNCH_BLOCKING",
	"XLA_FLAGS", "TF_CPP_MIN_LOG_LEVEL", "GPUSHIM_WATCH", "GPUSHIM_STACK", "GPUSHIM_SYSROOT",
};

static __thread int tid __attribute__((tls_model("initial-exec")));

int gs_proc_pid(void)
{
	return pid;
}

long long gs_proc_pidns(void)
{
	return pidns;
}

/* The pid namespace, once per process: a record names it beside the pid,
 * which alone is ambiguous across containers. Without /proc (or when the
 * stat is refused) it stays unknown and records leave it out. */
static void read_pidns(void)
{
	int saved = errno;
	struct stat st;

	pidns = stat("/proc/self/ns/pid", &st) == 0 ? (long long)st.st_ino : 0;
	errno = saved;
}

int gs_proc_tid(void)
{
	if (!tid)
		tid = (int)gettid();
	return tid;
}

long long gs_proc_next_seq(void)
{
	return __atomic_add_fetch(&seq, 1, __ATOMIC_RELAXED);
}

void gs_proc_count_folded(long long n)
{
	__atomic_add_fetch(&folded, n, __ATOMIC_RELAXED);
}

int gs_proc_send(struct gs_rec *r)
{
	long long d;

	if (gs_cfg.secure)
		return -1; /* secure mode records nothing (config.c) */
	d = __atomic_exchange_n(&pending_drops, 0, __ATOMIC_RELAXED);

	gs_rec_finish(r, d);
	if (gs_sink_write(r->buf, r->len) == 0)
		return 0;
	__atomic_add_fetch(&pending_drops, d + 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&dropped, 1, __ATOMIC_RELAXED);
	return -1;
}

/* Reads a small file under GPUSHIM_SYSROOT into BUF; 0 on success. */
static int read_sys(const char *path, char *buf, size_t size)
{
	char full[512];
	ssize_t n;
	int f;

	snprintf(full, sizeof full, "%s%s", gs_cfg.sysroot, path);
	f = open(full, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, buf, size - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* The kernel module's version: /sys/module/nvidia/version holds it alone;
 * /proc/driver/nvidia/version says "... Kernel Module  545.23.08  ...". */
static int kernel_driver(char *out, size_t size)
{
	char buf[512], *p, *e;

	if (read_sys("/sys/module/nvidia/version", buf, sizeof buf) == 0) {
		buf[strcspn(buf, " \t\n")] = '\0';
		if (buf[0]) {
			gs_strlcpy(out, buf, size);
			return 0;
		}
	}
	if (read_sys("/proc/driver/nvidia/version", buf, sizeof buf) != 0)
		return -1;
	p = strstr(buf, "Kernel Module");
	if (!p)
		return -1;
	p += strlen("Kernel Module");
	p += strspn(p, " \t");
	e = p + strcspn(p, " \t\n");
	*e = '\0';
	if (!*p)
		return -1;
	gs_strlcpy(out, p, size);
	return 0;
}

static const char *container_hint(void)
{
	if (access("/.dockerenv", F_OK) == 0)
		return "docker";
	if (access("/run/.containerenv", F_OK) == 0)
		return "podman";
	if (getenv("KUBERNETES_SERVICE_HOST"))
		return "kubernetes";
	if (getenv("container"))
		return "container";
	return NULL;
}

static void add_argv(struct gs_rec *r)
{
	char buf[2048];
	ssize_t n;
	size_t off = 0;
	int f = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);

	if (f < 0)
		return;
	n = read(f, buf, sizeof buf - 1);
	close(f);
	if (n <= 0)
		return;
	buf[n] = '\0';
	gs_rec_open(r, "argv", '[');
	while (off < (size_t)n) {
		const char *arg = buf + off;
		gs_rec_str(r, NULL, off && gs_cfg.redact_argv ? "<redacted>" : arg);
		off += strlen(arg) + 1;
	}
	gs_rec_close(r);
	if (n == (ssize_t)sizeof buf - 1)
		gs_rec_bool(r, "argv_trunc", 1);
}

static void send_hello(void)
{
	struct gs_rec r;
	char exe[1024], kd[64], dev[512];
	ssize_t n;
	size_t i;

	gs_rec_begin(&r, "hello");
	gs_rec_int(&r, "ppid", getppid());
	gs_rec_int(&r, "uid", getuid());
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	gs_rec_str(&r, "exe", exe);
	add_argv(&r);
	gs_rec_open(&r, "env", '{');
	for (i = 0; i < sizeof env_allow / sizeof *env_allow; i++) {
		const char *v = getenv(env_allow[i]);
		if (v)
			gs_rec_str(&r, env_allow[i], v);
	}
	gs_rec_close(&r);
	if (kernel_driver(kd, sizeof kd) == 0)
		gs_rec_str(&r, "kernel_driver", kd);
	else
		gs_rec_null(&r, "kernel_driver");
	snprintf(dev, sizeof dev, "%s/dev/nvidiactl", gs_cfg.sysroot);
	gs_rec_bool(&r, "nvidiactl", access(dev, F_OK) == 0);
	gs_rec_str(&r, "glibc", gnu_get_libc_version());
	gs_rec_str(&r, "container", container_hint());
	gs_rec_bool(&r, "forked", forked);
	gs_rec_str(&r, "shim", GS_SHIM_VERSION);
	gs_rec_int(&r, "stack_depth", gs_cfg.stack_depth);
	gs_proc_send(&r);
}

void gs_proc_hello_once(void)
{
	int expected = 0;

	if (__atomic_compare_exchange_n(&hello_state, &expected, 1, 0, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		send_hello();
}

void gs_proc_bye(const char *reason)
{
	struct gs_rec r;

	if (!__atomic_load_n(&hello_state, __ATOMIC_ACQUIRE))
		return; /* silent process: nothing was sent, nothing to close */
	gs_rec_begin(&r, "bye");
	gs_rec_int(&r, "sent", r.seq);
	gs_rec_int(&r, "dropped", __atomic_load_n(&dropped, __ATOMIC_RELAXED));
	gs_rec_int(&r, "folded", __atomic_load_n(&folded, __ATOMIC_RELAXED));
	gs_rec_str(&r, "reason", reason);
	gs_fold_totals(&r);
	gs_proc_send(&r);
}

static void reset_counters(void)
{
	seq = 0;
	pending_drops = dropped = folded = 0;
	hello_state = 0;
}

/* Only this thread exists in a fork child, but another may have held any
 * of the shim's locks at the fork: each module re-initialises its own. */
static void after_fork_child(void)
{
	pid = getpid();
	read_pidns(); /* the parent may have unshared a new pid namespace */
	tid = 0; /* the one thread of the child has a new id */
	forked = 1;
	gs_sink_after_fork();
	gs_ident_after_fork();
	gs_fold_after_fork();
	gs_stack_after_fork();
	gs_resolve_after_fork();
	gs_hooks_after_fork();
	gs_next_after_fork();
	gs_versions_after_fork();
	reset_counters();
}

/* After a failed exec other threads are still running: take the locks,
 * do not re-initialise them. */
void gs_proc_restart(void)
{
	if (!__atomic_load_n(&hello_state, __ATOMIC_ACQUIRE))
		return;
	gs_ident_restart();
	gs_fold_restart();
	gs_resolve_restart();
	gs_stack_forget();
	reset_counters();
}

void gs_proc_init(void)
{
	pid = getpid();
	read_pidns();
	gs_dllock_init();
	pthread_atfork(NULL, NULL, after_fork_child);
}
