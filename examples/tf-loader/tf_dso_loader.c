/* TensorFlow's start-up, reduced: its dso_loader dlopens each CUDA library
 * by soname and looks every function up on the handle (never by symbol),
 * logging as TensorFlow does; then the device count and a cuDNN handle.
 *   tf_dso_loader [CUDART_SONAME [CUDNN_SONAME]]
 * (default libcudart.so.13, libcudnn.so.9). Exit 0 when both succeed. */
#include <dlfcn.h>
#include <stdio.h>

static void *get_dso(const char *soname)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (h)
		printf("I dso_loader: Successfully opened dynamic library %s\n", soname);
	else
		printf("W dso_loader: Could not load dynamic library '%s'; dlerror: %s\n", soname, dlerror());
	return h;
}

static void *get_sym(void *h, const char *name)
{
	void *f = dlsym(h, name);
	if (!f)
		printf("E stream_executor: %s not found: %s\n", name, dlerror());
	return f;
}

int main(int argc, char **argv)
{
	const char *cudart_name = argc > 1 ? argv[1] : "libcudart.so.13";
	const char *cudnn_name = argc > 2 ? argv[2] : "libcudnn.so.9";
	void *cudart = get_dso(cudart_name), *cudnn = get_dso(cudnn_name);
	int bad = 0;

	if (!cudart || !cudnn)
		return 1;
	int (*count)(int *) = (int (*)(int *))get_sym(cudart, "cudaGetDeviceCount");
	int (*create)(void **) = (int (*)(void **))get_sym(cudnn, "cudnnCreate");
	if (!count || !create)
		return 1;
	int n = 0, rc = count(&n);
	if (rc) {
		printf("E gpu_device: failed call to cudaGetDeviceCount: %d\n", rc);
		bad = 1;
	} else {
		printf("I gpu_device: %d GPU(s) visible\n", n);
	}
	void *h = NULL;
	rc = create(&h);
	if (rc) {
		printf("E cuda_dnn: Could not create cudnn handle: %d\n", rc);
		bad = 1;
	} else {
		printf("I cuda_dnn: cuDNN handle created\n");
	}
	return bad;
}
