/* A monitoring agent's start-up, the way pynvml and nvidia-smi do it:
 * load libnvidia-ml.so.1 by name, nvmlInit_v2, print the driver version.
 * On failure it prints what such tools print and exits 1. */
#include <dlfcn.h>
#include <stdio.h>

int main(void)
{
	void *h = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		printf("NVML Shared Library Not Found: %s\n", dlerror());
		return 1;
	}
	int (*init)(void) = (int (*)(void))dlsym(h, "nvmlInit_v2");
	const char *(*errstr)(int) = (const char *(*)(int))dlsym(h, "nvmlErrorString");
	int (*drv)(char *, unsigned) = (int (*)(char *, unsigned))dlsym(h, "nvmlSystemGetDriverVersion");
	if (!init || !errstr || !drv) {
		printf("NVML is missing entry points\n");
		return 1;
	}
	int rc = init();
	if (rc != 0) {
		printf("Failed to initialize NVML: %s\n", errstr(rc));
		return 1;
	}
	char v[96] = "";
	drv(v, sizeof v);
	printf("NVIDIA driver %s\n", v);
	return 0;
}
