/* cuDNN client linked by symbol against the real libcudnn.so.9 and
 * libcudart.so.13 (built only where the toolkit is installed). cuDNN 9 loads
 * its sub-libraries by bare name through RUNPATH=$ORIGIN, which is what the
 * shim must not break. Here (no driver) cudnnCreate returns 1001. */
#include <stddef.h>
#include <stdio.h>

int cudnnCreate(void **handle);
int cudnnDestroy(void *handle);
size_t cudnnGetVersion(void);
size_t cudnnGetCudartVersion(void);
const char *cudnnGetErrorString(int status);
int cudaRuntimeGetVersion(int *version);

int main(void)
{
	void *h = NULL;
	int st = cudnnCreate(&h);
	printf("cudnnCreate=%d (%s)\n", st, cudnnGetErrorString(st));
	printf("cudnnGetVersion=%zu\n", cudnnGetVersion());
	printf("cudnnGetCudartVersion=%zu\n", cudnnGetCudartVersion());
	int rt = -1;
	int rc = cudaRuntimeGetVersion(&rt);
	printf("cudaRuntimeGetVersion=%d runtime=%d\n", rc, rt);
	if (st == 0)
		printf("cudnnDestroy=%d\n", cudnnDestroy(h));
	return 0;
}
