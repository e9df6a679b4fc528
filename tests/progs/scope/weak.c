/* libscope_weak.so: a library with optional CUDA support through a weak
 * reference to cudaGetDeviceCount and no DT_NEEDED on any CUDA library.
 * Without a libcudart in its scope the reference is NULL and the call is
 * skipped. Under LD_PRELOAD the reference binds to the shim's exported stub,
 * which has no real definition to forward to for this caller: the stub must
 * return the family's "not found" code and say so in its record (no_real). */
#include <stdio.h>

extern int cudaGetDeviceCount(int *) __attribute__((weak));

__attribute__((visibility("default"))) int scope_weak_run(void)
{
	int n = -1, rc;

	if (!cudaGetDeviceCount) {
		printf("cudaGetDeviceCount absent\n");
	} else {
		rc = cudaGetDeviceCount(&n);
		printf("cudaGetDeviceCount rc=%d count=%d\n", rc, n);
	}
	fflush(stdout);
	return 0;
}
