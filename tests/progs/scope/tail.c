/* libscope_tail.so: a thin wrapper that ends in a tail call, as -O2 makes
 * of "return cudaGetDeviceCount(c);": a jump through the PLT, so the return
 * address the shim's stub sees is in whoever called the wrapper (the host,
 * or libffi under ctypes), not in this library, whose local scope alone
 * holds libcudart (tests/t/gpu-scope.sh checks the jump is really there). */
int cudaGetDeviceCount(int *count);

__attribute__((visibility("default"))) int scope_tail_count(int *count)
{
	return cudaGetDeviceCount(count);
}
