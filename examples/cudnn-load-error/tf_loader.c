/* TensorFlow's dso_loader in miniature: dlopen libcudnn.so.8 by bare name
 * and, when that fails, print what TensorFlow prints and give up on the GPU. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	void *h = dlopen("libcudnn.so.8", RTLD_LAZY);
	if (!h) {
		const char *llp = getenv("LD_LIBRARY_PATH");
		printf("W dso_loader.cc:67] Could not load dynamic library 'libcudnn.so.8'; dlerror: %s; "
		       "LD_LIBRARY_PATH: %s\n", dlerror(), llp ? llp : "");
		printf("W gpu_device.cc:1956] Cannot dlopen some GPU libraries. Skipping registering GPU "
		       "devices...\n");
		return 1;
	}
	printf("Successfully opened dynamic library libcudnn.so.8\n");
	return 0;
}
