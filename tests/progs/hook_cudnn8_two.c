/* Two copies of cuDNN 8 in one process: this program is linked by symbol
 * against one (the fake 8.9.7, see tests/hooks.mk) and dlopens another by
 * path (argv[1], RTLD_LOCAL) whose entry points it looks up with dlsym.
 * It calls cudnnCreate through each, twice, alternating, and prints what
 * each copy says its version is. Exit 0 (1 if the second copy is missing). */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

int cudnnCreate(void **handle);
size_t cudnnGetVersion(void);

int main(int argc, char **argv)
{
	void *h = argc > 1 ? dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) : NULL;
	int (*create2)(void **) = h ? (int (*)(void **))dlsym(h, "cudnnCreate") : NULL;
	size_t (*version2)(void) = h ? (size_t (*)(void))dlsym(h, "cudnnGetVersion") : NULL;
	void *x = NULL;

	if (!create2 || !version2) {
		printf("second copy: %s\n", dlerror());
		return 1;
	}
	printf("linked cudnnGetVersion=%zu\n", cudnnGetVersion());
	printf("dlopened cudnnGetVersion=%zu\n", version2());
	for (int i = 0; i < 2; i++) {
		printf("linked cudnnCreate=%d\n", cudnnCreate(&x));
		printf("dlopened cudnnCreate=%d\n", create2(&x));
	}
	return 0;
}
