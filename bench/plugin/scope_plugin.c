/* scope_plugin: what bench/scope_cost.c loads RTLD_LOCAL. It has the real
 * libcudart.so.13 as DT_NEEDED (RUNPATH to the toolkit) and calls
 * cudaGetDeviceCount by symbol, so under the shim every call binds to the
 * shim's exported stub, which must find the plugin's own (local) copy. */
int cudaGetDeviceCount(int *count);

long scope_calls(long n)
{
	long s = 0;
	int c;

	for (long i = 0; i < n; i++)
		s += cudaGetDeviceCount(&c);
	return s;
}
