/* Issue-16 probe for bench/field.sh: a plugin that calls a hooked GPU entry
 * point BY SYMBOL from its own local scope. Built twice per family:
 *   probe_cudart13.so  DT_NEEDED libcudart.so.13 (linked against the real one)
 *   probe_cudart12.so  DT_NEEDED libcudart.so.12 (the fake, for --dry-run)
 *   probe_nvml.so      DT_NEEDED libnvidia-ml.so.1
 * The client loads the library first (ctypes.CDLL, RTLD_LOCAL), then this
 * plugin (RTLD_LOCAL too): its DT_NEEDED matches the loaded copy by soname,
 * which sits in the plugin's local scope only, never in the global one. A
 * shim whose stub looks for "next" in the global scope alone answers with a
 * made-up code here; the real library answers 0 and the device count. */
#ifdef PROBE_NVML
int nvmlInit_v2(void);
int nvmlDeviceGetCount_v2(unsigned *count);

int field_probe(int *count)
{
	unsigned n = 12345;
	int rc = nvmlInit_v2();

	if (rc != 0)
		return rc;
	rc = nvmlDeviceGetCount_v2(&n);
	*count = (int)n;
	return rc;
}
#else
int cudaGetDeviceCount(int *count);

int field_probe(int *count)
{
	*count = 12345;
	return cudaGetDeviceCount(count);
}
#endif
