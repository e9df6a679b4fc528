/* Creates a cuDNN handle the way a framework's start-up does: load
 * libcudnn.so.9 by name (cuDNN 9 then loads libcudnn_graph.so.9 through its
 * RUNPATH, and libcuda.so.1 for the driver), cudnnCreate, print the
 * versions. Exit 0 when the handle was created, 1 otherwise. */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>

typedef int create_fn(void **);
typedef int destroy_fn(void *);
typedef size_t version_fn(void);
typedef const char *errstr_fn(int);

int main(void)
{
	void *lib = dlopen("libcudnn.so.9", RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		printf("Could not load dynamic library 'libcudnn.so.9'; dlerror: %s\n", dlerror());
		return 1;
	}
	create_fn *create = (create_fn *)dlsym(lib, "cudnnCreate");
	destroy_fn *destroy = (destroy_fn *)dlsym(lib, "cudnnDestroy");
	version_fn *version = (version_fn *)dlsym(lib, "cudnnGetVersion");
	version_fn *cudart = (version_fn *)dlsym(lib, "cudnnGetCudartVersion");
	errstr_fn *errstr = (errstr_fn *)dlsym(lib, "cudnnGetErrorString");
	if (!create || !destroy || !version || !cudart || !errstr) {
		printf("libcudnn.so.9 lacks an entry point: %s\n", dlerror());
		return 1;
	}
	printf("cuDNN %zu, built for CUDA runtime %zu\n", version(), cudart());
	void *h = NULL;
	int st = create(&h);
	printf("cudnnCreate: %d %s\n", st, errstr(st));
	if (st != 0)
		return 1;
	destroy(h);
	return 0;
}
