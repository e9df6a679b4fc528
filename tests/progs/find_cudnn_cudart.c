/* Real CUDA runtime and cuDNN, linked by symbol (built only where the
 * toolkit is installed): cudaGetDeviceCount, then cudnnCreate. Without a
 * driver both fail (35, 1001) for one reason, which the findings must name
 * once; the runtime's version (13000) reaches the records through the
 * cudaGetDeviceCount hook, cuDNN's (built for 13010) through cudnnCreate's. */
#include <stdio.h>

int cudaGetDeviceCount(int *count);
int cudnnCreate(void **handle);
int cudnnDestroy(void *handle);

int main(void)
{
	int n = -1;
	void *h = NULL;
	printf("cudaGetDeviceCount=%d\n", cudaGetDeviceCount(&n));
	int st = cudnnCreate(&h);
	printf("cudnnCreate=%d\n", st);
	if (st == 0)
		cudnnDestroy(h);
	return 0;
}
