/* A training script's first GPU steps, as a framework takes them: load the
 * CUDA runtime and cuDNN by name (argv[1], argv[2]), count devices, create
 * a cuDNN handle. Prints the error text a framework shows and exits 1. */
#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s LIBCUDART LIBCUDNN\n", argv[0]);
		return 2;
	}
	void *rt = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
	void *dnn = rt ? dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL) : NULL;
	if (!dnn) {
		printf("cannot load the GPU libraries: %s\n", dlerror());
		return 1;
	}
	int (*count)(int *) = (int (*)(int *))dlsym(rt, "cudaGetDeviceCount");
	int (*create)(void **) = (int (*)(void **))dlsym(dnn, "cudnnCreate");
	const char *(*err)(int) = (const char *(*)(int))dlsym(dnn, "cudnnGetErrorString");
	if (!count || !create || !err)
		return 1;
	int n = 0, rc = count(&n);
	printf("cudaGetDeviceCount: %d (%d devices)\n", rc, rc ? 0 : n);
	void *handle = NULL;
	int st = create(&handle);
	if (st != 0) {
		printf("RuntimeError: cuDNN error: %s\n", err(st));
		return 1;
	}
	printf("cuDNN handle created\n");
	return 0;
}
