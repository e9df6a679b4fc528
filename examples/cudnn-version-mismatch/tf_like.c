/* A framework built against cuDNN 8.9.7 that ships it next to itself
 * (RUNPATH=$ORIGIN/../lib, like a wheel bundling cuDNN), loads libcudnn.so.8
 * by name and checks the version the way TensorFlow does: same major,
 * equal or higher minor. LD_LIBRARY_PATH comes before RUNPATH. */
#include <dlfcn.h>
#include <stdio.h>

#define COMPILED 8907 /* CUDNN_VERSION the "framework" was built with */

int main(void)
{
	void *h = dlopen("libcudnn.so.8", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("Could not load dynamic library 'libcudnn.so.8'; dlerror: %s\n", dlerror());
		return 1;
	}
	size_t (*ver)(void) = (size_t (*)(void))dlsym(h, "cudnnGetVersion");
	size_t v = ver ? ver() : 0;
	if (v / 1000 != COMPILED / 1000 || v % 1000 / 100 < COMPILED % 1000 / 100) {
		printf("Loaded runtime CuDNN library: %zu.%zu.%zu but source was compiled with: "
		       "%d.%d.%d.  CuDNN library needs to have matching major version and equal or "
		       "higher minor version.\n", v / 1000, v % 1000 / 100, v % 100,
		       COMPILED / 1000, COMPILED % 1000 / 100, COMPILED % 100);
		return 1;
	}
	printf("cuDNN %zu ok\n", v);
	return 0;
}
