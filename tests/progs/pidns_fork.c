/* pidns_fork [unshare]: loads NVML (dlopen libnvidia-ml.so.1, calls
 * nvmlInit_v2), then forks a child that calls it again. With "unshare" the
 * parent first moves its future children into a new pid namespace
 * (unshare(CLONE_NEWPID), root only), so the child is pid 1 of its own
 * namespace. Each process prints "ROLE pid=N pidns=M", M being the inode
 * of its /proc/self/ns/pid (0 if unknown), for the test to compare with the
 * records. Exit 0, or 2 when unshare is refused. */
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void report(const char *role)
{
	struct stat st;
	long long ns = stat("/proc/self/ns/pid", &st) == 0 ? (long long)st.st_ino : 0;

	printf("%s pid=%d pidns=%lld\n", role, (int)getpid(), ns);
	fflush(stdout);
}

static void nvml(void)
{
	void *h = dlopen("libnvidia-ml.so.1", RTLD_NOW);
	int (*init)(void) = h ? (int (*)(void))dlsym(h, "nvmlInit_v2") : NULL;

	if (init)
		init();
}

int main(int argc, char **argv)
{
	int status = 0;
	pid_t c;

	nvml();
	report("parent");
	if (argc > 1 && !strcmp(argv[1], "unshare") && unshare(CLONE_NEWPID) != 0) {
		perror("unshare");
		return 2;
	}
	c = fork();
	if (c < 0)
		return 1;
	if (c == 0) {
		nvml();
		report("child");
		exit(0); /* at exit the shim says bye */
	}
	waitpid(c, &status, 0);
	return 0;
}
