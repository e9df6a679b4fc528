/* CUDA runtime client linked by symbol against the real libcudart.so.13
 * (built only where the toolkit is installed; see tests/fakes/build.mk).
 * Pins the real runtime's answers: 35 with no libcuda.so.1, 34 with the stub. */
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
