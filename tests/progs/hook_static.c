/* Built with nvcc and the static CUDA runtime (tests/hooks.mk; skipped where
 * there is no nvcc): the program carries libcudart_static inside it, so the
 * only GPU boundary it crosses is dlopen("libcuda.so.1"), dlsym
 * cuGetProcAddress_v2 and the driver entry points handed out by it.
 * Plain C so that nvcc needs only the host compiler. Exit 0. */
#include <stdio.h>

int cudaGetDeviceCount(int *count);
int cudaRuntimeGetVersion(int *version);
int cudaDriverGetVersion(int *version);

int main(void)
{
	int count = -1, rt = -1, drv = -1;
	int rc = cudaGetDeviceCount(&count);
	printf("cudaGetDeviceCount=%d count=%d\n", rc, count);
	rc = cudaRuntimeGetVersion(&rt);
	printf("cudaRuntimeGetVersion=%d runtime=%d\n", rc, rt);
	rc = cudaDriverGetVersion(&drv);
	printf("cudaDriverGetVersion=%d driver=%d\n", rc, drv);
	return 0;
}
