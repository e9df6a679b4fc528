/* sec_probe FAKEDIR: a program that has the shim as a DT_NEEDED (absolute
 * RUNPATH), so that it is loaded even where glibc ignores LD_PRELOAD paths:
 * in a set-uid process (AT_SECURE). Prints whether the process is in secure
 * mode, then dlopens FAKEDIR/libcudart.so.12 and calls cudaGetDeviceCount
 * through dlsym (tests/t/perm-secure.sh). */
#include <dlfcn.h>
#include <stdio.h>
#include <sys/auxv.h>

int main(int argc, char **argv)
{
	char path[4096];
	int (*count)(int *);
	void *h;
	int n = -1, rc;

	if (argc != 2)
		return 2;
	printf("secure=%lu\n", getauxval(AT_SECURE));
	snprintf(path, sizeof path, "%s/libcudart.so.12", argv[1]);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		return 1;
	}
	count = (int (*)(int *))dlsym(h, "cudaGetDeviceCount");
	if (!count)
		return 1;
	rc = count(&n);
	printf("cudaGetDeviceCount rc=%d count=%d\n", rc, n);
	return 0;
}
