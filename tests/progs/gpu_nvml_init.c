/* NVML client linked by symbol (DT_NEEDED libnvidia-ml.so.1), the way
 * nvidia-smi and C monitoring agents use NVML. Prints one "key=value" line
 * per result; exits 0 whatever NVML returns (the results are the output).
 * The ABI is declared here: no NVIDIA headers at build time. */
#include <stdio.h>

int nvmlInit_v2(void);
int nvmlShutdown(void);
int nvmlSystemGetDriverVersion(char *version, unsigned length);
int nvmlSystemGetNVMLVersion(char *version, unsigned length);
int nvmlSystemGetCudaDriverVersion_v2(int *version);
int nvmlDeviceGetCount_v2(unsigned *count);
const char *nvmlErrorString(int rc);

int main(void)
{
	char buf[96] = "";
	int rc = nvmlInit_v2();
	printf("nvmlInit_v2=%d (%s)\n", rc, nvmlErrorString(rc));
	if (rc != 0)
		return 0;
	int r = nvmlSystemGetDriverVersion(buf, sizeof buf);
	printf("nvmlSystemGetDriverVersion=%d driver=%s\n", r, r == 0 ? buf : "");
	r = nvmlSystemGetNVMLVersion(buf, sizeof buf);
	printf("nvmlSystemGetNVMLVersion=%d nvml=%s\n", r, r == 0 ? buf : "");
	int cuda = 0;
	r = nvmlSystemGetCudaDriverVersion_v2(&cuda);
	printf("nvmlSystemGetCudaDriverVersion_v2=%d cuda=%d\n", r, cuda);
	unsigned count = 0;
	r = nvmlDeviceGetCount_v2(&count);
	printf("nvmlDeviceGetCount_v2=%d count=%u\n", r, count);
	printf("nvmlShutdown=%d\n", nvmlShutdown());
	return 0;
}
