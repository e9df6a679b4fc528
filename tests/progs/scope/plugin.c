/* libscope_plugin.so: a plugin like an ONNX Runtime provider or a CUDA
 * extension's core library. DT_NEEDED on the fake NVML, cuDNN 8, CUDA
 * runtime 12 and driver, found through its RUNPATH ($ORIGIN-relative), and it
 * calls every hooked GPU function by symbol (through its PLT, bound lazily).
 * The host loads it in each way of tests/t/gpu-scope.sh and calls
 * scope_plugin_run(). No NVIDIA header: the prototypes are declared here. */
int nvmlInit(void);
int nvmlInit_v2(void);
int nvmlInitWithFlags(unsigned);
int nvmlDeviceGetCount_v2(unsigned *);
int nvmlSystemGetDriverVersion(char *, unsigned);
int cudnnCreate(void **);
int cudaGetDeviceCount(int *);
int cuInit(unsigned);
int cuDriverGetVersion(int *);
int cuDeviceGetCount(int *);
int cuGetProcAddress_v2(const char *, void **, int, unsigned long long, int *);
int cuGetProcAddress(const char *, void **, int, unsigned long long);

#define CALL(name) name
#include "calls.h"

__attribute__((visibility("default"))) int scope_plugin_run(void)
{
	scope_calls();
	return 0;
}
